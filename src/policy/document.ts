/**
 * The compiled form of a policy: what parsePolicy() produces and the evaluator walks. Everything a
 * request needs is prepared here (globs, ARN segments, principal sets, condition matchers), so
 * evaluation parses nothing.
 */
import type { CompiledPolicy, Effect, PolicyKind, StatementRef, VoidCondition } from './types.js';
import type { CompiledCondition } from './conditions/compile.js';
import type { ArnPattern } from './matching/arn.js';
import type { Glob } from './matching/glob.js';
import type { PrincipalBlock } from './matching/principal.js';

export interface ActionBlock {
  /** NotAction. */
  readonly negated: boolean;
  /** One of the patterns is `*`. */
  readonly any: boolean;
  /** Lower-cased globs. */
  readonly patterns: readonly Glob[];
  readonly written: readonly string[];
}

export interface ResourceBlock {
  /** NotResource. */
  readonly negated: boolean;
  readonly patterns: readonly ArnPattern[];
  readonly written: readonly string[];
}

export interface CompiledStatement {
  readonly ref: StatementRef;
  readonly effect: Effect;
  readonly action: ActionBlock;
  /** Absent in trust policies. */
  readonly resource: ResourceBlock | undefined;
  /** Principal or NotPrincipal; absent in identity-like policies. */
  readonly principal: PrincipalBlock | undefined;
  readonly conditions: readonly CompiledCondition[];
  /** Conditions IAM accepts that can never be true: with one, the statement never applies. */
  readonly voids: readonly VoidCondition[];
}

export class PolicyDocument implements CompiledPolicy {
  readonly allows: readonly CompiledStatement[];
  readonly denies: readonly CompiledStatement[];
  readonly statementCount: number;

  constructor(
    readonly name: string,
    readonly kind: PolicyKind,
    readonly version: '2012-10-17' | '2008-10-17',
    readonly source: string,
    readonly size: number,
    readonly id: string | undefined,
    readonly statements: readonly CompiledStatement[],
  ) {
    this.allows = statements.filter((s) => s.effect === 'Allow');
    this.denies = statements.filter((s) => s.effect === 'Deny');
    this.statementCount = statements.length;
    Object.freeze(this);
  }
}

/** The compiled internals of a policy; only policies made by parsePolicy() have them. */
export function documentOf(policy: CompiledPolicy): PolicyDocument {
  if (policy instanceof PolicyDocument) return policy;
  throw new TypeError(`Policy ${JSON.stringify(policy.name)} was not produced by parsePolicy()`);
}
