/**
 * Trust decisions for federated identities (SAML and OIDC): the condition context of an
 * AssumeRoleWith* request, and the verdict of one role's trust policy for it — including "would be
 * allowed with MFA", which drives the broker's TOTP step-up.
 */
import type { RoleModel } from '../config/model.js';
import type { SessionClaims, SessionTags } from '../credentials/types.js';
import { MFA_METHOD_KEY, mfaMethodOf, type MfaMethod } from '../credentials/mfaMethod.js';
import { createContext, evaluatePolicies, explainPolicies } from '../policy/index.js';
import { refusedTagKey, refusedTagKeyMessage, requestTagKeys, roleResourceTagKeys } from '../sessions/tags/index.js';
import type { AuthzRequest, ContextValue, PolicyExplanation, RequestContext } from '../policy/types.js';

/** What trust evaluation needs to know about a federated identity (survives a round trip through signed state). */
export interface TrustIdentity {
  readonly type: 'saml' | 'oidc';
  readonly providerArn: string;
  /** Keys derived from the assertion or token (lower-case). */
  readonly conditionKeys: Readonly<Record<string, ContextValue>>;
  readonly sourceIdentity?: string;
  /** The session tags this sign-in would carry (IdP and configured mapping), already checked. */
  readonly tags?: SessionTags;
}

/** Who signed in through a federated provider: what a sign-in's state and a portal person both carry. */
export interface FederatedSignin extends TrustIdentity {
  /** Provider name as configured. */
  readonly provider: string;
  readonly subject: string;
  readonly issuer: string;
  /** The role session name a browser sign-in gives this person. */
  readonly sessionName: string;
}

export const TRUST_ACTIONS = { saml: 'sts:AssumeRoleWithSAML', oidc: 'sts:AssumeRoleWithWebIdentity' } as const;

/** A denied verdict explains itself on demand: the sign-in flow never asks, `simulate` does. */
export type RoleVerdict =
  | { readonly role: RoleModel; readonly allowed: true; readonly needsMfa: false }
  /**
   * Denied now, but the trust policy would allow it after the broker's MFA step-up with one of
   * `methods` (a passkey, a TOTP code: a role may demand fedbroker:MfaMethod = webauthn).
   */
  | { readonly role: RoleModel; readonly allowed: false; readonly needsMfa: true; readonly methods: readonly StepUpMethod[]; readonly explain: () => PolicyExplanation[] }
  /** Denied; `refusal` says why when no policy statement does (the role's allowedSessionTagKeys). */
  | { readonly role: RoleModel; readonly allowed: false; readonly needsMfa: false; readonly explain: () => PolicyExplanation[]; readonly refusal?: string };

/** The methods of the broker's own MFA step-up, strongest first. */
export type StepUpMethod = Exclude<MfaMethod, 'idp'>;
export const STEP_UP_METHODS: readonly StepUpMethod[] = ['webauthn', 'totp'];

/**
 * The context as it would be with MFA just completed by `method` (the API's MFA is a TOTP code):
 * "would MFA make the difference?". An MFA already present keeps its age: only the method changes.
 */
export function withAssumedMfa(context: RequestContext, method: MfaMethod = 'totp'): RequestContext {
  const entries = new Map(context);
  if (entries.get('aws:multifactorauthpresent') !== 'true') entries.set('aws:multifactorauthage', '0');
  entries.set('aws:multifactorauthpresent', 'true');
  entries.set(MFA_METHOD_KEY, method);
  return createContext(entries);
}

export function federatedTrustContext(
  identity: TrustIdentity,
  base: Readonly<Record<string, ContextValue>>,
  mfa: SessionClaims['mfa'] | undefined,
  nowMs: number,
  sessionName: string,
): RequestContext {
  return withRequestKeys(base, federatedIdentityContext(identity, mfa, sessionName), mfa, nowMs);
}

/**
 * The keys of a federated trust context that depend on the identity alone, not on the request or the
 * time: a caller that judges the same identity again and again (the SSO portal API, per access token)
 * may keep it and finish it per request with `withRequestKeys`.
 */
export function federatedIdentityContext(identity: TrustIdentity, mfa: SessionClaims['mfa'] | undefined, sessionName: string): RequestContext {
  // Later sources win: the broker's own keys cannot be replaced by anything derived from the IdP.
  return createContext(identity.conditionKeys, requestTagKeys(identity.tags), {
    'aws:principaltype': identity.type === 'saml' ? 'SAMLUser' : 'WebIdentityUser',
    'aws:federatedprovider': identity.providerArn,
    'aws:multifactorauthpresent': mfa ? 'true' : 'false',
    [MFA_METHOD_KEY]: mfaMethodOf(mfa),
    'sts:rolesessionname': sessionName,
    'aws:sourceidentity': identity.sourceIdentity,
    'sts:sourceidentity': identity.sourceIdentity,
  });
}

/**
 * The request's own keys (requestConditionKeys: time, address, transport, user agent), then the
 * identity's keys over them, then the MFA age (or its absence) as of `nowMs`.
 */
export function withRequestKeys(base: Readonly<Record<string, ContextValue>>, identityContext: RequestContext, mfa: SessionClaims['mfa'] | undefined, nowMs: number): RequestContext {
  return createContext(base, identityContext, {
    'aws:multifactorauthage': mfa ? String(Math.max(0, Math.floor(nowMs / 1000) - mfa.authenticatedAt)) : undefined,
  });
}

/** The trust request for one role: the identity's context plus the role's own tags (iam:ResourceTag/…). */
export function trustRequest(role: RoleModel, identity: TrustIdentity, context: ReadonlyMap<string, ContextValue>): AuthzRequest {
  const withRoleTags = role.tags.length > 0 ? createContext(context, roleResourceTagKeys(role.tags)) : context;
  return { action: TRUST_ACTIONS[identity.type], resource: role.arn, principal: { federated: identity.providerArn }, context: withRoleTags };
}

/** The trust request for a role ARN that may name no role (refused like any other: actions/common/trust.ts). */
export function trustRequestFor(role: RoleModel | undefined, roleArn: string, identity: TrustIdentity, context: ReadonlyMap<string, ContextValue>): AuthzRequest {
  if (role !== undefined) return trustRequest(role, identity, context);
  return { action: TRUST_ACTIONS[identity.type], resource: roleArn, principal: { federated: identity.providerArn }, context };
}

/**
 * The actions a sign-in needs besides AssumeRoleWith*: sts:SetSourceIdentity when the IdP sets a
 * source identity, sts:TagSession when the session carries tags.
 */
export function alsoRequiredActions(identity: TrustIdentity): string[] {
  return [...(identity.sourceIdentity !== undefined ? ['sts:SetSourceIdentity'] : []), ...(identity.tags !== undefined && identity.tags.tags.length > 0 ? ['sts:TagSession'] : [])];
}

export function judgeRole(role: RoleModel, identity: TrustIdentity, context: ReadonlyMap<string, ContextValue>): RoleVerdict {
  const request = trustRequest(role, identity, context);
  const also = alsoRequiredActions(identity);
  const refusedKey = refusedTagKey(role, identity.tags);
  const decision = evaluatePolicies([role.trustPolicy], request);
  if (decision.decision === 'Allow') {
    for (const action of also) {
      const alsoRequest = { ...request, action };
      if (evaluatePolicies([role.trustPolicy], alsoRequest).decision !== 'Allow') {
        return { role, allowed: false, needsMfa: false, explain: () => explainPolicies([role.trustPolicy], alsoRequest) };
      }
    }
    if (refusedKey !== undefined) return { role, allowed: false, needsMfa: false, explain: () => [], refusal: refusedTagKeyMessage(role, refusedKey) };
    return { role, allowed: true, needsMfa: false };
  }
  const explain = () => explainPolicies([role.trustPolicy], request);
  const current = request.context.get(MFA_METHOD_KEY);
  if (decision.decision === 'ImplicitDeny' && refusedKey === undefined && current !== 'webauthn') {
    // A step-up is only offered when MFA would make the role takeable, source identity and tags
    // included; with MFA already done, only a stronger method (a passkey) can make the difference.
    const methods = STEP_UP_METHODS.filter((method) => {
      if (current !== undefined && method !== 'webauthn') return false;
      const withMfa = withAssumedMfa(request.context, method);
      const allowedWithMfa = (action: string) => evaluatePolicies([role.trustPolicy], { ...request, action, context: withMfa }).decision === 'Allow';
      return allowedWithMfa(request.action) && also.every(allowedWithMfa);
    });
    if (methods.length > 0) return { role, allowed: false, needsMfa: true, methods, explain };
  }
  return { role, allowed: false, needsMfa: false, explain };
}

/** The roles of an identity that the trust policies allow now, and those that need MFA first. */
export interface SigninRoles {
  readonly allowed: readonly RoleModel[];
  readonly needMfa: readonly RoleModel[];
  /** Of `needMfa`, the ARNs of roles only a passkey opens (fedbroker:MfaMethod = webauthn). */
  readonly passkeyOnly?: ReadonlySet<string>;
}

/** Judge every candidate role for a federated identity (used by the ACS and the OIDC login). */
export function judgeCandidates(roles: readonly RoleModel[], identity: TrustIdentity, context: ReadonlyMap<string, ContextValue>): SigninRoles {
  const allowed: RoleModel[] = [];
  const needMfa: RoleModel[] = [];
  const passkeyOnly = new Set<string>();
  for (const role of roles) {
    const v = judgeRole(role, identity, context);
    if (v.allowed) allowed.push(role);
    else if (v.needsMfa) {
      needMfa.push(role);
      if (!v.methods.includes('totp')) passkeyOnly.add(role.arn);
    }
  }
  return { allowed, needMfa, passkeyOnly };
}

/** The identity judged against trust policies, from a sign-in or a person who signed in. */
export function trustIdentityOf(source: TrustIdentity): TrustIdentity {
  return {
    type: source.type,
    providerArn: source.providerArn,
    conditionKeys: source.conditionKeys,
    ...(source.sourceIdentity !== undefined ? { sourceIdentity: source.sourceIdentity } : {}),
    ...(source.tags !== undefined ? { tags: source.tags } : {}),
  };
}
