/**
 * IAM wildcard matching (`*` = any run of characters, `?` = exactly one) without regular expressions,
 * so a pattern assembled per request from policy variables costs no RegExp compilation, and a
 * character that came from a variable or an escape (`${*}`) is never a wildcard: the mask says
 * which pattern characters are wildcards.
 *
 * Matching takes time linear in the subject (security.md "Found by review": a long pattern against a
 * long request value must not hold the event loop). The pattern is cut at its stars into segments;
 * the first is anchored at the start, the last at the end, and every segment in between is placed at
 * its leftmost occurrence after the previous one — which is always right for `*`, since a later
 * placement can only leave less room for the rest. A segment without `?` is found with indexOf (V8's
 * Boyer-Moore search); one with `?` by a bit-parallel (shift-and) scan, O(subject × ⌈segment/32⌉),
 * started where its longest `?`-free run first occurs (and skipped when that run never does).
 */

export const LITERAL = 0;
export const STAR = 1;
export const ONE = 2;

export interface Glob {
  readonly text: string;
  /** Per character of `text`: LITERAL, STAR or ONE; null when the pattern has no wildcard. */
  readonly mask: Uint8Array | null;
}

/** A pattern where every `*` and `?` is a wildcard (optionally lower-cased, for case-insensitive matching). */
export function compileGlob(text: string): Glob {
  let mask: Uint8Array | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '*' || c === '?') {
      mask ??= new Uint8Array(text.length);
      mask[i] = c === '*' ? STAR : ONE;
    }
  }
  return { text, mask };
}

/** A pattern without wildcards: matches only itself. */
export function literalGlob(text: string): Glob {
  return { text, mask: null };
}

/**
 * Does `subject[from, to)` match the whole glob? With `confined`, wildcards do not match `:`
 * (a wildcard cannot span ARN segments, G17516).
 */
export function globMatch(glob: Glob, subject: string, from: number, to: number, confined: boolean): boolean {
  const p = glob.text;
  const mask = glob.mask;
  if (mask === null) return to - from === p.length && subject.startsWith(p, from);
  if (!confined) return matchRange(p, mask, 0, p.length, subject, from, to);
  // Wildcards never match ":", so the subject's colons must meet the pattern's (always literal)
  // colons one for one: match the colon-free pieces pairwise.
  let ps = 0;
  let ss = from;
  for (;;) {
    const pc = p.indexOf(':', ps);
    const pe = pc < 0 ? p.length : pc;
    const sc = subject.indexOf(':', ss);
    const se = sc < 0 || sc >= to ? to : sc;
    if (!matchRange(p, mask, ps, pe, subject, ss, se)) return false;
    const patternDone = pe === p.length;
    const subjectDone = se === to;
    if (patternDone || subjectDone) return patternDone && subjectDone;
    ps = pe + 1;
    ss = se + 1;
  }
}

/** Does `s[ss, se)` match the pattern `p[ps, pe)` (wildcards match any character)? */
function matchRange(p: string, mask: Uint8Array, ps: number, pe: number, s: string, ss: number, se: number): boolean {
  let firstStar = -1;
  let lastStar = -1;
  for (let i = ps; i < pe; i++) {
    if (mask[i] === STAR) {
      if (firstStar < 0) firstStar = i;
      lastStar = i;
    }
  }
  if (firstStar < 0) return pe - ps === se - ss && segmentAt(p, mask, ps, pe, s, ss);
  const headLength = firstStar - ps;
  const tailLength = pe - lastStar - 1;
  if (headLength + tailLength > se - ss) return false;
  if (!segmentAt(p, mask, ps, firstStar, s, ss)) return false;
  const limit = se - tailLength;
  if (!segmentAt(p, mask, lastStar + 1, pe, s, limit)) return false;
  let at = ss + headLength;
  let segmentStart = firstStar + 1;
  while (segmentStart < lastStar) {
    let segmentEnd = segmentStart;
    while (mask[segmentEnd] !== STAR) segmentEnd++;
    if (segmentEnd > segmentStart) {
      const found = findSegment(p, mask, segmentStart, segmentEnd, s, at, limit);
      if (found < 0) return false;
      at = found + (segmentEnd - segmentStart);
    }
    segmentStart = segmentEnd + 1;
  }
  return true;
}

/** Does the star-free segment `p[ps, pe)` match `s` at `at`? (The caller checked there is room.) */
function segmentAt(p: string, mask: Uint8Array, ps: number, pe: number, s: string, at: number): boolean {
  for (let i = ps; i < pe; i++, at++) {
    if (mask[i] !== ONE && p.charCodeAt(i) !== s.charCodeAt(at)) return false;
  }
  return true;
}

/** The leftmost start in [from, limit) where the star-free segment `p[ps, pe)` fits entirely before `limit`; -1 if none. */
function findSegment(p: string, mask: Uint8Array, ps: number, pe: number, s: string, from: number, limit: number): number {
  const length = pe - ps;
  if (limit - from < length) return -1;
  // The segment's longest run without `?` must occur: find it first (indexOf), and scan from there.
  let runStart = ps;
  let runLength = 0;
  for (let i = ps; i < pe; ) {
    let j = i;
    while (j < pe && mask[j] !== ONE) j++;
    if (j - i > runLength) {
      runStart = i;
      runLength = j - i;
    }
    i = j + 1;
  }
  if (runLength === 0) return shiftAnd(p, mask, ps, pe, s, from, limit);
  const offset = runStart - ps;
  const found = s.indexOf(p.slice(runStart, runStart + runLength), from + offset);
  if (found < 0 || found - offset + length > limit) return -1;
  if (runLength === length) return found;
  return shiftAnd(p, mask, ps, pe, s, found - offset, limit);
}

/**
 * Shift-and: bit j of the state is set when the segment's first j+1 characters end at the current
 * subject position; one pass over the subject, ⌈length/32⌉ words per character.
 */
function shiftAnd(p: string, mask: Uint8Array, ps: number, pe: number, s: string, from: number, limit: number): number {
  const length = pe - ps;
  if (length <= 32) return shiftAndWord(p, mask, ps, pe, s, from, limit);
  const words = (length + 31) >>> 5;
  // Per character: the positions it may occupy (its own and every `?`).
  const any = new Uint32Array(words);
  for (let j = 0; j < length; j++) if (mask[ps + j] === ONE) any[j >>> 5]! |= 1 << (j & 31);
  const table = new Map<number, Uint32Array>();
  for (let j = 0; j < length; j++) {
    if (mask[ps + j] === ONE) continue;
    const c = p.charCodeAt(ps + j);
    let bits = table.get(c);
    if (bits === undefined) table.set(c, (bits = Uint32Array.from(any)));
    bits[j >>> 5]! |= 1 << (j & 31);
  }
  const state = new Uint32Array(words);
  const lastWord = (length - 1) >>> 5;
  const lastBit = 1 << ((length - 1) & 31);
  for (let i = from; i < limit; i++) {
    const bits = table.get(s.charCodeAt(i)) ?? any;
    let carry = 1;
    for (let w = 0; w < words; w++) {
      const value = state[w]!;
      state[w] = ((value << 1) | carry) & bits[w]!;
      carry = value >>> 31;
    }
    if ((state[lastWord]! & lastBit) !== 0) return i - length + 1;
  }
  return -1;
}

/** Shift-and for a segment of at most 32 characters: the state is one integer. */
function shiftAndWord(p: string, mask: Uint8Array, ps: number, pe: number, s: string, from: number, limit: number): number {
  const length = pe - ps;
  let any = 0;
  for (let j = 0; j < length; j++) if (mask[ps + j] === ONE) any |= 1 << j;
  // Policy text is Latin-1 (G16679); a character from a policy variable may not be, hence the map.
  const latin1 = new Int32Array(256).fill(any);
  let wide: Map<number, number> | undefined;
  for (let j = 0; j < length; j++) {
    if (mask[ps + j] === ONE) continue;
    const c = p.charCodeAt(ps + j);
    if (c < 256) latin1[c]! |= 1 << j;
    else (wide ??= new Map()).set(c, (wide.get(c) ?? any) | (1 << j));
  }
  const lastBit = 1 << (length - 1);
  let state = 0;
  for (let i = from; i < limit; i++) {
    const c = s.charCodeAt(i);
    state = ((state << 1) | 1) & (c < 256 ? latin1[c]! : (wide?.get(c) ?? any));
    if ((state & lastBit) !== 0) return i - length + 1;
  }
  return -1;
}
