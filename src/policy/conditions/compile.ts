/**
 * The Condition element (G17580–G18149): `{ operator: { key: value | [values] } }`. Operators and
 * keys are checked, values are type-checked for their operator and pre-compiled (numbers, dates,
 * CIDR blocks, base 64, globs); policy variables are recognised in String* and Arn* values only
 * (G18328), and only in Version 2012-10-17 documents.
 */
import { GrammarError } from '../errors.js';
import { childPath, isJsonObject, JsonNumber, type JsonValue } from '../json.js';
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

/** Compiles a statement's Condition element; `variables` is true for Version 2012-10-17. */
export function compileConditions(element: JsonValue, path: string, variables: boolean): CompiledCondition[] {
  if (!isJsonObject(element)) throw new GrammarError('Condition must be an object of condition operators.', path);
  const result: CompiledCondition[] = [];
  for (const [name, block] of element) {
    const operatorPath = childPath(path, name);
    const operator = parseOperator(name);
    if (typeof operator === 'string') throw new GrammarError(`${operator}.`, operatorPath);
    if (!isJsonObject(block) || block.size === 0) {
      throw new GrammarError(`Condition operator ${name} must map at least one condition key to its values.`, operatorPath);
    }
    for (const [key, raw] of block) {
      result.push(compileCondition(operator, key, raw, childPath(operatorPath, key), variables));
    }
  }
  return result;
}

function compileCondition(operator: Operator, key: string, raw: JsonValue, path: string, variables: boolean): CompiledCondition {
  if (key === '') throw new GrammarError('Condition keys must not be empty.', path);
  const items = Array.isArray(raw) ? (raw as readonly JsonValue[]) : [raw];
  if (items.length === 0) throw new GrammarError(`Condition key ${key} must have at least one value.`, path);
  const values = items.map((item, i) => {
    const text = scalarText(item);
    if (text === undefined) {
      throw new GrammarError('Condition values must be strings, numbers or booleans.', Array.isArray(raw) ? childPath(path, i) : path);
    }
    return text;
  });
  const base = { operator, key, keyLower: key.toLowerCase(), values };
  const invalid = (value: string, expected: string): GrammarError =>
    new GrammarError(`Invalid value ${JSON.stringify(value)} for ${operator.written}: expected ${expected}.`, path);

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
      const numbers = values.map((v, i) => {
        const n = items[i] instanceof JsonNumber ? (items[i] as JsonNumber).value : typeof items[i] === 'string' ? parseNumeric(v) : NaN;
        if (!Number.isFinite(n)) throw invalid(v, 'a number');
        return n;
      });
      return { ...base, matcher: orderedMatcher(numbers, operator.comparison, parseNumeric, values) };
    }
    case 'Date': {
      const times = values.map((v, i) => {
        const t = typeof items[i] === 'boolean' ? NaN : parseDate(v);
        if (Number.isNaN(t)) throw invalid(v, 'an ISO 8601 date-time with a time zone (2017-07-01T00:00:00Z) or epoch seconds');
        return t;
      });
      return { ...base, matcher: orderedMatcher(times, operator.comparison, parseDate, values) };
    }
    case 'Bool':
      return { ...base, matcher: boolMatcher(values.map((v, i) => booleanValue(items[i]!, v, invalid)), values) };
    case 'Null': {
      const wanted = values.map((v, i) => booleanValue(items[i]!, v, invalid));
      return { ...base, nullAccepts: { absent: wanted.includes(true), present: wanted.includes(false) }, matcher: NEVER };
    }
    case 'Binary': {
      const bytes = values.map((v, i) => {
        const b = typeof items[i] === 'string' ? decodeBase64(v) : undefined;
        if (b === undefined) throw invalid(v, 'base-64 encoded bytes');
        return b;
      });
      return { ...base, matcher: binaryMatcher(bytes, values) };
    }
    case 'Ip': {
      const blocks = values.map((v, i): Cidr => {
        const c = typeof items[i] === 'string' ? parseCidr(v) : undefined;
        if (c === undefined) throw invalid(v, 'an IPv4 or IPv6 address or CIDR block');
        return c;
      });
      return { ...base, matcher: ipMatcher(blocks, values) };
    }
  }
}

const NEVER: ValueMatcher = { resolve: () => ({ test: () => false }), expected: () => [] };

function scalarText(value: JsonValue): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof JsonNumber) return value.text;
  return undefined;
}

/** Bool and Null values: JSON booleans or the strings true / false (any case), G4448 vs G4217. */
function booleanValue(item: JsonValue, text: string, invalid: (v: string, e: string) => GrammarError): boolean {
  if (typeof item === 'boolean') return item;
  if (typeof item === 'string') {
    const lower = text.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  throw invalid(text, 'true or false');
}

function templates(values: readonly string[], variables: boolean, path: string): Template[] {
  try {
    return values.map((v) => parseTemplate(v, variables));
  } catch (e) {
    if (e instanceof TemplateError) throw new GrammarError(e.message, path);
    throw e;
  }
}
