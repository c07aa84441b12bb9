/**
 * The console session: a cookie holding sealed session state (the role session's token plus the roles
 * the sign-in allowed, for switching). Stateless to read; signing out revokes the session's access
 * key on every instance, so an old cookie stops working everywhere.
 */
import type { Request, Response } from 'express';
import { openSessionToken } from '../credentials/sessionToken.js';
import type { SessionClaims } from '../credentials/types.js';
import type { KeyRing } from '../keys/keyRing.js';
import type { RevocationCache } from '../sessions/revocations.js';
import { clearCookie, readCookie, setCookie } from './cookies.js';

const PURPOSE = 'console-session';

export interface ConsoleSession {
  readonly claims: SessionClaims;
  readonly sessionToken: string;
  /** Role ARNs the sign-in allowed (switch role). */
  readonly roles: readonly string[];
}

interface CookieBody {
  readonly v: 1;
  readonly t: string;
  readonly r: readonly string[];
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
      if (body.v !== 1 || typeof body.t !== 'string' || !Array.isArray(body.r)) return undefined;
      const claims = openSessionToken(this.keyRing, body.t, now);
      if (this.revocations.isRevoked(claims)) return undefined;
      return { claims, sessionToken: body.t, roles: body.r };
    } catch {
      return undefined;
    }
  }

  start(res: Response, sessionToken: string, claims: SessionClaims, roles: readonly string[]): void {
    const body: CookieBody = { v: 1, t: sessionToken, r: roles };
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
