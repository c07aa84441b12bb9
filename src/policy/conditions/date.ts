/**
 * Date condition values (G17765): "one of the W3C implementations of the ISO 8601 date formats or
 * epoch (UNIX) time", on both sides (aws:CurrentTime is ISO 8601, aws:EpochTime epoch seconds).
 *
 * Accepted: `YYYY-MM-DD` (UTC midnight), `YYYY-MM`, and `YYYY-MM-DDThh:mm[:ss[.fff…]]` followed by
 * `Z` or `±hh:mm` (`2014-11-30T12:00Z`, G8143). Digits alone (optionally with a fraction) are epoch
 * seconds — so a bare year is not accepted as a date. A time without a zone is refused, not guessed.
 */

const ISO = /^(\d{4})-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}))?)?$/;
const EPOCH = /^\d+(?:\.\d+)?$/;

/** Milliseconds since the epoch, or NaN when `text` is neither form. */
export function parseDate(text: string): number {
  if (EPOCH.test(text)) return Number(text) * 1000;
  const m = ISO.exec(text);
  if (m === null) return NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return NaN;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Refuse days that do not exist (2017-02-30), which Date.UTC would roll over.
  if (new Date(utc).getUTCDate() !== day) return NaN;
  const zone = m[8];
  if (zone === undefined || zone === 'Z') return utc;
  const sign = zone[0] === '-' ? -1 : 1;
  const offsetHours = Number(zone.slice(1, 3));
  const offsetMinutes = Number(zone.slice(4, 6));
  if (offsetHours > 23 || offsetMinutes > 59) return NaN;
  return utc - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
}
