/**
 * The anti-forgery cookie: `__Host-` prefixed on an https public URL, so a sibling subdomain cannot
 * plant a token it knows (review of command-line sign-in: cookie tossing), and only that cookie counts
 * there; the plain name on http (development, where browsers refuse `__Host-` without Secure).
 */
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { CSRF_FIELD, csrfToken, csrfValid } from '../../src/console/csrf.js';

function request(cookie: string | undefined, field?: string): Request {
  return { headers: cookie === undefined ? {} : { cookie }, body: field === undefined ? {} : { [CSRF_FIELD]: field } } as unknown as Request;
}

function response(): Response & { cookies: string[] } {
  const cookies: string[] = [];
  return { cookies, appendHeader: (_name: string, value: string) => cookies.push(value) } as unknown as Response & { cookies: string[] };
}

describe('CSRF cookie', () => {
  it('https: a __Host- cookie (Secure, Path=/, no Domain) is set and is the only one that counts', () => {
    const res = response();
    const token = csrfToken(request(undefined), res, true);
    expect(res.cookies).toHaveLength(1);
    expect(res.cookies[0]).toMatch(new RegExp(`^__Host-fedbroker_csrf=${token}; Path=/; HttpOnly; SameSite=Lax; Secure$`));
    expect(res.cookies[0]).not.toMatch(/Domain=/i);
    expect(csrfValid(request(`__Host-fedbroker_csrf=${token}`, token), true)).toBe(true);
    // A token planted under the plain name (by a sibling subdomain) is not accepted.
    const planted = 'p'.repeat(43);
    expect(csrfValid(request(`fedbroker_csrf=${planted}`, planted), true)).toBe(false);
    expect(csrfToken(request(`fedbroker_csrf=${planted}`), response(), true)).not.toBe(planted);
  });

  it('http: the plain name, as browsers refuse __Host- cookies without Secure', () => {
    const res = response();
    const token = csrfToken(request(undefined), res, false);
    expect(res.cookies[0]).toMatch(new RegExp(`^fedbroker_csrf=${token}; Path=/; HttpOnly; SameSite=Lax$`));
    expect(csrfValid(request(`fedbroker_csrf=${token}`, token), false)).toBe(true);
    expect(csrfValid(request(`fedbroker_csrf=${token}`, 'x'.repeat(43)), false)).toBe(false);
    expect(csrfValid(request(undefined, token), false)).toBe(false);
  });
});
