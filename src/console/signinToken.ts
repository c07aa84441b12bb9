/**
 * Sign-in tokens of the federation endpoint (api.md §2): what getSigninToken hands out and login takes.
 * Sealed by the key ring (purpose `signin-token`), so they cannot be forged or altered, and URL-safe
 * (base64url: the guide's own Python sample puts the token in a URL unencoded, G6750). A token carries
 * the credentials' session token, the end of the console session it opens, its own expiry and a
 * nonce; login claims the nonce in the store, so a token works once on every instance. The nonce is
 * time-ordered (a UUID v7): the store's index of used tokens grows at its end.
 */
import { timeOrderedUuid } from '../keys/timeOrderedUuid.js';
import type { KeyRing } from '../keys/keyRing.js';

const PURPOSE = 'signin-token';

export interface SigninTokenClaims {
  /** The session token of the credentials that asked for it. */
  readonly sessionToken: string;
  /** End of the console session it opens, epoch seconds. */
  readonly consoleExpiresAt: number;
  /** The token is refused from this instant on, epoch milliseconds. */
  readonly expiresAtMs: number;
  /** Single-use key (claimed in the store at login). */
  readonly nonce: string;
}

interface Body {
  readonly v: 1;
  readonly t: string;
  readonly e: number;
  readonly x: number;
  readonly n: string;
}

export function sealSigninToken(ring: KeyRing, claims: Omit<SigninTokenClaims, 'nonce'>): string {
  const body: Body = { v: 1, t: claims.sessionToken, e: claims.consoleExpiresAt, x: claims.expiresAtMs, n: timeOrderedUuid() };
  return ring.seal(PURPOSE, Buffer.from(JSON.stringify(body), 'utf8')).toString('base64url');
}

export type OpenedSigninToken = { readonly ok: true; readonly claims: SigninTokenClaims } | { readonly ok: false; readonly reason: 'invalid' | 'expired' };

/** Far above a real token (a session token of ~3.3 KB sealed again); refuses junk before decrypting. */
const MAX_TOKEN_CHARS = 16_384;

export function openSigninToken(ring: KeyRing, token: string, now: number = Date.now()): OpenedSigninToken {
  if (token.length === 0 || token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token)) return { ok: false, reason: 'invalid' };
  let body: Body;
  try {
    body = JSON.parse(ring.open(PURPOSE, Buffer.from(token, 'base64url')).toString('utf8')) as Body;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (body.v !== 1 || typeof body.t !== 'string' || typeof body.e !== 'number' || typeof body.x !== 'number' || typeof body.n !== 'string') {
    return { ok: false, reason: 'invalid' };
  }
  if (now >= body.x) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { sessionToken: body.t, consoleExpiresAt: body.e, expiresAtMs: body.x, nonce: body.n } };
}
