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
import { federatedTrustContext, judgeCandidates, trustIdentityOf, type SigninRoles } from '../roles/federatedTrust.js';
import type { Person } from './person.js';

/** Takeable now (`allowed`, in configuration order) and after an MFA step-up (`needMfa`). */
export type PersonRoles = SigninRoles;


export function judgePersonRoles(model: BrokerModel, person: Person, info: Pick<RequestInfo, 'receivedAt' | 'secure' | 'sourceIp' | 'userAgent'>): PersonRoles {
  const identity = trustIdentityOf(person);
  const context = federatedTrustContext(identity, requestConditionKeys(info), person.mfa, info.receivedAt, person.sessionName);
  const candidates = person.offeredRoles !== undefined
    ? person.offeredRoles.map((arn) => model.roleByArn(arn)).filter((r): r is RoleModel => r !== undefined)
    : [...model.roles.values()];
  return judgeCandidates(candidates, identity, context);
}


/** The role of this account and name among `roles`, if any (names are unique within an account). */
export function findRole(roles: readonly RoleModel[], accountId: string, roleName: string): RoleModel | undefined {
  return roles.find((r) => r.name === roleName && r.account === accountId);
}
