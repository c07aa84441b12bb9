/**
 * A performance fix for @xmldom/xmldom 0.9.12, applied once when the SAML parser loads: its SAX
 * parser builds a new RegExp from ~1.5 KB of pattern source for every end tag it reads
 * (`g.reg('^', g.QName_group, g.S_OPT, '$')` in lib/sax.js) — about a quarter of the time it takes
 * to parse a SAML Response. `reg` is a pure function of its arguments (grammar constants and short
 * literals) and the RegExps it returns carry no state (no `g`/`y` flag), so returning the one built
 * for the same arguments before changes nothing but the cost. Upstreamable as "hoist the end-tag
 * pattern to module scope". If a later xmldom drops or renames `reg`, this does nothing.
 */
import { createRequire } from 'node:module';

type Reg = (this: unknown, ...parts: unknown[]) => RegExp;

/** Bound on the cache (tree nodes): xmldom passes a handful of argument lists; beyond this, no caching. */
const MAX_NODES = 256;
const RESULT = Symbol('result');
const INSTALLED = Symbol.for('fedbroker.xmldomRegexCache');

interface Level extends Map<unknown, Level> {
  [RESULT]?: RegExp;
}

export function installXmldomRegexCache(): boolean {
  const grammar = createRequire(import.meta.url)('@xmldom/xmldom/lib/grammar.js') as { reg?: Reg & { [INSTALLED]?: true } };
  const original = grammar.reg;
  if (typeof original !== 'function') return false;
  if (original[INSTALLED]) return true;
  const root: Level = new Map();
  let nodes = 0;
  const cached = function (this: unknown, ...parts: unknown[]): RegExp {
    let level = root;
    for (const part of parts) {
      let next = level.get(part);
      if (!next) {
        if (nodes >= MAX_NODES) return original.apply(this, parts);
        next = new Map() as Level;
        nodes++;
        level.set(part, next);
      }
      level = next;
    }
    let re = level[RESULT];
    if (!re) {
      re = original.apply(this, parts);
      if (re.global || re.sticky) return re;
      level[RESULT] = re;
    }
    return re;
  } as Reg & { [INSTALLED]?: true };
  cached[INSTALLED] = true;
  grammar.reg = cached;
  return true;
}
