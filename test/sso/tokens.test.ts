import { describe, expect, it } from 'vitest';
import { sealJson } from '../../src/sso/sealed.js';
import { openAccessToken, openRefreshToken, sealAccessToken, type AccessTokenClaims } from '../../src/sso/tokens.js';
import { NOW, person, ring } from './fixtures.js';

const keyRing = ring();
const iat = Math.floor(NOW / 1000);
const claims: AccessTokenClaims = { v: 1, sid: 's', cid: 'client', cn: 'cli', p: person(), sc: ['sso:account:access'], iat, exp: iat + 600 };

describe('access tokens', () => {
  it('are sealed deflated and open to their claims', () => {
    const token = sealAccessToken(keyRing, claims);
    expect(token.length).toBeLessThan(sealJson(keyRing, 'sso-access-token', claims).length);
    expect(openAccessToken(keyRing, token, NOW)).toEqual(claims);
  });

  it('sealed before deflating (a token issued before an upgrade) still open until they expire', () => {
    const earlier = sealJson(keyRing, 'sso-access-token', claims);
    expect(openAccessToken(keyRing, earlier, NOW)).toEqual(claims);
    expect(openAccessToken(keyRing, earlier, (claims.exp + 1) * 1000)).toBeUndefined();
  });

  it('are no refresh token, and a refresh token is no access token', () => {
    const token = sealAccessToken(keyRing, claims);
    expect(openRefreshToken(keyRing, token)).toBeUndefined();
    expect(openAccessToken(keyRing, sealJson(keyRing, 'sso-refresh-token', { v: 1, sid: 's', g: 1, c: 'c', exp: claims.exp }), NOW)).toBeUndefined();
  });
});
