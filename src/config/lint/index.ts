/**
 * Configuration checks beyond validity: typos that parse but make a role silently unusable — a
 * principal naming a provider, user or role that does not exist, a misspelled action, a condition key
 * no request can carry. They read the compiled policies through `summarizeStatements`, never the
 * parser's internals. `fedbroker check-config` fails on errors; `serve` logs every finding as a
 * warning (and starts: a configuration that started yesterday starts today).
 *
 * The checks, in order:
 */
import type { BrokerModel } from '../model.js';
import { summarizeStatements, type CompiledPolicy } from '../../policy/index.js';
import { checkActions } from './checkActions.js';
import { checkConditionKeys } from './checkConditionKeys.js';
import { checkPrincipals } from './checkPrincipals.js';
import type { LintCheck, LintedPolicy, LintFacts, LintFinding } from './types.js';

export type { LintFinding } from './types.js';

const CHECKS: readonly LintCheck[] = [checkPrincipals, checkActions, checkConditionKeys];

export interface LintOptions {
  /** Providers the broker adds itself when it starts (the development identity providers), by type. */
  readonly extraProviders?: { readonly saml: readonly string[]; readonly oidc: readonly string[] };
}

export function lintConfiguration(model: BrokerModel, options: LintOptions = {}): LintFinding[] {
  const facts: LintFacts = {
    account: model.account,
    partition: model.partition,
    acsUrl: model.loaded.acsUrl,
    samlProviders: [...model.samlProviders.map((p) => p.settings.name), ...(options.extraProviders?.saml ?? [])],
    oidcProviders: [...model.oidcProviders.map((p) => p.settings.name), ...(options.extraProviders?.oidc ?? [])],
    roleArns: new Set(model.roles.keys()),
    userArns: new Set([...model.users.values()].map((u) => u.arn)),
  };
  return policiesOf(model).flatMap((policy) => CHECKS.flatMap((check) => check(policy, facts)));
}

/** `path: message` lines, errors first. */
export function formatFindings(findings: readonly LintFinding[]): string[] {
  return [...findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1)).map((f) => `${f.path}: ${f.message}`);
}

/** Every policy document of the configuration, in file order, with its key path and owner. */
function policiesOf(model: BrokerModel): LintedPolicy[] {
  const out: LintedPolicy[] = [];
  const add = (kind: LintedPolicy['kind'], owner: string, path: string, policy: CompiledPolicy | undefined) => {
    if (policy !== undefined) out.push({ kind, owner, path, statements: summarizeStatements(policy) });
  };
  model.config.policies.forEach((p, i) => add('identity', `policy ${p.name}`, `policies[${i}].document`, model.managedPolicies.get(p.name)?.policy));
  model.config.roles.forEach((r, i) => {
    const role = model.roleByName(r.name);
    if (role === undefined) return;
    add('trust', `role ${r.name}`, `roles[${i}].trustPolicy`, role.trustPolicy);
    // permissionPolicies holds the managed policies first, then the inline ones in file order.
    role.permissionPolicies.slice(role.managedPolicyNames.length).forEach((p, j) => add('identity', `role ${r.name}`, `roles[${i}].inlinePolicies[${j}]`, p));
  });
  model.config.users.forEach((u, i) => {
    const user = model.users.get(u.name);
    user?.permissionPolicies.slice(u.managedPolicies.length).forEach((p, j) => add('identity', `user ${u.name}`, `users[${i}].inlinePolicies[${j}]`, p));
  });
  return out;
}

/** What `serve` logs at start and on reload: every finding, as a warning line. */
export function lintWarnings(model: BrokerModel): string[] {
  return formatFindings(lintConfiguration(model));
}
