/**
 * The enrolment a federated identity is shown keeps its key until it is confirmed (a page shown again
 * must not invalidate what the person already scanned), and refused codes carry why and until when,
 * for the browser pages — while the API's message stays AWS's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AccessDenied } from '../../src/errors.js';
import { MfaCodeRefused } from '../../src/mfa/codeRefused.js';
import { carol, codeOfStep, harness, openStore, rejection, removeTempDirs, STEP0, T0 } from './fixtures.js';

afterAll(removeTempDirs);

describe('federatedEnrolment', () => {
  it('shows the pending device with the same key, QR code and URI on every visit, without a new audit event', async () => {
    const h = harness(openStore('memory'));
    const first = await h.service.federatedEnrolment(carol);
    const events = h.auditEvents().length;
    const again = await h.service.federatedEnrolment(carol);
    expect(again.device.serial).toBe(first.device.serial);
    expect(again.seedBase32).toBe(first.seedBase32);
    expect(again.otpauthUri).toBe(first.otpauthUri);
    expect(again.qrCodePng.equals(first.qrCodePng)).toBe(true);
    expect(h.auditEvents()).toHaveLength(events);
    // The key from the first visit activates it.
    await h.service.enable(first.device.serial, carol, await codeOfStep(first.seedBase32, STEP0 - 1), await codeOfStep(first.seedBase32, STEP0));
    expect((await h.service.findEnabledDevice(carol))?.serial).toBe(first.device.serial);
  });
});

describe('refused codes', () => {
  it('say why (reused, invalid) and, when the device locks, until when; the message stays AWS\'s', async () => {
    const h = harness(openStore('memory'), { maxFailures: 2, lockoutSeconds: 300 });
    const { device, seedBase32 } = await h.service.federatedEnrolment(carol);
    await h.service.enable(device.serial, carol, await codeOfStep(seedBase32, STEP0 - 1), await codeOfStep(seedBase32, STEP0));
    const reused = await rejection(h.service.verifyCode(device.serial, await codeOfStep(seedBase32, STEP0), carol));
    expect(reused).toBeInstanceOf(AccessDenied);
    expect(reused).toMatchObject({ reason: 'reused', lockedUntil: undefined, message: 'MultiFactorAuthentication failed with invalid MFA one time pass code.' });
    const locking = await rejection(h.service.verifyCode(device.serial, '000000' === (await codeOfStep(seedBase32, STEP0 + 1)) ? '111111' : '000000', carol));
    expect(locking).toBeInstanceOf(MfaCodeRefused);
    expect(locking).toMatchObject({ reason: 'invalid', lockedUntil: T0 + 300_000 });
    const locked = await rejection(h.service.verifyCode(device.serial, await codeOfStep(seedBase32, STEP0 + 1), carol));
    expect(locked).toMatchObject({ reason: 'locked', lockedUntil: T0 + 300_000 });
  });
});
