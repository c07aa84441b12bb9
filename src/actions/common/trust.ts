/**
 * The trust half of every AssumeRole*: the role's trust policy must allow the exact action for the
 * calling principal in the request's context (semantics.md "Roles from attributes"). A denial carries
 * the explanation (which statement, which condition key), built only when the AccessDenied is encoded
 * for DecodeAuthorizationMessage, and says so plainly when only MFA is missing.
 *
 * No role-existence oracle (security.md "Found by review"): a role that does not exist, a role the
 * assertion does not offer and a role whose trust policy refuses get one answer — the same code, the
 * same message and an encoded explanation of the same shape — and a request the trust policy could
 * never allow is refused before anything role-specific (DurationSeconds against the role's maximum,
 * an MFA code) is looked at.
 */
import { AccessDenied } from '../../errors.js';
import type { RoleModel } from '../../config/model.js';
import { evaluatePolicies, explainPolicies } from '../../policy/index.js';
import type { AuthzRequest, ContextValue, PolicyExplanation } from '../../policy/types.js';
import { withAssumedMfa } from '../../roles/federatedTrust.js';

export const MFA_REQUIRED_MESSAGE =
  'requires multi-factor authentication: the role trust policy needs aws:MultiFactorAuthPresent, which your identity provider did not assert. Pass SerialNumber and TokenCode from your enrolled TOTP device.';

/** The message of every refused AssumeRoleWithSAML / AssumeRoleWithWebIdentity (G16305–G16311). */
export function notAuthorizedMessage(action: string): string {
  return `Not authorized to perform ${action}`;
}

/** What a sealed denial explains; `policies` is built on demand. */
export interface DenialExplanation {
  readonly request: Record<string, unknown>;
  readonly policies: readonly PolicyExplanation[];
  /** Why the role could not even be considered (it does not exist, or the assertion does not offer it). */
  readonly role?: string;
}

/** An AccessDenied whose explanation is computed once, and only if the denial is encoded. */
export function deniedWith(message: string, explain: () => DenialExplanation): AccessDenied {
  return new AccessDenied(message, { explanation: explain });
}

/** The refusal for a role that cannot be considered at all, shaped like any trust refusal. */
export function roleNotConsidered(message: string, request: AuthzRequest, reason: string): AccessDenied {
  return deniedWith(message, () => ({ request: describeRequest(request), policies: [], role: reason }));
}

export function authorizeTrust(role: RoleModel, request: AuthzRequest, mfaPresent: boolean): void {
  const decision = evaluatePolicies([role.trustPolicy], request);
  if (decision.decision === 'Allow') return;
  const explain = () => ({ request: describeRequest(request), policies: explainPolicies([role.trustPolicy], request) });
  if (!mfaPresent && decision.decision === 'ImplicitDeny' && trustAllowsWithMfa(role, request)) {
    throw deniedWith(`${notAuthorizedMessage(request.action)}: ${role.name} ${MFA_REQUIRED_MESSAGE}`, explain);
  }
  throw deniedWith(notAuthorizedMessage(request.action), explain);
}

/**
 * Refuses, with the answer of a refused trust policy, a role that does not exist or whose trust policy
 * could not allow this request even with MFA. Call it before any check that depends on the role.
 */
export function requireTrustCouldAllow(role: RoleModel | undefined, request: AuthzRequest): asserts role is RoleModel {
  const message = notAuthorizedMessage(request.action);
  if (role === undefined) throw roleNotConsidered(message, request, 'no role has this ARN');
  if (trustAllowsWithMfa(role, request)) return;
  throw deniedWith(message, () => ({ request: describeRequest(request), policies: explainPolicies([role.trustPolicy], request) }));
}

function trustAllowsWithMfa(role: RoleModel, request: AuthzRequest): boolean {
  return evaluatePolicies([role.trustPolicy], { ...request, context: withAssumedMfa(request.context) }).decision === 'Allow';
}

/** The request part of a denial explanation (DecodeAuthorizationMessage, simulate). */
export function describeRequest(request: AuthzRequest): Record<string, unknown> {
  const context: Record<string, ContextValue> = Object.fromEntries(request.context);
  return { action: request.action, resource: request.resource, ...(request.principal ? { principal: request.principal } : {}), context };
}

/**
 * Setting a source identity needs the trust policy to allow sts:SetSourceIdentity as well (AWS); an
 * inherited one (role chaining) does not.
 */
export function requireSetSourceIdentity(role: RoleModel, request: AuthzRequest): void {
  const setRequest = { ...request, action: 'sts:SetSourceIdentity' };
  if (evaluatePolicies([role.trustPolicy], setRequest).decision === 'Allow') return;
  throw deniedWith(`Not authorized to perform sts:SetSourceIdentity: the trust policy of role ${role.name} must allow it to set a source identity`, () => ({
    request: describeRequest(setRequest),
    policies: explainPolicies([role.trustPolicy], setRequest),
  }));
}

/** Passing session tags needs the trust policy to allow sts:TagSession as well (tags.md). */
export function requireTagSession(role: RoleModel, request: AuthzRequest): void {
  const tagRequest = { ...request, action: 'sts:TagSession' };
  if (evaluatePolicies([role.trustPolicy], tagRequest).decision === 'Allow') return;
  throw deniedWith(`Not authorized to perform sts:TagSession: the trust policy of role ${role.name} must allow it to pass session tags`, () => ({
    request: describeRequest(tagRequest),
    policies: explainPolicies([role.trustPolicy], tagRequest),
  }));
}
