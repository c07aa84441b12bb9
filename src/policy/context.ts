/**
 * Building a RequestContext: condition keys are case-insensitive (G18368), so keys are lower-cased
 * once here and looked up lower-cased by the evaluator. Values stay as given (case-sensitive).
 */
import type { ContextValue, RequestContext } from './types.js';

/**
 * Lower-cases keys and drops undefined values; list values are copied and frozen.
 * Throws TypeError when two entries name the same key (in any case): which one should win is the
 * caller's decision — e.g. a claim-derived `<provider>:AUD` must never replace the verified `:aud`.
 */
export function createContext(
  entries: Readonly<Record<string, ContextValue | undefined>> | Iterable<readonly [string, ContextValue | undefined]>,
): RequestContext {
  const context = new Map<string, ContextValue>();
  const pairs = isIterable(entries) ? entries : Object.entries(entries);
  for (const [key, value] of pairs) {
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (context.has(lower)) throw new TypeError(`Condition key ${JSON.stringify(key)} is given twice (keys are case-insensitive)`);
    context.set(lower, typeof value === 'string' ? value : Object.freeze([...value]));
  }
  return context;
}

function isIterable(value: object): value is Iterable<readonly [string, ContextValue | undefined]> {
  return typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}
