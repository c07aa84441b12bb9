/**
 * The broker: one object that owns every prepared service (model, store, keys, providers, MFA, audit,
 * metrics) and the HTTP server, built once at start and swapped atomically on a configuration reload.
 * Actions receive it and read `broker.model` per request, so a reload takes effect immediately.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { AuditLog } from './audit/auditLog.js';
import type { ClusterWorker } from './cluster/worker.js';
import { ConfigError } from './config/configError.js';
import { devProvidersListenerMessage, isLoopbackHost, startupIssues } from './config/startup.js';
import type { LoadedConfig } from './config/load.js';
import { buildModel, type BrokerModel } from './config/model.js';
import { lintWarnings } from './config/lint/index.js';
import { startDevProviders, type DevProviders } from './dev/devProviders.js';
import { DEV_OIDC_PATH } from './dev/oidcIdp.js';
import { DEV_SAML_PATH } from './dev/samlIdp.js';
import { consoleRouter, signinRouter } from './console/consoleRoutes.js';
import { FEDERATION_PATHS, federationEndpoint } from './console/federationRoutes.js';
import { oidcRouter } from './console/oidcRoutes.js';
import { ConsoleSessions } from './console/consoleSession.js';
import { samlRouter } from './console/samlRoutes.js';
import { SigninFlow } from './console/signinFlow.js';
import { localConsole } from './console/localConsole.js';
import { deviceRouter } from './console/deviceRoutes.js';
import { portalRouter } from './console/portalRoutes.js';
import { PersonSessions } from './console/personSession.js';
import { ssoAuthorizeRouter } from './console/ssoAuthorizeRoutes.js';
import { OidcFederation } from './federation/oidc/index.js';
import { currentMetadata, SamlValidator } from './federation/saml/index.js';
import { CallerResolver, OpenedTokenCache } from './federation/sigv4/callers.js';
import { createApp, type ReadinessCheck } from './http/app.js';
import { Gauge, Metrics } from './http/metrics.js';
import { RateLimiter } from './http/rateLimit.js';
import { createHttpServer } from './http/server.js';
import { authorizeRouter } from './http/authorizeRoute.js';
import { loadOrCreateKeyRing, type KeyRing } from './keys/keyRing.js';
import { createLogger, type Logger } from './log.js';
import { MfaService } from './mfa/mfaService.js';
import { PasskeyService, relyingPartyOf } from './mfa/webauthn/index.js';
import { QueryProtocol } from './protocol/queryProtocol.js';
import { buildActions } from './actions/index.js';
import { encodeAuthorizationMessage } from './actions/decodeAuthorizationMessage.js';
import { RevocationCache } from './sessions/revocations.js';
import { EntityIds, type EntitySet, type ResolvedIds } from './sessions/roleIds.js';
import { sessionValidity, type SessionValidity } from './sessions/sessionValidity.js';
import { localIssuer, RoleIssuers, type RoleIssuer } from './sessions/issuer.js';
import type { RoleModel } from './config/model.js';
import { upstreamIssuer } from './upstream/issuer.js';
import { UpstreamSts } from './upstream/stsClient.js';
import type { SessionMinterDeps } from './sessions/roleSession.js';
import { SessionPolicyCache } from './sessions/sessionPolicy.js';
import { SsoService } from './sso/index.js';
import { ssoRoutes } from './sso/http.js';
import type { PlainRoute } from './http/plainResponse.js';
import { personIssuer } from './sso/issuer.js';
import { openStore } from './store/index.js';
import type { Store } from './store/types.js';

export interface BrokerOptions {
  readonly logger?: Logger;
  readonly env?: NodeJS.ProcessEnv;
  /** Set in a worker process of `server.workers > 1` (src/cluster/). */
  readonly cluster?: ClusterWorker;
}

const SWEEP_INTERVAL_MS = 5 * 60_000;

export class Broker {
  #model: BrokerModel;
  #loaded: LoadedConfig;
  readonly logger: Logger;
  readonly store: Store;
  readonly keyRing: KeyRing;
  readonly ids: EntityIds;
  readonly revocations: RevocationCache;
  /** "Is this session still valid?" for every path that accepts presented credentials. */
  readonly sessionValidity: SessionValidity;
  readonly oidc: OidcFederation;
  #saml: SamlValidator;
  #mfa: MfaService;
  #passkeys: PasskeyService;
  readonly sessionPolicies = new SessionPolicyCache();
  readonly audit: AuditLog;
  readonly metrics = new Metrics();
  readonly rateLimiter: RateLimiter;
  readonly callers: CallerResolver;
  /** Opened session tokens, shared by SigV4, the federation endpoint and POST /authorize. */
  readonly openedTokens: OpenedTokenCache;
  readonly protocol: QueryProtocol;
  readonly app: Express;
  readonly server: Server;
  readonly dev: DevProviders | undefined;
  readonly consoleSessions: ConsoleSessions;
  readonly signin: SigninFlow;
  readonly sso: SsoService;
  /** The access portal's sessions (the person, not a role): portal, approval pages. */
  readonly persons: PersonSessions;
  #issuers: RoleIssuers;
  private readonly sweepTimer: NodeJS.Timeout;

  private constructor(parts: {
    loaded: LoadedConfig;
    model: BrokerModel;
    logger: Logger;
    store: Store;
    keyRing: KeyRing;
    revocations: RevocationCache;
    dev: DevProviders | undefined;
    cluster: ClusterWorker | undefined;
  }) {
    this.#loaded = parts.loaded;
    this.#model = parts.model;
    this.logger = parts.logger;
    this.store = parts.store;
    this.keyRing = parts.keyRing;
    this.revocations = parts.revocations;
    this.dev = parts.dev;
    this.ids = new EntityIds(this.store);
    this.sessionValidity = sessionValidity({
      revocations: this.revocations,
      entities: {
        roleId: (arn) => (this.#model.roleByArn(arn) !== undefined ? this.ids.peek('role', arn) : undefined),
        userId: (name) => {
          const user = this.#model.users.get(name);
          return user === undefined ? undefined : this.ids.peek('user', user.arn);
        },
      },
    });
    const { config } = parts.loaded;

    this.oidc = new OidcFederation(
      this.#model.oidcProviders.map((p) => p.settings),
      { account: this.#model.account, partition: this.#model.partition },
    );
    this.#saml = this.buildSamlValidator(parts.loaded, this.#model);
    // In a cluster worker the primary writes the audit file (one hash chain for all workers).
    const auditFile = config.audit.file === null ? null : (parts.cluster?.auditChain ?? config.audit.file);
    this.audit = new AuditLog(auditFile, this.store, (e) => this.logger.error({ err: e }, 'audit mirror to the store failed'));
    if (parts.cluster !== undefined) this.metrics.joinCluster(() => parts.cluster!.clusterMetrics());
    this.#mfa = this.buildMfaService(parts.loaded, this.#model);
    this.#passkeys = this.buildPasskeyService(parts.loaded, this.#model);
    this.rateLimiter = new RateLimiter(config.limits.requestsPerMinutePerIp);
    this.openedTokens = new OpenedTokenCache(this.keyRing);
    this.callers = new CallerResolver({
      keyRing: this.keyRing,
      openedTokens: this.openedTokens,
      account: this.#model.account,
      partition: this.#model.partition,
      longTermKeys: (accessKeyId) => {
        const key = this.#model.accessKeys.get(accessKeyId);
        if (key === undefined) return undefined;
        const userId = this.ids.peek('user', key.user.arn);
        // User ids are resolved at start and on reload, so this is always known for configured users.
        return userId === undefined ? undefined : { secretAccessKey: key.secretAccessKey, userName: key.user.name, userId, userPath: key.user.path };
      },
      sessionValid: (claims) => this.sessionValidity.isValid(claims),
    });
    this.protocol = new QueryProtocol({
      actions: buildActions(this),
      authenticate: (request) => this.callers.authenticate(request),
      rateLimiter: this.rateLimiter,
      metrics: this.metrics,
      audit: this.audit,
      logger: this.logger,
      accountId: this.#model.account,
      encodeDenial: (explanation) => encodeAuthorizationMessage(this.keyRing, explanation),
    });
    this.metrics.addGauge(
      new Gauge('fedbroker_oidc_provider_fetches_total', 'HTTP requests made to OpenID providers (discovery and JWKS).', () => [[{}, this.oidc.stats().fetches]], 'counter'),
    );
    this.metrics.addGauge(
      new Gauge('fedbroker_oidc_provider_fetch_failures_total', 'Failed key refreshes from OpenID providers.', () => [[{}, this.oidc.stats().failures]], 'counter'),
    );

    const readiness: ReadinessCheck[] = [
      { name: 'store', check: () => this.store.ping() },
      { name: 'keys', check: async () => void this.keyRing.activeKid },
      { name: 'providers', check: async () => this.checkProvidersLoaded() },
    ];
    this.sso = new SsoService({
      store: this.store,
      keyRing: this.keyRing,
      revocations: this.revocations,
      audit: this.audit,
      model: () => this.#model,
      loaded: () => this.#loaded,
      issuer: personIssuer((role) => this.issuerFor(role), () => this.#model),
    });
    const secureCookies = parts.loaded.publicUrl.startsWith('https:');
    this.consoleSessions = new ConsoleSessions(this.keyRing, this.revocations, this.sessionValidity, config.console.sessionCookieName, secureCookies);
    this.persons = new PersonSessions(this.store, this.keyRing, (person, nowMs) => this.sso.personValid(person, nowMs), secureCookies);
    this.signin = new SigninFlow(this, this.consoleSessions, secureCookies, this.persons);
    this.#issuers = this.buildIssuers(this.#model);
    const routers = [
      { path: '/saml', router: samlRouter(this, this.signin) },
      { path: '/signin', router: signinRouter(this, this.signin) },
      { path: '/console', router: consoleRouter(this, this.signin, this.consoleSessions, secureCookies) },
      { path: '/oidc', router: oidcRouter(this, this.signin) },
      { path: '/authorize', router: authorizeRouter(this) },
      { path: '/start', router: portalRouter(this, this.signin, this.persons, secureCookies) },
      { path: '/device', router: deviceRouter(this, this.signin, this.persons, secureCookies) },
      { path: '/sso-oidc', router: ssoAuthorizeRouter(this, this.signin, this.persons, secureCookies) },
      ...(this.dev ? [{ path: DEV_OIDC_PATH, router: this.dev.oidc.router }, { path: DEV_SAML_PATH, router: this.dev.saml.router }] : []),
    ];
    this.app = createApp({ metrics: this.metrics, readiness, logger: this.logger, trustProxy: config.server.trustProxy, routers });
    this.server = createHttpServer({
      protocol: this.protocol,
      app: this.app,
      routes: new Map([
        ...FEDERATION_PATHS.map((path): [string, PlainRoute] => [path, federationEndpoint(this, this.consoleSessions)]),
        ...ssoRoutes({ oidc: this.sso.oidc, portal: this.sso.portal, rateLimiter: this.rateLimiter, metrics: this.metrics, logger: this.logger, trustProxy: config.server.trustProxy, maxBodyBytes: config.limits.maxBodyBytes }),
      ]),
      trustProxy: config.server.trustProxy,
      maxBodyBytes: config.limits.maxBodyBytes,
      logger: this.logger,
    });
    this.sweepTimer = setInterval(() => {
      this.store.sweep(Date.now()).catch((e: unknown) => this.logger.warn({ err: e }, 'store sweep failed'));
    }, SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  get model(): BrokerModel {
    return this.#model;
  }

  /** The SAML validator of the current configuration (rebuilt on reload: providers, skew, limits). */
  get saml(): SamlValidator {
    return this.#saml;
  }

  /** The MFA service of the current configuration (rebuilt on reload: window, failures, lockout). */
  get mfa(): MfaService {
    return this.#mfa;
  }

  /** Passkeys (WebAuthn) for the current configuration's relying party (server.publicUrl, mfa.webauthn). */
  /** The passkey service of the current configuration (rebuilt on reload: relying party, settings). */
  get passkeys(): PasskeyService {
    return this.#passkeys;
  }

  private buildPasskeyService(loaded: LoadedConfig, model: BrokerModel): PasskeyService {
    return new PasskeyService({ store: this.store, audit: this.audit, account: model.account, rp: relyingPartyOf(loaded.publicUrl, loaded.config.mfa.webauthn) });
  }

  private buildSamlValidator(loaded: LoadedConfig, model: BrokerModel): SamlValidator {
    return new SamlValidator(
      {
        entityId: loaded.samlEntityId,
        acsUrl: loaded.acsUrl,
        clockSkewSeconds: loaded.config.saml.clockSkewSeconds,
        account: model.account,
        partition: model.partition,
        maxResponseBytes: loaded.config.limits.maxBodyBytes,
        decryptionKeyPem: this.keyRing.spSigningKeyPem,
      },
      model.samlProviders.map((p) => p.settings),
    );
  }

  private buildMfaService(loaded: LoadedConfig, model: BrokerModel): MfaService {
    const mfa = loaded.config.mfa;
    return new MfaService({
      store: this.store,
      sealer: this.keyRing,
      audit: this.audit,
      metrics: this.metrics,
      account: model.account,
      partition: model.partition,
      issuer: mfa.issuer,
      window: mfa.window,
      maxFailures: mfa.maxFailures,
      lockoutSeconds: mfa.lockoutSeconds,
    });
  }

  get loaded(): LoadedConfig {
    return this.#loaded;
  }

  /** Where the credentials of a decided session of `role` come from: this broker, or AWS (upstream.md). */
  issuerFor(role: RoleModel): RoleIssuer {
    return this.#issuers.issuerFor(role);
  }

  /** Origins beyond this broker where a console sign-in may end (CSP form-action of the sign-in pages). */
  get consoleOrigins(): readonly string[] {
    return this.#issuers.consoleOrigins;
  }

  private buildIssuers(model: BrokerModel): RoleIssuers {
    const local = localIssuer(() => this.minter, localConsole(this.store, this.consoleSessions, () => this.#loaded.publicUrl));
    if (model.upstream === undefined) return new RoleIssuers(local);
    const upstream = upstreamIssuer({
      sts: new UpstreamSts(model.upstream, this.logger),
      publicUrl: () => this.#loaded.publicUrl,
      stoppedUntil: (roleArn) => this.revocations.roleRevokedBefore(roleArn),
    });
    return new RoleIssuers(local, upstream);
  }

  /** What session-minting code needs (keys, ids, account). */
  get minter(): SessionMinterDeps {
    return { keyRing: this.keyRing, ids: this.ids, account: this.#model.account, partition: this.#model.partition };
  }

  static async start(loaded: LoadedConfig, options: BrokerOptions = {}): Promise<Broker> {
    const env = options.env ?? process.env;
    const logger = options.logger ?? createLogger();
    const { config } = loaded;
    const startup = startupIssues(config, env, loaded.publicUrl);
    if (startup.length > 0) throw new ConfigError(startup, loaded.file);
    if (config.devIdentityProviders) {
      logger.warn('devIdentityProviders is on: demo users can sign in without a password. Never use this in production.');
    }

    const keyRing = await loadOrCreateKeyRing(config.keys.dir, { spCommonName: new URL(loaded.publicUrl).hostname });
    const dev = config.devIdentityProviders ? await startDevProviders(loaded) : undefined;
    const model = await buildModel(loaded, {
      ...(dev ? { extraProviders: dev.providers, samlMetadata: dev.samlMetadata } : {}),
      fetchMetadata: 'background',
      onMetadataError: (provider, e) => logger.warn({ provider, err: e }, 'SAML metadata refresh failed; keeping the last good metadata'),
    });
    for (const w of [...model.warnings, ...lintWarnings(model)]) logger.warn(w);

    let store: Store | undefined;
    try {
      // A cluster's primary runs the SQLite checkpoints, once for all workers.
      store = await openStore(config.store, { baseDir: loaded.baseDir, sqliteCheckpoints: options.cluster === undefined });
      const revocations = new RevocationCache(store, { logger });
      await revocations.start();
      const broker = new Broker({ loaded, model, logger, store, keyRing, revocations, dev, cluster: options.cluster });
      const ids = await broker.ids.resolve(entitiesOf(model));
      broker.ids.apply(ids);
      await broker.ids.retireAbsent(ids);
      void broker.oidc.warm().catch((e: unknown) => logger.warn({ err: e }, 'OIDC key warm-up failed'));
      return broker;
    } catch (e) {
      model.close();
      await store?.close().catch(() => {});
      throw e;
    }
  }


  /** /readyz: every enabled SAML provider has metadata, every enabled OIDC provider holds keys. */
  private async checkProvidersLoaded(): Promise<void> {
    const missing: string[] = [];
    for (const p of this.#model.samlProviders) {
      if (!p.settings.enabled) continue;
      try {
        currentMetadata(p.settings.metadata);
      } catch {
        missing.push(`${p.settings.name} (no metadata yet)`);
      }
    }
    const stats = this.oidc.stats().providers;
    for (const p of this.#model.oidcProviders) {
      if (p.settings.enabled && (stats[p.settings.name]?.keys ?? 0) === 0) missing.push(`${p.settings.name} (no signing keys yet)`);
    }
    if (missing.length > 0) throw new Error(`providers not loaded: ${missing.join(', ')}`);
  }

  /**
   * Swaps in a new configuration (SIGHUP): removed providers, roles and users stop working at once;
   * policies, MFA settings, SAML clock skew and the rate limit apply to the next request.
   * What the process was started with stays until a restart: server.*, store, keys.dir, audit.file,
   * limits.maxBodyBytes (the HTTP body parsers are built at start), console.sessionCookieName and
   * devIdentityProviders.
   */
  async reload(loaded: LoadedConfig): Promise<void> {
    const model = await buildModel(loaded, this.dev ? { extraProviders: this.dev.providers, samlMetadata: this.dev.samlMetadata } : {});
    let saml: SamlValidator;
    let mfa: MfaService;
    let passkeys: PasskeyService;
    let ids: ResolvedIds;
    try {
      // Resolved before the swap, so requests never wait for the store (and a failure commits nothing).
      ids = await this.ids.resolve(entitiesOf(model));
      saml = this.buildSamlValidator(loaded, model);
      mfa = this.buildMfaService(loaded, model);
      passkeys = this.buildPasskeyService(loaded, model);
      // Throws (keeping the old set) on a provider set it cannot use: commit nothing then.
      this.oidc.setProviders(model.oidcProviders.map((p) => p.settings));
    } catch (e) {
      model.close();
      throw e;
    }
    const previous = this.#model;
    const previousIssuers = this.#issuers;
    this.#model = model;
    this.ids.apply(ids);
    this.#loaded = loaded;
    this.#issuers = this.buildIssuers(model);
    // Calls in flight finish on the old upstream client (upstream.timeoutMs is at most a minute).
    setTimeout(() => previousIssuers.close(), 60_000).unref();
    this.#saml = saml;
    this.#mfa = mfa;
    this.#passkeys = passkeys;
    this.rateLimiter.setLimit(loaded.config.limits.requestsPerMinutePerIp);
    previous.close();
    for (const w of [...model.warnings, ...lintWarnings(model)]) this.logger.warn(w);
    // Removed roles and users: if they come back, they are new entities with new ids. Retried at the
    // next load when the store fails now.
    await this.ids.retireAbsent(ids).catch((e: unknown) => this.logger.warn({ err: e }, 'retiring the ids of removed roles and users failed'));
    this.logger.info({ file: loaded.file }, 'configuration reloaded');
  }

  listen(port = this.#loaded.config.server.port, host = this.#loaded.config.server.host): Promise<AddressInfo> {
    if (this.dev && !isLoopbackHost(host)) {
      return Promise.reject(new ConfigError([{ path: 'server.host', message: devProvidersListenerMessage(host) }], this.#loaded.file));
    }
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Graceful: stop accepting, let in-flight requests finish, then release everything. */
  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    if (this.server.listening) {
      await new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        this.server.closeIdleConnections();
      });
    }
    this.rateLimiter.close();
    this.revocations.close();
    this.oidc.close();
    this.#issuers.close();
    this.#model.close();
    await this.audit.close();
    await this.store.close();
  }
}

/** The roles and users of a configuration, by ARN (their ids: sessions/roleIds.ts). */
function entitiesOf(model: BrokerModel): EntitySet {
  return { roles: [...model.roles.keys()], users: [...model.users.values()].map((u) => u.arn) };
}
