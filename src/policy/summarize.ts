/**
 * Statement summaries for configuration checks — e.g. "does this trust policy that allows
 * sts:AssumeRoleWithWebIdentity constrain `<provider>:aud`?" — without exposing compiled internals.
 */
import { documentOf } from './document.js';
import type { CompiledPolicy, StatementSummary } from './types.js';

export function summarizeStatements(policy: CompiledPolicy): StatementSummary[] {
  return documentOf(policy).statements.map((s) => {
    const keys = [...new Set(s.conditions.map((c) => c.keyLower))];
    const summary: StatementSummary = {
      index: s.ref.index,
      ...(s.ref.sid === undefined ? {} : { sid: s.ref.sid }),
      effect: s.effect,
      ...(s.action.negated ? { notActions: s.action.written } : { actions: s.action.written }),
      ...(s.resource === undefined ? {} : s.resource.negated ? { notResources: s.resource.written } : { resources: s.resource.written }),
      ...(s.principal === undefined ? {} : { principal: s.principal.written }),
      notPrincipal: s.principal?.negated ?? false,
      conditionKeys: keys,
      conditions: s.conditions.map((c) => ({ operator: c.operator.written, key: c.keyLower, values: c.values })),
    };
    return summary;
  });
}
