/**
 * X-Amz-Date (ISO 8601 basic format, `20261122T102156Z`) and AWS's clock-skew messages:
 *   Signature expired: 20261122T102156Z is now earlier than 20261122T103656Z (20261122T105156Z - 15 min.)
 *   Signature not yet current: 20261122T110000Z is still later than 20261122T104500Z (20261122T103000Z + 15 min.)
 */
import { SignatureDoesNotMatch } from '../../errors.js';

/** AWS accepts requests whose X-Amz-Date is at most this far from its clock, either way. */
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** The last X-Amz-Date parsed: clients sending many requests repeat it for up to a second. */
let lastText = '';
let lastMs: number | undefined;

/** Epoch ms of an X-Amz-Date, or undefined when it is not a real date in basic format. */
export function parseAmzDate(text: string): number | undefined {
  if (text === lastText) return lastMs;
  const m = AMZ_DATE.exec(text);
  if (m === null) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = Number(m[6]);
  // Date.UTC would roll 20261340 over into 2027: every field is checked against its real range.
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  lastText = text;
  lastMs = ms;
  return ms;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Throw SignatureDoesNotMatch when `signedAt` is outside [now - window, now + 15 min]. `windowMs` is
 * 15 minutes for header signatures, and min(X-Amz-Expires, 15 min) for presigned ones.
 */
export function checkSigningTime(amzDate: string, signedAt: number, now: number, windowMs: number = MAX_CLOCK_SKEW_MS): void {
  if (signedAt > now + MAX_CLOCK_SKEW_MS) {
    throw new SignatureDoesNotMatch(
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now)} + 15 min.)`,
    );
  }
  if (signedAt < now - windowMs) {
    // AWS's own wording for its 15-minute window; a shorter X-Amz-Expires window is given in seconds.
    const span = windowMs === MAX_CLOCK_SKEW_MS ? '15 min.' : `${Math.floor(windowMs / 1000)} sec.`;
    throw new SignatureDoesNotMatch(`Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - windowMs)} (${formatAmzDate(now)} - ${span})`);
  }
}
