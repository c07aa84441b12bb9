import { describe, expect, it } from 'vitest';
import { OpenedAccessTokens } from '../../src/sso/openedAccessTokens.js';
import { sealAccessToken, type AccessTokenClaims } from '../../src/sso/tokens.js';
import { NOW, person, ring } from './fixtures.js';

const keyRing = ring();
const iat = Math.floor(NOW / 1000);
const claims = (sid: string, exp = iat + 600): AccessTokenClaims => ({ v: 1, sid, cid: 'client', cn: 'cli', p: person(), sc: ['sso:account:access'], iat, exp });
const token = (sid: string, exp?: number) => sealAccessToken(keyRing, claims(sid, exp));

/** The same token with one character in its middle changed (its last characters, the cache key, kept). */
function tamperedMiddle(t: string): string {
  const i = Math.floor(t.length / 2);
  return t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
}

describe('OpenedAccessTokens', () => {
  it('opens a token once and hands out the same frozen claims (the person too)', () => {
    const cache = new OpenedAccessTokens(keyRing);
    const t = token('s1');
    const first = cache.open(t, NOW)!;
    expect(first).toMatchObject({ sid: 's1', p: { subject: 'alice@example.com' } });
    expect(cache.open(t, NOW)).toBe(first);
    expect(Object.isFrozen(first.p)).toBe(true);
    expect(Object.isFrozen(first.p.conditionKeys['saml:attr/groups'])).toBe(true);
  });

  it('an expired token is refused even when it is cached', () => {
    const cache = new OpenedAccessTokens(keyRing);
    const t = token('s2', iat + 60);
    expect(cache.open(t, NOW)).toBeDefined();
    expect(cache.open(t, (iat + 60) * 1000)).toBeUndefined();
    expect(cache.open(t, NOW + 120_000)).toBeUndefined();
  });

  it('a token that shares the cached one\'s tail but not its content is opened (and refused), never a hit', () => {
    const cache = new OpenedAccessTokens(keyRing);
    const t = token('s3');
    cache.open(t, NOW);
    const forged = tamperedMiddle(t);
    expect(forged.slice(-32)).toBe(t.slice(-32));
    expect(cache.open(forged, NOW)).toBeUndefined();
    expect(cache.open(t, NOW)?.sid).toBe('s3');
  });

  it('refuses what is not a genuine token: another ring, not a string', () => {
    const cache = new OpenedAccessTokens(keyRing);
    expect(cache.open(sealAccessToken(ring(), claims('x')), NOW)).toBeUndefined();
    expect(cache.open(undefined, NOW)).toBeUndefined();
    expect(cache.open(['a'], NOW)).toBeUndefined();
  });

  it('stays within its bounds (entries and characters), dropping the oldest', () => {
    const entries = new OpenedAccessTokens(keyRing, { maxEntries: 2, maxChars: 1_000_000 });
    const tokens = ['a', 'b', 'c'].map((sid) => token(sid));
    for (const t of tokens) entries.open(t, NOW);
    expect(entries.size).toBe(2);
    // Room for two (deflated tokens differ in length by a character or two).
    const chars = new OpenedAccessTokens(keyRing, { maxEntries: 100, maxChars: Math.max(...tokens.map((t) => t.length)) * 2 });
    for (const t of tokens) chars.open(t, NOW);
    expect(chars.size).toBe(2);
    // Still opened (just not cached) when the cache is full.
    expect(chars.open(tokens[0]!, NOW)?.sid).toBe('a');
  });
});
