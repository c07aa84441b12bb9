/** The broker's icon (a shield with a keyhole), for browser tabs: GET /favicon.svg and /favicon.ico. */
import type { Request, Response } from 'express';

const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">' +
  '<rect width="64" height="64" rx="14" fill="#2b4d7d"/>' +
  '<path d="M32 10l17 6v13c0 12-7.5 20-17 24-9.5-4-17-12-17-24V16z" fill="#fff"/>' +
  '<circle cx="32" cy="28" r="5.5" fill="#2b4d7d"/><rect x="29.5" y="31" width="5" height="11" rx="2.5" fill="#2b4d7d"/></svg>';

/** Browsers ask for /favicon.ico on their own; an SVG answer is shown as well. */
export function sendFavicon(_req: Request, res: Response): void {
  res
    .type('image/svg+xml')
    .set('cache-control', 'public, max-age=86400')
    .set('content-security-policy', "default-src 'none'")
    .send(SVG);
}
