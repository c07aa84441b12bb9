/**
 * Sign-in tokens of the federation endpoint (api.md §2): what getSigninToken hands out and login takes.
 * Signed by the key ring (HMAC-SHA256, purpose `signin-token`), so they cannot be forged or altered,
 * and URL-safe (base64url: the guide's own Python sample puts the token in a URL unencoded, G6750). A
 * token carries the credentials' session token, the end of the console session it opens, its own
 * expiry and a nonce; login claims the nonce in the store, so a token works once on every instance.
 * The nonce is time-ordered (a UUID v7): the store's index of used tokens grows at its end.
 *
 * Signed, not sealed: nothing in it is secret. The session token is itself sealed (AES-256-GCM) and
 * useless without the secret key it was issued with; the rest are times and a nonce. A MAC costs about
 * half of a seal (bench/README.md). Tokens sealed by earlier versions are still read, so a token
 * handed out before an upgrade works for its few minutes.
 *
 * Body (binary, a third shorter than the JSON of version 1):
 *   0x02 | console end (uint32 BE, epoch s) | token expiry (uint48 BE, epoch ms) | nonce (16 bytes)
 *        | the session token's bytes (it is standard base64; its text is their base64)
 */
import { timeOrderedUuidBytes, uuidText } from '../keys/timeOrderedUuid.js';
import type { KeyRing } from '../keys/keyRing.js';

const PURPOSE = 'signin-token';
const VERSION = 2;
const HEADER_BYTES = 1 + 4 + 6 + 16;

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

/** Version 1: JSON. */
interface BodyV1 {
  readonly v: 1;
  readonly t: string;
  readonly e: number;
  readonly x: number;
  readonly n: string;
}

export function sealSigninToken(ring: KeyRing, claims: Omit<SigninTokenClaims, 'nonce'>): string {
  // A token sent without its `=` padding comes back padded: the same bytes, the same credentials.
  const token = Buffer.from(claims.sessionToken, 'base64');
  const plaintext = Buffer.allocUnsafe(HEADER_BYTES + token.length);
  plaintext[0] = VERSION;
  plaintext.writeUInt32BE(claims.consoleExpiresAt, 1);
  plaintext.writeUIntBE(claims.expiresAtMs, 5, 6);
  timeOrderedUuidBytes().copy(plaintext, 11);
  token.copy(plaintext, HEADER_BYTES);
  return ring.sign(PURPOSE, plaintext).toString('base64url');
}

export type OpenedSigninToken = { readonly ok: true; readonly claims: SigninTokenClaims } | { readonly ok: false; readonly reason: 'invalid' | 'expired' };

/** Far above a real token (a session token of ~3.3 KB with its header and MAC); refuses junk before any MAC. */
const MAX_TOKEN_CHARS = 16_384;

export function openSigninToken(ring: KeyRing, token: string, now: number = Date.now()): OpenedSigninToken {
  if (token.length === 0 || token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token)) return { ok: false, reason: 'invalid' };
  let claims: SigninTokenClaims | undefined;
  try {
    // Signed (now), or sealed (made before the upgrade to signed tokens).
    const body = ring.openSignedOrSealed(PURPOSE, Buffer.from(token, 'base64url'));
    claims = body === undefined ? undefined : decode(body);
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (claims === undefined) return { ok: false, reason: 'invalid' };
  if (now >= claims.expiresAtMs) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

function decode(plaintext: Buffer): SigninTokenClaims | undefined {
  if (plaintext[0] === VERSION) {
    if (plaintext.length <= HEADER_BYTES) return undefined;
    return {
      consoleExpiresAt: plaintext.readUInt32BE(1),
      expiresAtMs: plaintext.readUIntBE(5, 6),
      nonce: uuidText(plaintext, 11),
      sessionToken: plaintext.toString('base64', HEADER_BYTES),
    };
  }
  const body = JSON.parse(plaintext.toString('utf8')) as BodyV1;
  if (body.v !== 1 || typeof body.t !== 'string' || typeof body.e !== 'number' || typeof body.x !== 'number' || typeof body.n !== 'string') return undefined;
  return { sessionToken: body.t, consoleExpiresAt: body.e, expiresAtMs: body.x, nonce: body.n };
}
