/**
 * RFC 6238 TOTP as every authenticator app computes it: HMAC-SHA-1, 6 digits, 30-second steps from
 * the Unix epoch (RFC 4226 dynamic truncation). Written on node:crypto so checking a code is a few
 * synchronous HMACs; test/mfa/totp.test.ts holds it to otplib and the RFC 6238 vectors.
 *
 * Codes are compared in constant time, and every step of the search window is compared (no early
 * exit), so the time taken does not tell which step matched.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** 160 bits, the HMAC-SHA-1 block-friendly size RFC 4226 recommends and AWS uses. */
export const SEED_BYTES = 20;

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A fresh random TOTP seed (20 bytes). */
export function newSeed(): Buffer {
  return randomBytes(SEED_BYTES);
}

/** RFC 4648 base32, upper case, without padding: what authenticator apps accept for manual entry. */
export function base32(seed: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of seed) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1; // keep only the bits not yet written
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** The time step (counter) that `nowMs` falls in. */
export function stepAt(nowMs: number): number {
  return Math.floor(nowMs / (TOTP_PERIOD_SECONDS * 1000));
}

/** The code for time step `step` (RFC 4226 HOTP with counter = step). `digits` 6 (default) to 8. */
export function totpCode(seed: Uint8Array, step: number, digits: number = TOTP_DIGITS): string {
  if (!Number.isSafeInteger(step) || step < 0) throw new RangeError('TOTP step must be a non-negative integer');
  if (!Number.isInteger(digits) || digits < 6 || digits > 8) throw new RangeError('TOTP digits must be 6, 7 or 8');
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', seed).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return binary.toString().padStart(digits, '0');
}

export interface FindStepOptions {
  /** Only steps strictly after this one can match (the device's last accepted step: no replay). */
  readonly afterStep?: number;
}

const CODE_PATTERN = /^\d{6}$/;

/**
 * The step within ±`window` steps of `nowMs` whose code is `code`, or null. When two steps match
 * (a 1-in-a-million coincidence) the later one is returned, so replay protection stays strict.
 */
export function findStep(seed: Uint8Array, code: string, nowMs: number, window: number, options: FindStepOptions = {}): number | null {
  if (!CODE_PATTERN.test(code)) return null;
  const now = stepAt(nowMs);
  const after = options.afterStep ?? -1;
  const given = Buffer.from(code, 'ascii');
  let found: number | null = null;
  for (let step = Math.max(0, now - window); step <= now + window; step++) {
    const matches = timingSafeEqual(Buffer.from(totpCode(seed, step), 'ascii'), given);
    if (matches && step > after) found = step;
  }
  return found;
}

/**
 * The step s such that `code1` is the code of s and `code2` the code of s + 1, where s + 1 lies
 * within ±`searchSteps` steps of `nowMs` (and s > `afterStep` when given); null otherwise.
 * Identical codes never match: two consecutive codes prove the device is live, a repeated one does not.
 */
export function findConsecutiveSteps(
  seed: Uint8Array,
  code1: string,
  code2: string,
  nowMs: number,
  searchSteps: number,
  options: FindStepOptions = {},
): number | null {
  if (!CODE_PATTERN.test(code1) || !CODE_PATTERN.test(code2) || code1 === code2) return null;
  const now = stepAt(nowMs);
  const after = options.afterStep ?? -1;
  const first = Buffer.from(code1, 'ascii');
  const second = Buffer.from(code2, 'ascii');
  let found: number | null = null;
  // Compute each step's code once: codes[i] is the code of step (low + i).
  const low = Math.max(0, now - searchSteps - 1);
  const codes: Buffer[] = [];
  for (let step = low; step <= now + searchSteps; step++) codes.push(Buffer.from(totpCode(seed, step), 'ascii'));
  for (let i = 0; i + 1 < codes.length; i++) {
    const s = low + i;
    const matchesFirst = timingSafeEqual(codes[i]!, first);
    const matchesSecond = timingSafeEqual(codes[i + 1]!, second);
    if (matchesFirst && matchesSecond && s > after) found = s;
  }
  return found;
}

export interface OtpauthUriInput {
  /** Who issues the codes (shown by the app): the broker's `mfa.issuer`. */
  readonly issuer: string;
  /** The account name shown under the issuer (device name, user name). */
  readonly label: string;
  readonly seedBase32: string;
}

/**
 * The Key URI Format (Google Authenticator) URI that QR codes carry:
 * `otpauth://totp/ISSUER:LABEL?secret=…&issuer=ISSUER&algorithm=SHA1&digits=6&period=30`.
 * Neither issuer nor label may contain a colon (the format's separator).
 */
export function otpauthUri({ issuer, label, seedBase32 }: OtpauthUriInput): string {
  if (issuer.includes(':') || label.includes(':')) throw new RangeError('otpauth issuer and label must not contain ":"');
  if (issuer === '' || label === '') throw new RangeError('otpauth issuer and label must not be empty');
  if (!/^[A-Z2-7]+$/.test(seedBase32)) throw new RangeError('otpauth secret must be unpadded upper-case base32');
  const i = encodeURIComponent(issuer);
  return `otpauth://totp/${i}:${encodeURIComponent(label)}?secret=${seedBase32}&issuer=${i}&algorithm=SHA1&digits=${TOTP_DIGITS}&period=${TOTP_PERIOD_SECONDS}`;
}
