/**
 * Which accounts and roles a person sees — the one place that decides it, for the SSO portal API and
 * the access portal page alike.
 *
 * - Roles: every candidate (the SAML Role attribute's roles when the assertion had one, else every
 *   role) whose trust policy allows this person now, judged exactly as at a browser sign-in (action
 *   sts:AssumeRoleWithSAML / sts:AssumeRoleWithWebIdentity, the same condition keys, the MFA facts
 *   of the person's sign-in). Roles that would be allowed with MFA are reported apart.
 * - Accounts: the accounts of those roles — the local account, the AWS accounts of upstream roles —
 *   named by the `accounts:` configuration (roles/accounts.ts, shared with the role picker).
 */
import { requestConditionKeys } from '../actions/common/requestContext.js';
import type { BrokerModel, RoleModel } from '../config/model.js';
import type { RequestInfo } from '../protocol/action.js';
import type { RequestContext } from '../policy/types.js';
import { federatedIdentityContext, judgeCandidates, judgeRole, trustIdentityOf, withRequestKeys, type SigninRoles, type TrustIdentity } from '../roles/federatedTrust.js';
import type { Person } from './person.js';

/** Takeable now (`allowed`, in configuration order) and after an MFA step-up (`needMfa`). */
export type PersonRoles = SigninRoles;


type JudgedRequest = Pick<RequestInfo, 'receivedAt' | 'secure' | 'sourceIp' | 'userAgent'>;

export function judgePersonRoles(model: BrokerModel, person: Person, info: JudgedRequest): PersonRoles {
  const identity = trustIdentityOf(person);
  return judgeCandidates(candidateRoles(model, person), identity, personContext(identity, person, info));
}

/**
 * The role of this account and name if it is among the person's takeable roles now — the answer of
 * `judgePersonRoles(…).allowed` for that one role, without judging the others (GetRoleCredentials).
 */
export function judgePersonRole(model: BrokerModel, person: Person, info: JudgedRequest, accountId: string, roleName: string): RoleModel | undefined {
  // Names are unique within an account.
  const role = candidateRoles(model, person).find((r) => r.name === roleName && r.account === accountId);
  if (role === undefined) return undefined;
  const identity = trustIdentityOf(person);
  return judgeRole(role, identity, personContext(identity, person, info)).allowed ? role : undefined;
}

/** The SAML Role attribute's roles when the assertion had one, else every role. */
function candidateRoles(model: BrokerModel, person: Person): RoleModel[] {
  return person.offeredRoles !== undefined
    ? person.offeredRoles.map((arn) => model.roleByArn(arn)).filter((r): r is RoleModel => r !== undefined)
    : [...model.roles.values()];
}

/**
 * The identity's part of the context is kept per Person object: the SSO portal API sees the same
 * (frozen) person for every call with one access token (openedAccessTokens.ts).
 */
const identityContexts = new WeakMap<Person, RequestContext>();

function personContext(identity: TrustIdentity, person: Person, info: JudgedRequest): RequestContext {
  let identityContext = identityContexts.get(person);
  if (identityContext === undefined) {
    identityContext = federatedIdentityContext(identity, person.mfa, person.sessionName);
    if (Object.isFrozen(person)) identityContexts.set(person, identityContext);
  }
  return withRequestKeys(requestConditionKeys(info), identityContext, person.mfa, info.receivedAt);
}
