import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileKeySource } from '../../../src/federation/oidc/fileKeySource.js';
import { InvalidIdentityToken } from '../../../src/errors.js';
import { createLocalSigningKey } from '../../helpers/oidcProvider.js';

const dir = mkdtempSync(join(tmpdir(), 'fedbroker-oidc-'));
const key = await createLocalSigningKey({ kid: 'file-key' });
const file = join(dir, 'keys.json');
writeFileSync(file, JSON.stringify(key.jwks));
const token = { payload: '', signature: '' };

describe('FileKeySource', () => {
  it('serves the keys of the file', async () => {
    const source = new FileKeySource(file);
    const cryptoKey = await source.getKey({ alg: 'RS256', kid: 'file-key' }, token);
    expect(cryptoKey.type).toBe('public');
    expect(source.stats()).toMatchObject({ source: 'jwksFile', fetches: 0, failures: 0, keys: 1 });
  });

  it('rejects a kid that is not in the file', async () => {
    const source = new FileKeySource(file);
    await expect(source.getKey({ alg: 'RS256', kid: 'other' }, token)).rejects.toThrow(InvalidIdentityToken);
  });

  it('fails at load, naming the file, when it is missing or not a key set', () => {
    expect(() => new FileKeySource(join(dir, 'missing.json'))).toThrow(/missing\.json/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"keys": 1}');
    expect(() => new FileKeySource(bad)).toThrow(/bad\.json: JSON Web Key Set malformed/);
  });

  it('reads the file once: later changes on disk do not matter', async () => {
    const copy = join(dir, 'copy.json');
    writeFileSync(copy, JSON.stringify(key.jwks));
    const source = new FileKeySource(copy);
    writeFileSync(copy, '{"keys": []}');
    await expect(source.getKey({ alg: 'RS256', kid: 'file-key' }, token)).resolves.toBeDefined();
  });
});
