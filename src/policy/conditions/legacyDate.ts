/**
 * Which Date* condition values IAM accepts at all. IAM refuses a policy whose Date value it cannot
 * read with "The policy failed legacy parsing" — but its reader is looser than ISO 8601: `01T` and
 * `2016-12-13t2:00:00.593194+23` pass. A value that passes here yet is not a date the evaluator can
 * compare (date.ts) makes its condition never match (docs/decisions.md "Policy grammar").
 *
 * The rules, from the documents AWS accepts and refuses (recorded by moto and LocalStack):
 * - a value with `t`/`T` or `-` is a date-time: `[-]year[-month[-day]][T[hour[:minute[:second]]]]`,
 *   year −292275054…292278993, month 1–12, day 1–31, hour 0–23, minute and second 0–59, a fraction of
 *   at most 9 digits, then `Z` or `+hh[:mm]` (two digits each) — and, where no recording says (the
 *   guide's own `2014-11-30T12:00Z`, `-05:00`), a zone after the minutes and negative offsets too;
 * - anything else is epoch seconds: an integer 0…9223372036854775807.
 */

const INTEGER = /^\s*[+-]?\d+(?:_\d+)*\s*$/;
const MAX_EPOCH = 9_223_372_036_854_775_807n;

/** Python's int() on the forms IAM's reader accepts; undefined when it is no integer. */
function integer(text: string): bigint | undefined {
  return INTEGER.test(text) ? BigInt(text.trim().replace(/_/g, '')) : undefined;
}

function within(text: string, min: number, max: number): boolean {
  const n = integer(text);
  return n !== undefined && n >= BigInt(min) && n <= BigInt(max);
}

export function legacyDateAccepted(value: string): boolean {
  const lower = value.toLowerCase();
  if (!lower.includes('t') && !value.includes('-')) {
    const n = integer(value);
    return n !== undefined && n >= 0n && n <= MAX_EPOCH;
  }
  const t = lower.indexOf('t');
  const datePart = t < 0 ? lower : lower.slice(0, t);
  const timePart = t < 0 ? '' : lower.slice(t + 1);
  const negative = datePart.startsWith('-');
  const dateFields = (negative ? datePart.slice(1) : datePart).split('-');
  if (dateFields.length > 3) return false;
  if (!within(`${negative ? '-' : ''}${dateFields[0]}`, -292275054, 292278993)) return false;
  if (dateFields.length > 1 && !within(dateFields[1]!, 1, 12)) return false;
  if (dateFields.length > 2 && !within(dateFields[2]!, 1, 31)) return false;

  // The time: an optional zone (`z`, or `+hh`/`-hh` with optional `:mm`), then hour[:minute[:second[.fraction]]].
  const zone = /(?:z|[+-]\d{2}(?::?\d{2})?)$/.exec(timePart);
  const timeFields = (zone === null ? timePart : timePart.slice(0, zone.index)).split(':');
  if (timeFields.length > 3) return false;
  if (zone !== null && zone[0].length > 3 && !within(zone[0].slice(-2), 0, 59)) return false;
  if (zone !== null && zone[0] !== 'z' && !within(zone[0].slice(1, 3), 0, 23)) return false;
  if (timeFields[0] !== '' && !within(timeFields[0]!, 0, 23)) return false;
  if (timeFields.length > 1 && !within(timeFields[1]!, 0, 59)) return false;
  if (timeFields.length < 3) return true;
  const seconds = timeFields[2]!;
  const dot = seconds.indexOf('.');
  if (!within(dot < 0 ? seconds : seconds.slice(0, dot), 0, 59)) return false;
  return dot < 0 || within(seconds.slice(dot + 1), 0, 999_999_999);
}
