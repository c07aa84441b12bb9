/**
 * Where the credentials of command-line sign-in and the access portal come from: ONE function,
 * injected — the broker's per-role issuers (sessions/issuer.ts): a role session of this broker for a
 * local role, AWS STS for an upstream one. The portal API, the portal page's command-line access
 * and its console button never ask which kind a role is.
 */
import type { BrokerModel, RoleModel } from '../config/model.js';
import { roleSessionLifetime, type Lifetime } from '../credentials/durations.js';
import { federatedSessionIdentity } from '../mfa/federatedOwner.js';
import { federatedSessionContext } from '../sessions/federatedContext.js';
import type { IssuedSession, RoleIssuer } from '../sessions/issuer.js';
import { sourceIdentityOf, type Person } from './person.js';

export interface RoleCredentialRequest {
  readonly role: RoleModel;
  readonly person: Person;
  readonly lifetime: Lifetime;
}

export type RoleCredentialIssuer = (request: RoleCredentialRequest) => Promise<IssuedSession>;

/** The session a browser sign-in of this person would get (session name, SourceIdentity, MFA, tags, context keys). */
export function personIssuer(issuerFor: (role: RoleModel) => RoleIssuer, model: () => Pick<BrokerModel, 'samlProviders' | 'oidcProviders'>): RoleCredentialIssuer {
  return ({ role, person, lifetime }) =>
    issuerFor(role).issue({
      issuer: person.type === 'saml' ? 'AssumeRoleWithSAML' : 'AssumeRoleWithWebIdentity',
      role,
      sessionName: person.sessionName,
      lifetime,
      federated: federatedSessionIdentity(model(), person),
      sourceIdentity: sourceIdentityOf(person),
      person: person.subject,
      ...(person.mfa ? { mfa: person.mfa } : {}),
      ...(person.tags !== undefined ? { tags: person.tags } : {}),
      // Nothing from these credentials (a console session opened with them included) outlives the sign-in.
      notAfter: person.sessionEnd,
      context: federatedSessionContext(person),
    });
}

/**
 * How long credentials last: `sso.credentialSeconds`, lowered to the role's maximum, and never past
 * the end of the person's sign-in.
 */
export function credentialLifetime(credentialSeconds: number, role: RoleModel, person: Person, nowMs: number): Lifetime {
  return roleSessionLifetime(Math.min(credentialSeconds, role.maxSessionDuration), role, { nowMs, notAfter: person.sessionEnd });
}
