/**
 * Evaluates one condition (one operator, one key) against the request context (seed-digest §6.4–6.5):
 *
 * - Null: true ⇔ the key is absent (an empty list counts as absent).
 * - Key absent: `…IfExists` → true; `ForAllValues:` → true (an empty set, G18149); a negated operator
 *   without a set qualifier (StringNotEquals, NotIpAddress, ArnNotLike…) → true, as AWS documents today
 *   ("the condition is true if the key is not present"), so a Deny such as `NotIpAddress aws:SourceIp`
 *   cannot be dodged by a request that lacks the key; otherwise false (G18409, G19179).
 * - For each request value: the positive operator OR-ed over the policy values, negated for `…Not…`
 *   operators (TV-V16). `ForAnyValue:` = some request value passes, `ForAllValues:` = every one does,
 *   no qualifier = the value passes (any value of a multi-valued key). Under a set qualifier an empty
 *   string is an empty set (G18149).
 * - A policy variable that does not resolve: returned, and the statement does not apply.
 */
import type { RequestContext } from '../types.js';
import { isUnresolved, type VariablePiece } from '../matching/template.js';
import type { CompiledCondition } from './compile.js';

export function evaluateCondition(condition: CompiledCondition, context: RequestContext): boolean | VariablePiece {
  const actual = context.get(condition.keyLower);
  const absent = actual === undefined || (typeof actual !== 'string' && actual.length === 0);
  const { operator } = condition;
  if (condition.nullAccepts !== undefined) return absent ? condition.nullAccepts.absent : condition.nullAccepts.present;
  if (absent) {
    if (!(operator.ifExists || operator.set === 'all' || (operator.negated && operator.set === undefined))) return false;
    // True on an absent key — unless a variable of the condition has no value: then the statement
    // must not apply, as everywhere else.
    const resolved = condition.matcher.resolve(context);
    return isUnresolved(resolved) ? resolved : true;
  }

  const test = condition.matcher.resolve(context);
  if (isUnresolved(test)) return test;
  const negated = operator.negated;

  if (typeof actual === 'string') {
    if (operator.set !== undefined && actual === '') return operator.set === 'all';
    return test.test(actual) !== negated;
  }
  if (operator.set === 'all') {
    for (const value of actual!) if (test.test(value) === negated) return false;
    return true;
  }
  for (const value of actual!) if (test.test(value) !== negated) return true;
  return false;
}
