import { createContext, evaluatePolicies, parsePolicy } from '../../../src/policy/index.js';
import type { ContextValue } from '../../../src/policy/index.js';

/** Does an Allow statement with this Condition element apply to a request with this context? */
export function holds(condition: object, context: Record<string, ContextValue | undefined>, version: '2012-10-17' | '2008-10-17' = '2012-10-17'): boolean {
  const policy = parsePolicy({ Version: version, Statement: [{ Effect: 'Allow', Action: 'test:Action', Resource: '*', Condition: condition }] }, {
    kind: 'identity',
    name: 'condition-under-test',
  });
  return evaluatePolicies([policy], { action: 'test:Action', resource: '*', context: createContext(context) }).decision === 'Allow';
}
