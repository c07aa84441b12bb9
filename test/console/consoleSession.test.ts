import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ConsoleSessions } from '../../src/console/consoleSession.js';
import { sealSessionToken } from '../../src/credentials/sessionToken.js';
import type { SessionClaims } from '../../src/credentials/types.js';
import { generateSealingKey, KeyRing, SIGNED_FORMAT } from '../../src/keys/keyRing.js';
import type { RevocationCache } from '../../src/sessions/revocations.js';
import type { SessionValidity } from '../../src/sessions/sessionValidity.js';

const NOW = Date.now();
const NOW_S = Math.floor(NOW / 1000);
const ring = new KeyRing({ sealingKeys: [generateSealingKey()] });
const claims: SessionClaims = {
  accessKeyId: 'ASIAQ2FMBAJRB3XA7DLE',
  secretAccessKey: 'k5Zs0cJ0cDqvJbXWmEHZvJ7sOMBtPqMqHdyq9fXy',
  issuedAt: NOW_S - 60,
  expiresAt: NOW_S + 3540,
  account: '111122223333',
  partition: 'aws',
  issuer: 'AssumeRoleWithSAML',
  principal: { kind: 'AssumedRole', roleName: 'Developer', rolePath: '/', roleId: 'AROA3XFRBF23VHKWA7BFQ', sessionName: 'alice@example.com' },
};
const sessionToken = sealSessionToken(ring, claims);
const revoked = new Set<string>();
// The collaborators answer from this test's own state: valid credentials, console sessions revoked by id.
const revocations = { isConsoleSessionRevoked: (id: string) => revoked.has(id) } as unknown as RevocationCache;
const validity = { isValid: () => true } as unknown as SessionValidity;
const sessions = new ConsoleSessions(ring, revocations, validity, 'fedbroker_session', true);

const cookieValue = (header: string) => /^fedbroker_session=([^;]*);/.exec(header)![1]!;
const read = (value: string) => sessions.read({ headers: { cookie: `other=1; fedbroker_session=${value}` } }, NOW);

describe('console session cookies', () => {
  it('hold the credentials, the session end and id, and say so in the Set-Cookie attributes', () => {
    const header = sessions.startCookie(sessionToken, claims, { expiresAt: NOW_S + 7200, id: 'console-abc_DEF-123' }, NOW);
    expect(header).toMatch(/^fedbroker_session=[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=7200$/);
    const session = read(cookieValue(header));
    expect(session).toEqual({ claims: expect.objectContaining({ accessKeyId: claims.accessKeyId }), sessionToken, expiresAt: NOW_S + 7200, id: 'console-abc_DEF-123' });
  });

  it('without an end of their own last as long as the credentials, and without an id have none', () => {
    const session = read(cookieValue(sessions.startCookie(sessionToken, claims, {}, NOW)));
    expect(session).toEqual({ claims: expect.objectContaining({ accessKeyId: claims.accessKeyId }), sessionToken, expiresAt: claims.expiresAt });
  });

  it('carry the session token as bytes: the cookie is shorter than the token in JSON would make it', () => {
    const header = sessions.startCookie(sessionToken, claims, { expiresAt: NOW_S + 7200, id: 'console-abc' }, NOW);
    expect(cookieValue(header).length).toBeLessThan(sessionToken.length + 120);
  });

  it('are signed, not sealed (the session token in them is itself sealed); sealed ones of before the upgrade are still read', () => {
    const value = cookieValue(sessions.startCookie(sessionToken, claims, { expiresAt: NOW_S + 60, id: 'console-v2' }, NOW));
    const bytes = Buffer.from(value, 'base64url');
    expect(bytes[0]).toBe(SIGNED_FORMAT);
    expect(bytes.includes(Buffer.from(sessionToken, 'base64'))).toBe(true);
    const sealed = ring.seal('console-session', ring.verifySigned('console-session', bytes)!).toString('base64url');
    expect(read(sealed)).toEqual({ claims: expect.objectContaining({ accessKeyId: claims.accessKeyId }), sessionToken, expiresAt: NOW_S + 60, id: 'console-v2' });
    // Signed for another purpose (a sign-in token's body), or by a key this ring does not hold: refused.
    expect(read(ring.sign('signin-token', ring.verifySigned('console-session', bytes)!).toString('base64url'))).toBeUndefined();
    const stranger = new ConsoleSessions(new KeyRing({ sealingKeys: [generateSealingKey()] }), revocations, validity, 'fedbroker_session', true);
    expect(read(cookieValue(stranger.startCookie(sessionToken, claims, {}, NOW)))).toBeUndefined();
  });

  it('of version 1 (JSON, before an upgrade) are still read', () => {
    const v1 = ring.seal('console-session', Buffer.from(JSON.stringify({ v: 1, t: sessionToken, e: NOW_S + 60, s: 'console-old' }))).toString('base64url');
    expect(read(v1)).toEqual({ claims: expect.objectContaining({ accessKeyId: claims.accessKeyId }), sessionToken, expiresAt: NOW_S + 60, id: 'console-old' });
  });

  it('end at their end, when their id is revoked, and when altered or cut short', () => {
    expect(read(cookieValue(sessions.startCookie(sessionToken, claims, { expiresAt: NOW_S }, NOW)))).toBeUndefined();
    const value = cookieValue(sessions.startCookie(sessionToken, claims, { id: 'console-gone' }, NOW));
    revoked.add('console-gone');
    expect(read(value)).toBeUndefined();
    const good = cookieValue(sessions.startCookie(sessionToken, claims, { id: 'console-kept' }, NOW));
    expect(read(good)).toBeDefined();
    expect(read(good.slice(0, -2))).toBeUndefined();
    expect(read(good.slice(0, 20) + (good[20] === 'A' ? 'B' : 'A') + good.slice(21))).toBeUndefined();
    // Sealed or signed correctly but of no known shape: a version-2 header with nothing after it.
    expect(read(ring.seal('console-session', Buffer.from([2, 3, 0, 0, 0, 1, 5, 65])).toString('base64url'))).toBeUndefined();
    expect(read(ring.sign('console-session', Buffer.from([2, 3, 0, 0, 0, 1, 5, 65])).toString('base64url'))).toBeUndefined();
  });

  it('start() sets the same cookie on a response', () => {
    const headers: string[] = [];
    const res = { appendHeader: (name: string, value: string) => headers.push(`${name}: ${value}`) } as unknown as ServerResponse;
    sessions.start(res, sessionToken, claims, {}, NOW);
    expect(headers).toHaveLength(1);
    expect(headers[0]).toMatch(/^Set-Cookie: fedbroker_session=/);
  });
});
