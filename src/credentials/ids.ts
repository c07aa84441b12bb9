/**
 * AWS-shaped identifiers and secrets, from the CSPRNG.
 *
 * AccessKeyId: `ASIA` + 16 chars of [A-Z2-7] (temporary; long-term keys are `AKIA…`, from config).
 * SecretAccessKey: 40 chars of the base64 alphabet. Role ids `AROA` + 17, user ids `AIDA` + 17.
 */
import { randomBytesPooled as randomBytes } from '../keys/randomPool.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `count` characters of [A-Z2-7]; 256 is a multiple of 32, so `byte & 31` is uniform. */
function base32Chars(count: number): string {
  const bytes = randomBytes(count);
  let out = '';
  for (const byte of bytes) out += BASE32[byte & 31];
  return out;
}

export function newAccessKeyId(): string {
  return `ASIA${base32Chars(16)}`;
}

/** 30 random bytes are exactly 40 base64 characters, with no padding. */
export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

export function newRoleId(): string {
  return `AROA${base32Chars(17)}`;
}

export function newUserId(): string {
  return `AIDA${base32Chars(17)}`;
}

/** True for temporary (STS-issued) access key ids: `ASIA` and 20 characters, as tools assume. */
export function isTemporaryAccessKeyId(id: string): boolean {
  return id.length === 20 && id.startsWith('ASIA');
}
