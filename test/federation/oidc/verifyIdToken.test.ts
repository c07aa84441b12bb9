/** The pipeline's order: cheap checks run first, and nothing reaches key lookup or crypto unless it must. */
import { describe, expect, it } from 'vitest';
import { verifyIdToken } from '../../../src/federation/oidc/verifyIdToken.js';
import type { TrustedOidcProvider } from '../../../src/federation/oidc/types.js';
import { ExpiredToken, InvalidIdentityToken } from '../../../src/errors.js';
import { createLocalSigningKey, hmacToken, idTokenClaims, mintLocalToken, unsignedToken } from '../../helpers/oidcProvider.js';
import { ISSUER, nowSeconds, trustedProvider } from './fixtures.js';

const key = await createLocalSigningKey({ kid: 'k1' });
const base = trustedProvider({ jwks: key.jwks });
let keyLookups = 0;
const provider: TrustedOidcProvider = {
  ...base,
  getKey: (header, token) => {
    keyLookups += 1;
    return base.getKey(header, token);
  },
};
const registry = new Map(provider.issuers.map((iss) => [iss, provider]));
const claims = (overrides: Record<string, unknown> = {}) => idTokenClaims(ISSUER, overrides);

async function rejection(token: string, now?: number): Promise<{ error: unknown; lookups: number }> {
  const before = keyLookups;
  const error = await verifyIdToken(token, registry, now === undefined ? {} : { now }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, lookups: keyLookups - before };
}

describe('verifyIdToken pipeline', () => {
  it('verifies a good token end to end', async () => {
    const result = await verifyIdToken(await mintLocalToken(key, claims({ sub: 'alice' })), registry);
    expect(result.identity.subject).toBe('alice');
  });

  it.each([
    ['a malformed token', 'not-a-jwt'],
    ['an unknown issuer', unsignedToken({ alg: 'RS256', kid: 'k1' }, claims({ iss: 'https://evil.example.com' }), 'c2ln')],
    ['alg none', unsignedToken({ alg: 'none' }, claims())],
    ['HS256', hmacToken({ kid: 'k1' }, claims(), 'secret')],
  ])('rejects %s before any key lookup', async (_label, token) => {
    const { error, lookups } = await rejection(token);
    expect(error).toBeInstanceOf(InvalidIdentityToken);
    expect(lookups).toBe(0);
  });

  it('never trusts a key embedded in the token header (jwk, jku, x5u)', async () => {
    const attacker = await createLocalSigningKey({ kid: 'k1' });
    const token = await mintLocalToken(attacker, claims(), {
      header: { jwk: attacker.publicJwk, jku: 'https://attacker.example.com/jwks', x5u: 'https://attacker.example.com/cert' },
    });
    const { error, lookups } = await rejection(token);
    expect(error).toEqual(new InvalidIdentityToken('The token signature is invalid'));
    expect(lookups).toBe(1); // the provider's own key, selected by kid
  });

  it('checks the signature before trusting any claim', async () => {
    const [h, , s] = (await mintLocalToken(key, claims())).split('.');
    const expiredPayload = Buffer.from(JSON.stringify(claims({ exp: nowSeconds() - 3600 }))).toString('base64url');
    const { error } = await rejection(`${h}.${expiredPayload}.${s}`);
    expect(error).toBeInstanceOf(InvalidIdentityToken); // a forged expiry is a bad signature, not an expired token
  });

  it('uses options.now for time checks', async () => {
    const token = await mintLocalToken(key, claims());
    const { error } = await rejection(token, Date.now() + 3600_000);
    expect(error).toBeInstanceOf(ExpiredToken);
  });

  it('checks the audience and the subject after the signature', async () => {
    expect((await rejection(await mintLocalToken(key, claims({ aud: 'someone-else' })))).error).toEqual(new InvalidIdentityToken('Incorrect token audience'));
    expect(((await rejection(await mintLocalToken(key, claims({ sub: undefined })))).error as Error).message).toMatch(/no sub/);
  });
});
