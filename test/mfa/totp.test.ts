import { createGuardrails, generate, generateURI } from 'otplib';
import { describe, expect, it } from 'vitest';
import { base32, findConsecutiveSteps, findStep, newSeed, otpauthUri, stepAt, totpCode } from '../../src/mfa/totp.js';
import { STEP_MS, T0 } from './fixtures.js';

/** RFC 6238 Appendix B, SHA-1 rows: seed "12345678901234567890", 8 digits. */
const RFC6238_SHA1 = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
] as const;
const RFC_SEED = Buffer.from('12345678901234567890', 'ascii');

describe('totpCode', () => {
  it.each(RFC6238_SHA1)('matches the RFC 6238 SHA-1 vector at T=%i (8 digits)', (seconds, expected) => {
    expect(totpCode(RFC_SEED, Math.floor(seconds / 30), 8)).toBe(expected);
  });

  it.each(RFC6238_SHA1)('gives the 6-digit truncation of the RFC vector at T=%i', (seconds, expected) => {
    expect(totpCode(RFC_SEED, Math.floor(seconds / 30))).toBe(expected.slice(2));
  });

  it('agrees with otplib for random seeds across many steps', async () => {
    for (let i = 0; i < 20; i++) {
      const seed = newSeed();
      const secret = base32(seed);
      for (const offset of [-3, -1, 0, 1, 2, 1000]) {
        const ms = T0 + offset * STEP_MS + i * 977_000;
        expect(totpCode(seed, stepAt(ms))).toBe(await generate({ secret, epoch: Math.floor(ms / 1000) }));
      }
    }
  });

  it('refuses negative or fractional steps and unsupported digit counts', () => {
    expect(() => totpCode(RFC_SEED, -1)).toThrow(RangeError);
    expect(() => totpCode(RFC_SEED, 1.5)).toThrow(RangeError);
    expect(() => totpCode(RFC_SEED, 1, 9)).toThrow(RangeError);
  });
});

describe('base32 and newSeed', () => {
  it('encodes RFC 4648 test vectors without padding', () => {
    expect(base32(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32(Buffer.from('fooba'))).toBe('MZXW6YTB');
    expect(base32(Buffer.from('f'))).toBe('MY');
    expect(base32(RFC_SEED)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  });

  it('makes 20 random bytes (32 base32 characters), different every time', () => {
    const a = newSeed();
    const b = newSeed();
    expect(a).toHaveLength(20);
    expect(base32(a)).toMatch(/^[A-Z2-7]{32}$/);
    expect(a.equals(b)).toBe(false);
  });
});

describe('findStep', () => {
  const seed = newSeed();
  const now = stepAt(T0);

  it('finds a code within ±window steps and nothing beyond', () => {
    for (const window of [0, 1, 2]) {
      for (let offset = -window; offset <= window; offset++) {
        expect(findStep(seed, totpCode(seed, now + offset), T0, window)).toBe(now + offset);
      }
      // A 1-in-a-million coincidence with an in-window code would be a test-data problem, not a bug.
      expect(findStep(seed, totpCode(seed, now + window + 1), T0, window)).toBeNull();
      expect(findStep(seed, totpCode(seed, now - window - 1), T0, window)).toBeNull();
    }
  });

  it('with afterStep, refuses the codes of that step and earlier ones', () => {
    expect(findStep(seed, totpCode(seed, now), T0, 1, { afterStep: now })).toBeNull();
    expect(findStep(seed, totpCode(seed, now - 1), T0, 1, { afterStep: now })).toBeNull();
    expect(findStep(seed, totpCode(seed, now + 1), T0, 1, { afterStep: now })).toBe(now + 1);
  });

  it('refuses anything that is not six digits', () => {
    const code = totpCode(seed, now);
    for (const bad of ['', `${code} `, ` ${code}`, code.slice(1), `${code}0`, '12345a', '１２３４５６']) {
      expect(findStep(seed, bad, T0, 1)).toBeNull();
    }
  });
});

describe('findConsecutiveSteps', () => {
  const seed = newSeed();
  const now = stepAt(T0);
  const c = (step: number) => totpCode(seed, step);

  it('returns the first code’s step when the second is within ±searchSteps of now', () => {
    expect(findConsecutiveSteps(seed, c(now - 1), c(now), T0, 1)).toBe(now - 1);
    expect(findConsecutiveSteps(seed, c(now - 2), c(now - 1), T0, 1)).toBe(now - 2);
    expect(findConsecutiveSteps(seed, c(now), c(now + 1), T0, 1)).toBe(now);
  });

  it('refuses codes whose second step is outside the search range', () => {
    expect(findConsecutiveSteps(seed, c(now - 3), c(now - 2), T0, 1)).toBeNull();
    expect(findConsecutiveSteps(seed, c(now + 1), c(now + 2), T0, 1)).toBeNull();
    expect(findConsecutiveSteps(seed, c(now - 7), c(now - 6), T0, 10)).toBe(now - 7);
  });

  it('refuses identical, reversed and non-consecutive codes', () => {
    expect(findConsecutiveSteps(seed, c(now), c(now), T0, 1)).toBeNull();
    expect(findConsecutiveSteps(seed, c(now), c(now - 1), T0, 1)).toBeNull();
    expect(findConsecutiveSteps(seed, c(now - 2), c(now), T0, 2)).toBeNull();
  });

  it('refuses identical codes even when two consecutive steps really share a code', async () => {
    // Found by search: with the RFC seed, steps 50424280 and 50424281 both show 070562.
    const twin = 50_424_280;
    const code = await generate({ secret: base32(RFC_SEED), epoch: twin * 30, guardrails: createGuardrails({ MIN_SECRET_BYTES: 10 }) });
    expect(await generate({ secret: base32(RFC_SEED), epoch: (twin + 1) * 30, guardrails: createGuardrails({ MIN_SECRET_BYTES: 10 }) })).toBe(code);
    expect(findConsecutiveSteps(RFC_SEED, code, code, (twin + 1) * STEP_MS, 1)).toBeNull();
  });

  it('with afterStep, refuses a pair whose first code is not newer', () => {
    expect(findConsecutiveSteps(seed, c(now - 1), c(now), T0, 1, { afterStep: now - 1 })).toBeNull();
    expect(findConsecutiveSteps(seed, c(now - 1), c(now), T0, 1, { afterStep: now - 2 })).toBe(now - 1);
  });
});

describe('otpauthUri', () => {
  it('is the Key URI Format, with the same label, issuer and secret as otplib writes', () => {
    const seedBase32 = base32(newSeed());
    const uri = new URL(otpauthUri({ issuer: 'fed broker', label: 'alice@example.com', seedBase32 }));
    const reference = new URL(generateURI({ issuer: 'fed broker', label: 'alice@example.com', secret: seedBase32 }));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe(decodeURIComponent(reference.pathname));
    expect(decodeURIComponent(uri.pathname)).toBe('/fed broker:alice@example.com');
    expect(uri.searchParams.get('secret')).toBe(seedBase32);
    expect(uri.searchParams.get('issuer')).toBe('fed broker');
    expect(uri.searchParams.get('algorithm')).toBe('SHA1');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
  });

  it('refuses colons in issuer or label, and a secret that is not base32', () => {
    expect(() => otpauthUri({ issuer: 'a:b', label: 'x', seedBase32: 'MZXW6YTBOI' })).toThrow(RangeError);
    expect(() => otpauthUri({ issuer: 'a', label: 'x:y', seedBase32: 'MZXW6YTBOI' })).toThrow(RangeError);
    expect(() => otpauthUri({ issuer: 'a', label: 'x', seedBase32: 'mzxw6ytboi' })).toThrow(RangeError);
  });
});
