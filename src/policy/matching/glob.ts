/**
 * IAM wildcard matching (`*` = any run of characters, `?` = exactly one) without regular expressions,
 * so a pattern assembled per request from policy variables costs no RegExp compilation, and a
 * character that came from a variable or an escape (`${*}`) is never a wildcard: the mask says
 * which pattern characters are wildcards.
 */

export const LITERAL = 0;
export const STAR = 1;
export const ONE = 2;

export interface Glob {
  readonly text: string;
  /** Per character of `text`: LITERAL, STAR or ONE; null when the pattern has no wildcard. */
  readonly mask: Uint8Array | null;
}

const COLON = 0x3a;

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
  const pn = p.length;
  let pi = 0;
  let si = from;
  let starP = -1;
  let starS = 0;
  while (si < to) {
    if (pi < pn) {
      const m = mask[pi];
      if (m === STAR) {
        starP = pi++;
        starS = si;
        continue;
      }
      const ch = subject.charCodeAt(si);
      if (m === ONE ? !(confined && ch === COLON) : p.charCodeAt(pi) === ch) {
        pi++;
        si++;
        continue;
      }
    }
    // Mismatch: let the last star swallow one more character and retry from there.
    if (starP < 0) return false;
    if (confined && subject.charCodeAt(starS) === COLON) return false;
    si = ++starS;
    pi = starP + 1;
  }
  while (pi < pn && mask[pi] === STAR) pi++;
  return pi === pn;
}
