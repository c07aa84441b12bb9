/**
 * The console session: a cookie holding sealed session state (the role session's token). Stateless to
 * read (the session must still be valid: sessions/sessionValidity.ts); signing out revokes the session's access key on every instance, so an old cookie stops working
 * everywhere. The roles the sign-in allowed (for switching) are kept in the store, not in the cookie:
 * an identity may be allowed dozens of roles, and browsers drop a cookie larger than 4096 bytes.
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

interface CookieBody {
  readonly v: 1;
  /** The session token of the credentials. */
  readonly t: string;
  /** End of the console session (epoch s), when it is not the credentials' expiry. */
  readonly e?: number;
  /** The console session's own id. */
  readonly s?: string;
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
      const body = JSON.parse(this.keyRing.open(PURPOSE, Buffer.from(value, 'base64url')).toString('utf8')) as CookieBody;
      if (body.v !== 1 || typeof body.t !== 'string') return undefined;
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
    const body: { -readonly [K in keyof CookieBody]: CookieBody[K] } = { v: 1, t: sessionToken };
    if (options.expiresAt !== undefined) body.e = options.expiresAt;
    if (options.id !== undefined) body.s = options.id;
    const sealed = this.keyRing.seal(PURPOSE, Buffer.from(JSON.stringify(body), 'utf8')).toString('base64url');
    const expiresAt = options.expiresAt ?? claims.expiresAt;
    return cookieHeader(this.cookieName, sealed, { secure: this.secure, maxAgeSeconds: expiresAt - Math.floor(now / 1000) });
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
