import { createSign, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifySignature } from '../../../../src/federation/oidc/checks/verifySignature.js';
import { ExpiredToken, IDPCommunicationError, InvalidIdentityToken } from '../../../../src/errors.js';
import { createLocalSigningKey, idTokenClaims, mintLocalToken } from '../../../helpers/oidcProvider.js';
import { ISSUER, nowSeconds, trustedProvider } from '../fixtures.js';

const rsa = await createLocalSigningKey({ alg: 'RS256', kid: 'rsa-1' });
const ec = await createLocalSigningKey({ alg: 'ES256', kid: 'ec-1' });
const provider = trustedProvider({ jwks: { keys: [rsa.publicJwk, ec.publicJwk] } });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = (overrides: Record<string, unknown> = {}) => idTokenClaims(ISSUER, overrides);

describe('verifySignature', () => {
  it('returns the claims of a token signed with one of the provider keys', async () => {
    for (const key of [rsa, ec]) {
      const token = await mintLocalToken(key, claims({ sub: `user-${key.alg}` }));
      await expect(verifySignature(token, provider, Date.now())).resolves.toMatchObject({ sub: `user-${key.alg}`, iss: ISSUER });
    }
  });

  it('rejects a tampered payload', async () => {
    const [h, , s] = (await mintLocalToken(rsa, claims())).split('.');
    const forged = Buffer.from(JSON.stringify(claims({ sub: 'admin' }))).toString('base64url');
    await expect(verifySignature(`${h}.${forged}.${s}`, provider, Date.now())).rejects.toThrow(
      new InvalidIdentityToken('The token signature is invalid'),
    );
  });

  it("rejects a token signed by another key that reuses the provider's kid", async () => {
    const impostor = await createLocalSigningKey({ alg: 'RS256', kid: 'rsa-1' });
    await expect(verifySignature(await mintLocalToken(impostor, claims()), provider, Date.now())).rejects.toThrow(/signature is invalid/);
  });

  it('pins the issuer to the provider', async () => {
    const token = await mintLocalToken(rsa, claims({ iss: 'https://other.example.com' }));
    await expect(verifySignature(token, provider, Date.now())).rejects.toThrow(new InvalidIdentityToken('Incorrect token issuer'));
  });

  it('pins the algorithms to the provider allow-list', async () => {
    const esOnly = trustedProvider({ algorithms: ['ES256'], jwks: { keys: [rsa.publicJwk, ec.publicJwk] } });
    await expect(verifySignature(await mintLocalToken(rsa, claims()), esOnly, Date.now())).rejects.toThrow(/algorithm is not accepted/);
  });

  it('reports expiry found by jose in the same words as checkTimes', async () => {
    const now = nowSeconds();
    const token = await mintLocalToken(rsa, claims({ iat: now - 7200, exp: now - 3600 }));
    const error = await verifySignature(token, provider, now * 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExpiredToken);
    expect((error as Error).message).toBe(`Token expired: current date/time ${now} must be before the expiration date/time ${now - 3600}`);
  });

  it('reports a future nbf found by jose as InvalidIdentityToken', async () => {
    const now = nowSeconds();
    const token = await mintLocalToken(rsa, claims({ nbf: now + 3600, exp: now + 7200 }));
    await expect(verifySignature(token, provider, now * 1000)).rejects.toThrow(/not valid yet/);
  });

  it('passes the key source errors through unchanged', async () => {
    const down = trustedProvider({
      getKey: async () => {
        throw new IDPCommunicationError('provider down');
      },
    });
    await expect(verifySignature(await mintLocalToken(rsa, claims()), down, Date.now())).rejects.toThrow(new IDPCommunicationError('provider down'));
  });

  it('refuses RSA keys shorter than 2048 bits', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'weak', alg: 'RS256' };
    const input = `${b64({ alg: 'RS256', kid: 'weak' })}.${b64(claims())}`;
    const token = `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
    const withWeak = trustedProvider({ jwks: { keys: [jwk] } });
    await expect(verifySignature(token, withWeak, Date.now())).rejects.toThrow(new InvalidIdentityToken('The token could not be verified'));
  });
});
