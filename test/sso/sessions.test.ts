import { describe, expect, it } from 'vitest';
import { CliSessions } from '../../src/sso/sessions.js';
import { openAccessToken } from '../../src/sso/tokens.js';
import { MemoryStore } from '../../src/store/memory.js';
import { client, NOW, person, revocationsOn, ring } from './fixtures.js';

const setup = async () => {
  const store = new MemoryStore();
  const keyRing = ring();
  const revocations = await revocationsOn(store);
  return { keyRing, sessions: new CliSessions(store, keyRing, revocations, () => 3600), client: client(keyRing), close: () => revocations.close() };
};
const valid = () => true;
const code = (e: unknown) => (e as { code?: string }).code;

describe('CLI sessions (refresh-token families)', () => {
  it('issues an access token carrying the person and the client, capped by the end of the sign-in', async () => {
    const s = await setup();
    const p = person({ sessionEnd: Math.floor(NOW / 1000) + 600 });
    const tokens = await s.sessions.start(p, s.client, ['sso:account:access'], NOW);
    expect(tokens.expiresIn).toBe(600);
    const claims = openAccessToken(s.keyRing, tokens.accessToken, NOW)!;
    expect(claims).toMatchObject({ sid: tokens.session.id, cid: s.client.id, cn: 'test-cli', p: { subject: 'alice@example.com' } });
    expect(openAccessToken(s.keyRing, tokens.accessToken, NOW + 600_000)).toBeUndefined();
    s.close();
  });

  it('rotates the refresh token; a used one ends the whole family (every token of it)', async () => {
    const s = await setup();
    const first = await s.sessions.start(person(), s.client, [], NOW);
    const second = await s.sessions.refresh(first.refreshToken, s.client, valid, NOW + 1000);
    const third = await s.sessions.refresh(second.refreshToken, s.client, valid, NOW + 2000);
    expect(new Set([first.refreshToken, second.refreshToken, third.refreshToken]).size).toBe(3);
    // The thief (or a confused client) replays the second one:
    expect(code(await s.sessions.refresh(second.refreshToken, s.client, valid, NOW + 3000).catch((e) => e))).toBe('InvalidGrantException');
    expect(s.sessions.isEnded(first.session.id)).toBe(true);
    // …and the owner's current token is dead too.
    expect(code(await s.sessions.refresh(third.refreshToken, s.client, valid, NOW + 4000).catch((e) => e))).toBe('InvalidGrantException');
    expect((await s.sessions.get(first.session.id))?.endReason).toBe('reuse');
    s.close();
  });

  it('refuses another client\'s refresh token, a person no longer valid, and refresh after the sign-in ended', async () => {
    const s = await setup();
    const tokens = await s.sessions.start(person(), s.client, [], NOW);
    expect(code(await s.sessions.refresh(tokens.refreshToken, client(s.keyRing), valid, NOW).catch((e) => e))).toBe('InvalidGrantException');
    expect(code(await s.sessions.refresh(tokens.refreshToken, s.client, () => false, NOW).catch((e) => e))).toBe('InvalidGrantException');
    expect(s.sessions.isEnded(tokens.session.id)).toBe(true);
    const other = await s.sessions.start(person(), s.client, [], NOW);
    expect(code(await s.sessions.refresh(other.refreshToken, s.client, valid, NOW + 8 * 3_600_000).catch((e) => e))).toBe('InvalidGrantException');
    s.close();
  });

  it('lists a person\'s live sessions, newest first; an ended one disappears', async () => {
    const s = await setup();
    const a = await s.sessions.start(person(), s.client, [], NOW);
    const b = await s.sessions.start(person(), s.client, [], NOW + 1000);
    await s.sessions.start(person({ subject: 'bob' }), s.client, [], NOW);
    expect((await s.sessions.listFor(person(), NOW + 2000)).map((l) => l.session.id)).toEqual([b.session.id, a.session.id]);
    expect(await s.sessions.end(a.session.id, 'ended', NOW + 3000)).toBe(true);
    expect(await s.sessions.end(a.session.id, 'ended', NOW + 3000)).toBe(false);
    expect((await s.sessions.listFor(person(), NOW + 4000)).map((l) => l.session.id)).toEqual([b.session.id]);
    s.close();
  });
});
