/**
 * security.md, "OIDC / JWT": every row as named tests, against a real OpenID provider
 * (node-oidc-provider over HTTP). Hostile tokens the provider would never issue are signed with its
 * own current key (`idp.mintToken`), so each test exercises exactly the check it names.
 *
 * "A token for another provider or role → AccessDenied": the role half (trust policy Principal /
 * conditions) belongs to the AssumeRoleWithWebIdentity action tests; the provider half is here.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OidcFederation } from '../../src/federation/oidc/index.js';
import type { OidcFederationOptions } from '../../src/federation/oidc/index.js';
import { KEY_UNAVAILABLE_MESSAGE } from '../../src/federation/oidc/keyErrors.js';
import { AccessDenied, ExpiredToken, IDPCommunicationError, InvalidIdentityToken } from '../../src/errors.js';
import { createLocalSigningKey, hmacToken, idTokenClaims, mintLocalToken, startOidcProvider, unsignedToken } from '../helpers/oidcProvider.js';
import type { TestOidcProvider } from '../helpers/oidcProvider.js';
import { ACCOUNT, settingsFor } from '../federation/oidc/fixtures.js';

let idp: TestOidcProvider;
const federations: OidcFederation[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => Math.floor(Date.now() / 1000);

function federation(extra: Partial<OidcFederationOptions> = {}, settings = [settingsFor(idp.issuer)]): OidcFederation {
  const f = new OidcFederation(settings, { account: ACCOUNT, partition: 'aws', ...extra });
  federations.push(f);
  return f;
}

/** The error a verification ends with (fails the test if it succeeds). */
async function rejectionOf(oidc: OidcFederation, token: string, options?: { providerId?: string }): Promise<Error> {
  return oidc.verify(token, options).then(
    () => {
      throw new Error('expected the token to be rejected');
    },
    (e: unknown) => e as Error,
  );
}

beforeEach(async () => {
  idp = await startOidcProvider();
});
afterEach(async () => {
  for (const f of federations.splice(0)) f.close();
  await idp.stop();
});

describe('security: OIDC / JWT', () => {
  describe('alg none, algorithm confusion, unknown kid → InvalidIdentityToken', () => {
    it('rejects alg "none" (unsigned token)', async () => {
      const oidc = federation();
      const token = unsignedToken({ alg: 'none' }, idTokenClaims(idp.issuer));
      const error = await rejectionOf(oidc, token);
      expect(error).toBeInstanceOf(InvalidIdentityToken);
      expect(error.message).toMatch(/not signed/);
    });

    it("rejects HS256 signed with the provider's public key (algorithm confusion)", async () => {
      const oidc = federation();
      await oidc.warm();
      const token = hmacToken({ kid: idp.currentKid, typ: 'JWT' }, idTokenClaims(idp.issuer), idp.publicKeyPem);
      const error = await rejectionOf(oidc, token);
      expect(error).toBeInstanceOf(InvalidIdentityToken);
      expect(error.message).toMatch(/symmetric algorithm/);
    });

    it('rejects a kid the provider does not publish', async () => {
      const oidc = federation();
      await oidc.warm();
      const stranger = await createLocalSigningKey({ kid: 'not-published' });
      const error = await rejectionOf(oidc, await mintLocalToken(stranger, idTokenClaims(idp.issuer)));
      expect(error).toEqual(new InvalidIdentityToken("The token's key id (kid) does not match any signing key of the identity provider"));
    });
  });

  describe('wrong iss, aud not in clientIds, missing sub → InvalidIdentityToken', () => {
    it('rejects an issuer that is not a configured provider', async () => {
      const oidc = federation();
      const error = await rejectionOf(oidc, await idp.mintToken({ iss: 'https://attacker.example.com' }));
      expect(error).toEqual(new InvalidIdentityToken('No OpenIDConnect provider found in your account for https://attacker.example.com'));
    });

    it('rejects an aud that is not among the clientIds', async () => {
      const oidc = federation();
      expect(await rejectionOf(oidc, await idp.mintToken({ aud: 'someone-elses-app' }))).toEqual(new InvalidIdentityToken('Incorrect token audience'));
      // A real token the provider issued to another of its clients.
      expect(await rejectionOf(oidc, await idp.issueIdToken({ sub: 'alice', clientId: 'other-app' }))).toEqual(
        new InvalidIdentityToken('Incorrect token audience'),
      );
    });

    it('rejects a token without sub', async () => {
      const error = await rejectionOf(federation(), await idp.mintToken({ sub: undefined }));
      expect(error).toBeInstanceOf(InvalidIdentityToken);
      expect(error.message).toMatch(/no sub/);
    });
  });

  describe('expired → ExpiredTokenException; nbf or iat in the future → InvalidIdentityToken', () => {
    it('rejects an expired token with ExpiredTokenException', async () => {
      const exp = now() - 3600;
      const error = await rejectionOf(federation(), await idp.mintToken({ iat: exp - 300, exp }));
      expect(error).toBeInstanceOf(ExpiredToken);
      expect((error as ExpiredToken).code).toBe('ExpiredTokenException');
      expect(error.message).toMatch(new RegExp(`^Token expired: current date/time \\d+ must be before the expiration date/time ${exp}$`));
    });

    it('rejects nbf in the future', async () => {
      const error = await rejectionOf(federation(), await idp.mintToken({ nbf: now() + 3600, exp: now() + 7200 }));
      expect(error).toBeInstanceOf(InvalidIdentityToken);
      expect(error.message).toMatch(/not valid yet/);
    });

    it('rejects iat far in the future', async () => {
      const error = await rejectionOf(federation(), await idp.mintToken({ iat: now() + 3600, exp: now() + 7200 }));
      expect(error).toBeInstanceOf(InvalidIdentityToken);
      expect(error.message).toMatch(/issued in the future/);
    });
  });

  describe('unknown kid after the provider rotated keys → one JWKS refresh (rate-limited), then verify or reject', () => {
    it('refreshes the key set exactly once and verifies the token signed with the new key', async () => {
      const oidc = federation({ jwksCooldownMs: 300 });
      await oidc.warm();
      await sleep(350); // past the cooldown that follows the warm-up fetch
      const newKid = await idp.rotateKeys();
      const before = idp.jwksFetches;
      const token = await idp.issueIdToken({ sub: 'alice' });
      await expect(oidc.verify(token)).resolves.toMatchObject({ identity: { subject: 'alice' } });
      expect(idp.currentKid).toBe(newKid);
      expect(idp.jwksFetches - before).toBe(1);
      await oidc.verify(token);
      expect(idp.jwksFetches - before).toBe(1);
    });

    it('a burst of unknown-kid tokens causes at most one fetch per cooldown', async () => {
      const cooldownMs = 800;
      const oidc = federation({ jwksCooldownMs: cooldownMs });
      const rounds = await Promise.all(
        [1, 2, 3].map((round) => Promise.all(Array.from({ length: 25 }, (_, i) => idp.mintToken({}, { header: { kid: `unknown-${round}-${i}` } })))),
      );
      const burst = (tokens: string[]) => Promise.all(tokens.map((t) => rejectionOf(oidc, t)));
      await oidc.warm();
      await sleep(cooldownMs + 50);
      const before = idp.jwksFetches;
      const first = await burst(rounds[0]!);
      expect(first.every((e) => e instanceof InvalidIdentityToken)).toBe(true);
      expect(idp.jwksFetches - before).toBe(1);
      await burst(rounds[1]!); // still inside the cooldown
      expect(idp.jwksFetches - before).toBe(1);
      await sleep(cooldownMs + 50);
      await burst(rounds[2]!); // next cooldown window: one more fetch
      expect(idp.jwksFetches - before).toBe(2);
    });
  });

  describe('JWKS endpoint down or slow → cached keys used; no cached key → IDPCommunicationError within a few seconds', () => {
    it('keeps verifying with cached keys while the JWKS endpoint is down', async () => {
      const oidc = federation({ jwksRefreshIntervalMs: 30 });
      await oidc.warm();
      idp.setJwksMode('fail');
      const deadline = Date.now() + 5000;
      while (oidc.stats().failures < 2 && Date.now() < deadline) await sleep(10);
      expect(oidc.stats().failures).toBeGreaterThanOrEqual(2); // refreshes really failed
      await expect(oidc.verify(await idp.issueIdToken({ sub: 'alice' }))).resolves.toMatchObject({ identity: { subject: 'alice' } });
    });

    it('answers IDPCommunicationError when the JWKS endpoint is down and no key is cached', async () => {
      idp.setJwksMode('fail');
      const error = await rejectionOf(federation(), await idp.issueIdToken({ sub: 'alice' }));
      expect(error).toEqual(new IDPCommunicationError(KEY_UNAVAILABLE_MESSAGE));
    });

    it('answers IDPCommunicationError within a few seconds when the JWKS endpoint hangs (default timeouts)', async () => {
      idp.setJwksMode('hang');
      const oidc = federation(); // default fetchTimeoutMs
      const token = await idp.issueIdToken({ sub: 'alice' });
      const started = Date.now();
      const error = await rejectionOf(oidc, token);
      expect(error).toBeInstanceOf(IDPCommunicationError);
      expect(Date.now() - started).toBeLessThan(8000);
    });

    it('answers IDPCommunicationError for an unknown kid while the provider is down', async () => {
      const oidc = federation({ jwksCooldownMs: 0 });
      await oidc.warm();
      idp.setJwksMode('fail');
      const error = await rejectionOf(oidc, await idp.mintToken({}, { header: { kid: 'rotated-while-down' } }));
      expect(error).toBeInstanceOf(IDPCommunicationError);
    });
  });

  describe('oversized token, non-JSON segments, bad base64 → InvalidIdentityToken, quickly', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    const hostile = (): Array<[string, string]> => {
      const head = b64(JSON.stringify({ alg: 'RS256', kid: idp.currentKid }));
      const body = b64(JSON.stringify(idTokenClaims(idp.issuer)));
      return [
        ['oversized', `${head}.${b64(JSON.stringify({ ...idTokenClaims(idp.issuer), pad: 'x'.repeat(30_000) }))}.c2ln`],
        ['non-JSON header', `${b64('hello')}.${body}.c2ln`],
        ['non-JSON payload', `${head}.${b64('{"iss": ')}.c2ln`],
        ['bad base64', `${head}.${body}!!.c2ln`],
        ['impossible base64 length', `${head}.AAAAA.c2ln`],
      ];
    };

    it('rejects each without contacting the provider', async () => {
      const oidc = federation();
      for (const [label, token] of hostile()) {
        const error = await rejectionOf(oidc, token);
        expect(error, label).toBeInstanceOf(InvalidIdentityToken);
      }
      expect(idp.jwksFetches + idp.discoveryFetches).toBe(0);
    });
  });

  describe('a token for another provider → rejected', () => {
    it('refuses a ProviderId that names another provider (AccessDenied)', async () => {
      const oidc = federation();
      const error = await rejectionOf(oidc, await idp.issueIdToken({ sub: 'alice' }), { providerId: 'accounts.google.com' });
      expect(error).toBeInstanceOf(AccessDenied);
    });

    it("does not accept a token signed by one provider's key that claims another provider's issuer", async () => {
      const other = await startOidcProvider();
      try {
        const oidc = federation({}, [settingsFor(idp.issuer), settingsFor(other.issuer)]);
        await oidc.warm();
        const forged = await idp.mintToken({ iss: other.issuer });
        expect(await rejectionOf(oidc, forged)).toBeInstanceOf(InvalidIdentityToken);
        await expect(oidc.verify(await other.issueIdToken({ sub: 'bob' }))).resolves.toMatchObject({
          providerName: other.issuer.replace('http://', ''),
        });
      } finally {
        await other.stop();
      }
    });
  });

  describe('a provider removed or disabled in the config → rejected as soon as the new config is loaded', () => {
    it('rejects tokens of a provider removed by setProviders', async () => {
      const oidc = federation();
      const token = await idp.issueIdToken({ sub: 'alice' });
      await expect(oidc.verify(token)).resolves.toBeDefined();
      oidc.setProviders([]);
      expect(await rejectionOf(oidc, token)).toEqual(new InvalidIdentityToken(`No OpenIDConnect provider found in your account for ${idp.issuer}`));
    });

    it('rejects tokens of a provider set to enabled: false', async () => {
      const oidc = federation();
      const token = await idp.issueIdToken({ sub: 'alice' });
      await expect(oidc.verify(token)).resolves.toBeDefined();
      oidc.setProviders([settingsFor(idp.issuer, { enabled: false })]);
      expect(await rejectionOf(oidc, token)).toBeInstanceOf(InvalidIdentityToken);
      oidc.setProviders([settingsFor(idp.issuer)]); // enabled again: accepted again
      await expect(oidc.verify(token)).resolves.toBeDefined();
    });

    it('a disabled provider is never contacted', async () => {
      const oidc = federation({}, [settingsFor(idp.issuer, { enabled: false })]);
      await oidc.warm();
      await rejectionOf(oidc, await idp.issueIdToken({ sub: 'alice' }));
      expect(idp.jwksFetches + idp.discoveryFetches).toBe(0);
    });
  });

  describe('quality: JWKS fetched once and cached', () => {
    it('makes zero provider requests for tokens after warm-up', async () => {
      const oidc = federation();
      await oidc.warm();
      const warmed = idp.jwksFetches + idp.discoveryFetches;
      expect(warmed).toBe(2);
      const tokens = await Promise.all(['a', 'b', 'c', 'd'].map((sub) => idp.issueIdToken({ sub })));
      for (let i = 0; i < 100; i += 1) await oidc.verify(tokens[i % tokens.length]!);
      expect(idp.jwksFetches + idp.discoveryFetches).toBe(warmed);
    });

    it('never puts the token in an error message', async () => {
      const token = await idp.mintToken({ aud: 'someone-else' });
      const error = await rejectionOf(federation(), token);
      for (const part of token.split('.')) expect(error.message).not.toContain(part);
    });
  });
});
