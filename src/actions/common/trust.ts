/**
 * The trust half of every AssumeRole*: the role's trust policy must allow the exact action for the
 * calling principal in the request's context (semantics.md "Roles from attributes"). A denial carries
 * the full explanation (which statement, which condition), sealed into the AccessDenied message for
 * DecodeAuthorizationMessage, and says so plainly when only MFA is missing.
 */
import { AccessDenied } from '../../errors.js';
import type { RoleModel } from '../../config/model.js';
import { createContext, evaluatePolicies, explainPolicies } from '../../policy/index.js';
import type { AuthzRequest, ContextValue } from '../../policy/types.js';

export const MFA_REQUIRED_MESSAGE =
  'requires multi-factor authentication: the role trust policy needs aws:MultiFactorAuthPresent, which your identity provider did not assert. Pass SerialNumber and TokenCode from your enrolled TOTP device.';

export function authorizeTrust(role: RoleModel, request: AuthzRequest, mfaPresent: boolean): void {
  const decision = evaluatePolicies([role.trustPolicy], request);
  if (decision.decision === 'Allow') return;
  const explanation = { request: describeRequest(request), policies: explainPolicies([role.trustPolicy], request) };
  if (!mfaPresent && decision.decision === 'ImplicitDeny' && wouldAllowWithMfa(role, request)) {
    throw new AccessDenied(`Not authorized to perform ${request.action}: ${role.name} ${MFA_REQUIRED_MESSAGE}`, { explanation });
  }
  throw new AccessDenied(`Not authorized to perform ${request.action}`, { explanation });
}

function wouldAllowWithMfa(role: RoleModel, request: AuthzRequest): boolean {
  const entries = new Map(request.context);
  entries.set('aws:multifactorauthpresent', 'true');
  entries.set('aws:multifactorauthage', '0');
  return evaluatePolicies([role.trustPolicy], { ...request, context: createContext(entries) }).decision === 'Allow';
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
  throw new AccessDenied(`Not authorized to perform sts:SetSourceIdentity: the trust policy of role ${role.name} must allow it to set a source identity`, {
    explanation: { request: describeRequest(setRequest), policies: explainPolicies([role.trustPolicy], setRequest) },
  });
}

/** Passing session tags needs the trust policy to allow sts:TagSession as well (tags.md). */
export function requireTagSession(role: RoleModel, request: AuthzRequest): void {
  const tagRequest = { ...request, action: 'sts:TagSession' };
  if (evaluatePolicies([role.trustPolicy], tagRequest).decision === 'Allow') return;
  throw new AccessDenied(`Not authorized to perform sts:TagSession: the trust policy of role ${role.name} must allow it to pass session tags`, {
    explanation: { request: describeRequest(tagRequest), policies: explainPolicies([role.trustPolicy], tagRequest) },
  });
}
