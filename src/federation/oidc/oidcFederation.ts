/**
 * The OIDC side of AssumeRoleWithWebIdentity: the set of trusted providers (replaceable at runtime,
 * so a config reload that removes or disables a provider rejects its tokens at once), their key
 * sources (kept across reloads when unchanged, so caches survive), and verification.
 */
import { createKeySource, DEFAULT_REMOTE_KEY_OPTIONS, keySourceIdentity } from './keySource.js';
import type { KeySource, KeySourceStats, RemoteKeyOptions } from './keySource.js';
import { oidcProviderArn } from '../../credentials/arns.js';
import { DEFAULT_CLOCK_SKEW_SECONDS, SAFE_ALGORITHMS, validateOidcProviderSettings, withoutTrailingSlash } from './providerSettings.js';
import type { OidcProviderSettings } from './providerSettings.js';
import type { OidcProviderRegistry, TrustedOidcProvider, VerifiedWebIdentity } from './types.js';
import { verifyIdToken } from './verifyIdToken.js';
import type { VerifyIdTokenOptions } from './verifyIdToken.js';

export interface OidcFederationOptions {
  /** 12-digit account id, for provider ARNs. */
  readonly account: string;
  /** ARN partition (aws, aws-cn, aws-us-gov). */
  readonly partition: string;
  /** Deadline for fetching a provider's keys (discovery + JWKS), ms. Default 4000: a request that needs keys settles within 5 s. */
  readonly fetchTimeoutMs?: number;
  /** Minimum interval between key-set fetches triggered by unknown `kid`s, ms. Default 30000. */
  readonly jwksCooldownMs?: number;
  /** Background key refresh period, ms. Default 600000 (10 minutes). */
  readonly jwksRefreshIntervalMs?: number;
}

export interface OidcFederationStats {
  /** Provider HTTP requests since start, over every provider ever loaded (a Prometheus counter). */
  readonly fetches: number;
  /** Failed key refreshes since start, over every provider ever loaded. */
  readonly failures: number;
  /** Current enabled providers by name. */
  readonly providers: Readonly<Record<string, KeySourceStats>>;
}

/** The `iss` spellings a provider answers to: one trailing slash is not significant (Auth0 issuers end in one). */
function issuerSpellings(issuer: string): string[] {
  const bare = withoutTrailingSlash(issuer);
  return bare === issuer ? [issuer, `${issuer}/`] : [issuer, bare];
}

/** Is `seen` (a token's `iss`) the configured issuer, in one of the spellings it answers to? */
export function isIssuerOf(configured: string, seen: string): boolean {
  return issuerSpellings(configured).includes(seen);
}

function positiveInteger(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`${what} must be a non-negative integer`);
  return value;
}

export class OidcFederation {
  readonly #account: string;
  readonly #partition: string;
  readonly #keyOptions: RemoteKeyOptions;
  #registry: OidcProviderRegistry = new Map();
  #sources = new Map<string, { readonly name: string; readonly source: KeySource }>();
  /** Counters of key sources that were dropped by a reload, so totals never go down. */
  #retired = { fetches: 0, failures: 0 };

  /** Throws an Error when the options or a provider are invalid. */
  constructor(providers: readonly OidcProviderSettings[], options: OidcFederationOptions) {
    if (!/^\d{12}$/.test(options.account)) throw new Error('account must be 12 digits');
    if (!/^[a-z][a-z0-9-]*$/.test(options.partition)) throw new Error('partition must be an ARN partition such as aws');
    this.#account = options.account;
    this.#partition = options.partition;
    const defaults = DEFAULT_REMOTE_KEY_OPTIONS;
    this.#keyOptions = {
      fetchTimeoutMs: positiveInteger(options.fetchTimeoutMs, defaults.fetchTimeoutMs, 'fetchTimeoutMs'),
      cooldownMs: positiveInteger(options.jwksCooldownMs, defaults.cooldownMs, 'jwksCooldownMs'),
      refreshIntervalMs: Math.max(1, positiveInteger(options.jwksRefreshIntervalMs, defaults.refreshIntervalMs, 'jwksRefreshIntervalMs')),
    };
    this.setProviders(providers);
  }

  /**
   * Verifies an ID token (see verifyIdToken.ts for the checks, in order). Throws InvalidIdentityToken,
   * ExpiredToken, IDPCommunicationError, or AccessDenied (ProviderId names another provider).
   */
  verify(token: string, options?: VerifyIdTokenOptions): Promise<VerifiedWebIdentity> {
    return verifyIdToken(token, this.#registry, options);
  }

  /**
   * Replaces the trusted providers atomically. Disabled providers trust nothing and fetch nothing.
   * Key sources whose issuer and key location did not change are kept with their cached keys.
   * Throws an Error (and changes nothing) when a provider is invalid or two share a name or issuer.
   */
  setProviders(providers: readonly OidcProviderSettings[]): void {
    const names = new Set<string>();
    const issuers = new Set<string>();
    providers.forEach((p, i) => {
      try {
        validateOidcProviderSettings(p);
      } catch (e) {
        throw new Error(`OIDC provider ${i} (${p.name}): ${(e as Error).message}`);
      }
      const name = p.name.toLowerCase();
      const issuer = withoutTrailingSlash(p.issuer);
      if (names.has(name)) throw new Error(`OIDC provider ${i}: the name ${p.name} is used twice`);
      if (issuers.has(issuer)) throw new Error(`OIDC provider ${i}: the issuer ${p.issuer} is used twice`);
      names.add(name);
      issuers.add(issuer);
    });

    const registry = new Map<string, TrustedOidcProvider>();
    const sources = new Map<string, { name: string; source: KeySource }>();
    const created: KeySource[] = [];
    try {
      for (const settings of providers) {
        if (!settings.enabled) continue;
        const identity = keySourceIdentity(settings);
        // A jwksFile is read again on every reload (an operator removes a compromised key and sends
        // SIGHUP); only fetched key sets keep their cache across a reload.
        let entry = settings.jwksFile === undefined ? this.#sources.get(identity) : undefined;
        if (entry === undefined) {
          const source = createKeySource(settings, this.#keyOptions); // may throw: unreadable jwksFile
          created.push(source);
          entry = { name: settings.name, source };
        }
        sources.set(identity, { name: settings.name, source: entry.source });
        const provider = this.#prepare(settings, entry.source);
        for (const iss of provider.issuers) registry.set(iss, provider);
      }
    } catch (e) {
      for (const source of created) source.close();
      throw e;
    }

    for (const [identity, { source }] of this.#sources) {
      if (sources.get(identity)?.source === source) continue;
      const { fetches, failures } = source.stats();
      this.#retired.fetches += fetches;
      this.#retired.failures += failures;
      source.close();
    }
    this.#sources = sources;
    this.#registry = registry;
  }

  /** Fetches every provider's keys ahead of the first token; never rejects, whatever the providers do. */
  async warm(): Promise<void> {
    await Promise.all([...this.#sources.values()].map(({ source }) => source.warm()));
  }

  stats(): OidcFederationStats {
    let fetches = this.#retired.fetches;
    let failures = this.#retired.failures;
    const providers: Record<string, KeySourceStats> = {};
    for (const { name, source } of this.#sources.values()) {
      const s = source.stats();
      fetches += s.fetches;
      failures += s.failures;
      providers[name] = s;
    }
    return { fetches, failures, providers };
  }

  /** Stops background refreshes; verification afterwards can only use keys already held. */
  close(): void {
    for (const { source } of this.#sources.values()) source.close();
  }

  #prepare(settings: OidcProviderSettings, source: KeySource): TrustedOidcProvider {
    return Object.freeze({
      name: settings.name,
      arn: oidcProviderArn(this.#partition, this.#account, settings.name),
      issuer: settings.issuer,
      issuers: Object.freeze(issuerSpellings(settings.issuer)),
      clientIds: new Set(settings.clientIds),
      mfaAmr: new Set(settings.mfaAmr),
      algorithms: Object.freeze([...(settings.allowedAlgorithms ?? SAFE_ALGORITHMS)]),
      clockSkewSeconds: settings.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS,
      getKey: source.getKey,
    });
  }
}
