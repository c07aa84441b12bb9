/**
 * The name/value pairs of an `application/x-www-form-urlencoded` string (a query string or a form
 * body), exactly as `new URLSearchParams(text)` gives them (WHATWG URL, "urlencoded parser").
 *
 * Why not URLSearchParams itself: Node's parser walks every character in JavaScript, ~6 µs for the
 * ~1.5 KB query of a console sign-in link, most of it the sign-in token — which, like most values
 * here, holds nothing to decode. A pair without `%` or `+` is its own text; any other pair is handed
 * to URLSearchParams, so the decoding rules (invalid escapes kept as they are, `+` as a space, UTF-8
 * with U+FFFD for bad sequences) are the standard's, not a copy of them.
 */
export function formPairs(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  // URLSearchParams drops one leading `?` of a string it is given.
  let start = text.startsWith('?') ? 1 : 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end < 0) end = text.length;
    if (end > start) {
      const segment = text.slice(start, end);
      if (segment.indexOf('%') < 0 && segment.indexOf('+') < 0) {
        const eq = segment.indexOf('=');
        pairs.push(eq < 0 ? [segment, ''] : [segment.slice(0, eq), segment.slice(eq + 1)]);
      } else {
        // The leading `&` keeps a `?` that starts the segment (URLSearchParams would drop it).
        for (const pair of new URLSearchParams(`&${segment}`)) pairs.push(pair);
      }
    }
    start = end + 1;
  }
  return pairs;
}
