/**
 * "Did you mean …?" for names written in the configuration: the closest known name, when it is close
 * enough to be a typo (an edit distance of at most a third of the name, and at most 4), compared
 * without regard to case.
 */
import { distance } from 'fastest-levenshtein';

export function closestName(written: string, known: Iterable<string>): string | undefined {
  const target = written.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const d = distance(target, name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.min(4, Math.max(2, Math.floor(written.length / 3))) ? best : undefined;
}

/** ` (did you mean X?)`, or nothing. */
export function didYouMean(written: string, known: Iterable<string>, format: (name: string) => string = (n) => n): string {
  const best = closestName(written, known);
  return best === undefined ? '' : ` (did you mean ${format(best)}?)`;
}
