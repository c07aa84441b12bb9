/**
 * The console session: a cookie holding signed session state (the role session's token), HMAC-SHA256
 * by the key ring. Nothing in it is secret: the session token is itself sealed and useless without its
 * secret key, the rest is an end time and an id; cookies sealed by earlier versions are still read.
 * Stateless to read (the session must still be valid: sessions/sessionValidity.ts); signing out
 * revokes the session's access key on every instance, so an old cookie stops working everywhere. The
 * roles the sign-in allowed (for switching) are kept in the store, not in the cookie: an identity may
 * be allowed dozens of roles, and browsers drop a cookie larger than 4096 bytes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { openSessionToken, openSessionTokenAnyTime } from '../credentials/sessionToken.js';
import type { SessionClaims } from '../credentials/types.js';
import type { KeyRing } from '../keys/keyRing.js';
import type { RevocationCache } from '../sessions/revocations.js';
import type { SessionValidity } from '../sessions/sessionValidity.js';
import type { Store } from '../store/types.js';
import { clearCookie, cookieHeader, readCookie } from './cookies.js';

const PURPOSE = 'console-session';
const ROLES_NAMESPACE = 'console-roles';

export interface ConsoleSession {
  readonly claims: SessionClaims;
  readonly sessionToken: string;
  /** When the console session ends, epoch seconds (the credentials' expiry unless set otherwise). */
  readonly expiresAt: number;
  /** The console session's own id (federation endpoint sign-ins), see ConsoleSessionOptions. */
  readonly id?: string;
}

/** How a console session is started beyond its credentials (federation endpoint sign-ins). */
export interface ConsoleSessionOptions {
  /** End of the console session, epoch seconds, when it is not the credentials' expiry. */
  readonly expiresAt?: number;
  /**
   * The session's own id: signing out revokes this id rather than the credentials' access key, so
   * the credentials a portal turned into a console session keep working.
   */
  readonly id?: string;
}

/** What the cookie holds. */
interface CookieBody {
  /** The session token of the credentials. */
  readonly t: string;
  /** End of the console session (epoch s), when it is not the credentials' expiry. */
  readonly e?: number;
  /** The console session's own id. */
  readonly s?: string;
}

/**
 * The cookie's body, version 2 (binary; the session token as its bytes, a quarter smaller than
 * the JSON of version 1, which is still read):
 *   0x02 | flags (1: end present, 2: id present) | [end: uint32 BE] | [id: length (1 byte), ASCII] | token bytes
 */
const COOKIE_VERSION = 2;
const HAS_END = 1;
const HAS_ID = 2;

function encodeCookie(body: CookieBody): Buffer {
  const token = Buffer.from(body.t, 'base64');
  const id = body.s === undefined ? undefined : Buffer.from(body.s, 'latin1');
  if (id !== undefined && (id.length > 255 || !/^[\x21-\x7e]*$/.test(body.s!))) throw new RangeError('Console session ids are short ASCII');
  const out = Buffer.allocUnsafe(2 + (body.e !== undefined ? 4 : 0) + (id !== undefined ? 1 + id.length : 0) + token.length);
  out[0] = COOKIE_VERSION;
  out[1] = (body.e !== undefined ? HAS_END : 0) | (id !== undefined ? HAS_ID : 0);
  let at = 2;
  if (body.e !== undefined) at = out.writeUInt32BE(body.e, at);
  if (id !== undefined) {
    out[at++] = id.length;
    at += id.copy(out, at);
  }
  token.copy(out, at);
  return out;
}

function decodeCookie(plaintext: Buffer): CookieBody | undefined {
  if (plaintext[0] !== COOKIE_VERSION) {
    const v1 = JSON.parse(plaintext.toString('utf8')) as { v?: unknown; t?: unknown; e?: number; s?: string };
    if (v1.v !== 1 || typeof v1.t !== 'string') return undefined;
    return { t: v1.t, ...(v1.e !== undefined ? { e: v1.e } : {}), ...(v1.s !== undefined ? { s: v1.s } : {}) };
  }
  if (plaintext.length < 2) return undefined;
  const flags = plaintext[1]!;
  let at = 2;
  let e: number | undefined;
  let s: string | undefined;
  if ((flags & HAS_END) !== 0) {
    if (plaintext.length < at + 4) return undefined;
    e = plaintext.readUInt32BE(at);
    at += 4;
  }
  if ((flags & HAS_ID) !== 0) {
    const length = plaintext[at];
    if (length === undefined || plaintext.length < at + 1 + length) return undefined;
    s = plaintext.toString('latin1', at + 1, at + 1 + length);
    at += 1 + length;
  }
  if (at >= plaintext.length) return undefined;
  const t = plaintext.toString('base64', at);
  return e === undefined ? (s === undefined ? { t } : { t, s }) : s === undefined ? { t, e } : { t, e, s };
}

/** Remember the roles a console sign-in allowed (switch role), for as long as its session lasts. */
export function rememberConsoleRoles(store: Store, claims: SessionClaims, roles: readonly string[]): Promise<void> {
  return store.putItem(ROLES_NAMESPACE, claims.accessKeyId, JSON.stringify(roles), claims.expiresAt * 1000);
}

/** The role ARNs the sign-in of this console session allowed ([] when unknown). */
export async function consoleRoles(store: Store, claims: SessionClaims): Promise<string[]> {
  const value = await store.getItem(ROLES_NAMESPACE, claims.accessKeyId);
  if (value === null) return [];
  const roles: unknown = JSON.parse(value);
  return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
}

export class ConsoleSessions {
  constructor(
    private readonly keyRing: KeyRing,
    private readonly revocations: RevocationCache,
    private readonly validity: SessionValidity,
    private readonly cookieName: string,
    private readonly secure: boolean,
  ) {}

  /** The signed-in session, or undefined (no cookie, tampered, expired, revoked, its role or user gone). */
  read(req: Pick<IncomingMessage, 'headers'>, now = Date.now()): ConsoleSession | undefined {
    const value = readCookie(req, this.cookieName);
    if (value === undefined || value === '') return undefined;
    try {
      const plaintext = this.keyRing.openSignedOrSealed(PURPOSE, Buffer.from(value, 'base64url'));
      const body = plaintext === undefined ? undefined : decodeCookie(plaintext);
      if (body === undefined) return undefined;
      // A console session with its own end may outlive the credentials it shows (G6634).
      const claims = body.e !== undefined ? openSessionTokenAnyTime(this.keyRing, body.t) : openSessionToken(this.keyRing, body.t, now);
      const expiresAt = body.e ?? claims.expiresAt;
      if (now >= expiresAt * 1000) return undefined;
      if (!this.validity.isValid(claims)) return undefined;
      if (body.s !== undefined && this.revocations.isConsoleSessionRevoked(body.s)) return undefined;
      return { claims, sessionToken: body.t, expiresAt, ...(body.s !== undefined ? { id: body.s } : {}) };
    } catch {
      return undefined;
    }
  }

  start(res: ServerResponse, sessionToken: string, claims: SessionClaims, options: ConsoleSessionOptions = {}, now = Date.now()): void {
    res.appendHeader('Set-Cookie', this.startCookie(sessionToken, claims, options, now));
  }

  /** The Set-Cookie header value that starts the session (what `start` sets). */
  startCookie(sessionToken: string, claims: SessionClaims, options: ConsoleSessionOptions = {}, now = Date.now()): string {
    const body: { -readonly [K in keyof CookieBody]: CookieBody[K] } = { t: sessionToken };
    if (options.expiresAt !== undefined) body.e = options.expiresAt;
    if (options.id !== undefined) body.s = options.id;
    const signed = this.keyRing.sign(PURPOSE, encodeCookie(body)).toString('base64url');
    const expiresAt = options.expiresAt ?? claims.expiresAt;
    return cookieHeader(this.cookieName, signed, { secure: this.secure, maxAgeSeconds: expiresAt - Math.floor(now / 1000) });
  }

  /**
   * Ends the session on the server and in the browser: a console session with its own id is revoked
   * by that id; one whose credentials were minted for it (a SAML sign-in) by their access key.
   */
  async end(req: Pick<IncomingMessage, 'headers'>, res: ServerResponse): Promise<SessionClaims | undefined> {
    const session = this.read(req);
    if (session !== undefined) await this.revocations.revoke('session', session.id ?? session.claims.accessKeyId);
    clearCookie(res, this.cookieName, { secure: this.secure });
    return session?.claims;
  }
}
