/**
 * A real OpenID Connect provider for tests (node-oidc-provider 9 on 127.0.0.1, http issuer), plus
 * local token minting for hostile cases.
 *
 * ```ts
 * const idp = await startOidcProvider();            // issuer http://127.0.0.1:<random port>
 * const token = await idp.issueIdToken({ sub: 'alice', amr: ['pwd', 'mfa'] });
 * // … verify it, call AssumeRoleWithWebIdentity with it …
 * await idp.stop();
 * ```
 *
 * startOidcProvider(options?) → TestOidcProvider:
 * - `issuer`, `jwksUri`, `clientIds` (default ['test-app', 'other-app']), `redirectUri`.
 * - `issueIdToken({ sub, clientId?, amr?, extraClaims? })`: a real ID token obtained through the
 *   authorization-code + PKCE flow, driven with fetch (authorize → login and consent interactions →
 *   code → token endpoint). Claims: `sub`, `email`, `email_verified`, `name`, `groups` (from
 *   `options.accounts[sub]`, defaults below), `amr` (as given), `auth_time`, `nonce`, plus
 *   `extraClaims` — each name must be in DEFAULT_EXTRA_CLAIM_NAMES or `options.extraClaimNames`
 *   (the provider only releases claims it was configured with).
 * - `mintToken(claims?, { header? })`: a token signed with the provider's current private key, for
 *   cases the provider would never issue (future `nbf`, missing `sub`, foreign `aud`…). Defaults:
 *   iss, aud = first client, sub 'alice', iat now, exp now + 300 s; a claim set to `undefined` is removed.
 * - `currentKid`, `publicKeyPem` (for the HS256 algorithm-confusion attack).
 * - `rotateKeys({ keepOld = true })`: the provider signs with a new key (new kid) from now on; its
 *   JWKS lists the new key (and the old one unless keepOld is false). Returns the new kid.
 * - `jwksFetches`, `discoveryFetches`: requests seen on /jwks and /.well-known/openid-configuration.
 * - `setJwksMode('ok' | 'fail' | 'hang')`: /jwks answers normally, with HTTP 503, or never.
 * - `stop()`: closes the server and every connection (including hanging ones).
 *
 * Local keys (no server): `createLocalSigningKey({ alg?, kid? })` → { kid, alg, privateKey,
 * publicJwk, jwks }, `mintLocalToken(key, claims, { header? })`, and raw builders for malformed or
 * hostile tokens: `unsignedToken(header, payload, signature?)` (alg none and friends) and
 * `hmacToken(header, payload, secret)` (HS256 with any secret).
 */
import { createHmac, createPublicKey, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JSONWebKeySet, JWK } from 'jose';
import { calculatePKCECodeChallenge, randomPKCECodeVerifier } from 'openid-client';

// ---- minimal typing of the parts of oidc-provider used here (it ships no types) -------------------

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
interface InteractionDetails {
  prompt: { name: string; details: { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> } };
  params: Record<string, string | undefined>;
  session?: { accountId?: string };
  grantId?: string;
}
interface Grant {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(indicator: string, scope: string): void;
  save(): Promise<string>;
}
interface ProviderInstance {
  callback(): Handler;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: unknown, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
  Grant: { new (init: { accountId: string; clientId: string }): Grant; find(id: string): Promise<Grant | undefined> };
}
type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;

async function loadProviderClass(): Promise<ProviderConstructor> {
  const specifier: string = 'oidc-provider'; // a variable: the package has no type declarations
  const mod = (await import(specifier)) as { default: ProviderConstructor };
  return mod.default;
}

// ---- public types -----------------------------------------------------------------------------

export type JwksMode = 'ok' | 'fail' | 'hang';

export interface TestOidcProviderOptions {
  /** Registered client ids (public clients, PKCE). Default ['test-app', 'other-app']. */
  clientIds?: string[];
  /** Claims per subject (beyond `sub`). Subjects not listed get `DEFAULT_ACCOUNT_CLAIMS(sub)`. */
  accounts?: Record<string, Record<string, unknown>>;
  /** More claim names `issueIdToken({ extraClaims })` may set. */
  extraClaimNames?: string[];
  /** ID token lifetime, seconds. Default 3600. */
  idTokenTtlSeconds?: number;
  /** More redirect URIs every client accepts (a relying party under test, e.g. the broker's callback); may depend on the issuer. */
  redirectUris?: string[] | ((issuer: string) => string[]);
}

export interface IssueIdTokenOptions {
  sub: string;
  /** Which registered client the token is for (its `aud`). Default: the first. */
  clientId?: string;
  /** Authentication methods recorded at login (the `amr` claim). Default ['pwd']. */
  amr?: string[];
  /** Claims added to (or replacing) the account's claims for this token only. */
  extraClaims?: Record<string, unknown>;
}

export interface TestOidcProvider {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly clientIds: readonly string[];
  readonly redirectUri: string;
  readonly currentKid: string;
  /** SPKI PEM of the current signing key (what an algorithm-confusion attacker would HMAC with). */
  readonly publicKeyPem: string;
  readonly jwksFetches: number;
  readonly discoveryFetches: number;
  issueIdToken(options: IssueIdTokenOptions): Promise<string>;
  /**
   * Lets a flow started elsewhere (a relying party under test, with `login_hint=sub`) log `sub` in,
   * with these authentication methods and claims.
   */
  allowLogin(sub: string, options?: { amr?: string[]; extraClaims?: Record<string, unknown> }): void;
  mintToken(claims?: Record<string, unknown>, options?: { header?: Record<string, unknown> }): Promise<string>;
  rotateKeys(options?: { keepOld?: boolean }): Promise<string>;
  setJwksMode(mode: JwksMode): void;
  stop(): Promise<void>;
}

export const DEFAULT_EXTRA_CLAIM_NAMES: readonly string[] = ['azp', 'department', 'roles', 'tenant', 'https://fedbroker.test/roles'];

export function DEFAULT_ACCOUNT_CLAIMS(sub: string): Record<string, unknown> {
  return { email: `${sub}@example.com`, email_verified: true, name: sub, groups: ['developers', 'everyone'] };
}

// ---- local keys and raw tokens ----------------------------------------------------------------

export interface LocalSigningKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  /** `{ keys: [publicJwk] }`, ready for a jwksFile or a fake JWKS endpoint. */
  readonly jwks: JSONWebKeySet;
  /** Private JWK, as oidc-provider's `jwks` configuration wants it. */
  readonly privateJwk: JWK;
}

export async function createLocalSigningKey(options: { alg?: string; kid?: string } = {}): Promise<LocalSigningKey> {
  const alg = options.alg ?? 'RS256';
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = options.kid ?? (await calculateJwkThumbprint(publicJwk)).slice(0, 16);
  Object.assign(publicJwk, { kid, alg, use: 'sig' });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk, jwks: { keys: [publicJwk] }, privateJwk };
}

/** Signs `claims` exactly as given with a local key; the header gets alg and kid unless overridden. */
export async function mintLocalToken(
  key: LocalSigningKey,
  claims: Record<string, unknown>,
  options: { header?: Record<string, unknown> } = {},
): Promise<string> {
  const header = { alg: key.alg, kid: key.kid, ...options.header } as { alg: string };
  return new SignJWT(claims).setProtectedHeader(header).sign(key.privateKey);
}

const segment = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** `header.payload.signature` with JSON segments and any (default empty) signature: alg none, garbage. */
export function unsignedToken(header: Record<string, unknown>, payload: Record<string, unknown>, signature = ''): string {
  return `${segment(header)}.${segment(payload)}.${signature}`;
}

/** An HS256-"signed" token keyed with any secret — e.g. the provider's public key PEM. */
export function hmacToken(header: Record<string, unknown>, payload: Record<string, unknown>, secret: string | Buffer): string {
  const input = `${segment({ alg: 'HS256', ...header })}.${segment(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Standard claims for a token of `issuer` valid now; `overrides` win, `undefined` removes a claim. */
export function idTokenClaims(issuer: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = { iss: issuer, aud: 'test-app', sub: 'alice', iat: now, exp: now + 300, ...overrides };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
  return claims;
}

// ---- the provider -------------------------------------------------------------------------------

interface PendingLogin {
  readonly amr: string[];
  readonly claims: Record<string, unknown>;
}

/** A tiny cookie jar for one browser-like flow. */
class CookieJar {
  readonly #cookies = new Map<string, string>();
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=.*1970/i.test(a));
      if (value === '' || expired) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export async function startOidcProvider(options: TestOidcProviderOptions = {}): Promise<TestOidcProvider> {
  const Provider = await loadProviderClass();
  const clientIds = options.clientIds ?? ['test-app', 'other-app'];
  const extraClaimNames = [...new Set([...DEFAULT_EXTRA_CLAIM_NAMES, ...(options.extraClaimNames ?? [])])];
  /** The flow in progress for each subject (oidc-provider uses the account id as `sub`). */
  const logins = new Map<string, PendingLogin>();
  /** Flows for the same subject run one at a time, so each gets its own claims. */
  const subjectQueues = new Map<string, Promise<unknown>>();
  let jwksMode: JwksMode = 'ok';
  let jwksFetches = 0;
  let discoveryFetches = 0;

  let provider: ProviderInstance | undefined;
  let handler: Handler | undefined;
  let signingKeys: LocalSigningKey[] = [];

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redirectUri = `${issuer}/cb`;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', issuer).pathname;
    if (path === '/jwks') {
      jwksFetches += 1;
      if (jwksMode === 'hang') return; // never answered; stop() destroys the socket
      if (jwksMode === 'fail') {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('JWKS unavailable');
        return;
      }
    }
    if (path === '/.well-known/openid-configuration') discoveryFetches += 1;
    if (path.startsWith('/interaction/')) return interaction(req, res);
    handler!(req, res);
  }

  /** Stands in for a login page and a consent page: finishes whichever prompt is pending. */
  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider!.interactionDetails(req, res);
    const sub = details.params.login_hint ?? '';
    const login = logins.get(sub);
    if (login === undefined) throw new Error('unknown login_hint: start flows with issueIdToken()');
    if (details.prompt.name === 'login') {
      await provider!.interactionFinished(req, res, { login: { accountId: sub, amr: login.amr } }, { mergeWithLastSubmission: false });
      return;
    }
    const accountId = details.session?.accountId ?? sub;
    const grant =
      (details.grantId === undefined ? undefined : await provider!.Grant.find(details.grantId)) ??
      new provider!.Grant({ accountId, clientId: details.params.client_id ?? '' });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await provider!.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  function configure(keys: LocalSigningKey[]): void {
    signingKeys = keys;
    provider = new Provider(issuer, {
      clients: clientIds.map((client_id) => ({
        client_id,
        token_endpoint_auth_method: 'none',
        redirect_uris: [redirectUri, ...(typeof options.redirectUris === 'function' ? options.redirectUris(issuer) : (options.redirectUris ?? []))],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        require_auth_time: true,
      })),
      jwks: { keys: keys.map((k) => k.privateJwk) },
      cookies: { keys: ['fedbroker-test-cookie-key'] },
      features: { devInteractions: { enabled: false } },
      pkce: { required: () => true },
      // Put scope claims (email, groups…) in the ID token itself, as most enterprise IdPs do.
      conformIdTokenClaims: false,
      claims: {
        openid: ['sub', 'amr'],
        email: ['email', 'email_verified'],
        profile: ['name'],
        groups: ['groups'],
        extra: extraClaimNames,
      },
      ttl: { IdToken: options.idTokenTtlSeconds ?? 3600, AccessToken: 600, Interaction: 600, Session: 600, Grant: 600 },
      interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      findAccount: async (_ctx: unknown, id: string) => {
        const login = logins.get(id);
        if (login === undefined) return undefined;
        return { accountId: id, claims: async () => ({ ...login.claims, sub: id }) };
      },
    });
    handler = provider.callback();
  }

  configure([await createLocalSigningKey()]);

  async function issueIdToken(request: IssueIdTokenOptions): Promise<string> {
    for (const name of Object.keys(request.extraClaims ?? {})) {
      if (!extraClaimNames.includes(name)) throw new Error(`extra claim ${name} is not configured: pass it in extraClaimNames`);
    }
    const previous = subjectQueues.get(request.sub) ?? Promise.resolve();
    const flow = previous.catch(() => undefined).then(() => runFlow(request));
    subjectQueues.set(request.sub, flow);
    try {
      return await flow;
    } finally {
      if (subjectQueues.get(request.sub) === flow) subjectQueues.delete(request.sub);
    }
  }

  async function runFlow({ sub, clientId = clientIds[0]!, amr = ['pwd'], extraClaims = {} }: IssueIdTokenOptions): Promise<string> {
    const base = options.accounts?.[sub] ?? DEFAULT_ACCOUNT_CLAIMS(sub);
    logins.set(sub, { amr, claims: { ...base, ...extraClaims } });
    try {
      const verifier = randomPKCECodeVerifier();
      const authorize = new URL('/auth', issuer);
      authorize.search = new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        redirect_uri: redirectUri,
        scope: 'openid email profile groups extra',
        code_challenge: await calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: randomUUID(),
        nonce: randomUUID(),
        login_hint: sub,
      }).toString();

      const jar = new CookieJar();
      let next = authorize;
      let code: string | null = null;
      for (let hop = 0; hop < 12 && code === null; hop += 1) {
        const response = await fetch(next, { redirect: 'manual', headers: { cookie: jar.header() } });
        jar.store(response);
        const body = await response.text();
        const location = response.headers.get('location');
        if (location === null) throw new Error(`authorization flow stopped at ${next.pathname} with HTTP ${response.status}: ${body.slice(0, 300)}`);
        next = new URL(location, next);
        if (next.href.startsWith(redirectUri)) {
          const error = next.searchParams.get('error');
          if (error !== null) throw new Error(`authorization failed: ${error} ${next.searchParams.get('error_description') ?? ''}`);
          code = next.searchParams.get('code');
        }
      }
      if (code === null) throw new Error('authorization flow did not reach the redirect URI');

      const response = await fetch(new URL('/token', issuer), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: clientId }),
      });
      const json = (await response.json()) as { id_token?: string; error?: string; error_description?: string };
      if (json.id_token === undefined) throw new Error(`token endpoint: ${json.error ?? response.status} ${json.error_description ?? ''}`);
      return json.id_token;
    } finally {
      logins.delete(sub);
    }
  }

  const current = (): LocalSigningKey => signingKeys[0]!;

  function allowLogin(sub: string, login: { amr?: string[]; extraClaims?: Record<string, unknown> } = {}): void {
    const base = options.accounts?.[sub] ?? DEFAULT_ACCOUNT_CLAIMS(sub);
    logins.set(sub, { amr: login.amr ?? ['pwd'], claims: { ...base, ...(login.extraClaims ?? {}) } });
  }

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    clientIds,
    redirectUri,
    get currentKid() {
      return current().kid;
    },
    get publicKeyPem() {
      return createPublicKey({ key: current().publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    },
    get jwksFetches() {
      return jwksFetches;
    },
    get discoveryFetches() {
      return discoveryFetches;
    },
    issueIdToken,
    allowLogin,
    mintToken: (claims = {}, { header } = {}) => mintLocalToken(current(), idTokenClaims(issuer, { aud: clientIds[0], ...claims }), { header }),
    async rotateKeys({ keepOld = true } = {}) {
      const next = await createLocalSigningKey();
      configure(keepOld ? [next, ...signingKeys] : [next]);
      return next.kid;
    },
    setJwksMode(mode: JwksMode) {
      jwksMode = mode;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
