/**
 * Where the credentials of command-line sign-in and the access portal come from: ONE function,
 * injected. Today every role is local (a role session minted and sealed by this broker); upstream
 * roles (upstream.md) will plug their AWS issuer in here, so the portal API, the portal page's
 * command-line access and its console button never branch on where credentials come from.
 */
import type { BrokerModel, RoleModel } from '../config/model.js';
import { roleSessionLifetime, type Lifetime } from '../credentials/durations.js';
import type { SessionClaims } from '../credentials/types.js';
import { federatedSessionIdentity } from '../mfa/federatedOwner.js';
import { federatedSessionContext } from '../sessions/federatedContext.js';
import { mintRoleSession, type SessionMinterDeps } from '../sessions/roleSession.js';
import { sourceIdentityOf, type Person } from './person.js';

export interface RoleCredentialRequest {
  readonly role: RoleModel;
  readonly person: Person;
  readonly lifetime: Lifetime;
}

export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  /** Local role sessions only: what a console session of this broker is opened with. */
  readonly claims?: SessionClaims;
}

export type RoleCredentialIssuer = (request: RoleCredentialRequest) => Promise<RoleCredentials>;

/** Local roles: a role session as a browser sign-in of this person would get (session name, SourceIdentity, MFA, tags, context keys). */
export function localRoleIssuer(minter: () => SessionMinterDeps, model: () => Pick<BrokerModel, 'samlProviders' | 'oidcProviders'>): RoleCredentialIssuer {
  return async ({ role, person, lifetime }) => {
    const session = await mintRoleSession(minter(), {
      issuer: person.type === 'saml' ? 'AssumeRoleWithSAML' : 'AssumeRoleWithWebIdentity',
      role,
      sessionName: person.sessionName,
      lifetime,
      federated: federatedSessionIdentity(model(), person),
      sourceIdentity: sourceIdentityOf(person),
      ...(person.mfa ? { mfa: person.mfa } : {}),
      ...(person.tags !== undefined ? { tags: person.tags } : {}),
      // Nothing from these credentials (a console session opened with them included) outlives the sign-in.
      notAfter: person.sessionEnd,
      context: federatedSessionContext(person),
    });
    return { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken, expiration: session.expiration, claims: session.claims };
  };
}

/**
 * How long credentials last: `sso.credentialSeconds`, lowered to the role's maximum, and never past
 * the end of the person's sign-in.
 */
export function credentialLifetime(credentialSeconds: number, role: RoleModel, person: Person, nowMs: number): Lifetime {
  return roleSessionLifetime(Math.min(credentialSeconds, role.maxSessionDuration), role, { nowMs, notAfter: person.sessionEnd });
}
