import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchJwks, JwksFetchError } from '../../../src/federation/oidc/fetchJwks.js';
import { createLocalSigningKey } from '../../helpers/oidcProvider.js';
import { startHttpServer } from './fixtures.js';

const key = await createLocalSigningKey();

let server: Awaited<ReturnType<typeof startHttpServer>>;
beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    switch (req.url) {
      case '/ok':
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(key.jwks));
        return;
      case '/redirect':
        res.writeHead(302, { location: '/ok' }).end();
        return;
      case '/error':
        res.writeHead(500).end('boom');
        return;
      case '/html':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
        return;
      case '/nokeys':
        res.writeHead(200).end('{"keys":"none"}');
        return;
      case '/huge':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"keys":[],"pad":"${'x'.repeat(600 * 1024)}"}`);
        return;
      case '/slow':
        return; // never answers
      default:
        res.writeHead(404).end();
    }
  });
});
afterAll(() => server.stop());

const signal = () => AbortSignal.timeout(2000);
const at = (path: string) => new URL(path, server.url);

describe('fetchJwks', () => {
  it('returns the key set', async () => {
    await expect(fetchJwks(at('/ok'), signal())).resolves.toEqual(key.jwks);
  });

  it('does not follow redirects', async () => {
    await expect(fetchJwks(at('/redirect'), signal())).rejects.toThrow(/HTTP 302/);
  });

  it('rejects HTTP errors, non-JSON and documents without a keys array', async () => {
    await expect(fetchJwks(at('/error'), signal())).rejects.toThrow(/HTTP 500/);
    await expect(fetchJwks(at('/html'), signal())).rejects.toThrow(/not JSON/);
    await expect(fetchJwks(at('/nokeys'), signal())).rejects.toThrow(/no "keys" array/);
  });

  it('stops reading an oversized response', async () => {
    await expect(fetchJwks(at('/huge'), signal())).rejects.toThrow(/larger than/);
  });

  it('gives up when the signal fires', async () => {
    const error = await fetchJwks(at('/slow'), AbortSignal.timeout(200)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JwksFetchError);
    expect((error as Error).message).toMatch(/timed out/);
  });
});
