/**
 * Trust decisions for federated identities (SAML and OIDC): the condition context of an
 * AssumeRoleWith* request, and the verdict of one role's trust policy for it — including "would be
 * allowed with MFA", which drives the broker's TOTP step-up.
 */
import type { RoleModel } from '../config/model.js';
import type { SessionClaims } from '../credentials/types.js';
import { createContext, evaluatePolicies, explainPolicies } from '../policy/index.js';
import type { AuthzRequest, ContextValue, PolicyExplanation, RequestContext } from '../policy/types.js';

/** What trust evaluation needs to know about a federated identity (survives a round trip through signed state). */
export interface TrustIdentity {
  readonly type: 'saml' | 'oidc';
  readonly providerArn: string;
  /** Keys derived from the assertion or token (lower-case). */
  readonly conditionKeys: Readonly<Record<string, ContextValue>>;
  readonly sourceIdentity?: string;
}

export const TRUST_ACTIONS = { saml: 'sts:AssumeRoleWithSAML', oidc: 'sts:AssumeRoleWithWebIdentity' } as const;

/** A denied verdict explains itself on demand: the sign-in flow never asks, `simulate` does. */
export type RoleVerdict =
  | { readonly role: RoleModel; readonly allowed: true; readonly needsMfa: false }
  /** Denied now, but the trust policy would allow it with MFA (broker TOTP step-up). */
  | { readonly role: RoleModel; readonly allowed: false; readonly needsMfa: true; readonly explain: () => PolicyExplanation[] }
  | { readonly role: RoleModel; readonly allowed: false; readonly needsMfa: false; readonly explain: () => PolicyExplanation[] };

/** The context as it would be with MFA just completed: "would MFA make the difference?" */
export function withAssumedMfa(context: RequestContext): RequestContext {
  const entries = new Map(context);
  entries.set('aws:multifactorauthpresent', 'true');
  entries.set('aws:multifactorauthage', '0');
  return createContext(entries);
}

export function federatedTrustContext(
  identity: TrustIdentity,
  base: Readonly<Record<string, ContextValue>>,
  mfa: SessionClaims['mfa'] | undefined,
  nowMs: number,
  sessionName: string,
): RequestContext {
  // Later sources win: the broker's own keys cannot be replaced by anything derived from the IdP.
  return createContext(base, identity.conditionKeys, {
    'aws:principaltype': identity.type === 'saml' ? 'SAMLUser' : 'WebIdentityUser',
    'aws:federatedprovider': identity.providerArn,
    'aws:multifactorauthpresent': mfa ? 'true' : 'false',
    'aws:multifactorauthage': mfa ? String(Math.max(0, Math.floor(nowMs / 1000) - mfa.authenticatedAt)) : undefined,
    'sts:rolesessionname': sessionName,
    'aws:sourceidentity': identity.sourceIdentity,
    'sts:sourceidentity': identity.sourceIdentity,
  });
}

export function trustRequest(role: RoleModel, identity: TrustIdentity, context: ReadonlyMap<string, ContextValue>): AuthzRequest {
  return { action: TRUST_ACTIONS[identity.type], resource: role.arn, principal: { federated: identity.providerArn }, context };
}

export function judgeRole(role: RoleModel, identity: TrustIdentity, context: ReadonlyMap<string, ContextValue>): RoleVerdict {
  const request = trustRequest(role, identity, context);
  const decision = evaluatePolicies([role.trustPolicy], request);
  if (decision.decision === 'Allow') {
    // A source identity from the IdP also needs sts:SetSourceIdentity in the trust policy.
    if (identity.sourceIdentity === undefined) return { role, allowed: true, needsMfa: false };
    const setRequest = { ...request, action: 'sts:SetSourceIdentity' };
    if (evaluatePolicies([role.trustPolicy], setRequest).decision === 'Allow') return { role, allowed: true, needsMfa: false };
    return { role, allowed: false, needsMfa: false, explain: () => explainPolicies([role.trustPolicy], setRequest) };
  }
  const explain = () => explainPolicies([role.trustPolicy], request);
  if (decision.decision === 'ImplicitDeny' && context.get('aws:multifactorauthpresent') !== 'true') {
    const withMfa = withAssumedMfa(context);
    const allowedWithMfa = (action: string) => evaluatePolicies([role.trustPolicy], { ...request, action, context: withMfa }).decision === 'Allow';
    // A step-up is only offered when MFA would make the role takeable, source identity included.
    if (allowedWithMfa(request.action) && (identity.sourceIdentity === undefined || allowedWithMfa('sts:SetSourceIdentity'))) {
      return { role, allowed: false, needsMfa: true, explain };
    }
  }
  return { role, allowed: false, needsMfa: false, explain };
}
