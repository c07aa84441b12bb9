/**
 * One statement of a validated policy (grammar.ts), compiled for evaluation: Effect, the Principal
 * block (its entries checked here: "Invalid principal in policy"), Action and Resource patterns, and
 * the conditions — where a condition IAM accepts but can never match becomes void (conditions/compile.ts).
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

const PRINCIPAL_TYPES: ReadonlySet<string> = new Set<PrincipalType>(['AWS', 'Federated', 'Service', 'CanonicalUser']);

export function compileStatement(statement: JsonObject, path: string, index: number, options: StatementOptions): CompiledStatement {
  const sid = statement.get('Sid') as string | undefined;
  const effect = statement.get('Effect') as Effect;
  const principal = compilePrincipalElement(statement, path, options.kind);
  const action = compileActions(statement);
  const resource = compileResources(statement, path, options);
  const condition = statement.get('Condition');
  const { conditions, voids } = condition === undefined ? { conditions: [], voids: [] } : compileConditions(condition, childPath(path, 'Condition'), options.variables);
  return {
    ref: sid === undefined ? { policy: options.policy, index, effect } : { policy: options.policy, index, sid, effect },
    effect,
    action,
    resource,
    principal,
    conditions,
    voids,
  };
}

/** Principal or NotPrincipal, where the policy kind has them (grammar.ts checked which may appear). */
function compilePrincipalElement(statement: JsonObject, path: string, kind: PolicyKind): PrincipalBlock | undefined {
  if (kind !== 'trust' && kind !== 'resource') return undefined;
  const principal = statement.get('Principal');
  const negated = principal === undefined;
  const element = negated ? 'NotPrincipal' : 'Principal';
  return compilePrincipal(negated, principalEntries((principal ?? statement.get('NotPrincipal'))!, childPath(path, element)));
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

function strings(value: JsonValue): string[] {
  return typeof value === 'string' ? [value] : [...(value as readonly string[])];
}

function compileActions(statement: JsonObject): ActionBlock {
  const action = statement.get('Action');
  const written = strings((action ?? statement.get('NotAction'))!);
  return {
    negated: action === undefined,
    any: written.includes('*'),
    patterns: written.map(compileActionPattern),
    written,
  };
}

function compileResources(statement: JsonObject, path: string, options: StatementOptions): ResourceBlock | undefined {
  if (options.kind === 'trust') return undefined;
  const resource = statement.get('Resource');
  const element = resource !== undefined ? 'Resource' : 'NotResource';
  const written = strings((resource ?? statement.get('NotResource'))!);
  try {
    return {
      negated: resource === undefined,
      patterns: written.map((w) => compileArnPattern(parseTemplate(w, options.variables))),
      written,
    };
  } catch (e) {
    if (e instanceof TemplateError) throw new GrammarError(e.message, childPath(path, element));
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
