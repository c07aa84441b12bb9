/**
 * CSRF protection for every form of the browser flows: a double-submit token — a random value in an
 * HttpOnly, SameSite cookie and the same value in a hidden field, compared in constant time. On an
 * https public URL the cookie is `__Host-` prefixed: browsers accept it only from this exact host
 * (Secure, Path=/, no Domain), so a sibling subdomain cannot plant a token it knows (cookie tossing).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { readCookie, setCookie } from './cookies.js';

export const CSRF_COOKIE = 'fedbroker_csrf';

/** The cookie's name: `__Host-fedbroker_csrf` when the broker's public URL is https. */
export function csrfCookieName(secure: boolean): string {
  return secure ? `__Host-${CSRF_COOKIE}` : CSRF_COOKIE;
}
export const CSRF_FIELD = 'csrf';

/** The request's token, creating (and setting) one when the browser has none. */
export function csrfToken(req: Request, res: Response, secure: boolean): string {
  const existing = readCookie(req, csrfCookieName(secure));
  if (existing !== undefined && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  setCookie(res, csrfCookieName(secure), token, { secure, sameSite: 'Lax' });
  return token;
}

export function csrfValid(req: Request, secure: boolean): boolean {
  const cookie = readCookie(req, csrfCookieName(secure));
  const field = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
  if (cookie === undefined || typeof field !== 'string' || cookie.length !== field.length) return false;
  return timingSafeEqual(Buffer.from(cookie), Buffer.from(field));
}
