/**
 * TOTP seeds at rest: sealed (AES-256-GCM with a key id, by the broker's KeyRing) before they reach
 * the store, opened only to check a code. The store column holds base64url of the sealed bytes.
 */

/** What the broker's KeyRing (src/keys/keyRing.ts) provides: authenticated encryption per purpose. */
export interface Sealer {
  seal(purpose: string, plaintext: Buffer): Buffer;
  /** Throws when `sealed` was not produced by `seal` for this purpose with a key still held. */
  open(purpose: string, sealed: Buffer): Buffer;
}

/** The KeyRing purpose (key-derivation label) for MFA seeds; nothing else is sealed under it. */
export const SEED_PURPOSE = 'mfa-seed';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function encryptSeed(sealer: Sealer, seed: Buffer): string {
  return sealer.seal(SEED_PURPOSE, seed).toString('base64url');
}

/** The clear seed. Throws (without quoting the stored text) when the text is not a sealed seed. */
export function decryptSeed(sealer: Sealer, text: string): Buffer {
  // Buffer.from(…, 'base64url') skips characters it does not know; refuse them instead.
  if (!BASE64URL.test(text)) throw new Error('stored MFA seed is not readable');
  return sealer.open(SEED_PURPOSE, Buffer.from(text, 'base64url'));
}
