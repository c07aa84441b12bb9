import { toBuffer } from 'qrcode';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AccessDenied,
  DeleteConflict,
  EntityAlreadyExists,
  InvalidAuthenticationCode,
  LimitExceeded,
  NoSuchEntity,
  ValidationError,
} from '../../src/errors.js';
import { RESYNC_SEARCH_STEPS } from '../../src/mfa/mfaService.js';
import type { Store } from '../../src/store/index.js';
import {
  ACCOUNT,
  alice,
  bob,
  carol,
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
  T0,
} from './fixtures.js';
import type { Harness, StoreKind } from './fixtures.js';

const UNKNOWN_DEVICE =
  'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.';
const INVALID_CODE = 'MultiFactorAuthentication failed with invalid MFA one time pass code.';

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  removeTempDirs();
});

describe.each<StoreKind>(['memory', 'sqlite'])('MfaService on the %s store', (kind) => {
  function make(options: Parameters<typeof harness>[1] = {}): Harness {
    const store = openStore(kind);
    stores.push(store);
    return harness(store, options);
  }

  describe('createVirtualDevice', () => {
    it('creates a disabled, unowned device whose serial is its ARN, and shows the seed once', async () => {
      const h = make();
      const created = await h.service.createVirtualDevice({ name: 'alice-phone' });
      expect(created.device).toMatchObject({
        serial: `arn:aws:iam::${ACCOUNT}:mfa/alice-phone`,
        name: 'alice-phone',
        path: '/',
        owner: null,
        ownerKey: null,
        enabled: false,
        enabledAt: null,
        createdAt: T0,
      });
      expect(created.device).not.toHaveProperty('seedCiphertext');
      expect(created.seedBase32).toMatch(/^[A-Z2-7]{32}$/);
      expect(await h.service.get(created.device.serial)).not.toHaveProperty('seedCiphertext');
    });

    it('puts the path in the serial', async () => {
      const h = make();
      const { device } = await h.service.createVirtualDevice({ name: 'bob', path: '/engineering/' });
      expect(device.serial).toBe(`arn:aws:iam::${ACCOUNT}:mfa/engineering/bob`);
    });

    it('returns a PNG QR code of the otpauth:// URI labelled issuer:name', async () => {
      const h = make();
      const { qrCodePng, otpauthUri, seedBase32 } = await h.service.createVirtualDevice({ name: 'alice-phone' });
      expect(qrCodePng.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
      expect(qrCodePng.subarray(12, 16).toString('ascii')).toBe('IHDR');
      // qrcode is deterministic: the same URI and options give the same image.
      expect(qrCodePng.equals(await toBuffer(otpauthUri, { type: 'png', errorCorrectionLevel: 'M' }))).toBe(true);
      expect(otpauthUri).toBe(
        `otpauth://totp/fedbroker:alice-phone?secret=${seedBase32}&issuer=fedbroker&algorithm=SHA1&digits=6&period=30`,
      );
    });

    it('refuses a duplicate path and name with EntityAlreadyExists', async () => {
      const h = make();
      await h.service.createVirtualDevice({ name: 'alice-phone' });
      const error = await rejection(h.service.createVirtualDevice({ name: 'alice-phone' }));
      expect(error).toBeInstanceOf(EntityAlreadyExists);
      expect(error.message).toBe('MFADevice entity at the same path and name already exists.');
      await expect(h.service.createVirtualDevice({ name: 'alice-phone', path: '/other/' })).resolves.toBeDefined();
    });

    it('refuses invalid names and the reserved /federated/ path', async () => {
      const h = make();
      await expect(h.service.createVirtualDevice({ name: 'bad name' })).rejects.toBeInstanceOf(ValidationError);
      await expect(h.service.createVirtualDevice({ name: 'x', path: '/federated/accounts.example.com/' })).rejects.toBeInstanceOf(ValidationError);
      expect(await h.service.list()).toEqual([]);
    });

    it('reserves the device for an owner when one is given: only that owner can enable it', async () => {
      const h = make();
      const { device, seedBase32 } = await h.service.createVirtualDevice({ name: 'alice-phone', owner: alice });
      expect(device.ownerKey).toBe('user:alice');
      const codes = [await codeOfStep(seedBase32, STEP0 - 1), await codeOfStep(seedBase32, STEP0)] as const;
      await expect(h.service.enable(device.serial, bob, ...codes)).rejects.toBeInstanceOf(EntityAlreadyExists);
      await h.service.enable(device.serial, alice, ...codes);
      expect((await h.service.findEnabledDevice(alice))?.serial).toBe(device.serial);
    });
  });

  describe('createFederatedDevice', () => {
    it('creates the identity’s device under /federated/<provider>/ with a hash name, owned and disabled', async () => {
      const h = make();
      const created = await h.service.createFederatedDevice({ provider: 'token.example.com/tenant1', subject: 'auth0|123' });
      expect(created.device.serial).toMatch(new RegExp(`^arn:aws:iam::${ACCOUNT}:mfa/federated/token\\.example\\.com_tenant1/[A-Za-z0-9_-]{22}$`));
      expect(created.device.serial).toBe(h.service.federatedSerial('token.example.com/tenant1', 'auth0|123'));
      expect(created.device.owner).toEqual({ kind: 'federated', provider: 'token.example.com/tenant1', subject: 'auth0|123' });
      expect(created.device.enabled).toBe(false);
      expect(created.otpauthUri).toContain(`otpauth://totp/fedbroker:${encodeURIComponent('auth0|123@token.example.com/tenant1')}?`);
    });

    it('replaces an enrolment that was never enabled (new seed), and refuses while a device is enabled', async () => {
      const h = make();
      const first = await h.service.createFederatedDevice(carol);
      const second = await h.service.createFederatedDevice(carol);
      expect(second.device.serial).toBe(first.device.serial);
      expect(second.seedBase32).not.toBe(first.seedBase32);
      const stale = [await codeOfStep(first.seedBase32, STEP0 - 1), await codeOfStep(first.seedBase32, STEP0)] as const;
      await expect(h.service.enable(first.device.serial, carol, ...stale)).rejects.toBeInstanceOf(InvalidAuthenticationCode);
      await h.service.enable(second.device.serial, carol, await codeOfStep(second.seedBase32, STEP0 - 1), await codeOfStep(second.seedBase32, STEP0));
      await expect(h.service.createFederatedDevice(carol)).rejects.toBeInstanceOf(EntityAlreadyExists);
    });

    it('verifies codes for its identity only', async () => {
      const h = make();
      const { device, seedBase32 } = await h.service.createFederatedDevice(carol);
      await h.service.enable(device.serial, carol, await codeOfStep(seedBase32, STEP0 - 1), await codeOfStep(seedBase32, STEP0));
      h.clock.advance(STEP_MS);
      const code = await codeAt(seedBase32, h.clock.ms);
      const other = { kind: 'federated', provider: carol.provider, subject: 'auth0|mallory' } as const;
      expect((await rejection(h.service.verifyCode(device.serial, code, other))).message).toBe(UNKNOWN_DEVICE);
      expect((await rejection(h.service.verifyCode(device.serial, code, { kind: 'user', userName: 'carol' }))).message).toBe(UNKNOWN_DEVICE);
      await expect(h.service.verifyCode(device.serial, code, carol)).resolves.toEqual({ authenticatedAt: Math.floor(h.clock.ms / 1000) });
    });

    it('cannot be enabled by an IAM user, and a federated identity cannot enable another device', async () => {
      const h = make();
      const fed = await h.service.createFederatedDevice(carol);
      const fedCodes = [await codeOfStep(fed.seedBase32, STEP0 - 1), await codeOfStep(fed.seedBase32, STEP0)] as const;
      await h.service.deactivate(fed.device.serial); // unowned now, still under /federated/
      await expect(h.service.enable(fed.device.serial, alice, ...fedCodes)).rejects.toBeInstanceOf(ValidationError);
      const iam = await h.service.createVirtualDevice({ name: 'spare' });
      const iamCodes = [await codeOfStep(iam.seedBase32, STEP0 - 1), await codeOfStep(iam.seedBase32, STEP0)] as const;
      await expect(h.service.enable(iam.device.serial, carol, ...iamCodes)).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('enable', () => {
    it('accepts two consecutive current codes, associates the owner and burns both codes', async () => {
      const h = make();
      const { device, seedBase32 } = await h.service.createVirtualDevice({ name: 'alice-phone' });
      const code1 = await codeOfStep(seedBase32, STEP0 - 1);
      const code2 = await codeOfStep(seedBase32, STEP0);
      await h.service.enable(device.serial, alice, code1, code2);
      const enabled = await h.store.getMfaDevice(device.serial);
      expect(enabled).toMatchObject({ enabled: true, enabledAt: T0, ownerKey: 'user:alice', owner: alice, lastUsedStep: STEP0 });
      for (const code of [code1, code2]) {
        expect((await rejection(h.service.verifyCode(device.serial, code, alice))).message).toBe(INVALID_CODE);
      }
    });

    it('accepts the pair from a phone one step ahead (second code within the window)', async () => {
      const h = make();
      const { device, seedBase32 } = await h.service.createVirtualDevice({ name: 'alice-phone' });
      await h.service.enable(device.serial, alice, await codeOfStep(seedBase32, STEP0), await codeOfStep(seedBase32, STEP0 + 1));
      expect((await h.store.getMfaDevice(device.serial))?.lastUsedStep).toBe(STEP0 + 1);
    });

    it.each([
      ['identical codes', [0, 0]],
      ['non-consecutive codes', [-2, 0]],
      ['codes in reverse order', [0, -1]],
      ['stale codes (submitted minutes late)', [-5, -4]],
      ['codes too far in the future', [1, 2]],
    ] as const)('refuses %s with InvalidAuthenticationCode and leaves the device unchanged', async (_label, [a, b]) => {
      const h = make();
      const { device, seedBase32 } = await h.service.createVirtualDevice({ name: 'alice-phone' });
      const before = await h.store.getMfaDevice(device.serial);
      const error = await rejection(h.service.enable(device.serial, alice, await codeOfStep(seedBase32, STEP0 + a), await codeOfStep(seedBase32, STEP0 + b)));
      expect(error).toBeInstanceOf(InvalidAuthenticationCode);
      expect(error.message).toBe('Authentication code for device is not valid.');
      expect(await h.store.getMfaDevice(device.serial)).toEqual(before);
    });

    it('refuses an unknown serial with NoSuchEntity', async () => {
      const h = make();
      await expect(h.service.enable(`arn:aws:iam::${ACCOUNT}:mfa/nobody`, alice, '123456', '654321')).rejects.toBeInstanceOf(NoSuchEntity);
    });

    it('allows one enabled device per owner (LimitExceeded), leaving the second device as it was', async () => {
      const h = make();
      await enrolled(h, alice, 'first');
      const second = await h.service.createVirtualDevice({ name: 'second' });
      const before = await h.store.getMfaDevice(second.device.serial);
      const error = await rejection(
        h.service.enable(second.device.serial, alice, await codeOfStep(second.seedBase32, STEP0 - 1), await codeOfStep(second.seedBase32, STEP0)),
      );
      expect(error).toBeInstanceOf(LimitExceeded);
      expect(await h.store.getMfaDevice(second.device.serial)).toEqual(before);
      // Another user may enable it.
      await h.service.enable(second.device.serial, bob, await codeOfStep(second.seedBase32, STEP0 - 1), await codeOfStep(second.seedBase32, STEP0));
      expect((await h.service.devicesOf(alice)).map((d) => d.name)).toEqual(['first']);
    });

    it('refuses to enable a device that is already enabled (EntityAlreadyExists)', async () => {
      const h = make();
      const { serial, seedBase32 } = await enrolled(h, alice);
      h.clock.advance(2 * STEP_MS);
      const codes = [await codeOfStep(seedBase32, STEP0 + 1), await codeOfStep(seedBase32, STEP0 + 2)] as const;
      await expect(h.service.enable(serial, alice, ...codes)).rejects.toBeInstanceOf(EntityAlreadyExists);
      await expect(h.service.enable(serial, bob, ...codes)).rejects.toBeInstanceOf(EntityAlreadyExists);
    });

    it('after deactivation, re-enabling refuses the codes used before', async () => {
      const h = make();
      const { serial, seedBase32 } = await enrolled(h, alice);
      await h.service.deactivate(serial, alice);
      const replay = [await codeOfStep(seedBase32, STEP0 - 1), await codeOfStep(seedBase32, STEP0)] as const;
      await expect(h.service.enable(serial, alice, ...replay)).rejects.toBeInstanceOf(InvalidAuthenticationCode);
      h.clock.advance(STEP_MS);
      await h.service.enable(serial, alice, await codeOfStep(seedBase32, STEP0), await codeOfStep(seedBase32, STEP0 + 1)).then(
        () => expect.unreachable('the pair starts with an already used code'),
        (e: unknown) => expect(e).toBeInstanceOf(InvalidAuthenticationCode),
      );
      await h.service.enable(serial, alice, await codeOfStep(seedBase32, STEP0 + 1), await codeOfStep(seedBase32, STEP0 + 2));
      expect((await h.service.findEnabledDevice(alice))?.serial).toBe(serial);
    });
  });

  describe('verifyCode', () => {
    it('accepts the current code once and returns when it was checked (epoch seconds)', async () => {
      const h = make();
      const { serial, seedBase32 } = await enrolled(h);
      h.clock.advance(STEP_MS);
      const code = await codeAt(seedBase32, h.clock.ms);
      expect(await h.service.verifyCode(serial, code, alice)).toEqual({ authenticatedAt: Math.floor(h.clock.ms / 1000) });
      expect((await h.store.getMfaDevice(serial))?.lastUsedStep).toBe(STEP0 + 1);
      const replay = await rejection(h.service.verifyCode(serial, code, alice));
      expect(replay).toBeInstanceOf(AccessDenied);
      expect(replay.message).toBe(INVALID_CODE);
      expect(h.metrics.mfaFailures.value({ reason: 'reused' })).toBe(1);
      expect((await h.store.getMfaDevice(serial))?.failures).toBe(1);
    });

    it.each([1, 2])('with window %i accepts codes exactly ±window steps away and refuses ±(window+1)', async (window) => {
      const h = make({ window });
      const { serial, seedBase32 } = await enrolled(h);
      h.clock.advance(10 * STEP_MS); // well after the enrolment codes
      const now = STEP0 + 10;
      // Oldest first: accepting a later step makes earlier ones "used".
      await expect(h.service.verifyCode(serial, await codeOfStep(seedBase32, now - window), alice)).resolves.toBeDefined();
      await expect(h.service.verifyCode(serial, await codeOfStep(seedBase32, now + window), alice)).resolves.toBeDefined();
      const h2 = make({ window });
      const d2 = await enrolled(h2);
      h2.clock.advance(10 * STEP_MS);
      for (const step of [now - window - 1, now + window + 1]) {
        const error = await rejection(h2.service.verifyCode(d2.serial, await codeOfStep(d2.seedBase32, step), alice));
        expect(error.message).toBe(INVALID_CODE);
      }
      expect(h2.metrics.mfaFailures.value({ reason: 'invalid' })).toBe(2);
    });

    it('refuses an older step after a newer one was accepted', async () => {
      const h = make();
      const { serial, seedBase32 } = await enrolled(h);
      h.clock.advance(5 * STEP_MS);
      const older = await codeOfStep(seedBase32, STEP0 + 4);
      await h.service.verifyCode(serial, await codeOfStep(seedBase32, STEP0 + 5), alice);
      expect((await rejection(h.service.verifyCode(serial, older, alice))).message).toBe(INVALID_CODE);
    });

    it('refuses an unknown serial, a device of another user, and a disabled device with AWS’s serial message', async () => {
      const h = make();
      const { serial, seedBase32 } = await enrolled(h);
      const spare = await h.service.createVirtualDevice({ name: 'spare' });
      h.clock.advance(STEP_MS);
      const code = await codeAt(seedBase32, h.clock.ms);
      for (const [s, owner] of [[`arn:aws:iam::${ACCOUNT}:mfa/nobody`, alice], [serial, bob], [spare.device.serial, alice]] as const) {
        const error = await rejection(h.service.verifyCode(s, code, owner));
        expect(error).toBeInstanceOf(AccessDenied);
        expect(error.message).toBe(UNKNOWN_DEVICE);
      }
      expect(h.metrics.mfaFailures.value({ reason: 'unknown-device' })).toBe(3);
      // The owner's code was not consumed by those attempts.
      await expect(h.service.verifyCode(serial, code, alice)).resolves.toBeDefined();
    });

    it('a correct code resets the failure count', async () => {
      const h = make({ maxFailures: 3 });
      const { serial, seedBase32 } = await enrolled(h);
      h.clock.advance(STEP_MS);
      const good = await codeAt(seedBase32, h.clock.ms);
      for (let i = 0; i < 2; i++) await expect(h.service.verifyCode(serial, otherCode(good), alice)).rejects.toBeInstanceOf(AccessDenied);
      expect((await h.store.getMfaDevice(serial))?.failures).toBe(2);
      await h.service.verifyCode(serial, good, alice);
      expect((await h.store.getMfaDevice(serial))?.failures).toBe(0);
      h.clock.advance(STEP_MS);
      const next = await codeAt(seedBase32, h.clock.ms);
      for (let i = 0; i < 2; i++) await expect(h.service.verifyCode(serial, otherCode(next), alice)).rejects.toBeInstanceOf(AccessDenied);
      // Two more failures after the reset: still below maxFailures, so not locked.
      await expect(h.service.verifyCode(serial, next, alice)).resolves.toBeDefined();
    });

    it('locks the device after maxFailures wrong codes; even a correct code fails until lockoutSeconds pass', async () => {
      const h = make({ maxFailures: 3, lockoutSeconds: 300 });
      const { serial, seedBase32 } = await enrolled(h);
      h.clock.advance(STEP_MS);
      const good = await codeAt(seedBase32, h.clock.ms);
      for (let i = 0; i < 3; i++) {
        expect((await rejection(h.service.verifyCode(serial, otherCode(good), alice))).message).toBe(INVALID_CODE);
      }
      const locked = await h.store.getMfaDevice(serial);
      expect(locked?.lockedUntil).toBe(h.clock.ms + 300_000);
      const during = await rejection(h.service.verifyCode(serial, good, alice));
      expect(during).toBeInstanceOf(AccessDenied);
      expect(during.message).toMatch(/temporarily locked/);
      expect(h.metrics.mfaFailures.value({ reason: 'locked' })).toBe(1);
      // Attempts during the lockout, right or wrong, neither extend it nor count towards the next one.
      for (let i = 0; i < 5; i++) await expect(h.service.verifyCode(serial, otherCode(good), alice)).rejects.toThrow(/temporarily locked/);
      expect(await h.store.getMfaDevice(serial)).toMatchObject({ lockedUntil: locked?.lockedUntil, failures: 0 });
      expect(h.metrics.mfaFailures.value({ reason: 'locked' })).toBe(6);

      h.clock.advance(299_000);
      await expect(h.service.verifyCode(serial, await codeAt(seedBase32, h.clock.ms), alice)).rejects.toThrow(/temporarily locked/);
      h.clock.advance(1_000);
      await expect(h.service.verifyCode(serial, await codeAt(seedBase32, h.clock.ms), alice)).resolves.toBeDefined();

      const lockouts = h.auditEvents().filter((e) => e.eventName === 'MFADeviceLockout');
      expect(lockouts).toHaveLength(1);
      expect(lockouts[0]).toMatchObject({ resources: [{ ARN: serial }], additionalEventData: { maxFailures: 3, lockoutSeconds: 300 } });
    });
  });

  describe('resync', () => {
    it('accepts two consecutive codes from a drifted phone, reports the drift and burns the codes', async () => {
      const h = make();
      const { serial, seedBase32 } = await enrolled(h);
      h.clock.advance(20 * STEP_MS);
      const now = STEP0 + 20;
      const code1 = await codeOfStep(seedBase32, now - 7);
      const code2 = await codeOfStep(seedBase32, now - 6);
      expect(await h.service.resync(serial, alice, code1, code2)).toEqual({ driftSteps: -6 });
      expect((await h.store.getMfaDevice(serial))?.lastUsedStep).toBe(now - 6);
      await expect(h.service.resync(serial, alice, code1, code2)).rejects.toBeInstanceOf(InvalidAuthenticationCode);
    });

    it('racing a code check, a resync never moves the last used step back: the checked code stays used', async () => {
      for (const order of ['together', 'verify-first'] as const) {
        const h = make();
        const { serial, seedBase32 } = await enrolled(h, alice, `phone-${order}`);
        h.clock.advance(20 * STEP_MS);
        const now = STEP0 + 20;
        const current = await codeOfStep(seedBase32, now);
        const older = [await codeOfStep(seedBase32, now - 4), await codeOfStep(seedBase32, now - 3)] as const;
        if (order === 'together') {
          await Promise.allSettled([h.service.resync(serial, alice, ...older), h.service.verifyCode(serial, current, alice)]);
        } else {
          await h.service.verifyCode(serial, current, alice);
          await expect(h.service.resync(serial, alice, ...older)).rejects.toBeInstanceOf(InvalidAuthenticationCode);
        }
        expect((await h.store.getMfaDevice(serial))!.lastUsedStep).toBeGreaterThanOrEqual(now);
        await expect(h.service.verifyCode(serial, current, alice)).rejects.toBeInstanceOf(AccessDenied);
      }
    });

    it('two enables with the same pair of codes: only one gets through', async () => {
      const h = make();
      const { device, seedBase32 } = await h.service.createVirtualDevice({ name: 'twice' });
      const pair = [await codeOfStep(seedBase32, STEP0 - 1), await codeOfStep(seedBase32, STEP0)] as const;
      const results = await Promise.allSettled([h.service.enable(device.serial, alice, ...pair), h.service.enable(device.serial, alice, ...pair)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    });

    it(`searches ±${RESYNC_SEARCH_STEPS} steps and no further`, async () => {
      const h = make();
      const { serial, seedBase32 } = await enrolled(h);
      h.clock.advance(30 * STEP_MS);
      const now = STEP0 + 30;
      const before = await h.store.getMfaDevice(serial);
      for (const second of [now - RESYNC_SEARCH_STEPS - 1, now + RESYNC_SEARCH_STEPS + 1]) {
        const codes = [await codeOfStep(seedBase32, second - 1), await codeOfStep(seedBase32, second)] as const;
        await expect(h.service.resync(serial, alice, ...codes)).rejects.toBeInstanceOf(InvalidAuthenticationCode);
      }
      expect(await h.store.getMfaDevice(serial)).toEqual(before);
      const edge = [await codeOfStep(seedBase32, now + RESYNC_SEARCH_STEPS - 1), await codeOfStep(seedBase32, now + RESYNC_SEARCH_STEPS)] as const;
      expect(await h.service.resync(serial, alice, ...edge)).toEqual({ driftSteps: RESYNC_SEARCH_STEPS });
    });

    it('unlocks a locked device and clears its failures', async () => {
      const h = make({ maxFailures: 2 });
      const { serial, seedBase32 } = await enrolled(h);
      h.clock.advance(3 * STEP_MS);
      const good = await codeAt(seedBase32, h.clock.ms);
      for (let i = 0; i < 2; i++) await expect(h.service.verifyCode(serial, otherCode(good), alice)).rejects.toBeInstanceOf(AccessDenied);
      expect((await h.store.getMfaDevice(serial))?.lockedUntil).toBeGreaterThan(h.clock.ms);
      await h.service.resync(serial, alice, await codeOfStep(seedBase32, STEP0 + 2), await codeOfStep(seedBase32, STEP0 + 3));
      expect(await h.store.getMfaDevice(serial)).toMatchObject({ lockedUntil: 0, failures: 0, lastUsedStep: STEP0 + 3 });
      h.clock.advance(STEP_MS);
      await expect(h.service.verifyCode(serial, await codeAt(seedBase32, h.clock.ms), alice)).resolves.toBeDefined();
    });

    it('refuses codes that are not newer than the last used one', async () => {
      const h = make();
      const { serial, seedBase32 } = await enrolled(h);
      await expect(
        h.service.resync(serial, alice, await codeOfStep(seedBase32, STEP0 - 1), await codeOfStep(seedBase32, STEP0)),
      ).rejects.toBeInstanceOf(InvalidAuthenticationCode);
    });

    it('refuses a device that is not enabled for the owner (NoSuchEntity)', async () => {
      const h = make();
      const { serial, seedBase32 } = await enrolled(h);
      h.clock.advance(2 * STEP_MS);
      const codes = [await codeOfStep(seedBase32, STEP0 + 1), await codeOfStep(seedBase32, STEP0 + 2)] as const;
      await expect(h.service.resync(serial, bob, ...codes)).rejects.toBeInstanceOf(NoSuchEntity);
      await expect(h.service.resync(`arn:aws:iam::${ACCOUNT}:mfa/nobody`, alice, ...codes)).rejects.toBeInstanceOf(NoSuchEntity);
    });
  });

  describe('deactivate and delete', () => {
    it('refuses to delete an enabled device (DeleteConflict); deactivate keeps the entity; then delete works', async () => {
      const h = make();
      const { serial, seedBase32 } = await enrolled(h);
      const error = await rejection(h.service.delete(serial));
      expect(error).toBeInstanceOf(DeleteConflict);
      expect((await h.service.get(serial))?.enabled).toBe(true);

      await h.service.deactivate(serial, alice);
      expect(await h.service.get(serial)).toMatchObject({ enabled: false, owner: null, ownerKey: null, enabledAt: null });
      expect(await h.service.findEnabledDevice(alice)).toBeNull();
      h.clock.advance(STEP_MS);
      expect((await rejection(h.service.verifyCode(serial, await codeAt(seedBase32, h.clock.ms), alice))).message).toBe(UNKNOWN_DEVICE);

      await h.service.delete(serial);
      expect(await h.service.get(serial)).toBeNull();
      await expect(h.service.delete(serial)).rejects.toBeInstanceOf(NoSuchEntity);
    });

    it('deactivate with an owner requires the device to be enabled for that owner', async () => {
      const h = make();
      const { serial } = await enrolled(h);
      await expect(h.service.deactivate(serial, bob)).rejects.toBeInstanceOf(NoSuchEntity);
      await expect(h.service.deactivate(`arn:aws:iam::${ACCOUNT}:mfa/nobody`)).rejects.toBeInstanceOf(NoSuchEntity);
      expect((await h.service.get(serial))?.enabled).toBe(true);
      await h.service.deactivate(serial); // administrator: no owner check
      expect((await h.service.get(serial))?.enabled).toBe(false);
    });
  });

  describe('queries', () => {
    it('lists devices by owner and finds the enabled one', async () => {
      const h = make();
      await enrolled(h, alice, 'a-phone');
      await h.service.createVirtualDevice({ name: 'unassigned' });
      const fed = await h.service.createFederatedDevice(carol);
      expect((await h.service.list()).map((d) => d.name).sort()).toEqual(['a-phone', fed.device.name, 'unassigned'].sort());
      expect((await h.service.list('user:alice')).map((d) => d.name)).toEqual(['a-phone']);
      expect((await h.service.devicesOf(carol)).map((d) => d.serial)).toEqual([fed.device.serial]);
      expect(await h.service.findEnabledDevice(carol)).toBeNull();
      expect((await h.service.findEnabledDevice(alice))?.name).toBe('a-phone');
      for (const d of await h.service.list()) expect(d).not.toHaveProperty('seedCiphertext');
    });
  });

  describe('audit', () => {
    it('records every lifecycle step and code check, without seeds or codes', async () => {
      const h = make({ maxFailures: 2 });
      const codes: string[] = [];
      const { device, seedBase32 } = await h.service.createVirtualDevice({ name: 'alice-phone' });
      const code = async (step: number) => {
        const c = await codeOfStep(seedBase32, step);
        codes.push(c);
        return c;
      };
      const context = { requestId: 'req-1', sourceIp: '192.0.2.10', userAgent: 'aws-cli/2' };
      await h.service.enable(device.serial, alice, await code(STEP0 - 1), await code(STEP0), context);
      h.clock.advance(STEP_MS);
      await h.service.verifyCode(device.serial, await code(STEP0 + 1), alice, context);
      await h.service.verifyCode(device.serial, otherCode(await code(STEP0 + 1)), alice, context).catch(() => undefined);
      await h.service.verifyCode(device.serial, otherCode(await code(STEP0 + 1)), alice, context).catch(() => undefined);
      h.clock.advance(STEP_MS);
      await h.service.resync(device.serial, alice, await code(STEP0 + 1), await code(STEP0 + 2)).catch(() => undefined);
      await h.service.resync(device.serial, alice, await code(STEP0 + 2), await code(STEP0 + 3));
      await h.service.deactivate(device.serial, alice);
      await h.service.delete(device.serial);

      const events = h.auditEvents();
      expect(events.map((e) => e.eventName)).toEqual([
        'CreateVirtualMFADevice',
        'EnableMFADevice',
        'MFAAuthentication',
        'MFAAuthentication',
        'MFAAuthentication',
        'MFADeviceLockout',
        'ResyncMFADevice',
        'ResyncMFADevice',
        'DeactivateMFADevice',
        'DeleteVirtualMFADevice',
      ]);
      expect(events[1]).toMatchObject({
        eventSource: 'iam.amazonaws.com',
        eventType: 'AwsApiCall',
        sourceIPAddress: '192.0.2.10',
        userAgent: 'aws-cli/2',
        requestID: 'req-1',
        requestParameters: { serialNumber: device.serial, userName: 'alice' },
        recipientAccountId: ACCOUNT,
      });
      expect(events[2]).toMatchObject({ additionalEventData: { outcome: 'success' } });
      expect(events[3]).toMatchObject({ errorCode: 'AccessDenied', additionalEventData: { outcome: 'failure', reason: 'invalid', failures: 1 } });
      expect(events[6]).toMatchObject({ errorCode: 'InvalidAuthenticationCode' });

      const text = h.auditText();
      expect(text).not.toContain(seedBase32);
      for (const c of codes) expect(text).not.toMatch(new RegExp(`(?<!\\d)${c}(?!\\d)`));
    });
  });
});
