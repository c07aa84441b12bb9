/**
 * What is legal in a policy but surely not meant: conditions that can never be true (VoidCondition).
 * IAM accepts them, so the broker does too; `check-config`, start-up and `simulate` say so — loudest
 * for a Deny, which then never denies anything.
 */
import { documentOf } from './document.js';
import type { CompiledPolicy, VoidCondition, VoidProblem } from './types.js';

export interface PolicyWarning {
  /** Where in the document: `Statement[1].Condition.NumericLessThan["aws:MultiFactorAuthAge"]`. */
  readonly path: string;
  readonly message: string;
}

const WHY: Record<VoidProblem, (v: VoidCondition) => string> = {
  'no-keys': (v) => `${v.operator} names no condition key`,
  'unknown-operator': (v) => `${v.operator} is not a condition operator`,
  'no-values': (v) => `${v.key} has no values`,
  'not-a-number': (v) => `${JSON.stringify(v.value)} is not a number`,
  'not-a-date': (v) => `${JSON.stringify(v.value)} is not a date (ISO 8601 with a time zone, e.g. 2026-01-31T00:00:00Z, or epoch seconds)`,
  'not-a-boolean': (v) => `${JSON.stringify(v.value)} is not true or false`,
  'not-base64': (v) => `${JSON.stringify(v.value)} is not base-64 encoded bytes`,
  'not-an-ip': (v) => `${JSON.stringify(v.value)} is not an IPv4 or IPv6 address or CIDR block`,
  'null-qualifier': (v) => `Null takes neither IfExists nor ForAnyValue/ForAllValues (${v.operator})`,
};

/** One warning per void condition of the policy. */
export function policyWarnings(policy: CompiledPolicy): PolicyWarning[] {
  const warnings: PolicyWarning[] = [];
  for (const s of documentOf(policy).statements) {
    const statement = s.ref.sid ? `statement ${s.ref.sid}` : 'the statement';
    const consequence = s.effect === 'Deny' ? `${statement} (a Deny) never applies, so it denies nothing` : `${statement} never applies, so it allows nothing`;
    for (const v of s.voids) {
      const what = v.key === undefined ? `the condition ${v.operator}` : `the condition ${v.operator} on ${v.key}`;
      warnings.push({ path: v.path, message: `${what} can never match (${WHY[v.problem](v)}): ${consequence}` });
    }
  }
  return warnings;
}

/** The words for a void outcome in an explanation (no values: it may describe someone else's policy). */
export const VOID_PROBLEM_TEXT: Record<VoidProblem, string> = {
  'no-keys': 'the operator names no condition key',
  'unknown-operator': 'it is not a condition operator',
  'no-values': 'the key has no values',
  'not-a-number': 'a value is not a number',
  'not-a-date': 'a value is not a date',
  'not-a-boolean': 'a value is not true or false',
  'not-base64': 'a value is not base-64 encoded bytes',
  'not-an-ip': 'a value is not an IP address or CIDR block',
  'null-qualifier': 'Null takes neither IfExists nor ForAnyValue/ForAllValues',
};
