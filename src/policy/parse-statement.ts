/**
 * One statement, checked element by element (G17004–G18470, grammar G18715–G18761) and compiled:
 *
 *   checkFields → checkSid → checkEffect → checkPrincipal → checkAction → checkResource → checkCondition
 *
 * Which elements a statement needs depends on where the policy is used (G18773, G17402, G17496):
 *
 * | kind                          | Principal / NotPrincipal   | Action / NotAction | Resource / NotResource |
 * |-------------------------------|----------------------------|--------------------|------------------------|
 * | identity, session, boundary   | forbidden                  | exactly one        | exactly one            |
 * | trust                         | Principal required         | exactly one        | forbidden              |
 * | resource                      | exactly one                | exactly one        | exactly one            |
 *
 * NotPrincipal is refused in trust policies (as IAM does): "everyone except" is no way to say who may
 * take a role.
 */
import { compileConditions } from './conditions/compile.js';
import type { ActionBlock, CompiledStatement, ResourceBlock } from './document.js';
import { GrammarError } from './errors.js';
import { childPath, isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { compileActionPattern } from './matching/action.js';
import { compileArnPattern } from './matching/arn.js';
import { compilePrincipal, type PrincipalBlock, type PrincipalType } from './matching/principal.js';
import { parseTemplate, TemplateError } from './matching/template.js';
import type { Effect, PolicyKind } from './types.js';

export interface StatementOptions {
  readonly policy: string;
  readonly kind: PolicyKind;
  /** Version 2012-10-17: policy variables are recognised. */
  readonly variables: boolean;
}

const FIELDS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const PRINCIPAL_TYPES: ReadonlySet<string> = new Set<PrincipalType>(['AWS', 'Federated', 'Service', 'CanonicalUser']);
const SID = /^[0-9A-Za-z]*$/;

export function compileStatement(value: JsonValue, path: string, index: number, options: StatementOptions): CompiledStatement {
  if (!isJsonObject(value)) throw new GrammarError('Each statement must be a JSON object.', path);
  checkFields(value, path);
  const sid = checkSid(value, path);
  const effect = checkEffect(value, path);
  const principal = checkPrincipal(value, path, options.kind);
  const action = checkAction(value, path);
  const resource = checkResource(value, path, options);
  const condition = value.get('Condition');
  const conditions = condition === undefined ? [] : compileConditions(condition, childPath(path, 'Condition'), options.variables);
  return {
    ref: sid === undefined ? { policy: options.policy, index, effect } : { policy: options.policy, index, sid, effect },
    effect,
    action,
    resource,
    principal,
    conditions,
  };
}

function checkFields(statement: JsonObject, path: string): void {
  for (const key of statement.keys()) {
    if (!FIELDS.has(key)) throw new GrammarError(`Unknown field ${key}`, childPath(path, key));
  }
}

function checkSid(statement: JsonObject, path: string): string | undefined {
  const sid = statement.get('Sid');
  if (sid === undefined) return undefined;
  if (typeof sid !== 'string' || !SID.test(sid)) {
    throw new GrammarError('Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*', childPath(path, 'Sid'));
  }
  return sid;
}

function checkEffect(statement: JsonObject, path: string): Effect {
  const effect = statement.get('Effect');
  if (effect === undefined) throw new GrammarError('Missing required field Effect', path);
  if (effect !== 'Allow' && effect !== 'Deny') {
    const shown = typeof effect === 'string' ? JSON.stringify(effect) : 'a non-string value';
    throw new GrammarError(`Effect must be "Allow" or "Deny", not ${shown}.`, childPath(path, 'Effect'));
  }
  return effect;
}

function checkPrincipal(statement: JsonObject, path: string, kind: PolicyKind): PrincipalBlock | undefined {
  const principal = statement.get('Principal');
  const notPrincipal = statement.get('NotPrincipal');
  const needsPrincipal = kind === 'trust' || kind === 'resource';
  if (!needsPrincipal) {
    if (principal !== undefined || notPrincipal !== undefined) {
      throw new GrammarError('Policy document should not specify a principal.', childPath(path, principal !== undefined ? 'Principal' : 'NotPrincipal'));
    }
    return undefined;
  }
  if (principal !== undefined && notPrincipal !== undefined) {
    throw new GrammarError('A statement cannot have both Principal and NotPrincipal.', path);
  }
  if (kind === 'trust' && notPrincipal !== undefined) throw new GrammarError('Has prohibited field NotPrincipal', childPath(path, 'NotPrincipal'));
  if (principal === undefined && notPrincipal === undefined) throw new GrammarError('Missing required field Principal', path);
  const negated = principal === undefined;
  const element = negated ? 'NotPrincipal' : 'Principal';
  return compilePrincipal(negated, principalEntries((principal ?? notPrincipal)!, childPath(path, element)));
}

function principalEntries(value: JsonValue, path: string): '*' | Partial<Record<PrincipalType, readonly string[]>> {
  if (value === '*') return '*';
  if (!isJsonObject(value) || value.size === 0) {
    throw new GrammarError('Invalid principal in policy: expected "*" or an object of AWS, Federated, Service or CanonicalUser entries.', path);
  }
  const entries: Partial<Record<PrincipalType, readonly string[]>> = {};
  for (const [type, raw] of value) {
    const typePath = childPath(path, type);
    if (!PRINCIPAL_TYPES.has(type)) throw new GrammarError(`Invalid principal in policy: unknown principal type ${JSON.stringify(type)}.`, typePath);
    const values = stringList(raw, typePath, `${type} principal`);
    for (const v of values) {
      // "*" is a whole value only (G17299): no partial wildcards, and only for AWS.
      if ((v.includes('*') || v.includes('?')) && !(v === '*' && type === 'AWS')) {
        throw new GrammarError(`Invalid principal in policy: ${JSON.stringify(type)}:${JSON.stringify(v)} (wildcards are not allowed in principals).`, typePath);
      }
    }
    entries[type as PrincipalType] = values;
  }
  return entries;
}

function checkAction(statement: JsonObject, path: string): ActionBlock {
  const action = statement.get('Action');
  const notAction = statement.get('NotAction');
  if (action !== undefined && notAction !== undefined) throw new GrammarError('A statement cannot have both Action and NotAction.', path);
  const raw = action ?? notAction;
  if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) throw new GrammarError('Policy statement must contain actions.', path);
  const element = action !== undefined ? 'Action' : 'NotAction';
  const written = stringList(raw, childPath(path, element), element);
  return {
    negated: action === undefined,
    any: written.includes('*'),
    patterns: written.map(compileActionPattern),
    written,
  };
}

function checkResource(statement: JsonObject, path: string, options: StatementOptions): ResourceBlock | undefined {
  const resource = statement.get('Resource');
  const notResource = statement.get('NotResource');
  if (options.kind === 'trust') {
    if (resource !== undefined) throw new GrammarError('Has prohibited field Resource', childPath(path, 'Resource'));
    if (notResource !== undefined) throw new GrammarError('Has prohibited field NotResource', childPath(path, 'NotResource'));
    return undefined;
  }
  if (resource !== undefined && notResource !== undefined) throw new GrammarError('A statement cannot have both Resource and NotResource.', path);
  const raw = resource ?? notResource;
  if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) throw new GrammarError('Policy statement must contain resources.', path);
  const element = resource !== undefined ? 'Resource' : 'NotResource';
  const elementPath = childPath(path, element);
  const written = stringList(raw, elementPath, element);
  try {
    return {
      negated: resource === undefined,
      patterns: written.map((w) => compileArnPattern(parseTemplate(w, options.variables))),
      written,
    };
  } catch (e) {
    if (e instanceof TemplateError) throw new GrammarError(e.message, elementPath);
    throw e;
  }
}

/** A non-empty string or a non-empty array of non-empty strings ("brackets are optional", G18682). */
function stringList(value: JsonValue, path: string, what: string): string[] {
  const items = Array.isArray(value) ? (value as readonly JsonValue[]) : [value];
  if (items.length === 0) throw new GrammarError(`${what} must not be an empty list.`, path);
  return items.map((item, i) => {
    const itemPath = Array.isArray(value) ? childPath(path, i) : path;
    if (typeof item !== 'string') throw new GrammarError(`${what} must be a string or an array of strings.`, itemPath);
    if (item === '') throw new GrammarError(`${what} must not be an empty string.`, itemPath);
    return item;
  });
}
