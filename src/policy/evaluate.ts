/**
 * Policy evaluation (G18487–G18631): statements and policies are OR-ed; an explicit Deny beats any
 * Allow; without an Allow the answer is the implicit deny. A statement applies when its action,
 * resource, principal and every condition match; anything that cannot be decided (an unresolved
 * policy variable) makes it not apply, and so does a condition that can never be true (a void one). Nothing is parsed here: policies were compiled at load.
 */
import { evaluateCondition } from './conditions/evaluate.js';
import { documentOf, type CompiledStatement, type ResourceBlock } from './document.js';
import { actionPatternMatches } from './matching/action.js';
import { arnPatternMatches, colonOffsets } from './matching/arn.js';
import { principalMatches, principalNamesCaller, principalNamesSession } from './matching/principal.js';
import { isUnresolved, type VariablePiece } from './matching/template.js';
import type { AuthzRequest, CompiledPolicy, EvaluationResult, PolicyLayers, StatementRef } from './types.js';

/** The request with what every statement needs computed once. */
export interface PreparedRequest {
  readonly request: AuthzRequest;
  readonly actionLower: string;
  readonly resourceColons: Int32Array | null;
}

export function prepareRequest(request: AuthzRequest): PreparedRequest {
  return { request, actionLower: request.action.toLowerCase(), resourceColons: colonOffsets(request.resource) };
}

/**
 * Why a statement does not apply: the element that did not match, 'void' (a condition that can never
 * be true), the index of the first failing condition, or the policy variable that did not resolve.
 * null when it applies.
 */
export type Miss = null | 'action' | 'resource' | 'principal' | 'void' | number | VariablePiece;

export function checkStatement(statement: CompiledStatement, r: PreparedRequest): Miss {
  const { action } = statement;
  let actionHit = action.any;
  if (!actionHit) {
    for (const p of action.patterns) {
      if (actionPatternMatches(p, r.actionLower)) {
        actionHit = true;
        break;
      }
    }
  }
  if (actionHit === action.negated) return 'action';

  if (statement.resource !== undefined) {
    const hit = resourceHit(statement.resource, r);
    if (isUnresolved(hit)) return hit;
    if (hit === statement.resource.negated) return 'resource';
  }

  if (statement.principal !== undefined && !principalMatches(statement.principal, r.request.principal)) return 'principal';
  if (statement.voids.length > 0) return 'void';

  const context = r.request.context;
  const conditions = statement.conditions;
  for (let i = 0; i < conditions.length; i++) {
    const result = evaluateCondition(conditions[i]!, context);
    if (result === true) continue;
    return result === false ? i : result;
  }
  return null;
}

/**
 * Does one of the patterns match the resource? A pattern whose variable does not resolve matches
 * nothing; when no pattern matched and one was unresolved, that variable is returned (so Resource
 * does not apply, and NotResource does not apply either rather than widening to everything).
 */
function resourceHit(block: ResourceBlock, r: PreparedRequest): boolean | VariablePiece {
  let unresolved: VariablePiece | undefined;
  for (const p of block.patterns) {
    const m = arnPatternMatches(p, r.request.resource, r.resourceColons, r.request.context);
    if (m === true) return true;
    if (m !== false) unresolved ??= m;
  }
  return unresolved ?? false;
}

const NONE: readonly StatementRef[] = Object.freeze([]);
const IMPLICIT_DENY: EvaluationResult = Object.freeze({ decision: 'ImplicitDeny', matched: NONE });

/** Appends the refs of the statements that apply to `out` (created on first hit). */
function collect(statements: readonly CompiledStatement[], r: PreparedRequest, out: StatementRef[] | undefined): StatementRef[] | undefined {
  for (const s of statements) {
    if (checkStatement(s, r) === null) (out ??= []).push(s.ref);
  }
  return out;
}

function denies(policies: readonly CompiledPolicy[], r: PreparedRequest, out: StatementRef[] | undefined): StatementRef[] | undefined {
  for (const p of policies) out = collect(documentOf(p).denies, r, out);
  return out;
}

function allows(policies: readonly CompiledPolicy[], r: PreparedRequest, out: StatementRef[] | undefined): StatementRef[] | undefined {
  for (const p of policies) out = collect(documentOf(p).allows, r, out);
  return out;
}

/** One set of policies, all on the same footing: explicit Deny > Allow > implicit deny. */
export function evaluatePolicies(policies: readonly CompiledPolicy[], request: AuthzRequest): EvaluationResult {
  const r = prepareRequest(request);
  const denied = denies(policies, r, undefined);
  if (denied !== undefined) return { decision: 'ExplicitDeny', matched: denied };
  const allowed = allows(policies, r, undefined);
  return allowed === undefined ? IMPLICIT_DENY : { decision: 'Allow', matched: allowed };
}

/**
 * A principal's own request, across the layers of PolicyLayers:
 *
 *   ExplicitDeny  if a Deny statement applies in any layer (identity, session, boundary, resource);
 *   otherwise, with
 *     identityPath = identity allows
 *                    AND (no session layer, or a session policy allows)
 *                    AND (no boundary, or the boundary allows)
 *     grant        = an Allow statement of the resource policy applies whose Principal names the
 *                    caller itself — an entry naming only the caller's account delegates to the
 *                    account's policies instead (G17160). Naming the caller's own session (its first
 *                    ARN: the assumed-role or federated-user ARN, or an IAM user's ARN) grants on its
 *                    own; naming it any other way (the role's ARN, `*`, its provider or service)
 *                    grants only where the session policies and the boundary, when present, allow
 *                    too (AWS: permissions granted to the role ARN are added before the session
 *                    policy filters them; those granted to the session ARN after)
 *   Allow         for a resource policy (kind 'resource'):  identityPath OR grant  (G10061)
 *                 for a role trust policy (kind 'trust'):   the trust policy allows AND (identityPath OR grant):
 *                    a role is never taken without its trust policy (G8922, semantics.md)
 *   ImplicitDeny  otherwise.
 *
 * So session policies and boundaries only ever narrow (G9839): a session policy granting more than
 * the role grants nothing more. `session: []` is a session layer that allows nothing (GetFederationToken
 * without a policy); `session: undefined` means no session limit.
 */
export function authorize(layers: PolicyLayers, request: AuthzRequest): EvaluationResult {
  const r = prepareRequest(request);
  const session = layers.session;
  const boundary = layers.boundary === undefined ? undefined : [layers.boundary];
  const resource = layers.resource === undefined ? undefined : documentOf(layers.resource);

  let denied = denies(layers.identity, r, undefined);
  if (session !== undefined) denied = denies(session, r, denied);
  if (boundary !== undefined) denied = denies(boundary, r, denied);
  if (resource !== undefined) denied = collect(resource.denies, r, denied);
  if (denied !== undefined) return { decision: 'ExplicitDeny', matched: denied };

  const byResource = resource === undefined ? undefined : collect(resource.allows, r, undefined);
  if (resource?.kind === 'trust' && byResource === undefined) return IMPLICIT_DENY;

  let allowed = allows(layers.identity, r, undefined);
  if (allowed !== undefined && session !== undefined) {
    const bySession = allows(session, r, undefined);
    allowed = bySession === undefined ? undefined : [...allowed, ...bySession];
  }
  if (allowed !== undefined && boundary !== undefined) {
    const byBoundary = allows(boundary, r, undefined);
    allowed = byBoundary === undefined ? undefined : [...allowed, ...byBoundary];
  }
  if (allowed !== undefined) return { decision: 'Allow', matched: byResource === undefined ? allowed : [...byResource, ...allowed] };

  if (resource !== undefined && byResource !== undefined) {
    const filtersAllow = (session === undefined || allows(session, r, undefined) !== undefined) && (boundary === undefined || allows(boundary, r, undefined) !== undefined);
    const grants = byResource.filter((ref) => {
      const block = resource.statements[ref.index]!.principal;
      if (block === undefined) return false;
      if (principalNamesSession(block, request.principal)) return true;
      return filtersAllow && principalNamesCaller(block, request.principal);
    });
    if (grants.length > 0) return { decision: 'Allow', matched: grants };
  }
  return IMPLICIT_DENY;
}
