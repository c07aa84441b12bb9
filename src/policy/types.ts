/**
 * Public types of the policy engine. The engine sees only these shapes: never XML, JWTs or HTTP.
 * Everything that authenticates a caller (SAML, OIDC, SigV4, console session) ends as a
 * RequestPrincipal plus a RequestContext.
 */

/** A condition-key value: a single string or a multi-valued list (use ForAnyValue/ForAllValues). */
export type ContextValue = string | readonly string[];

/**
 * The request context: condition keys → values. Keys are stored lower-cased (condition keys are
 * case-insensitive); values are case-sensitive strings. Booleans are "true"/"false", numbers their
 * decimal text, dates ISO 8601 (aws:CurrentTime) or epoch seconds (aws:EpochTime).
 * Build it with `createContext()` from ./context.ts, which lower-cases keys.
 */
export type RequestContext = ReadonlyMap<string, ContextValue>;

/** Who is calling, as far as `Principal` / `NotPrincipal` matching needs to know. */
export interface RequestPrincipal {
  /** 12-digit account id of the caller (matches `"AWS": "<account>"` and `arn:…:iam::<account>:root`). */
  readonly account?: string;
  /**
   * The caller's identifying ARNs, most specific first, excluding the account:
   * IAM user → [userArn]; role session → [assumedRoleSessionArn, roleArn];
   * federated user (GetFederationToken) → [federatedUserArn, callingUserArn].
   * An `"AWS"` principal entry matches when it equals one of these (or the account forms above).
   */
  readonly arns?: readonly string[];
  /**
   * For AssumeRoleWithSAML / AssumeRoleWithWebIdentity: the identity provider, as a provider ARN
   * (arn:aws:iam::ACCOUNT:saml-provider/NAME, arn:aws:iam::ACCOUNT:oidc-provider/NAME) or a built-in
   * provider name (accounts.google.com, cognito-identity.amazonaws.com, www.amazon.com, graph.facebook.com).
   * Matches a `"Federated"` principal entry.
   */
  readonly federated?: string;
  /** A service principal name such as ec2.amazonaws.com; matches a `"Service"` entry. */
  readonly service?: string;
}

/** One authorisation question: may `principal` do `action` on `resource` in `context`? */
export interface AuthzRequest {
  /** `service:Action`, e.g. `sts:AssumeRoleWithWebIdentity` (matching is case-insensitive). */
  readonly action: string;
  /** The resource ARN, or `*`. */
  readonly resource: string;
  /** Needed when the policies have Principal/NotPrincipal elements (trust and resource policies). */
  readonly principal?: RequestPrincipal;
  readonly context: RequestContext;
}

/** Where a policy is used: decides which elements are required or forbidden when validating. */
export type PolicyKind =
  /** identity-based (role/user permissions, managed policies): no Principal; Resource required. */
  | 'identity'
  /** role trust policy: Principal required; no Resource/NotResource. */
  | 'trust'
  /** resource-based policy: Principal required; Resource required. */
  | 'resource'
  /** session policy passed to AssumeRole, AssumeRoleWith… or GetFederationToken: as identity. */
  | 'session'
  /** permissions boundary: as identity. */
  | 'boundary';

export type Effect = 'Allow' | 'Deny';

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** Why a condition can never be true. */
export type VoidProblem =
  /** `"DateGreaterThan": {}`: an operator naming no condition key. */
  | 'no-keys'
  /** An operator IAM does not know (accepted only with an empty block). */
  | 'unknown-operator'
  /** `"aws:SourceIp": []`: a key without values. */
  | 'no-values'
  /** A value that is not of the operator's type: */
  | 'not-a-number'
  | 'not-a-date'
  | 'not-a-boolean'
  | 'not-base64'
  | 'not-an-ip'
  /** `NullIfExists`, `ForAnyValue:Null`: Null with a qualifier that makes no sense for it. */
  | 'null-qualifier';

/**
 * A condition IAM accepts but that can never be true (docs/decisions.md "Policy grammar"): it never
 * matches, whatever the operator (negated or not), qualifier, IfExists or request — so its statement
 * never applies: an Allow grants nothing, a Deny denies nothing. check-config and simulate warn.
 */
export interface VoidCondition {
  /** The operator as written. */
  readonly operator: string;
  /** The condition key as written; absent for an operator without keys. */
  readonly key?: string;
  readonly problem: VoidProblem;
  /** The offending value, for warnings (never put in a denial message). */
  readonly value?: string;
  /** Where it is: `Statement[1].Condition.DateGreaterThan`. */
  readonly path: string;
}

/** Identifies one statement of one policy, for explanations and audit. */
export interface StatementRef {
  /** The policy's name (managed policy name, `trust:<role>`, `inline:<role>#0`, `session`…). */
  readonly policy: string;
  readonly index: number;
  readonly sid?: string;
  readonly effect: Effect;
}

export interface EvaluationResult {
  readonly decision: Decision;
  /** For ExplicitDeny: the Deny statements that matched; for Allow: the Allow statements that matched. */
  readonly matched: readonly StatementRef[];
}

/** Why one statement did or did not apply to a request. */
export type StatementOutcome =
  | { readonly applies: true }
  | { readonly applies: false; readonly reason: 'action' | 'resource' | 'principal' }
  | {
      readonly applies: false;
      readonly reason: 'condition';
      /** The operator as written, e.g. `ForAllValues:StringLike` or `BoolIfExists`. */
      readonly operator: string;
      /** The condition key as written in the policy. */
      readonly key: string;
      /** The policy values (after variable substitution). */
      readonly expected: readonly string[];
      /** The request's value for the key; undefined when absent. */
      readonly actual: ContextValue | undefined;
    }
  | { readonly applies: false; readonly reason: 'variable'; readonly variable: string }
  /** A condition that can never be true (see VoidCondition): the statement never applies. */
  | { readonly applies: false; readonly reason: 'void'; readonly operator: string; readonly key?: string; readonly problem: VoidProblem };

export interface StatementExplanation {
  readonly ref: StatementRef;
  readonly outcome: StatementOutcome;
}

export interface PolicyExplanation {
  readonly policy: string;
  readonly kind: PolicyKind;
  readonly statements: readonly StatementExplanation[];
}

/** Layers of an authorisation decision for a principal's own request. */
export interface PolicyLayers {
  /** Identity-based policies of the caller (role permissions, user policies). */
  readonly identity: readonly CompiledPolicy[];
  /** Session policies (inline `Policy` + `PolicyArns`); undefined = no session policy (no extra limit). */
  readonly session?: readonly CompiledPolicy[];
  /** Permissions boundary; undefined = none. */
  readonly boundary?: CompiledPolicy;
  /** Resource-based policy of the target; may grant on its own when it names the principal. */
  readonly resource?: CompiledPolicy;
}

/**
 * A parsed, validated and pre-compiled policy: cheap to evaluate many times.
 * Produced by `parsePolicy()` in ./parse.ts; opaque outside the engine except for these fields.
 */
export interface CompiledPolicy {
  readonly name: string;
  readonly kind: PolicyKind;
  readonly version: '2012-10-17' | '2008-10-17';
  /** The policy document exactly as received (text), for display and audit. */
  readonly source: string;
  /** Size in characters excluding white space (IAM counts policy size this way). */
  readonly size: number;
  readonly statementCount: number;
  /** The document's `Id` element, when present. */
  readonly id?: string;
}

/** Principal entries by type, as written (`"Principal": {"AWS": "…"}` → `{ AWS: ['…'] }`). */
export type PrincipalEntries = Readonly<Partial<Record<'AWS' | 'Federated' | 'Service' | 'CanonicalUser', readonly string[]>>>;

/** One condition of a statement, for configuration checks. */
export interface ConditionSummary {
  /** As written: `ForAnyValue:StringLike`. */
  readonly operator: string;
  /** Lower-cased. */
  readonly key: string;
  /** As written, as text. */
  readonly values: readonly string[];
}

/** What one statement says, from `summarizeStatements()`. */
export interface StatementSummary {
  readonly index: number;
  readonly sid?: string;
  readonly effect: Effect;
  /** Exactly one of actions / notActions is present, as written. */
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  /** At most one of resources / notResources (none in trust policies), as written. */
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  /** The Principal — or, when `notPrincipal`, the NotPrincipal — entries; absent when the statement has neither. */
  readonly principal?: '*' | PrincipalEntries;
  readonly notPrincipal: boolean;
  /** Lower-cased condition keys the statement uses, each once. */
  readonly conditionKeys: readonly string[];
  readonly conditions: readonly ConditionSummary[];
}
