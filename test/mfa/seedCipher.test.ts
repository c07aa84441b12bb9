import { describe, expect, it } from 'vitest';
import { decryptSeed, encryptSeed, SEED_PURPOSE } from '../../src/mfa/seedCipher.js';
import { base32, newSeed } from '../../src/mfa/totp.js';
import { TestSealer } from './fixtures.js';

describe('seed encryption at rest', () => {
  it('round-trips a seed through a real AES-256-GCM sealer under the mfa-seed purpose', () => {
    const sealer = new TestSealer();
    const seed = newSeed();
    const text = encryptSeed(sealer, seed);
    expect(decryptSeed(sealer, text).equals(seed)).toBe(true);
    expect(sealer.open(SEED_PURPOSE, Buffer.from(text, 'base64url')).equals(seed)).toBe(true);
  });

  it('stores neither the raw seed nor its base32, hex or base64 forms', () => {
    const sealer = new TestSealer();
    const seed = newSeed();
    const text = encryptSeed(sealer, seed);
    const bytes = Buffer.from(text, 'base64url');
    expect(bytes.includes(seed)).toBe(false);
    for (const form of [base32(seed), seed.toString('hex'), seed.toString('base64'), seed.toString('base64url')]) {
      expect(text).not.toContain(form);
    }
  });

  it('seals the same seed differently each time (random IV)', () => {
    const sealer = new TestSealer();
    const seed = newSeed();
    expect(encryptSeed(sealer, seed)).not.toBe(encryptSeed(sealer, seed));
  });

  it('refuses text that is not base64url, a tampered ciphertext, and another key', () => {
    const sealer = new TestSealer();
    const text = encryptSeed(sealer, newSeed());
    expect(() => decryptSeed(sealer, `${text}!`)).toThrow('stored MFA seed is not readable');
    const tampered = Buffer.from(text, 'base64url');
    tampered[14] = tampered[14]! ^ 1;
    expect(() => decryptSeed(sealer, tampered.toString('base64url'))).toThrow();
    expect(() => decryptSeed(new TestSealer(), text)).toThrow();
  });
});
