/** What the configuration checks see and say. */
import type { StatementSummary } from '../../policy/index.js';

export interface LintFinding {
  /** error: check-config fails (the broker still starts, logging it as a warning); warning: said only. */
  readonly severity: 'error' | 'warning';
  /** Key path in the configuration file: `roles[2].trustPolicy.Statement[0].Action`. */
  readonly path: string;
  /** Starts with the entity it is about: `role Developer: …`. */
  readonly message: string;
}

/** One policy document of the configuration, summarised, with where it is and whose it is. */
export interface LintedPolicy {
  readonly kind: 'trust' | 'identity';
  /** `role Developer`, `user portal`, `policy ReadOnlyAccess`. */
  readonly owner: string;
  /** `roles[2].trustPolicy`. */
  readonly path: string;
  readonly statements: readonly StatementSummary[];
}

/** The facts of this broker the checks compare against. */
export interface LintFacts {
  readonly account: string;
  readonly partition: string;
  /** The only value saml:aud can have: {publicUrl}/saml. */
  readonly acsUrl: string;
  readonly samlProviders: readonly string[];
  readonly oidcProviders: readonly string[];
  readonly roleArns: ReadonlySet<string>;
  readonly userArns: ReadonlySet<string>;
}

export type LintCheck = (policy: LintedPolicy, facts: LintFacts) => LintFinding[];
