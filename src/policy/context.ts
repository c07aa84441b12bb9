/**
 * Building a RequestContext: condition keys are case-insensitive (G18368), so keys are lower-cased
 * once here and looked up lower-cased by the evaluator. Values stay as given (case-sensitive).
 */
import type { ContextValue, RequestContext } from './types.js';

type ContextSource =
  | Readonly<Record<string, ContextValue | undefined>>
  | Iterable<readonly [string, ContextValue | undefined]>;

/**
 * Lower-cases keys and drops undefined values; list values are copied and frozen (frozen ones are
 * shared: they cannot change).
 * Several sources merge in order, a later one overriding an earlier one for the same key (an
 * undefined value removes it) — as object spreads would, without building the intermediate object
 * (spreading objects keyed by claim names costs more than the whole policy evaluation).
 * Throws TypeError when one source names the same key twice (in any case): which one should win is
 * the caller's decision — e.g. a claim-derived `<provider>:AUD` must never replace the verified `:aud`.
 */
export function createContext(...sources: readonly ContextSource[]): RequestContext {
  const context = new Map<string, ContextValue>();
  const seen = sources.length > 1 ? new Set<string>() : undefined;
  for (const source of sources) {
    seen?.clear();
    const pairs = isIterable(source) ? source : Object.entries(source);
    for (const [key, value] of pairs) {
      const lower = key.toLowerCase();
      if (seen !== undefined) {
        if (seen.has(lower)) throw duplicate(key);
        seen.add(lower);
      } else if (context.has(lower)) {
        throw duplicate(key);
      }
      if (value === undefined) context.delete(lower);
      else context.set(lower, typeof value === 'string' || Object.isFrozen(value) ? value : Object.freeze([...value]));
    }
  }
  return context;
}

function duplicate(key: string): TypeError {
  return new TypeError(`Condition key ${JSON.stringify(key)} is given twice (keys are case-insensitive)`);
}

function isIterable(value: object): value is Iterable<readonly [string, ContextValue | undefined]> {
  return typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}
