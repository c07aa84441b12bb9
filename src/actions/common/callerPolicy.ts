/**
 * Permission checks for signed callers: the caller's identity policies (IAM user policies, or the
 * role's permission policies for a role session) ∩ session policies ∩ permissions boundary, evaluated
 * by the one policy engine. A denial answers AWS's message and carries the explanation.
 */
import type { Broker } from '../../broker.js';
import type { Caller } from '../../federation/identity.js';
import { callerConditionContext, callerPrincipal } from '../../federation/sigv4/context.js';
import { authorize, createContext, explain } from '../../policy/index.js';
import type { AuthzRequest, ContextValue, PolicyLayers } from '../../policy/types.js';
import type { RequestInfo } from '../../protocol/action.js';
import { callerPrincipalTags, principalTagKeys } from '../../sessions/tags/index.js';
import { requestConditionKeys } from './requestContext.js';
import { deniedWith, describeRequest } from './trust.js';

export function callerLayers(broker: Broker, caller: Caller): PolicyLayers {
  const model = broker.model;
  const session = caller.session;
  const principal = session?.principal;
  if (principal?.kind === 'AssumedRole') {
    const role = model.roleByName(principal.roleName);
    // A role removed from the configuration keeps no permissions.
    const identity = role !== undefined && role.path === principal.rolePath ? role.permissionPolicies : [];
    const sessionPolicies = broker.sessionPolicies.policiesOf(model, session?.sessionPolicy);
    return {
      identity,
      ...(sessionPolicies !== undefined ? { session: sessionPolicies } : {}),
      ...(role?.permissionsBoundary ? { boundary: role.permissionsBoundary } : {}),
    };
  }
  const userName = principal?.kind === 'FederatedUser' ? principal.userName : caller.userName;
  const user = userName !== undefined ? model.users.get(userName) : undefined;
  const identity = user?.permissionPolicies ?? [];
  const boundary = user?.permissionsBoundary;
  if (principal?.kind === 'FederatedUser') {
    // GetFederationToken without a session policy grants nothing (AWS: "no permissions").
    const sessionPolicies = broker.sessionPolicies.policiesOf(model, session?.sessionPolicy) ?? [];
    return { identity, session: sessionPolicies, ...(boundary ? { boundary } : {}) };
  }
  return { identity, ...(boundary ? { boundary } : {}) };
}

/** The caller's own keys: identity (aws:userid, MFA…, the session's kept keys) and aws:PrincipalTag/…. */
export function callerContextKeys(broker: Broker, caller: Caller, now: number): Record<string, ContextValue> {
  const keys = callerConditionContext(caller, now);
  const tags = principalTagKeys(callerPrincipalTags(broker.model, caller));
  for (const k in tags) keys[k] = tags[k]!;
  return keys;
}

export function callerRequest(
  broker: Broker,
  caller: Caller,
  request: RequestInfo,
  action: string,
  resource: string,
  extra: Readonly<Record<string, ContextValue | undefined>> = {},
): AuthzRequest {
  return {
    action,
    resource,
    principal: callerPrincipal(caller),
    context: createContext(requestConditionKeys(request), callerContextKeys(broker, caller, request.receivedAt), extra),
  };
}

/** Throws AccessDenied unless the caller's policies allow `action` on `resource`. */
export function authorizeCaller(
  broker: Broker,
  caller: Caller,
  request: RequestInfo,
  action: string,
  resource: string,
  extra: Record<string, ContextValue | undefined> = {},
): void {
  const authz = callerRequest(broker, caller, request, action, resource, extra);
  const layers = callerLayers(broker, caller);
  const result = authorize(layers, authz);
  if (result.decision === 'Allow') return;
  const how = result.decision === 'ExplicitDeny' ? ' with an explicit deny in an identity-based policy' : ` because no identity-based policy allows the ${action} action`;
  throw deniedWith(`User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource}${how}`, () => ({
    request: describeRequest(authz),
    policies: explain(layers, authz),
  }));
}
