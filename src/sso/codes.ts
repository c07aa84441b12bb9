/**
 * Random codes of the device flow. User codes are 8 letters from RFC 8628's unambiguous alphabet (no
 * vowels, so no words; no 0/O, 1/I/L confusion), shown as `BCDF-GHJK`; people may type them in any
 * case, with or without the dash. Everything a client holds is ≥ 128 random bits.
 */
import { createHash } from 'node:crypto';
import { randomBytesPooled } from '../keys/randomPool.js';

export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

export function newUserCode(): string {
  let code = '';
  // Rejection sampling keeps every letter equally likely (256 is not a multiple of 20).
  const limit = 256 - (256 % USER_CODE_ALPHABET.length);
  while (code.length < USER_CODE_LENGTH) {
    for (const byte of randomBytesPooled(16)) {
      if (byte < limit && code.length < USER_CODE_LENGTH) code += USER_CODE_ALPHABET[byte % USER_CODE_ALPHABET.length];
    }
  }
  return code;
}

/** `BCDFGHJK` → `BCDF-GHJK`. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** What a person typed → the code, or undefined when it cannot be one (checked before any lookup). */
export function normalizeUserCode(input: string): string | undefined {
  if (input.length > 32) return undefined;
  const code = input.replace(/[\s-]/g, '').toUpperCase();
  if (code.length !== USER_CODE_LENGTH) return undefined;
  for (const c of code) if (!USER_CODE_ALPHABET.includes(c)) return undefined;
  return code;
}

/** A random identifier of `bytes` bytes, base64url. */
export function randomId(bytes = 16): string {
  return randomBytesPooled(bytes).toString('base64url');
}

/** Stored under a hash, so a copy of the store holds no usable code. */
export function sha256Url(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
