/**
 * OidcFederation against a real OpenID provider (node-oidc-provider over HTTP): discovery → JWKS →
 * verification of ID tokens obtained through the authorization-code + PKCE flow.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OidcFederation } from '../../../src/federation/oidc/index.js';
import { InvalidIdentityToken } from '../../../src/errors.js';
import { createLocalSigningKey, idTokenClaims, mintLocalToken, startOidcProvider } from '../../helpers/oidcProvider.js';
import type { TestOidcProvider } from '../../helpers/oidcProvider.js';
import { ACCOUNT, settingsFor } from './fixtures.js';

let idp: TestOidcProvider;
let name: string;
const federations: OidcFederation[] = [];
function federation(...args: ConstructorParameters<typeof OidcFederation>): OidcFederation {
  const f = new OidcFederation(...args);
  federations.push(f);
  return f;
}
const options = { account: ACCOUNT, partition: 'aws' };

beforeAll(async () => {
  idp = await startOidcProvider();
  name = idp.issuer.replace('http://', '');
});
afterAll(() => idp.stop());
afterEach(() => {
  for (const f of federations.splice(0)) f.close();
});

describe('OidcFederation with a real OpenID provider', () => {
  it('discovers the provider, fetches its keys and verifies a real ID token', async () => {
    const oidc = federation([settingsFor(idp.issuer)], options);
    const token = await idp.issueIdToken({ sub: 'alice' });
    const result = await oidc.verify(token);
    expect(result.providerName).toBe(name);
    expect(result.issuer).toBe(idp.issuer);
    expect(result.audience).toBe('test-app');
    expect(result.identity).toMatchObject({
      type: 'oidc',
      provider: name,
      providerArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${name}`,
      subject: 'alice',
      issuer: idp.issuer,
      mfaAtIdp: false,
    });
    expect(result.claims).toMatchObject({ sub: 'alice', email: 'alice@example.com' });
  });

  it('exposes the condition keys a trust policy uses, groups as a list', async () => {
    const oidc = federation([settingsFor(idp.issuer)], options);
    const { identity } = await oidc.verify(await idp.issueIdToken({ sub: 'bob', amr: ['pwd'] }));
    expect(identity.conditionKeys).toMatchObject({
      [`${name}:aud`]: 'test-app',
      [`${name}:oaud`]: 'test-app',
      [`${name}:sub`]: 'bob',
      [`${name}:amr`]: ['pwd'],
      [`${name}:email`]: 'bob@example.com',
      [`${name}:name`]: 'bob',
      [`${name}:groups`]: ['developers', 'everyone'],
      [`${name}:iss`]: idp.issuer,
      'aws:federatedprovider': `arn:aws:iam::${ACCOUNT}:oidc-provider/${name}`,
    });
    expect(identity.conditionKeys[`${name}:email_verified`]).toBeUndefined(); // a boolean claim
  });

  it('uses azp as :aud and keeps the original aud in :oaud', async () => {
    const oidc = federation([settingsFor(idp.issuer, { clientIds: ['test-app', 'other-app'] })], options);
    const result = await oidc.verify(await idp.issueIdToken({ sub: 'carol', extraClaims: { azp: 'other-app' } }));
    expect(result.audience).toBe('other-app');
    expect(result.identity.conditionKeys).toMatchObject({
      [`${name}:aud`]: 'other-app',
      [`${name}:oaud`]: 'test-app',
      [`${name}:azp`]: 'other-app',
    });
  });

  it('accepts tokens for any configured client id and refuses the others', async () => {
    const both = federation([settingsFor(idp.issuer, { clientIds: ['test-app', 'other-app'] })], options);
    const onlyFirst = federation([settingsFor(idp.issuer)], options);
    const forOther = await idp.issueIdToken({ sub: 'dave', clientId: 'other-app' });
    await expect(both.verify(forOther)).resolves.toMatchObject({ audience: 'other-app' });
    await expect(onlyFirst.verify(forOther)).rejects.toThrow(new InvalidIdentityToken('Incorrect token audience'));
  });

  it('treats amr ∩ mfaAmr as MFA done at the provider and reports auth_time', async () => {
    const oidc = federation([settingsFor(idp.issuer, { mfaAmr: ['mfa'] })], options);
    const before = Math.floor(Date.now() / 1000) - 5;
    const withMfa = await oidc.verify(await idp.issueIdToken({ sub: 'erin', amr: ['pwd', 'mfa'] }));
    const without = await oidc.verify(await idp.issueIdToken({ sub: 'erin', amr: ['pwd', 'otp'] }));
    expect(withMfa.identity.mfaAtIdp).toBe(true);
    expect(without.identity.mfaAtIdp).toBe(false);
    expect(withMfa.identity.conditionKeys[`${name}:amr`]).toEqual(['pwd', 'mfa']);
    expect(withMfa.identity.authenticatedAt).toBeGreaterThanOrEqual(before);
  });

  it('uses an explicit provider name for the ARN and the condition keys', async () => {
    const oidc = federation([settingsFor(idp.issuer, { name: 'CorpIdP' })], options);
    const { identity } = await oidc.verify(await idp.issueIdToken({ sub: 'frank' }));
    expect(identity.providerArn).toBe(`arn:aws:iam::${ACCOUNT}:oidc-provider/CorpIdP`);
    expect(identity.conditionKeys['corpidp:sub']).toBe('frank');
  });

  it('uses an explicit jwksUri without discovery', async () => {
    const discoveries = idp.discoveryFetches;
    const oidc = federation([settingsFor(idp.issuer, { jwksUri: idp.jwksUri })], options);
    await expect(oidc.verify(await idp.issueIdToken({ sub: 'gina' }))).resolves.toBeDefined();
    expect(idp.discoveryFetches).toBe(discoveries);
    expect(oidc.stats().providers[name]?.source).toBe('jwksUri');
  });

  it('verifies tokens of several providers, each with its own keys, and a jwksFile provider', async () => {
    const local = await createLocalSigningKey({ kid: 'local-1' });
    const file = join(mkdtempSync(join(tmpdir(), 'fedbroker-oidc-')), 'keys.json');
    writeFileSync(file, JSON.stringify(local.jwks));
    const oidc = federation(
      [settingsFor(idp.issuer), settingsFor('https://static.example.com', { jwksFile: file, clientIds: ['mobile'] })],
      options,
    );
    const staticToken = await mintLocalToken(local, idTokenClaims('https://static.example.com', { aud: 'mobile', sub: 'henk' }));
    await expect(oidc.verify(staticToken)).resolves.toMatchObject({ providerName: 'static.example.com', audience: 'mobile' });
    await expect(oidc.verify(await idp.issueIdToken({ sub: 'ivy' }))).resolves.toMatchObject({ providerName: name });
    expect(oidc.stats().providers['static.example.com']).toMatchObject({ source: 'jwksFile', fetches: 0 });
  });

  it('makes no provider requests after warm-up, and setProviders keeps unchanged key caches', async () => {
    const oidc = federation([settingsFor(idp.issuer)], options);
    await oidc.warm();
    const tokens = await Promise.all(['a1', 'a2', 'a3'].map((sub) => idp.issueIdToken({ sub })));
    const requests = () => idp.jwksFetches + idp.discoveryFetches;
    const warmed = requests();
    for (let i = 0; i < 30; i += 1) await oidc.verify(tokens[i % 3]!);
    oidc.setProviders([settingsFor(idp.issuer, { clientIds: ['test-app', 'other-app'], mfaAmr: [] })]);
    await oidc.warm();
    for (const t of tokens) await oidc.verify(t);
    expect(requests()).toBe(warmed);
    expect(oidc.stats()).toMatchObject({ fetches: 2, failures: 0 });
  });

  it('keeps fetch counters monotonic when a provider is removed', async () => {
    const oidc = federation([settingsFor(idp.issuer)], options);
    await oidc.warm();
    oidc.setProviders([]);
    expect(oidc.stats()).toEqual({ fetches: 2, failures: 0, providers: {} });
  });

  it('refuses invalid provider sets and keeps the previous one', async () => {
    const oidc = federation([settingsFor(idp.issuer)], options);
    expect(() => oidc.setProviders([settingsFor(idp.issuer), settingsFor(`${idp.issuer}/`, { name: 'other' })])).toThrow(/issuer .* used twice/);
    expect(() => oidc.setProviders([settingsFor(idp.issuer, { name: 'x' }), settingsFor('https://b.example.com', { name: 'X' })])).toThrow(/name X is used twice/);
    expect(() => oidc.setProviders([settingsFor(idp.issuer, { allowedAlgorithms: ['HS256'] })])).toThrow(/HS256/);
    expect(() => oidc.setProviders([settingsFor(idp.issuer, { jwksFile: '/nonexistent/keys.json' })])).toThrow(/nonexistent/);
    await expect(oidc.verify(await idp.issueIdToken({ sub: 'jan' }))).resolves.toBeDefined();
  });

  it('validates its options', () => {
    expect(() => new OidcFederation([], { account: '1234', partition: 'aws' })).toThrow(/12 digits/);
    expect(() => new OidcFederation([], { account: ACCOUNT, partition: 'AWS!' })).toThrow(/partition/);
    expect(() => new OidcFederation([], { ...options, fetchTimeoutMs: -1 })).toThrow(/fetchTimeoutMs/);
  });

  it('uses the partition in provider ARNs', async () => {
    const oidc = federation([settingsFor(idp.issuer)], { account: ACCOUNT, partition: 'aws-cn' });
    const { identity } = await oidc.verify(await idp.issueIdToken({ sub: 'kim' }));
    expect(identity.providerArn).toBe(`arn:aws-cn:iam::${ACCOUNT}:oidc-provider/${name}`);
  });
});
