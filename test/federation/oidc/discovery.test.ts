import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverJwksUri, DiscoveryError } from '../../../src/federation/oidc/discovery.js';
import { startOidcProvider } from '../../helpers/oidcProvider.js';
import type { TestOidcProvider } from '../../helpers/oidcProvider.js';
import { startHttpServer } from './fixtures.js';

let idp: TestOidcProvider;
let fake: Awaited<ReturnType<typeof startHttpServer>>;
let document: Record<string, unknown> | 'hang' = {};

beforeAll(async () => {
  idp = await startOidcProvider();
  fake = await startHttpServer((req, res) => {
    if (req.url !== '/.well-known/openid-configuration') return void res.writeHead(404).end();
    if (document === 'hang') return;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
  });
});
afterAll(async () => {
  await fake.stop();
  await idp.stop();
});

describe('discoverJwksUri', () => {
  it("returns a real provider's jwks_uri", async () => {
    const url = await discoverJwksUri(idp.issuer, AbortSignal.timeout(2000));
    expect(url.href).toBe(idp.jwksUri);
  });

  it('refuses a discovery document for another issuer', async () => {
    document = { issuer: 'http://127.0.0.1:1', jwks_uri: `${fake.url}/jwks` };
    await expect(discoverJwksUri(fake.url, AbortSignal.timeout(2000))).rejects.toThrow(DiscoveryError);
  });

  it('refuses a document without jwks_uri or with an unusable one', async () => {
    document = { issuer: fake.url };
    await expect(discoverJwksUri(fake.url, AbortSignal.timeout(2000))).rejects.toThrow(/no jwks_uri/);
    document = { issuer: fake.url, jwks_uri: 'http://keys.example.com/jwks' };
    await expect(discoverJwksUri(fake.url, AbortSignal.timeout(2000))).rejects.toThrow(/https/);
  });

  it('gives up when the signal fires', async () => {
    document = 'hang';
    await expect(discoverJwksUri(fake.url, AbortSignal.timeout(200))).rejects.toThrow(/timed out/);
  });
});
