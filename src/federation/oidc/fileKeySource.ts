/**
 * Static keys from a JWKS file: read and imported once, when the provider is loaded, so a bad file is
 * a configuration error and no request ever touches the disk.
 */
import { readFileSync } from 'node:fs';
import { createLocalJWKSet } from 'jose';
import type { CryptoKey, FlattenedJWSInput, JSONWebKeySet, JWSHeaderParameters } from 'jose';
import { keySelectionError } from './keyErrors.js';
import type { KeySource, KeySourceStats } from './keySource.js';

export class FileKeySource implements KeySource {
  readonly #keys: ReturnType<typeof createLocalJWKSet>;
  readonly #count: number;
  readonly #loadedAt = Date.now();

  /** Throws an Error naming the file when it cannot be read or is not a key set. */
  constructor(path: string) {
    let jwks: JSONWebKeySet;
    try {
      jwks = JSON.parse(readFileSync(path, 'utf8')) as JSONWebKeySet;
      this.#keys = createLocalJWKSet(jwks);
    } catch (e) {
      throw new Error(`jwksFile ${path}: ${(e as Error).message}`);
    }
    this.#count = jwks.keys.length;
  }

  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> => {
    try {
      return await this.#keys(header, token);
    } catch (e) {
      throw keySelectionError(e);
    }
  };

  async warm(): Promise<void> {}

  stats(): KeySourceStats {
    return { source: 'jwksFile', fetches: 0, failures: 0, keys: this.#count, lastSuccessAt: this.#loadedAt };
  }

  close(): void {}
}
