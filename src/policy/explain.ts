/**
 * Explanations: for every statement of every policy, whether it applies to a request and, if not,
 * the first reason — for `fedbroker simulate`, "why can't I take role X", and the sealed
 * explanation inside an AccessDenied. Plain JSON-serialisable data. Uses the evaluator's own
 * checks (checkStatement), so an explanation never disagrees with a decision.
 */
import { documentOf, type CompiledStatement } from './document.js';
import { checkStatement, prepareRequest, type PreparedRequest } from './evaluate.js';
import { isUnresolved } from './matching/template.js';
import type { AuthzRequest, CompiledPolicy, ContextValue, PolicyExplanation, PolicyLayers, StatementOutcome } from './types.js';

export function explainPolicies(policies: readonly CompiledPolicy[], request: AuthzRequest): PolicyExplanation[] {
  const r = prepareRequest(request);
  return policies.map((policy) => {
    const doc = documentOf(policy);
    return {
      policy: doc.name,
      kind: doc.kind,
      statements: doc.statements.map((s) => ({ ref: s.ref, outcome: outcomeOf(s, r) })),
    };
  });
}

/** Every policy of every layer, in the order identity, session, boundary, resource. */
export function explain(layers: PolicyLayers, request: AuthzRequest): PolicyExplanation[] {
  const policies: CompiledPolicy[] = [...layers.identity, ...(layers.session ?? [])];
  if (layers.boundary !== undefined) policies.push(layers.boundary);
  if (layers.resource !== undefined) policies.push(layers.resource);
  return explainPolicies(policies, request);
}

function outcomeOf(statement: CompiledStatement, r: PreparedRequest): StatementOutcome {
  const miss = checkStatement(statement, r);
  if (miss === null) return { applies: true };
  if (miss === 'void') {
    const v = statement.voids[0]!;
    return { applies: false, reason: 'void', operator: v.operator, ...(v.key !== undefined ? { key: v.key } : {}), problem: v.problem };
  }
  if (typeof miss === 'string') return { applies: false, reason: miss };
  if (isUnresolved(miss)) return { applies: false, reason: 'variable', variable: miss.name };
  const condition = statement.conditions[miss]!;
  const context = r.request.context;
  const expected = condition.nullAccepts !== undefined ? condition.values : condition.matcher.expected(context);
  return {
    applies: false,
    reason: 'condition',
    operator: condition.operator.written,
    key: condition.key,
    expected: isUnresolved(expected) ? condition.values : [...expected],
    actual: copy(context.get(condition.keyLower)),
  };
}

function copy(value: ContextValue | undefined): ContextValue | undefined {
  return value === undefined || typeof value === 'string' ? value : [...value];
}
