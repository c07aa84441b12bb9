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
import type { FederatedIdentity } from '../credentials/types.js';

export interface RoleCredentialRequest {
  readonly role: RoleModel;
  readonly person: Person;
  readonly lifetime: Lifetime;
}

export type RoleCredentialIssuer = (request: RoleCredentialRequest) => Promise<IssuedSession>;

/** The session a browser sign-in of this person would get (session name, SourceIdentity, MFA, tags, context keys). */
export function personIssuer(issuerFor: (role: RoleModel) => RoleIssuer, model: () => Pick<BrokerModel, 'samlProviders' | 'oidcProviders'>): RoleCredentialIssuer {
  return ({ role, person, lifetime }) => {
    const { federated, context } = sessionFacts(model(), person);
    return issuerFor(role).issue({
      issuer: person.type === 'saml' ? 'AssumeRoleWithSAML' : 'AssumeRoleWithWebIdentity',
      role,
      sessionName: person.sessionName,
      lifetime,
      federated,
      sourceIdentity: sourceIdentityOf(person),
      person: person.subject,
      ...(person.mfa ? { mfa: person.mfa } : {}),
      ...(person.tags !== undefined ? { tags: person.tags } : {}),
      // Nothing from these credentials (a console session opened with them included) outlives the sign-in.
      notAfter: person.sessionEnd,
      context,
    });
  };
}

interface SessionFacts {
  readonly model: object;
  readonly federated: FederatedIdentity;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * The identity and context keys of this person's sessions, worked out once per (frozen) Person and
 * configuration: the SSO portal API sees the same person object for every call with one access token
 * (openedAccessTokens.ts), and a new configuration (another MFA owner rule) is a new model object.
 */
const facts = new WeakMap<Person, SessionFacts>();
function sessionFacts(model: Pick<BrokerModel, 'samlProviders' | 'oidcProviders'>, person: Person): SessionFacts {
  const known = facts.get(person);
  if (known !== undefined && known.model === model) return known;
  const fresh: SessionFacts = { model, federated: Object.freeze(federatedSessionIdentity(model, person)), context: Object.freeze(federatedSessionContext(person)) };
  if (Object.isFrozen(person)) facts.set(person, fresh);
  return fresh;
}

/**
 * How long credentials last: `sso.credentialSeconds`, lowered to the role's maximum, and never past
 * the end of the person's sign-in.
 */
export function credentialLifetime(credentialSeconds: number, role: RoleModel, person: Person, nowMs: number): Lifetime {
  return roleSessionLifetime(Math.min(credentialSeconds, role.maxSessionDuration), role, { nowMs, notAfter: person.sessionEnd });
}
