/**
 * `+` as a space, then percent-decoding by decodeURIComponent (native): where it succeeds it gives
 * what the standard's decoder gives; it throws on what the standard repairs instead (a `%` without two
 * hex digits, bytes that are not UTF-8) — undefined then, and the caller asks URLSearchParams.
 */
function decoded(text: string): string | undefined {
  const spaced = text.indexOf('+') < 0 ? text : text.replaceAll('+', ' ');
  if (spaced.indexOf('%') < 0) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return undefined;
  }
}

/**
 * The name/value pairs of an `application/x-www-form-urlencoded` string (a query string or a form
 * body), exactly as `new URLSearchParams(text)` gives them (WHATWG URL, "urlencoded parser").
 *
 * Why not URLSearchParams itself: Node's parser walks every character in JavaScript, ~6 µs for the
 * ~1.5 KB query of a console sign-in link, most of it the sign-in token — which, like most values
 * here, holds nothing to decode. A pair without `%` or `+` is its own text; a pair with escapes is
 * decoded natively (`decoded` below); the rare pair whose escapes the standard repairs (invalid ones
 * kept as they are, U+FFFD for bytes that are not UTF-8) is handed to URLSearchParams itself.
 */
export function formPairs(text: string): Array<[string, string]> {
  // URLSearchParams makes its input well-formed first (a lone surrogate becomes U+FFFD).
  if (!(text as WellFormed).isWellFormed()) return [...new URLSearchParams(text)];
  const pairs: Array<[string, string]> = [];
  // URLSearchParams drops one leading `?` of a string it is given.
  let start = text.startsWith('?') ? 1 : 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end < 0) end = text.length;
    if (end > start) {
      const segment = text.slice(start, end);
      const eq = segment.indexOf('=');
      const name = eq < 0 ? segment : segment.slice(0, eq);
      const value = eq < 0 ? '' : segment.slice(eq + 1);
      const decodedName = decoded(name);
      const decodedValue = decodedName === undefined ? undefined : decoded(value);
      if (decodedName !== undefined && decodedValue !== undefined) pairs.push([decodedName, decodedValue]);
      // The leading `&` keeps a `?` that starts the segment (URLSearchParams would drop it).
      else for (const pair of new URLSearchParams(`&${segment}`)) pairs.push(pair);
    }
    start = end + 1;
  }
  return pairs;
}

/** String.prototype.isWellFormed (Node 20+), not yet in TypeScript's ES2023 library. */
type WellFormed = string & { isWellFormed(): boolean };
