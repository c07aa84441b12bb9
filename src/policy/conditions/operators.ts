/**
 * The condition operators (seed-digest §6.3, G17657–G17905) and how an operator name as written
 * (`ForAnyValue:StringNotEqualsIfExists`) decomposes: set qualifier, base operator, `IfExists`.
 * Names are case-sensitive; a wrong case gets a "did you mean" hint. (Null with IfExists or a set
 * qualifier parses; the compiler makes such a condition void.)
 */

export type Family = 'String' | 'StringIgnoreCase' | 'StringLike' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'Ip' | 'Arn' | 'Null';

/** How a request value compares with a policy value: request OP policy. */
export type Comparison = 'eq' | 'lt' | 'le' | 'gt' | 'ge';

export interface Operator {
  /** As written in the policy. */
  readonly written: string;
  /** The canonical base operator (`DateGreaterThanEquals` for the guide's `DateGreaterThanOrEqual`). */
  readonly base: string;
  readonly family: Family;
  /** `…Not…` operators: NOT(positive operator OR-ed over the policy values), per request value. */
  readonly negated: boolean;
  readonly comparison: Comparison;
  readonly ifExists: boolean;
  /** `ForAnyValue:` / `ForAllValues:`; undefined without a set qualifier. */
  readonly set: 'any' | 'all' | undefined;
}

interface Base {
  readonly family: Family;
  readonly negated: boolean;
  readonly comparison: Comparison;
  readonly canonical?: string;
}

const op = (family: Family, negated = false, comparison: Comparison = 'eq', canonical?: string): Base =>
  canonical === undefined ? { family, negated, comparison } : { family, negated, comparison, canonical };

const BASES: ReadonlyMap<string, Base> = new Map([
  ['StringEquals', op('String')],
  ['StringNotEquals', op('String', true)],
  ['StringEqualsIgnoreCase', op('StringIgnoreCase')],
  ['StringNotEqualsIgnoreCase', op('StringIgnoreCase', true)],
  ['StringLike', op('StringLike')],
  ['StringNotLike', op('StringLike', true)],
  ['NumericEquals', op('Numeric')],
  ['NumericNotEquals', op('Numeric', true)],
  ['NumericLessThan', op('Numeric', false, 'lt')],
  ['NumericLessThanEquals', op('Numeric', false, 'le')],
  ['NumericGreaterThan', op('Numeric', false, 'gt')],
  ['NumericGreaterThanEquals', op('Numeric', false, 'ge')],
  ['DateEquals', op('Date')],
  ['DateNotEquals', op('Date', true)],
  ['DateLessThan', op('Date', false, 'lt')],
  ['DateLessThanEquals', op('Date', false, 'le')],
  ['DateGreaterThan', op('Date', false, 'gt')],
  ['DateGreaterThanEquals', op('Date', false, 'ge')],
  // The guide's spelling (G17777, G18534; seed-digest §10 #7): aliases of the real names.
  ['DateGreaterThanOrEqual', op('Date', false, 'ge', 'DateGreaterThanEquals')],
  ['DateLessThanOrEqual', op('Date', false, 'le', 'DateLessThanEquals')],
  ['Bool', op('Bool')],
  ['BinaryEquals', op('Binary')],
  ['IpAddress', op('Ip')],
  ['NotIpAddress', op('Ip', true)],
  ['ArnEquals', op('Arn')],
  ['ArnLike', op('Arn')],
  ['ArnNotEquals', op('Arn', true)],
  ['ArnNotLike', op('Arn', true)],
  ['Null', op('Null')],
]);

const BY_LOWER_NAME = new Map([...BASES.keys()].map((name) => [name.toLowerCase(), name]));

/** Parses an operator name; returns an error message when it is not one. */
export function parseOperator(written: string): Operator | string {
  let rest = written;
  let set: 'any' | 'all' | undefined;
  if (rest.startsWith('ForAnyValue:')) {
    set = 'any';
    rest = rest.slice('ForAnyValue:'.length);
  } else if (rest.startsWith('ForAllValues:')) {
    set = 'all';
    rest = rest.slice('ForAllValues:'.length);
  }
  let ifExists = false;
  if (rest.endsWith('IfExists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const base = BASES.get(rest);
  if (base === undefined) {
    const suggestion = BY_LOWER_NAME.get(rest.toLowerCase());
    const hint = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
    return `Unknown condition operator ${JSON.stringify(written)}${hint}`;
  }
  return {
    written,
    base: base.canonical ?? rest,
    family: base.family,
    negated: base.negated,
    comparison: base.comparison,
    ifExists,
    set,
  };
}
