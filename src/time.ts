/**
 * Times as AWS writes them: ISO 8601 UTC to the second (`2026-11-25T21:05:39Z`) — STS's Expiration,
 * CloudTrail's eventTime, aws:CurrentTime.
 */

/**
 * The last few seconds formatted: a busy second formats the same few instants over and over (the
 * events' eventTime, the credentials' Expiration an hour later).
 */
const recentSeconds = [Number.NaN, Number.NaN, Number.NaN, Number.NaN];
const recentTexts = ['', '', '', ''];
let nextSlot = 0;

/** `date` (or epoch ms) as ISO 8601 UTC without fractional seconds. */
export function isoSeconds(date: Date | number): string {
  const ms = typeof date === 'number' ? date : date.getTime();
  const second = Math.floor(ms / 1000);
  for (let i = 0; i < recentSeconds.length; i++) if (recentSeconds[i] === second) return recentTexts[i]!;
  const iso = new Date(second * 1000).toISOString();
  // YYYY-MM-DDTHH:mm:ss.sssZ is 24 characters for years 0000–9999; others carry a sign and more digits.
  const text = iso.length === 24 ? `${iso.slice(0, 19)}Z` : iso.replace(/\.\d{3}Z$/, 'Z');
  recentSeconds[nextSlot] = second;
  recentTexts[nextSlot] = text;
  nextSlot = (nextSlot + 1) % recentSeconds.length;
  return text;
}
