/**
 * Broker variables in policy documents: `${fedbroker:AcsUrl}` and its siblings name values that depend
 * on how this broker is reached (its port, its public URL), so one configuration works on any port:
 *
 *   Condition: { StringEquals: { "saml:aud": "${fedbroker:AcsUrl}" } }
 *
 * They are replaced once, when the configuration is loaded, before the policy is parsed — unlike IAM
 * policy variables (`${aws:username}`, `${saml:sub}`), which the policy engine resolves per request and
 * which are left alone here. An unknown `${fedbroker:…}` name is a configuration error.
 */
import type { ConfigIssue } from './configError.js';
import { didYouMean } from './didYouMean.js';
import type { LoadedConfig } from './load.js';

/** `${fedbroker:Name}`; names are not case-sensitive (as IAM's variable names). */
const REFERENCE = /\$\{fedbroker:([^}]*)\}/gi;

/** Name → value, keyed by the canonical spelling. */
export type BrokerVariables = ReadonlyMap<string, string>;

export function brokerVariables(loaded: Pick<LoadedConfig, 'acsUrl' | 'publicUrl' | 'samlEntityId' | 'config'>): BrokerVariables {
  return new Map([
    ['AcsUrl', loaded.acsUrl],
    ['PublicUrl', loaded.publicUrl],
    ['SamlEntityId', loaded.samlEntityId],
    ['AccountId', loaded.config.account.id],
    ['Partition', loaded.config.account.partition],
  ]);
}

/**
 * Replaces every `${fedbroker:Name}` in the strings of `document` (an object, or JSON text: then each
 * value is inserted JSON-escaped). Unknown names are reported at `path` and left as written.
 */
export function substituteBrokerVariables<T>(document: T, variables: BrokerVariables, path: string, issues: ConfigIssue[]): T {
  const byLower = new Map([...variables].map(([name, value]) => [name.toLowerCase(), value]));
  const replace = (text: string, encode: (value: string) => string): string =>
    text.includes('${') ? text.replace(REFERENCE, (written: string, name: string) => {
      const value = byLower.get(name.trim().toLowerCase());
      if (value !== undefined) return encode(value);
      issues.push({ path, message: `unknown broker variable ${written}${didYouMean(name.trim(), variables.keys(), (n) => `\${fedbroker:${n}}`)}; known: ${[...variables.keys()].map((n) => `\${fedbroker:${n}}`).join(', ')}` });
      return written;
    }) : text;
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return replace(value, (v) => v);
    if (Array.isArray(value)) return value.map(walk);
    // fromEntries defines own properties: a key such as "__proto__" stays a key.
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  if (typeof document === 'string') return replace(document, (v) => JSON.stringify(v).slice(1, -1)) as T;
  return walk(document) as T;
}
