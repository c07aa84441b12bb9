/**
 * The Condition element (G17580–G18149): `{ operator: { key: value | [values] } }`. Values are
 * type-checked for their operator and pre-compiled (numbers, dates, CIDR blocks, base 64, globs);
 * policy variables are recognised in String* and Arn* values only (G18328), and only in Version
 * 2012-10-17 documents.
 *
 * IAM accepts conditions that can never be true — an operator without keys, an operator it does not
 * know (with no keys), a key without values, a value not of the operator's type, Null with IfExists
 * or ForAnyValue/ForAllValues. Each becomes a VoidCondition: the statement never applies.
 */
import { GrammarError } from '../errors.js';
import { childPath, JsonNumber, type JsonObject, type JsonValue } from '../json.js';
import type { VoidCondition, VoidProblem } from '../types.js';
import { parseTemplate, TemplateError, type Template } from '../matching/template.js';
import { decodeBase64 } from './binary.js';
import { parseDate } from './date.js';
import { parseCidr, type Cidr } from './ip.js';
import {
  arnMatcher,
  binaryMatcher,
  boolMatcher,
  ipMatcher,
  orderedMatcher,
  stringEqualsMatcher,
  stringIgnoreCaseMatcher,
  stringLikeMatcher,
  type ValueMatcher,
} from './matchers.js';
import { parseNumeric } from './numeric.js';
import { parseOperator, type Operator } from './operators.js';

export interface CompiledCondition {
  readonly operator: Operator;
  /** The condition key as written (`SAML:aud`). */
  readonly key: string;
  /** The key looked up in the context (condition keys are case-insensitive). */
  readonly keyLower: string;
  /** The policy values as written, as text (`true`, `3600`). */
  readonly values: readonly string[];
  /** Null: which answers to "is the key absent?" satisfy the condition. Otherwise undefined. */
  readonly nullAccepts?: { readonly absent: boolean; readonly present: boolean };
  /** The value test (a never-matching placeholder for Null). */
  readonly matcher: ValueMatcher;
}

/** A statement's conditions: those that can match, and those that never can (void). */
export interface CompiledConditions {
  readonly conditions: CompiledCondition[];
  readonly voids: VoidCondition[];
}

/**
 * Compiles a statement's Condition element (shape already checked by grammar.ts); `variables` is true
 * for Version 2012-10-17. What IAM accepts but can never match becomes a VoidCondition.
 */
export function compileConditions(element: JsonValue, path: string, variables: boolean): CompiledConditions {
  const conditions: CompiledCondition[] = [];
  const voids: VoidCondition[] = [];
  for (const [name, block] of element as JsonObject) {
    const operatorPath = childPath(path, name);
    const operator = parseOperator(name);
    const keys = block as JsonObject;
    if (typeof operator === 'string' || keys.size === 0) {
      voids.push({ operator: name, problem: typeof operator === 'string' ? 'unknown-operator' : 'no-keys', path: operatorPath });
      continue;
    }
    for (const [key, raw] of keys) {
      const compiled = compileCondition(operator, key, raw, childPath(operatorPath, key), variables);
      if ('problem' in compiled) voids.push(compiled);
      else conditions.push(compiled);
    }
  }
  return { conditions, voids };
}

function compileCondition(operator: Operator, key: string, raw: JsonValue, path: string, variables: boolean): CompiledCondition | VoidCondition {
  const items = Array.isArray(raw) ? (raw as readonly JsonValue[]) : [raw];
  const values = items.map(scalarText);
  const base = { operator, key, keyLower: key.toLowerCase(), values };
  const never = (problem: VoidProblem, value?: string): VoidCondition => ({ operator: operator.written, key, problem, path, ...(value !== undefined ? { value } : {}) });
  if (items.length === 0) return never('no-values');
  if (operator.family === 'Null' && (operator.ifExists || operator.set !== undefined)) return never('null-qualifier');

  switch (operator.family) {
    case 'String':
      return { ...base, matcher: stringEqualsMatcher(templates(values, variables, path), values) };
    case 'StringIgnoreCase':
      return { ...base, matcher: stringIgnoreCaseMatcher(templates(values, variables, path), values) };
    case 'StringLike':
      return { ...base, matcher: stringLikeMatcher(templates(values, variables, path), values) };
    case 'Arn':
      return { ...base, matcher: arnMatcher(templates(values, variables, path), values) };
    case 'Numeric': {
      const numbers = items.map((item, i) => (item instanceof JsonNumber ? item.value : typeof item === 'string' ? parseNumeric(values[i]!) : NaN));
      const bad = numbers.findIndex((n) => !Number.isFinite(n));
      if (bad >= 0) return never('not-a-number', values[bad]);
      return { ...base, matcher: orderedMatcher(numbers, operator.comparison, parseNumeric, values) };
    }
    case 'Date': {
      const times = items.map((item, i) => (typeof item === 'boolean' ? NaN : parseDate(values[i]!)));
      const bad = times.findIndex((t) => Number.isNaN(t));
      if (bad >= 0) return never('not-a-date', values[bad]);
      return { ...base, matcher: orderedMatcher(times, operator.comparison, parseDate, values) };
    }
    case 'Bool':
    case 'Null': {
      const wanted = items.map((item, i) => booleanValue(item, values[i]!));
      const bad = wanted.findIndex((w) => w === undefined);
      if (bad >= 0) return never('not-a-boolean', values[bad]);
      const booleans = wanted as boolean[];
      if (operator.family === 'Bool') return { ...base, matcher: boolMatcher(booleans, values) };
      return { ...base, nullAccepts: { absent: booleans.includes(true), present: booleans.includes(false) }, matcher: NEVER };
    }
    case 'Binary': {
      const bytes = items.map((item, i) => (typeof item === 'string' ? decodeBase64(values[i]!) : undefined));
      const bad = bytes.findIndex((b) => b === undefined);
      if (bad >= 0) return never('not-base64', values[bad]);
      return { ...base, matcher: binaryMatcher(bytes as Buffer[], values) };
    }
    case 'Ip': {
      const blocks = items.map((item, i) => (typeof item === 'string' ? parseCidr(values[i]!) : undefined));
      const bad = blocks.findIndex((c) => c === undefined);
      if (bad >= 0) return never('not-an-ip', values[bad]);
      return { ...base, matcher: ipMatcher(blocks as Cidr[], values) };
    }
  }
}

const NEVER: ValueMatcher = { resolve: () => ({ test: () => false }), expected: () => [] };

/** A condition value as text (grammar.ts let only strings, numbers and booleans through). */
function scalarText(value: JsonValue): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof JsonNumber) return value.text;
  return value as string;
}

/** Bool and Null values: JSON booleans or the strings true / false (any case), G4448 vs G4217. */
function booleanValue(item: JsonValue, text: string): boolean | undefined {
  if (typeof item === 'boolean') return item;
  if (typeof item !== 'string') return undefined;
  const lower = text.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

function templates(values: readonly string[], variables: boolean, path: string): Template[] {
  try {
    return values.map((v) => parseTemplate(v, variables));
  } catch (e) {
    if (e instanceof TemplateError) throw new GrammarError(e.message, path);
    throw e;
  }
}
