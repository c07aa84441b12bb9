/**
 * Condition keys no request can carry, in trust policies. `saml:aud` is always this broker's ACS URL
 * ({publicUrl}/saml): a condition that admits only another value (the broker moved to another port or
 * host) makes every SAML role of the policy unavailable — an error, with the fix (`${fedbroker:AcsUrl}`).
 * A key of a provider that is not configured, or a `saml:` key that no assertion fills, is a warning
 * (AWS accepts any key) with a did-you-mean.
 */
import { ATTRIBUTE_KEY_PREFIX, SAML_ASSERTION_KEYS, SAML_ATTRIBUTE_KEYS } from '../../federation/saml/conditionKeys.js';
import type { ConditionSummary } from '../../policy/index.js';
import { didYouMean } from '../didYouMean.js';
import { MFA_METHOD_KEY, MFA_METHODS } from '../../credentials/mfaMethod.js';
import type { LintCheck, LintFinding } from './types.js';

const SAML_KEYS: readonly string[] = [
  ...SAML_ASSERTION_KEYS.map((k) => k.key).filter((k) => !k.includes('<')),
  ...SAML_ATTRIBUTE_KEYS.flatMap((k) => k.keys),
];
/** The condition keys the broker sets under its own prefix (lower-case, as policies are summarised). */
const FEDBROKER_KEYS: readonly string[] = [MFA_METHOD_KEY];
/** Prefixes whose keys the broker sets itself or that belong to AWS services (not to a provider). */
const GLOBAL_PREFIXES = new Set(['aws', 'sts', 'iam', 'fedbroker', 'saml']);

export const checkConditionKeys: LintCheck = (policy, facts) => {
  if (policy.kind !== 'trust') return [];
  const findings: LintFinding[] = [];
  const providerPrefixes = facts.oidcProviders.map((p) => p.toLowerCase());
  for (const s of policy.statements) {
    if (s.effect !== 'Allow') continue;
    s.conditions.forEach((c) => {
      const path = `${policy.path}.Statement[${s.index}].Condition.${c.operator}[${JSON.stringify(c.key)}]`;
      const say = (severity: LintFinding['severity'], message: string) => findings.push({ severity, path, message: `${policy.owner}: ${message}` });
      if (c.key === 'saml:aud') {
        const values = admittedValues(c);
        if (values !== undefined && !values.some((v) => v.matches(facts.acsUrl))) {
          say(
            'error',
            `saml:aud is always this broker's ACS URL ${facts.acsUrl}, but the condition admits only ${values.map((v) => JSON.stringify(v.written)).join(', ')}, ` +
              'so the statement never applies; write "${fedbroker:AcsUrl}" to follow the broker\'s address',
          );
        }
        return;
      }
      const colon = c.key.indexOf(':');
      if (colon < 0) return;
      const prefix = c.key.slice(0, colon);
      if (prefix === 'saml') {
        if (!c.key.startsWith(ATTRIBUTE_KEY_PREFIX) && !SAML_KEYS.includes(c.key)) {
          // `saml:atr/groups` → `saml:attr/groups`: attribute keys are compared by their prefix.
          const slash = c.key.indexOf('/');
          const asAttribute = slash < 0 ? [] : [`${ATTRIBUTE_KEY_PREFIX}${c.key.slice(slash + 1)}`];
          say('warning', `no SAML assertion carries the key ${c.key}${didYouMean(c.key, [...SAML_KEYS, ...asAttribute])}`);
        }
        return;
      }
      if (prefix === 'fedbroker') {
        // The broker's own condition keys (its policy variables, ${fedbroker:AcsUrl}…, are not keys).
        if (!FEDBROKER_KEYS.includes(c.key)) say('warning', `no request carries the key ${c.key}${didYouMean(c.key, FEDBROKER_KEYS)}`);
        else if (c.key === MFA_METHOD_KEY) {
          const unknown = (admittedValues(c) ?? []).filter((v) => !MFA_METHODS.some((m) => v.matches(m)));
          if (unknown.length > 0) say('warning', `fedbroker:MfaMethod is one of ${MFA_METHODS.join(', ')}; ${unknown.map((v) => JSON.stringify(v.written)).join(', ')} never matches`);
        }
        return;
      }
      if (GLOBAL_PREFIXES.has(prefix) || providerPrefixes.some((p) => c.key.startsWith(`${p}:`))) return;
      const hint = didYouMean(prefix, providerPrefixes);
      say('warning', `no request carries the key ${c.key}: no OpenID provider named ${prefix} is configured${hint}`);
    });
  }
  return findings;
};

interface Admitted {
  readonly written: string;
  matches(value: string): boolean;
}

/**
 * The values a positive string condition admits, or undefined when it cannot be judged here (another
 * operator, a negation, `…IfExists`, a policy variable in a value).
 */
function admittedValues(c: ConditionSummary): Admitted[] | undefined {
  const operator = c.operator.replace(/^For(All|Any)Values?:/, '');
  if (operator.endsWith('IfExists') || c.values.some((v) => v.includes('${'))) return undefined;
  switch (operator) {
    case 'StringEquals':
      return c.values.map((v) => ({ written: v, matches: (x) => x === v }));
    case 'StringEqualsIgnoreCase':
      return c.values.map((v) => ({ written: v, matches: (x) => x.toLowerCase() === v.toLowerCase() }));
    case 'StringLike': {
      return c.values.map((v) => {
        const pattern = new RegExp(`^${v.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
        return { written: v, matches: (x) => pattern.test(x) };
      });
    }
    default:
      return undefined;
  }
}
