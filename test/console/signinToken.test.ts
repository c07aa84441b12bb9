import { describe, expect, it } from 'vitest';
import { openSigninToken, sealSigninToken } from '../../src/console/signinToken.js';
import { generateSealingKey, KeyRing, SIGNED_FORMAT } from '../../src/keys/keyRing.js';

const ring = new KeyRing({ sealingKeys: [generateSealingKey()] });
const NOW = Date.UTC(2026, 11, 6, 12);
/** A session token as the broker writes them: standard base64 of sealed bytes. */
const SESSION_TOKEN = Buffer.from(Array.from({ length: 700 }, (_, i) => (i * 37) % 256)).toString('base64');

describe('sign-in tokens', () => {
  it('carry the session token, the console end, the expiry and a time-ordered nonce', () => {
    const token = sealSigninToken(ring, { sessionToken: SESSION_TOKEN, consoleExpiresAt: NOW / 1000 + 3600, expiresAtMs: NOW + 900_000 });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    const opened = openSigninToken(ring, token, NOW);
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(opened.claims).toMatchObject({ sessionToken: SESSION_TOKEN, consoleExpiresAt: NOW / 1000 + 3600, expiresAtMs: NOW + 900_000 });
    expect(opened.claims.nonce).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('are shorter than the JSON tokens of version 1 (the session token travels as bytes)', () => {
    const token = sealSigninToken(ring, { sessionToken: SESSION_TOKEN, consoleExpiresAt: NOW / 1000 + 3600, expiresAtMs: NOW + 900_000 });
    expect(token.length).toBeLessThan(SESSION_TOKEN.length + 100);
  });

  it('each get their own nonce, later ones sorting after earlier ones', async () => {
    const claims = { sessionToken: SESSION_TOKEN, consoleExpiresAt: NOW / 1000 + 3600, expiresAtMs: NOW + 900_000 };
    const first = openSigninToken(ring, sealSigninToken(ring, claims), NOW);
    await new Promise((r) => setTimeout(r, 3));
    const second = openSigninToken(ring, sealSigninToken(ring, claims), NOW);
    if (!first.ok || !second.ok) throw new Error('not opened');
    expect(first.claims.nonce < second.claims.nonce).toBe(true);
  });

  it('are refused from their expiry on', () => {
    const token = sealSigninToken(ring, { sessionToken: SESSION_TOKEN, consoleExpiresAt: NOW / 1000 + 3600, expiresAtMs: NOW });
    expect(openSigninToken(ring, token, NOW)).toEqual({ ok: false, reason: 'expired' });
    expect(openSigninToken(ring, token, NOW - 1).ok).toBe(true);
  });

  it('a session token sent without its padding comes back padded (the same bytes)', () => {
    const unpadded = SESSION_TOKEN.replace(/=+$/, '');
    expect(unpadded).not.toBe(SESSION_TOKEN);
    const opened = openSigninToken(ring, sealSigninToken(ring, { sessionToken: unpadded, consoleExpiresAt: 1, expiresAtMs: NOW + 1 }), NOW);
    expect(opened.ok && opened.claims.sessionToken).toBe(SESSION_TOKEN);
  });

  it('are signed, not sealed: the body is readable, the session token in it as its own bytes', () => {
    const token = sealSigninToken(ring, { sessionToken: SESSION_TOKEN, consoleExpiresAt: 1, expiresAtMs: NOW + 1000 });
    const bytes = Buffer.from(token, 'base64url');
    expect(bytes[0]).toBe(SIGNED_FORMAT);
    expect(bytes.includes(Buffer.from(SESSION_TOKEN, 'base64'))).toBe(true);
    expect(ring.verifySigned('signin-token', bytes)).toBeDefined();
  });

  it('still open when sealed (version 2, binary) before the upgrade to signed tokens', () => {
    const signed = Buffer.from(sealSigninToken(ring, { sessionToken: SESSION_TOKEN, consoleExpiresAt: 1234, expiresAtMs: NOW + 1000 }), 'base64url');
    const body = ring.verifySigned('signin-token', signed)!;
    const sealed = ring.seal('signin-token', body).toString('base64url');
    const opened = openSigninToken(ring, sealed, NOW);
    expect(opened.ok && opened.claims).toMatchObject({ sessionToken: SESSION_TOKEN, consoleExpiresAt: 1234, expiresAtMs: NOW + 1000 });
  });

  it('still open when sealed as version 1 (JSON) before an upgrade', () => {
    const v1 = ring.seal('signin-token', Buffer.from(JSON.stringify({ v: 1, t: SESSION_TOKEN, e: 1234, x: NOW + 1000, n: 'legacy-nonce' }))).toString('base64url');
    expect(openSigninToken(ring, v1, NOW)).toEqual({ ok: true, claims: { sessionToken: SESSION_TOKEN, consoleExpiresAt: 1234, expiresAtMs: NOW + 1000, nonce: 'legacy-nonce' } });
  });

  it('are refused when altered, cut short, of another purpose or of no known shape', () => {
    const token = sealSigninToken(ring, { sessionToken: SESSION_TOKEN, consoleExpiresAt: 1, expiresAtMs: NOW + 1000 });
    const flipped = token.slice(0, 30) + (token[30] === 'A' ? 'B' : 'A') + token.slice(31);
    const invalid = { ok: false, reason: 'invalid' };
    expect(openSigninToken(ring, flipped, NOW)).toEqual(invalid);
    expect(openSigninToken(ring, token.slice(0, -3), NOW)).toEqual(invalid);
    expect(openSigninToken(ring, `${token}=`, NOW)).toEqual(invalid);
    expect(openSigninToken(ring, ring.seal('console-session', Buffer.from([2, 0, 0])).toString('base64url'), NOW)).toEqual(invalid);
    // Signed for another purpose (a console cookie), or by a key this ring does not hold.
    expect(openSigninToken(ring, ring.sign('console-session', Buffer.from(token, 'base64url').subarray(2 + ring.activeKid.length, -32)).toString('base64url'), NOW)).toEqual(invalid);
    const stranger = new KeyRing({ sealingKeys: [generateSealingKey()] });
    expect(openSigninToken(ring, sealSigninToken(stranger, { sessionToken: SESSION_TOKEN, consoleExpiresAt: 1, expiresAtMs: NOW + 1000 }), NOW)).toEqual(invalid);
    // Signed, with nothing after the header.
    expect(openSigninToken(ring, ring.sign('signin-token', Buffer.alloc(27, 0).fill(2, 0, 1)).toString('base64url'), NOW)).toEqual(invalid);
    // Version 2 with nothing after the header, and JSON of another shape.
    expect(openSigninToken(ring, ring.seal('signin-token', Buffer.alloc(27, 0).fill(2, 0, 1)).toString('base64url'), NOW)).toEqual(invalid);
    expect(openSigninToken(ring, ring.seal('signin-token', Buffer.from('{"v":1,"t":5}')).toString('base64url'), NOW)).toEqual(invalid);
    expect(openSigninToken(ring, ring.seal('signin-token', Buffer.from([9, 9, 9])).toString('base64url'), NOW)).toEqual(invalid);
  });
});
