import { createSign, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkTokenShape } from '../../../../src/federation/oidc/checks/checkTokenShape.js';
import { verifySignature } from '../../../../src/federation/oidc/checks/verifySignature.js';
import { IDPCommunicationError, InvalidIdentityToken } from '../../../../src/errors.js';
import { createLocalSigningKey, idTokenClaims, mintLocalToken, type LocalSigningKey } from '../../../helpers/oidcProvider.js';
import { ISSUER, trustedProvider } from '../fixtures.js';

const rsa = await createLocalSigningKey({ alg: 'RS256', kid: 'rsa-1' });
const pss = await createLocalSigningKey({ alg: 'PS384', kid: 'pss-1' });
const ec = await createLocalSigningKey({ alg: 'ES256', kid: 'ec-1' });
const ec384 = await createLocalSigningKey({ alg: 'ES384', kid: 'ec-2' });
const ed = await createLocalSigningKey({ alg: 'EdDSA', kid: 'ed-1' });
const all = [rsa, pss, ec, ec384, ed];
const provider = trustedProvider({ jwks: { keys: all.map((k) => k.publicJwk) } });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = (overrides: Record<string, unknown> = {}) => idTokenClaims(ISSUER, overrides);
const verifyCompact = (token: string, p = provider) => verifySignature(checkTokenShape(token), p);

/** Signs any header (jose's signer refuses some of the headers these tests need) with an RSA key. */
function signRs256(key: LocalSigningKey, header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const privateKey = KeyObject.from(key.privateKey as Parameters<typeof KeyObject.from>[0]);
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

describe('verifySignature', () => {
  it('returns the claims of a token signed with any of the provider keys (RSA, RSA-PSS, ECDSA P-256/P-384, Ed25519)', async () => {
    for (const key of all) {
      const token = await mintLocalToken(key, claims({ sub: `user-${key.alg}` }));
      await expect(verifyCompact(token)).resolves.toMatchObject({ sub: `user-${key.alg}`, iss: ISSUER });
    }
  });

  it('rejects a tampered payload', async () => {
    const [h, , s] = (await mintLocalToken(rsa, claims())).split('.');
    const forged = b64(claims({ sub: 'admin' }));
    await expect(verifyCompact(`${h}.${forged}.${s}`)).rejects.toThrow(new InvalidIdentityToken('The token signature is invalid'));
  });

  it('rejects a tampered header (the header is signed too)', async () => {
    const [, p, s] = (await mintLocalToken(rsa, claims())).split('.');
    await expect(verifyCompact(`${b64({ alg: 'RS256', kid: 'rsa-1', typ: 'JWT' })}.${p}.${s}`)).rejects.toThrow(/signature is invalid/);
  });

  it('rejects a signature moved from another token', async () => {
    const [h, p] = (await mintLocalToken(ec, claims({ sub: 'a' }))).split('.');
    const [, , s] = (await mintLocalToken(ec, claims({ sub: 'b' }))).split('.');
    await expect(verifyCompact(`${h}.${p}.${s}`)).rejects.toThrow(/signature is invalid/);
  });

  it('rejects an ECDSA signature of the wrong length (DER instead of JOSE r||s, or truncated)', async () => {
    const [h, p, s] = (await mintLocalToken(ec, claims())).split('.');
    const raw = Buffer.from(s!, 'base64url');
    await expect(verifyCompact(`${h}.${p}.${raw.subarray(0, 63).toString('base64url')}`)).rejects.toThrow(/signature is invalid/);
    await expect(verifyCompact(`${h}.${p}.${Buffer.concat([raw, Buffer.from([0])]).toString('base64url')}`)).rejects.toThrow(
      /signature is invalid/,
    );
  });

  it("rejects a token signed by another key that reuses the provider's kid", async () => {
    const impostor = await createLocalSigningKey({ alg: 'RS256', kid: 'rsa-1' });
    await expect(verifyCompact(await mintLocalToken(impostor, claims()))).rejects.toThrow(/signature is invalid/);
  });

  it('does not accept an RS256 signature as PS256 with a key published without alg', async () => {
    const { alg: _alg, ...noAlg } = rsa.publicJwk;
    const open = trustedProvider({ jwks: { keys: [noAlg] } });
    const [, p, s] = (await mintLocalToken(rsa, claims())).split('.');
    await expect(verifyCompact(`${b64({ alg: 'PS256', kid: 'rsa-1' })}.${p}.${s}`, open)).rejects.toThrow(/signature is invalid/);
    await expect(verifyCompact(await mintLocalToken(rsa, claims()), open)).resolves.toMatchObject({ iss: ISSUER });
  });

  it('pins the issuer to the provider', async () => {
    const token = await mintLocalToken(rsa, claims({ iss: 'https://other.example.com' }));
    await expect(verifyCompact(token)).rejects.toThrow(new InvalidIdentityToken('Incorrect token issuer'));
  });

  it('pins the algorithms to the provider allow-list', async () => {
    const esOnly = trustedProvider({ algorithms: ['ES256'], jwks: { keys: [rsa.publicJwk, ec.publicJwk] } });
    await expect(verifyCompact(await mintLocalToken(rsa, claims()), esOnly)).rejects.toThrow(/algorithm is not accepted/);
    await expect(verifyCompact(signRs256(rsa, { alg: 'HS256', kid: 'rsa-1' }, claims()))).rejects.toThrow(/algorithm is not accepted/);
  });

  it('refuses critical header extensions it does not understand, and unencoded payloads', async () => {
    const critical = signRs256(rsa, { alg: 'RS256', kid: 'rsa-1', crit: ['exp'], exp: 1 }, claims());
    await expect(verifyCompact(critical)).rejects.toThrow(/critical \(crit\)/);
    const emptyCrit = signRs256(rsa, { alg: 'RS256', kid: 'rsa-1', crit: [] }, claims());
    await expect(verifyCompact(emptyCrit)).rejects.toThrow(/critical \(crit\)/);
    const unencoded = signRs256(rsa, { alg: 'RS256', kid: 'rsa-1', b64: false, crit: ['b64'] }, claims());
    await expect(verifyCompact(unencoded)).rejects.toThrow(/unencoded payload/);
    // The same signer, without those headers, is accepted: the refusals are about the headers alone.
    await expect(verifyCompact(signRs256(rsa, { alg: 'RS256', kid: 'rsa-1' }, claims()))).resolves.toMatchObject({ iss: ISSUER });
  });

  it('passes the key source errors through unchanged', async () => {
    const down = trustedProvider({
      getKey: async () => {
        throw new IDPCommunicationError('provider down');
      },
    });
    await expect(verifyCompact(await mintLocalToken(rsa, claims()), down)).rejects.toThrow(new IDPCommunicationError('provider down'));
  });

  it('refuses RSA keys shorter than 2048 bits', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'weak', alg: 'RS256' };
    const input = `${b64({ alg: 'RS256', kid: 'weak' })}.${b64(claims())}`;
    const token = `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
    const withWeak = trustedProvider({ jwks: { keys: [jwk] } });
    await expect(verifyCompact(token, withWeak)).rejects.toThrow(/could not be verified/);
  });
});
