/**
 * "Is this session still valid?" — the one answer for every path that accepts credentials the broker
 * issued (security.md "Found by review"): the Query API and POST /authorize (SigV4 or presented
 * credentials), the federation endpoint, the console cookie, and any later one (an SSO portal). A
 * session is valid while
 * - no revocation covers it (per role, session or federated subject), and
 * - its owner still exists *as the same entity*: the role of an assumed-role session, or the IAM user
 *   behind a GetSessionToken / GetFederationToken session, is in the current configuration with the
 *   id the session was issued to. A role or user removed — or removed and re-created, which gives it a
 *   new id (sessions/roleIds.ts) — ends its sessions at once, on the next request.
 * Expiry and the token's integrity are the token's own checks (credentials/sessionToken.ts).
 */
import type { SessionClaims } from '../credentials/types.js';
import { roleArnOfClaims } from './revocations.js';

export type SessionInvalidReason = 'revoked' | 'role-removed' | 'user-removed';

/** The entities of the current configuration, by the ids they have now. */
export interface LiveEntities {
  /** The current id of the role with this ARN; undefined when there is no such role (now). */
  roleId(roleArn: string): string | undefined;
  /** The current id of the IAM user with this name; undefined when there is no such user (now). */
  userId(userName: string): string | undefined;
}

export interface SessionValidity {
  /** Why the session may not be used any more; undefined while it is valid. */
  check(claims: SessionClaims): SessionInvalidReason | undefined;
  isValid(claims: SessionClaims): boolean;
}

export function sessionValidity(deps: {
  readonly revocations: { isRevoked(claims: SessionClaims): boolean };
  readonly entities: LiveEntities;
}): SessionValidity {
  const check = (claims: SessionClaims): SessionInvalidReason | undefined => {
    if (deps.revocations.isRevoked(claims)) return 'revoked';
    const p = claims.principal;
    if (p.kind === 'AssumedRole') return deps.entities.roleId(roleArnOfClaims(claims)!) === p.roleId ? undefined : 'role-removed';
    return deps.entities.userId(p.userName) === p.userId ? undefined : 'user-removed';
  };
  return { check, isValid: (claims) => check(claims) === undefined };
}
