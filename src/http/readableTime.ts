/**
 * Times on pages, for people: "Sat, 6 Dec 2026, 14:05:00 CET (in 4 minutes)" in the broker's time
 * zone (TZ), named, with how far away it is — never a bare ISO string. The pages run no script
 * (CSP script-src 'none'), so the browser's own zone is not known; the relative part is right
 * everywhere. The exact instant is in the element's datetime attribute.
 */
import { html, type RawHtml } from './html.js';

const FORMAT = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});

export function readableTime(epochMs: number): string {
  return FORMAT.format(new Date(epochMs));
}

/** "in 4 minutes", "in 40 seconds", "2 hours ago". */
export function relativeTime(epochMs: number, nowMs = Date.now()): string {
  const seconds = Math.round((epochMs - nowMs) / 1000);
  const size = Math.abs(seconds);
  const [amount, unit] =
    size < 90 ? [size, 'second'] : size < 90 * 60 ? [Math.round(size / 60), 'minute'] : size < 36 * 3600 ? [Math.round(size / 3600), 'hour'] : [Math.round(size / 86400), 'day'];
  const text = `${amount} ${unit}${amount === 1 ? '' : 's'}`;
  return seconds >= 0 ? `in ${text}` : `${text} ago`;
}

/** `<time datetime="…">Sat, 6 Dec 2026, 14:05:00 CET</time> (in 4 minutes)` */
export function timeHtml(epochMs: number, nowMs = Date.now()): RawHtml {
  return html`<time datetime="${new Date(epochMs).toISOString()}">${readableTime(epochMs)}</time> (${relativeTime(epochMs, nowMs)})`;
}
