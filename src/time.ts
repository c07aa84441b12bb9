/**
 * Times as AWS writes them: ISO 8601 UTC to the second (`2026-11-25T21:05:39Z`) — STS's Expiration,
 * CloudTrail's eventTime, aws:CurrentTime.
 */

/** `date` (or epoch ms) as ISO 8601 UTC without fractional seconds. */
export function isoSeconds(date: Date | number): string {
  const iso = (typeof date === 'number' ? new Date(date) : date).toISOString();
  // YYYY-MM-DDTHH:mm:ss.sssZ is 24 characters for years 0000–9999; others carry a sign and more digits.
  return iso.length === 24 ? `${iso.slice(0, 19)}Z` : iso.replace(/\.\d{3}Z$/, 'Z');
}
