/**
 * Cookies of the browser flows: always HttpOnly and SameSite, Secure when the public URL is https.
 * Plain node:http types, so the lean federation endpoint and the Express pages share them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CookieOptions {
  readonly secure: boolean;
  readonly maxAgeSeconds?: number;
  /** None only with `secure` (browsers drop it otherwise): a cookie an IdP's cross-site POST must carry. */
  readonly sameSite?: 'Lax' | 'Strict' | 'None';
  readonly path?: string;
}

export function readCookie(req: Pick<IncomingMessage, 'headers'>, name: string): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_.~-]*$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

export function setCookie(res: ServerResponse, name: string, value: string, options: CookieOptions): void {
  res.appendHeader('Set-Cookie', cookieHeader(name, value, options));
}

/** The Set-Cookie header value of a cookie (for an answer that passes its headers at once). */
export function cookieHeader(name: string, value: string, options: CookieOptions): string {
  let header = `${name}=${value}; Path=${options.path ?? '/'}; HttpOnly; SameSite=${options.sameSite ?? 'Lax'}`;
  if (options.secure) header += '; Secure';
  if (options.maxAgeSeconds !== undefined) header += `; Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`;
  return header;
}

export function clearCookie(res: ServerResponse, name: string, options: Omit<CookieOptions, 'maxAgeSeconds'>): void {
  setCookie(res, name, '', { ...options, maxAgeSeconds: 0 });
}
