import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RemoteKeySource } from '../../../src/federation/oidc/remoteKeySource.js';
import type { RemoteKeyOptions } from '../../../src/federation/oidc/keySource.js';
import { KEY_UNAVAILABLE_MESSAGE } from '../../../src/federation/oidc/keyErrors.js';
import { IDPCommunicationError, InvalidIdentityToken } from '../../../src/errors.js';
import { startOidcProvider } from '../../helpers/oidcProvider.js';
import type { TestOidcProvider } from '../../helpers/oidcProvider.js';
import { providerSettings } from './fixtures.js';

const FAST: RemoteKeyOptions = { fetchTimeoutMs: 1000, cooldownMs: 60_000, refreshIntervalMs: 60_000 };
const token = { payload: '', signature: '' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(10);
  }
}

let idp: TestOidcProvider;
const sources: RemoteKeySource[] = [];
function source(options: Partial<RemoteKeyOptions> = {}, jwksUri?: string): RemoteKeySource {
  const s = new RemoteKeySource(providerSettings({ issuer: idp.issuer, ...(jwksUri ? { jwksUri } : {}) }), { ...FAST, ...options });
  sources.push(s);
  return s;
}

beforeEach(async () => {
  idp = await startOidcProvider();
});
afterEach(async () => {
  for (const s of sources.splice(0)) s.close();
  await idp.stop();
});

describe('RemoteKeySource', () => {
  it('learns jwks_uri by discovery and serves the keys from memory afterwards', async () => {
    const keys = source();
    await keys.warm();
    expect([idp.discoveryFetches, idp.jwksFetches]).toEqual([1, 1]);
    for (let i = 0; i < 20; i += 1) await keys.getKey({ alg: 'RS256', kid: idp.currentKid }, token);
    expect([idp.discoveryFetches, idp.jwksFetches]).toEqual([1, 1]);
    expect(keys.stats()).toMatchObject({ source: 'discovery', fetches: 2, failures: 0, keys: 1 });
  });

  it('uses an explicit jwksUri without discovery', async () => {
    const keys = source({}, idp.jwksUri);
    await keys.getKey({ alg: 'RS256', kid: idp.currentKid }, token);
    expect([idp.discoveryFetches, idp.jwksFetches]).toEqual([0, 1]);
    expect(keys.stats().source).toBe('jwksUri');
  });

  it('warm() does not fail when the provider is down', async () => {
    idp.setJwksMode('fail');
    const keys = source();
    await expect(keys.warm()).resolves.toBeUndefined();
    expect(keys.stats()).toMatchObject({ failures: 1, keys: 0, lastError: expect.stringMatching(/HTTP 503/) });
  });

  it('keeps serving cached keys while background refreshes fail', async () => {
    const keys = source({ refreshIntervalMs: 30 });
    await keys.warm();
    idp.setJwksMode('fail');
    await until(() => keys.stats().failures >= 2);
    await expect(keys.getKey({ alg: 'RS256', kid: idp.currentKid }, token)).resolves.toBeDefined();
  });

  it('backs off after a failure: requests fail fast instead of fetching again', async () => {
    idp.setJwksMode('fail');
    const keys = source();
    await keys.warm();
    const fetchesAfterWarm = idp.jwksFetches;
    for (let i = 0; i < 10; i += 1) {
      await expect(keys.getKey({ alg: 'RS256', kid: idp.currentKid }, token)).rejects.toThrow(new IDPCommunicationError(KEY_UNAVAILABLE_MESSAGE));
    }
    expect(idp.jwksFetches).toBe(fetchesAfterWarm);
  });

  it('recovers once the provider answers again', async () => {
    idp.setJwksMode('fail');
    const keys = source({ refreshIntervalMs: 50 });
    await keys.warm();
    idp.setJwksMode('ok');
    await until(() => keys.stats().keys === 1);
    await expect(keys.getKey({ alg: 'RS256', kid: idp.currentKid }, token)).resolves.toBeDefined();
  });

  it('picks up rotated keys in the background', async () => {
    const keys = source({ refreshIntervalMs: 50 });
    await keys.warm();
    const kid = await idp.rotateKeys();
    await until(() => keys.stats().keys === 2);
    const before = idp.jwksFetches;
    await keys.getKey({ alg: 'RS256', kid }, token);
    expect(idp.jwksFetches - before).toBeLessThanOrEqual(1); // at most the next periodic refresh
  });

  it('refetches once for an unknown kid, shared by concurrent requests, then waits out the cooldown', async () => {
    const keys = source({ cooldownMs: 1000 });
    await keys.warm();
    await sleep(1050);
    const kid = await idp.rotateKeys();
    const before = idp.jwksFetches;
    const burst = await Promise.allSettled(Array.from({ length: 20 }, () => keys.getKey({ alg: 'RS256', kid }, token)));
    expect(burst.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(idp.jwksFetches - before).toBe(1);

    const unknown = await Promise.allSettled(Array.from({ length: 20 }, () => keys.getKey({ alg: 'RS256', kid: 'never-published' }, token)));
    expect(unknown.every((r) => r.status === 'rejected' && r.reason instanceof InvalidIdentityToken)).toBe(true);
    expect(idp.jwksFetches - before).toBe(1);
  });

  it('settles with IDPCommunicationError when the key set hangs and nothing is cached', async () => {
    idp.setJwksMode('hang');
    const keys = source({ fetchTimeoutMs: 500 });
    const started = Date.now();
    await expect(keys.getKey({ alg: 'RS256', kid: idp.currentKid }, token)).rejects.toThrow(IDPCommunicationError);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('close() stops background refreshes', async () => {
    const keys = source({ refreshIntervalMs: 20 });
    await keys.warm();
    keys.close();
    const after = idp.jwksFetches;
    await sleep(150);
    expect(idp.jwksFetches).toBe(after);
  });
});
