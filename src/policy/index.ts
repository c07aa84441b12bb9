/**
 * The IAM policy engine: parse and validate policy documents once, then evaluate them per request.
 *
 *   const trust = parsePolicy(text, { kind: 'trust', name: 'trust:admin', maxSize: 2048 });
 *   const result = evaluatePolicies([trust], { action, resource: '*', principal, context: createContext({...}) });
 *
 * Nothing here knows about XML, JWTs or HTTP (see types.ts).
 */
export type * from './types.js';
export { createContext } from './context.js';
export { PolicySyntaxError, type PolicyProblem } from './errors.js';
export { parsePolicy, type ParseOptions } from './parse.js';
export { authorize, evaluatePolicies } from './evaluate.js';
export { explain, explainPolicies } from './explain.js';
export { summarizeStatements } from './summarize.js';
export { policyWarnings, VOID_PROBLEM_TEXT, type PolicyWarning } from './warnings.js';
export { actionMatches } from './matching/action.js';
export { arnMatches } from './matching/arn.js';
