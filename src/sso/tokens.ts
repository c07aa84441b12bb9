/**
 * The tokens of command-line sign-in, sealed with the key ring and opaque to clients:
 *
 * - the access token carries the person (provider, subject, validated attributes, MFA facts), the
 *   client and the CLI session it belongs to: the portal API needs no store to know who calls;
 * - the refresh token names its CLI session and generation: each use rotates it (sessions.ts), so a
 *   token presented twice is detected.
 */
import type { KeyRing } from '../keys/keyRing.js';
import type { Person } from './person.js';
import { openJson, openPackedJson, sealJson, sealPackedJson } from './sealed.js';

/** Access tokens are sealed deflated (they carry the person's attributes and travel in a header). */
const ACCESS_PURPOSE = 'sso-access-token-deflated';
/** Access tokens sealed before they were deflated: still opened until they expire. */
const PLAIN_ACCESS_PURPOSE = 'sso-access-token';
const REFRESH_PURPOSE = 'sso-refresh-token';

export interface AccessTokenClaims {
  readonly v: 1;
  /** CLI session id. */
  readonly sid: string;
  /** Client id and name. */
  readonly cid: string;
  readonly cn: string;
  readonly p: Person;
  readonly sc: readonly string[];
  /** Epoch seconds. */
  readonly iat: number;
  readonly exp: number;
}

export interface RefreshTokenClaims {
  readonly v: 1;
  readonly sid: string;
  /** Generation: the session accepts only its current one. */
  readonly g: number;
  /** Client reference (clients.ts clientRef). */
  readonly c: string;
}

export function sealAccessToken(keyRing: KeyRing, claims: AccessTokenClaims): string {
  return sealPackedJson(keyRing, ACCESS_PURPOSE, claims);
}

/** The claims of a genuine, unexpired access token; undefined otherwise. */
export function openAccessToken(keyRing: KeyRing, token: unknown, nowMs = Date.now()): AccessTokenClaims | undefined {
  const claims = (openPackedJson(keyRing, ACCESS_PURPOSE, token) ?? openJson(keyRing, PLAIN_ACCESS_PURPOSE, token)) as AccessTokenClaims | undefined;
  if (claims === undefined || claims.v !== 1 || claims.exp * 1000 <= nowMs) return undefined;
  return claims;
}

export function sealRefreshToken(keyRing: KeyRing, claims: RefreshTokenClaims): string {
  return sealJson(keyRing, REFRESH_PURPOSE, claims);
}

export function openRefreshToken(keyRing: KeyRing, token: unknown): RefreshTokenClaims | undefined {
  const claims = openJson(keyRing, REFRESH_PURPOSE, token) as RefreshTokenClaims | undefined;
  return claims !== undefined && claims.v === 1 ? claims : undefined;
}
