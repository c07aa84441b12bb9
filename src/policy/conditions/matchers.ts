/**
 * Value matchers, one per operator family: each tests one request value against the policy values
 * (OR over them, the positive form of the operator). Built once at load; a matcher whose values
 * contain policy variables resolves them per request, everything else is fixed.
 */
import type { RequestContext } from '../types.js';
import { arnPatternMatches, colonOffsets, compileArnPattern, type ArnPattern } from '../matching/arn.js';
import { globMatch, type Glob } from '../matching/glob.js';
import { isUnresolved, resolveGlob, resolveString, type Template, type VariablePiece } from '../matching/template.js';
import { decodeBase64 } from './binary.js';
import { ipInAny, type Cidr } from './ip.js';
import type { Comparison } from './operators.js';

export interface ValueTest {
  /** Does this request value match at least one policy value (positive operator)? */
  test(value: string): boolean;
}

export interface ValueMatcher {
  /** The test for this request, or the policy variable that did not resolve. */
  resolve(context: RequestContext): ValueTest | VariablePiece;
  /** The policy values after substitution, for explanations. */
  expected(context: RequestContext): readonly string[] | VariablePiece;
}

/** A matcher without variables: the same test for every request. */
function fixed(test: ValueTest, written: readonly string[]): ValueMatcher {
  return { resolve: () => test, expected: () => written };
}

/** Resolves every template, stopping at the first variable that does not resolve. */
function resolveAll<T>(templates: readonly Template[], resolveOne: (t: Template) => T | VariablePiece): T[] | VariablePiece {
  const out: T[] = [];
  for (const t of templates) {
    const r = resolveOne(t);
    if (isUnresolved(r)) return r;
    out.push(r);
  }
  return out;
}

function expectedStrings(templates: readonly Template[]) {
  return (context: RequestContext) => resolveAll(templates, (t) => resolveString(t, context));
}

function withTemplates(templates: readonly Template[], written: readonly string[], build: (context: RequestContext | null) => ValueTest | VariablePiece): ValueMatcher {
  if (!templates.some((t) => t.hasVariables)) return fixed(build(null) as ValueTest, written);
  return { resolve: (context) => build(context), expected: expectedStrings(templates) };
}

/** StringEquals / StringNotEquals. */
export function stringEqualsMatcher(templates: readonly Template[], written: readonly string[]): ValueMatcher {
  return withTemplates(templates, written, (context) => {
    const values = resolveAll(templates, (t) => resolveString(t, context));
    if (isUnresolved(values)) return values;
    const set = new Set(values);
    return { test: (v) => set.has(v) };
  });
}

/** StringEqualsIgnoreCase / StringNotEqualsIgnoreCase. */
export function stringIgnoreCaseMatcher(templates: readonly Template[], written: readonly string[]): ValueMatcher {
  return withTemplates(templates, written, (context) => {
    const values = resolveAll(templates, (t) => resolveString(t, context));
    if (isUnresolved(values)) return values;
    const set = new Set(values.map((v) => v.toLowerCase()));
    return { test: (v) => set.has(v.toLowerCase()) };
  });
}

/** StringLike / StringNotLike: `*` and `?` anywhere, case-sensitive (G17673–G17685). */
export function stringLikeMatcher(templates: readonly Template[], written: readonly string[]): ValueMatcher {
  return withTemplates(templates, written, (context) => {
    const globs = resolveAll<Glob>(templates, (t) => resolveGlob(t, context));
    if (isUnresolved(globs)) return globs;
    return {
      test: (v) => {
        for (const g of globs) if (globMatch(g, v, 0, v.length, false)) return true;
        return false;
      },
    };
  });
}

/** ArnEquals / ArnLike / ArnNotEquals / ArnNotLike: six parts matched separately (G17885). */
export function arnMatcher(templates: readonly Template[], written: readonly string[]): ValueMatcher {
  const patterns: ArnPattern[] = templates.map(compileArnPattern);
  const testWith = (context: RequestContext): ValueTest => ({
    test: (v) => {
      const colons = colonOffsets(v);
      for (const p of patterns) if (arnPatternMatches(p, v, colons, context) === true) return true;
      return false;
    },
  });
  return withTemplates(templates, written, (context) => {
    if (context === null) return testWith(NO_CONTEXT);
    // Check every variable resolves before testing, so an unresolved one is reported, not a mismatch.
    const resolved = resolveAll(templates, (t) => resolveString(t, context));
    return isUnresolved(resolved) ? resolved : testWith(context);
  });
}

const NO_CONTEXT: RequestContext = new Map();

function compare(request: number, policy: number, comparison: Comparison): boolean {
  switch (comparison) {
    case 'eq':
      return request === policy;
    case 'lt':
      return request < policy;
    case 'le':
      return request <= policy;
    case 'gt':
      return request > policy;
    case 'ge':
      return request >= policy;
  }
}

/** Numeric* and Date*: the request value parsed the same way as the policy values were. */
export function orderedMatcher(values: readonly number[], comparison: Comparison, parse: (text: string) => number, written: readonly string[]): ValueMatcher {
  return fixed(
    {
      test: (v) => {
        const n = parse(v);
        if (Number.isNaN(n)) return false;
        for (const p of values) if (compare(n, p, comparison)) return true;
        return false;
      },
    },
    written,
  );
}

/** Bool: request values `true` / `false`, case-insensitive. */
export function boolMatcher(values: readonly boolean[], written: readonly string[]): ValueMatcher {
  const wantTrue = values.includes(true);
  const wantFalse = values.includes(false);
  return fixed(
    {
      test: (v) => {
        const lower = v.length === 4 || v.length === 5 ? v.toLowerCase() : '';
        return (lower === 'true' && wantTrue) || (lower === 'false' && wantFalse);
      },
    },
    written,
  );
}

export function binaryMatcher(values: readonly Buffer[], written: readonly string[]): ValueMatcher {
  return fixed(
    {
      test: (v) => {
        const bytes = decodeBase64(v);
        return bytes !== undefined && values.some((b) => b.equals(bytes));
      },
    },
    written,
  );
}

export function ipMatcher(blocks: readonly Cidr[], written: readonly string[]): ValueMatcher {
  return fixed({ test: (v) => ipInAny(v, blocks) }, written);
}
