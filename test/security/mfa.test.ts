/**
 * security.md, "MFA and console": the rows about TOTP codes, as named tests against the MFA core
 * (MfaService on a real SQLite store, codes from otplib as an authenticator app computes them).
 * "Rate limits per IP too" (brute-force row) belongs to the HTTP layer's tests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AccessDenied, InvalidAuthenticationCode } from '../../src/errors.js';
import type { Store } from '../../src/store/index.js';
import {
  alice,
  codeAt,
  codeOfStep,
  enrolled,
  harness,
  openStore,
  otherCode,
  rejection,
  removeTempDirs,
  STEP0,
  STEP_MS,
} from '../mfa/fixtures.js';
import type { Harness } from '../mfa/fixtures.js';

const INVALID_CODE = 'MultiFactorAuthentication failed with invalid MFA one time pass code.';

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  removeTempDirs();
});

function make(options: Parameters<typeof harness>[1] = {}): Harness {
  const store = openStore('sqlite');
  stores.push(store);
  return harness(store, options);
}

async function failures(h: Harness, serial: string): Promise<number> {
  return (await h.store.getMfaDevice(serial))!.failures;
}

describe('security.md — MFA codes', () => {
  it('wrong TOTP code → AccessDenied; the failure is counted', async () => {
    const h = make();
    const { serial, seedBase32 } = await enrolled(h);
    h.clock.advance(STEP_MS);
    const error = await rejection(h.service.verifyCode(serial, otherCode(await codeAt(seedBase32, h.clock.ms)), alice));
    expect(error).toBeInstanceOf(AccessDenied);
    expect(error.message).toBe(INVALID_CODE);
    expect(await failures(h, serial)).toBe(1);
    expect(h.metrics.mfaFailures.value({ reason: 'invalid' })).toBe(1);
  });

  it('the same valid code twice → AccessDenied the second time; the failure is counted', async () => {
    const h = make();
    const { serial, seedBase32 } = await enrolled(h);
    h.clock.advance(STEP_MS);
    const code = await codeAt(seedBase32, h.clock.ms);
    await h.service.verifyCode(serial, code, alice);
    const error = await rejection(h.service.verifyCode(serial, code, alice));
    expect(error).toBeInstanceOf(AccessDenied);
    expect(error.message).toBe(INVALID_CODE);
    expect(await failures(h, serial)).toBe(1);
    expect(h.metrics.mfaFailures.value({ reason: 'reused' })).toBe(1);
  });

  it('a code from more than window steps away → AccessDenied; the failure is counted', async () => {
    const h = make({ window: 1 });
    const { serial, seedBase32 } = await enrolled(h);
    h.clock.advance(10 * STEP_MS);
    for (const step of [STEP0 + 10 - 2, STEP0 + 10 + 2]) {
      const error = await rejection(h.service.verifyCode(serial, await codeOfStep(seedBase32, step), alice));
      expect(error).toBeInstanceOf(AccessDenied);
      expect(error.message).toBe(INVALID_CODE);
    }
    expect(await failures(h, serial)).toBe(2);
  });

  it('brute force (many wrong codes) → lockout after maxFailures, with an audit event', async () => {
    const h = make({ maxFailures: 5, lockoutSeconds: 300 });
    const { serial, seedBase32 } = await enrolled(h);
    h.clock.advance(STEP_MS);
    const good = await codeAt(seedBase32, h.clock.ms);
    const guesses = ['000000', '111111', '222222', '333333', '444444', '555555', '666666', '777777'].filter((g) => g !== good);
    for (const guess of guesses.slice(0, 5)) await expect(h.service.verifyCode(serial, guess, alice)).rejects.toBeInstanceOf(AccessDenied);
    expect((await h.store.getMfaDevice(serial))!.lockedUntil).toBe(h.clock.ms + 300_000);
    expect(h.auditEvents().filter((e) => e.eventName === 'MFADeviceLockout')).toHaveLength(1);
    // Once locked, even the right code is refused: guessing it is no longer possible.
    await expect(h.service.verifyCode(serial, good, alice)).rejects.toThrow(/temporarily locked/);
  });

  it.each([
    ['identical codes', 0, 0],
    ['two non-consecutive codes', -2, 0],
  ] as const)('enable with %s → rejection, the device stays as it was', async (_label, a, b) => {
    const h = make();
    const { device, seedBase32 } = await h.service.createVirtualDevice({ name: 'alice-phone' });
    const before = await h.store.getMfaDevice(device.serial);
    const error = await rejection(h.service.enable(device.serial, alice, await codeOfStep(seedBase32, STEP0 + a), await codeOfStep(seedBase32, STEP0 + b)));
    expect(error).toBeInstanceOf(InvalidAuthenticationCode);
    expect(await h.store.getMfaDevice(device.serial)).toEqual(before);
  });

  it.each([
    ['identical codes', 0, 0],
    ['two non-consecutive codes', -2, 0],
  ] as const)('resync with %s → rejection, the device stays as it was', async (_label, a, b) => {
    const h = make({ maxFailures: 2 });
    const { serial, seedBase32 } = await enrolled(h);
    h.clock.advance(5 * STEP_MS);
    // A locked device with failures recorded: a rejected resync must not unlock it.
    for (let i = 0; i < 2; i++) await h.service.verifyCode(serial, otherCode(await codeAt(seedBase32, h.clock.ms)), alice).catch(() => undefined);
    const before = await h.store.getMfaDevice(serial);
    expect(before!.lockedUntil).toBeGreaterThan(h.clock.ms);
    const now = STEP0 + 5;
    const error = await rejection(h.service.resync(serial, alice, await codeOfStep(seedBase32, now + a), await codeOfStep(seedBase32, now + b)));
    expect(error).toBeInstanceOf(InvalidAuthenticationCode);
    expect(await h.store.getMfaDevice(serial)).toEqual(before);
  });
});
