/**
 * Client registration (RegisterClient) without storage: the client id is the registration itself,
 * sealed (name, type, scopes, grant types, redirect URIs, expiry), so the authorize page can show and
 * check it from the id alone; the client secret is a sealed, expiring blob bound to that id (90 days,
 * sso.md). Neither can be forged or altered without the key ring; rotation keeps them valid.
 */
import type { KeyRing } from '../keys/keyRing.js';
import { constantTimeEqual } from '../keys/constantTime.js';
import { randomId, sha256Url } from './codes.js';
import { InvalidClientException, InvalidClientMetadataException, InvalidRedirectUriException, InvalidScopeException } from './errors.js';
import { openJson, sealJson } from './sealed.js';
import { ACCOUNT_ACCESS_SCOPE, CLIENT_SECRET_TTL_SECONDS } from './settings.js';

const ID_PURPOSE = 'sso-client-id';
const SECRET_PURPOSE = 'sso-client-secret';

export const GRANT_DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';
export const GRANT_REFRESH_TOKEN = 'refresh_token';
export const GRANT_AUTHORIZATION_CODE = 'authorization_code';
export type GrantType = typeof GRANT_DEVICE_CODE | typeof GRANT_REFRESH_TOKEN | typeof GRANT_AUTHORIZATION_CODE;
const GRANT_LETTERS: Readonly<Record<GrantType, string>> = { [GRANT_DEVICE_CODE]: 'd', [GRANT_REFRESH_TOKEN]: 'r', [GRANT_AUTHORIZATION_CODE]: 'a' };
const GRANTS = Object.keys(GRANT_LETTERS) as GrantType[];
export const SUPPORTED_SCOPES: readonly string[] = [ACCOUNT_ACCESS_SCOPE];

export interface Client {
  /** The client id as the client holds it. */
  readonly id: string;
  /** A short, stable reference to the id (what tokens and stored records bind to). */
  readonly ref: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly grantTypes: readonly GrantType[];
  readonly redirectUris: readonly string[];
  /** Epoch seconds. */
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export interface RegisterClientInput {
  readonly clientName: string;
  readonly clientType: string;
  readonly scopes?: readonly string[];
  readonly redirectUris?: readonly string[];
  readonly grantTypes?: readonly string[];
}

export interface Registration {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly clientIdIssuedAt: number;
  readonly clientSecretExpiresAt: number;
}

/** Compact sealed form of a registration (short keys: the id travels in URLs and headers). */
interface SealedClient {
  readonly v: 1;
  readonly n: string;
  readonly s: readonly string[];
  readonly g: string;
  readonly r: readonly string[];
  readonly t: number;
  readonly x: number;
  /** Random: two registrations with the same metadata still get different ids. */
  readonly k: string;
}

interface SealedSecret {
  readonly v: 1;
  readonly c: string;
  readonly x: number;
}

/**
 * Loopback redirect URIs only (RFC 8252 §7.3): `http://127.0.0.1`, `http://[::1]` or
 * `http://localhost`, any port, a path, no query fragment or credentials.
 */
export function isLoopbackRedirectUri(uri: string): boolean {
  if (uri.length > 512) return false;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname) && url.username === '' && url.password === '' && url.hash === '' && !uri.includes('#');
}

/**
 * The redirect_uri of an authorization request matches a registered one: exactly, or — loopback
 * clients listen on a port chosen at run time (RFC 8252 §7.3) — equal but for the port.
 */
export function redirectUriAllowed(client: Client, uri: string): boolean {
  if (!isLoopbackRedirectUri(uri)) return false;
  const asked = new URL(uri);
  return client.redirectUris.some((registered) => {
    const r = new URL(registered);
    return r.protocol === asked.protocol && r.hostname === asked.hostname && r.pathname === asked.pathname && r.search === asked.search;
  });
}

export function registerClient(keyRing: KeyRing, input: RegisterClientInput, nowMs = Date.now()): Registration {
  if (input.clientType !== 'public') throw new InvalidClientMetadataException(`Invalid client type: ${input.clientType.slice(0, 64)}; only public clients are supported`);
  const scopes = input.scopes === undefined || input.scopes.length === 0 ? [ACCOUNT_ACCESS_SCOPE] : [...new Set(input.scopes)];
  for (const scope of scopes) if (!SUPPORTED_SCOPES.includes(scope)) throw new InvalidScopeException(`Invalid scope: ${scope.slice(0, 128)}`);
  const grantTypes = input.grantTypes === undefined || input.grantTypes.length === 0 ? [GRANT_DEVICE_CODE, GRANT_REFRESH_TOKEN] : [...new Set(input.grantTypes)];
  for (const grant of grantTypes) if (!GRANTS.includes(grant as GrantType)) throw new InvalidClientMetadataException(`Invalid grant type: ${grant.slice(0, 128)}`);
  const redirectUris = [...new Set(input.redirectUris ?? [])];
  if (redirectUris.length > 10) throw new InvalidRedirectUriException('At most 10 redirect URIs');
  for (const uri of redirectUris) {
    if (!isLoopbackRedirectUri(uri)) throw new InvalidRedirectUriException(`Invalid redirect URI: ${uri.slice(0, 256)}; only http loopback URIs (127.0.0.1, [::1], localhost) are allowed`);
  }
  if (grantTypes.includes(GRANT_AUTHORIZATION_CODE) && redirectUris.length === 0) {
    throw new InvalidClientMetadataException('The authorization_code grant needs at least one redirect URI');
  }
  const issuedAt = Math.floor(nowMs / 1000);
  const expiresAt = issuedAt + CLIENT_SECRET_TTL_SECONDS;
  const sealed: SealedClient = {
    v: 1,
    n: input.clientName,
    s: scopes,
    g: (grantTypes as GrantType[]).map((g) => GRANT_LETTERS[g]).join(''),
    r: redirectUris,
    t: issuedAt,
    x: expiresAt,
    k: randomId(9),
  };
  const clientId = sealJson(keyRing, ID_PURPOSE, sealed);
  const secret: SealedSecret = { v: 1, c: clientRef(clientId), x: expiresAt };
  return { clientId, clientSecret: sealJson(keyRing, SECRET_PURPOSE, secret), clientIdIssuedAt: issuedAt, clientSecretExpiresAt: expiresAt };
}

/** The short reference tokens and records bind to. */
export function clientRef(clientId: string): string {
  return sha256Url(clientId).slice(0, 22);
}

/** The registration behind a client id (for pages that only get the id), or undefined when it is not one of ours or expired. */
export function openClientId(keyRing: KeyRing, clientId: unknown, nowMs = Date.now()): Client | undefined {
  const client = openRegistration(keyRing, clientId);
  return client !== undefined && client.expiresAt * 1000 > nowMs ? client : undefined;
}

function openRegistration(keyRing: KeyRing, clientId: unknown): Client | undefined {
  const c = openJson(keyRing, ID_PURPOSE, clientId) as SealedClient | undefined;
  if (c === undefined || c.v !== 1) return undefined;
  const grantTypes = GRANTS.filter((g) => c.g.includes(GRANT_LETTERS[g]));
  const id = clientId as string;
  return { id, ref: clientRef(id), name: c.n, scopes: c.s, grantTypes, redirectUris: c.r, issuedAt: c.t, expiresAt: c.x };
}

/** Client authentication of StartDeviceAuthorization and CreateToken: the id and its secret. */
export function authenticateClient(keyRing: KeyRing, clientId: unknown, clientSecret: unknown, nowMs = Date.now()): Client {
  const client = openRegistration(keyRing, clientId);
  const secret = openJson(keyRing, SECRET_PURPOSE, clientSecret) as SealedSecret | undefined;
  if (client === undefined || secret === undefined || secret.v !== 1 || !constantTimeEqual(secret.c, client.ref)) {
    throw new InvalidClientException('Invalid client');
  }
  if (Math.min(secret.x, client.expiresAt) * 1000 <= nowMs) throw new InvalidClientException('The client registration has expired; register the client again');
  return client;
}
