/**
 * The console session: a cookie holding sealed session state (the role session's token). Stateless to
 * read; signing out revokes the session's access key on every instance, so an old cookie stops working
 * everywhere. The roles the sign-in allowed (for switching) are kept in the store, not in the cookie:
 * an identity may be allowed dozens of roles, and browsers drop a cookie larger than 4096 bytes.
 */
import type { Request, Response } from 'express';
import { openSessionToken } from '../credentials/sessionToken.js';
import type { SessionClaims } from '../credentials/types.js';
import type { KeyRing } from '../keys/keyRing.js';
import type { RevocationCache } from '../sessions/revocations.js';
import type { Store } from '../store/types.js';
import { clearCookie, readCookie, setCookie } from './cookies.js';

const PURPOSE = 'console-session';
const ROLES_NAMESPACE = 'console-roles';

export interface ConsoleSession {
  readonly claims: SessionClaims;
  readonly sessionToken: string;
}

interface CookieBody {
  readonly v: 1;
  readonly t: string;
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
    private readonly cookieName: string,
    private readonly secure: boolean,
  ) {}

  /** The signed-in session, or undefined (no cookie, tampered, expired, revoked). */
  read(req: Request, now = Date.now()): ConsoleSession | undefined {
    const value = readCookie(req, this.cookieName);
    if (value === undefined || value === '') return undefined;
    try {
      const body = JSON.parse(this.keyRing.open(PURPOSE, Buffer.from(value, 'base64url')).toString('utf8')) as CookieBody;
      if (body.v !== 1 || typeof body.t !== 'string') return undefined;
      const claims = openSessionToken(this.keyRing, body.t, now);
      if (this.revocations.isRevoked(claims)) return undefined;
      return { claims, sessionToken: body.t };
    } catch {
      return undefined;
    }
  }

  start(res: Response, sessionToken: string, claims: SessionClaims): void {
    const body: CookieBody = { v: 1, t: sessionToken };
    const sealed = this.keyRing.seal(PURPOSE, Buffer.from(JSON.stringify(body), 'utf8')).toString('base64url');
    setCookie(res, this.cookieName, sealed, { secure: this.secure, maxAgeSeconds: claims.expiresAt - Math.floor(Date.now() / 1000) });
  }

  /** Ends the session on the server (revocation of its access key) and in the browser. */
  async end(req: Request, res: Response): Promise<SessionClaims | undefined> {
    const session = this.read(req);
    if (session !== undefined) await this.revocations.revoke('session', session.claims.accessKeyId);
    clearCookie(res, this.cookieName, { secure: this.secure });
    return session?.claims;
  }
}
