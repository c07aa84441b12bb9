/**
 * CSRF protection for every form of the browser flows: a double-submit token — a random value in an
 * HttpOnly, SameSite cookie and the same value in a hidden field, compared in constant time.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { readCookie, setCookie } from './cookies.js';

export const CSRF_COOKIE = 'fedbroker_csrf';
export const CSRF_FIELD = 'csrf';

/** The request's token, creating (and setting) one when the browser has none. */
export function csrfToken(req: Request, res: Response, secure: boolean): string {
  const existing = readCookie(req, CSRF_COOKIE);
  if (existing !== undefined && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  setCookie(res, CSRF_COOKIE, token, { secure, sameSite: 'Lax' });
  return token;
}

export function csrfValid(req: Request): boolean {
  const cookie = readCookie(req, CSRF_COOKIE);
  const field = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
  if (cookie === undefined || typeof field !== 'string' || cookie.length !== field.length) return false;
  return timingSafeEqual(Buffer.from(cookie), Buffer.from(field));
}
