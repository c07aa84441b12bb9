/**
 * What a signed Caller contributes to policy evaluation: the global condition keys about the
 * principal (lower-case keys, string values) and the principal for Principal/NotPrincipal matching.
 * Request-level keys (aws:currenttime, aws:sourceip, aws:securetransport…) are added by the caller
 * of these functions, which knows the HTTP request.
 */
import { isoSeconds } from '../../time.js';
import { federatedUserArn, roleArn, userArn } from '../../credentials/arns.js';
import type { ContextValue, RequestPrincipal } from '../../policy/types.js';
import { MFA_METHOD_KEY, mfaMethodOf } from '../../credentials/mfaMethod.js';
import type { Caller } from '../identity.js';

/**
 * The ARN that aws:PrincipalArn reports: the role's ARN for a role session (never the session ARN),
 * the federated user ARN for GetFederationToken sessions, the user's ARN otherwise.
 */
export function principalArnOf(caller: Caller): string {
  const principal = caller.session?.principal;
  if (principal?.kind === 'AssumedRole') return roleArn(caller.partition, caller.account, principal.rolePath, principal.roleName);
  return caller.arn;
}

/**
 * Condition keys for a signed caller at `now` (epoch ms): aws:principaltype, aws:userid,
 * aws:username (IAM users only), aws:principalarn, aws:principalaccount, and for temporary
 * credentials aws:tokenissuetime, aws:multifactorauthpresent ("true"/"false"; absent for long-term
 * keys), aws:multifactorauthage and fedbroker:mfamethod (only with MFA), aws:sourceidentity, plus every context key the
 * session carries (saml:sub, aws:federatedprovider…). Identity keys always win over carried ones.
 */
export function callerConditionContext(caller: Caller, now: number): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {};
  const session = caller.session;
  if (session?.context !== undefined) {
    for (const [key, value] of Object.entries(session.context)) context[key.toLowerCase()] = value;
  }
  context['aws:principaltype'] = caller.kind;
  context['aws:userid'] = caller.userId;
  if (caller.userName !== undefined) context['aws:username'] = caller.userName;
  else delete context['aws:username'];
  context['aws:principalarn'] = principalArnOf(caller);
  context['aws:principalaccount'] = caller.account;
  if (caller.region !== undefined) context['aws:requestedregion'] = caller.region;
  if (session === undefined) return context;

  context['aws:tokenissuetime'] = isoSeconds(session.issuedAt * 1000);
  context['aws:multifactorauthpresent'] = session.mfa === undefined ? 'false' : 'true';
  if (session.mfa !== undefined) {
    context['aws:multifactorauthage'] = String(Math.max(0, Math.floor(now / 1000) - session.mfa.authenticatedAt));
    context[MFA_METHOD_KEY] = mfaMethodOf(session.mfa)!;
  } else {
    delete context['aws:multifactorauthage'];
    delete context[MFA_METHOD_KEY];
  }
  if (session.sourceIdentity !== undefined) context['aws:sourceidentity'] = session.sourceIdentity;
  return context;
}

/**
 * The principal for trust and resource policies: the account plus the caller's ARNs, most specific
 * first: role session → [session ARN, role ARN]; federated user → [federated-user ARN, ARN of the
 * IAM user who called GetFederationToken]; IAM user (long-term or GetSessionToken) → [user ARN].
 */
export function callerPrincipal(caller: Caller): RequestPrincipal {
  const principal = caller.session?.principal;
  let arns: string[];
  if (principal?.kind === 'AssumedRole') {
    arns = [caller.arn, roleArn(caller.partition, caller.account, principal.rolePath, principal.roleName)];
  } else if (principal?.kind === 'FederatedUser') {
    arns = [federatedUserArn(caller.partition, caller.account, principal.name), userArn(caller.partition, caller.account, principal.userPath ?? '/', principal.userName)];
  } else {
    arns = [caller.arn];
  }
  return { account: caller.account, arns };
}
