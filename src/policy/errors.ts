import { MalformedPolicyDocument } from '../errors.js';

/** What kind of rule a policy document broke; lets callers pick their own wire error (e.g. for a size limit). */
export type PolicyProblem =
  /** Not JSON, several JSON values, or a duplicate key. */
  | 'json'
  /** A character outside U+0009, U+000A, U+000D, U+0020–U+00FF (G16679). */
  | 'characters'
  /** More non-white-space characters than `maxSize`. */
  | 'size'
  /** Valid JSON that breaks the policy grammar. */
  | 'grammar';

/**
 * A policy document that cannot be used: thrown by `parsePolicy()` (code `MalformedPolicyDocument`).
 * `path` names the offending element (`Statement[0].Condition.StringEquals`; '' for the document).
 * The message starts with AWS's own message for the fault (`awsMessage`, e.g. "Syntax errors in
 * policy."), then says in more words what is wrong and where; it quotes nothing but the document.
 */
export class PolicySyntaxError extends MalformedPolicyDocument {
  readonly path: string;
  readonly problem: PolicyProblem;
  /** The name the policy was parsed under (`trust:admin`, `session`…). */
  readonly policy: string;
  /** AWS's message for this fault, verbatim (what IAM answers). */
  readonly awsMessage: string;

  constructor(awsMessage: string, details: { path: string; problem: PolicyProblem; policy: string; detail?: string }) {
    const text = details.detail === undefined ? awsMessage : `${awsMessage} ${details.detail}`;
    super(details.path === '' ? text : `${text} (at ${details.path})`);
    this.path = details.path;
    this.problem = details.problem;
    this.policy = details.policy;
    this.awsMessage = awsMessage;
  }
}

/** Internal: a grammar rule broken at `path`; parsePolicy() turns it into a PolicySyntaxError. */
export class GrammarError extends Error {
  constructor(
    /** AWS's message, verbatim. */
    readonly aws: string,
    readonly path: string,
    /** What exactly is wrong, in our words (appended to AWS's message). */
    readonly detail?: string,
  ) {
    super(detail === undefined ? aws : `${aws} ${detail}`);
    this.name = 'GrammarError';
  }
}
