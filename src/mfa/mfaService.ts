/**
 * Virtual TOTP devices: enrolment, the IAM lifecycle (enable, resync, deactivate, delete) and the one
 * place where codes are checked (`verifyCode`), with one-use codes and lockout shared by every broker
 * instance through the Store's atomic MFA methods.
 *
 * The clear seed exists only while a device is created (returned once) and while a code is checked;
 * it is zeroed afterwards and never reaches the store, an error, a log or an audit event.
 */
import { isoSeconds } from '../time.js';
import {
  DeleteConflict,
  EntityAlreadyExists,
  InvalidAuthenticationCode,
  LimitExceeded,
  NoSuchEntity,
  ValidationError,
} from '../errors.js';
import type { AuditSink } from '../audit/auditLog.js';
import type { Metrics } from '../http/metrics.js';
import { mfaOwnerKey } from '../store/mfa-owner.js';
import type { MfaDevice, MfaOwner, Store } from '../store/types.js';
import { checkSerialLength, checkVirtualDeviceName, deviceSerial, FEDERATED_PATH_PREFIX, federatedDeviceName } from './deviceNames.js';
import { MfaCodeRefused, type MfaFailureReason } from './codeRefused.js';
import { enrolmentDisplay, newEnrolmentMaterial } from './enrolment.js';
import { MfaAuditWriter } from './mfaAudit.js';
import type { MfaEventName, MfaRequestContext } from './mfaAudit.js';
import {
  DELETE_ENABLED_DEVICE_MESSAGE,
  DEVICE_IN_USE_MESSAGE,
  DUPLICATE_DEVICE_MESSAGE,
  INVALID_AUTHENTICATION_CODE_MESSAGE,
  INVALID_CODE_MESSAGE,
  LOCKED_DEVICE_MESSAGE,
  noSuchDeviceMessage,
  notAssociatedMessage,
  ONE_DEVICE_PER_OWNER_MESSAGE,
  UNKNOWN_DEVICE_MESSAGE,
} from './messages.js';
import { decryptSeed, encryptSeed } from './seedCipher.js';
import type { Sealer } from './seedCipher.js';
import { base32, findConsecutiveSteps, findStep, stepAt } from './totp.js';

export type { MfaRequestContext } from './mfaAudit.js';

/**
 * How far (in 30 s steps, either side of now) ResyncMFADevice looks for the two consecutive codes:
 * ±10 steps = ±5 minutes, wide enough for a phone whose clock drifted, narrow enough that two
 * guessed codes match with probability ~2·10⁻¹¹.
 */
export const RESYNC_SEARCH_STEPS = 10;

export interface MfaServiceOptions {
  readonly store: Store;
  readonly sealer: Sealer;
  readonly audit: AuditSink;
  readonly metrics?: Metrics;
  readonly account: string;
  readonly partition: string;
  /** `mfa.issuer`: the issuer shown by authenticator apps. */
  readonly issuer: string;
  /** `mfa.window`: steps accepted either side of now. */
  readonly window: number;
  /** `mfa.maxFailures`: consecutive wrong codes that lock a device. */
  readonly maxFailures: number;
  /** `mfa.lockoutSeconds`: how long a locked device refuses every code. */
  readonly lockoutSeconds: number;
  /** Clock, epoch ms (tests move it instead of sleeping). */
  readonly now?: () => number;
}

/** A device as the rest of the broker sees it: everything but the (sealed) seed. */
export type MfaDeviceView = Omit<MfaDevice, 'seedCiphertext'>;

export interface VirtualDeviceEnrolment {
  readonly device: MfaDeviceView;
  /** The seed for manual entry (Base32StringSeed). Returned by this call only. */
  readonly seedBase32: string;
  /** PNG of the otpauth:// URI (QRCodePNG). */
  readonly qrCodePng: Buffer;
  readonly otpauthUri: string;
}

/** Why a code was refused: the `reason` label of fedbroker_mfa_failures_total and of audit events. */
export type { MfaFailureReason } from './codeRefused.js';

const view = (device: MfaDevice): MfaDeviceView => {
  const { seedCiphertext: _sealed, ...rest } = device;
  return rest;
};


export class MfaService {
  private readonly store: Store;
  private readonly sealer: Sealer;
  private readonly audit: MfaAuditWriter;
  private readonly metrics: Metrics | undefined;
  private readonly account: string;
  private readonly partition: string;
  private readonly issuer: string;
  private readonly window: number;
  private readonly maxFailures: number;
  private readonly lockoutMs: number;
  private readonly now: () => number;

  constructor(options: MfaServiceOptions) {
    if (!Number.isInteger(options.window) || options.window < 0 || options.window > 10) throw new RangeError('mfa window must be an integer from 0 to 10');
    if (!Number.isInteger(options.maxFailures) || options.maxFailures < 1) throw new RangeError('mfa maxFailures must be a positive integer');
    if (!Number.isFinite(options.lockoutSeconds) || options.lockoutSeconds < 0) throw new RangeError('mfa lockoutSeconds must be >= 0');
    if (options.issuer === '') throw new RangeError('mfa issuer must not be empty');
    this.store = options.store;
    this.sealer = options.sealer;
    this.audit = new MfaAuditWriter(options.audit, options.account);
    this.metrics = options.metrics;
    this.account = options.account;
    this.partition = options.partition;
    this.issuer = options.issuer;
    this.window = options.window;
    this.maxFailures = options.maxFailures;
    this.lockoutMs = options.lockoutSeconds * 1000;
    this.now = options.now ?? Date.now;
  }

  // ---- enrolment ------------------------------------------------------------------------------

  /**
   * CreateVirtualMFADevice: a new disabled device `arn:PARTITION:iam::ACCOUNT:mfa{path}{name}`, unowned
   * (or reserved for `owner` when given: only that owner can then enable it).
   * Throws ValidationError (name, path, reserved /federated/ path), EntityAlreadyExists.
   */
  async createVirtualDevice(
    input: { readonly name: string; readonly path?: string; readonly owner?: MfaOwner },
    context: MfaRequestContext = {},
  ): Promise<VirtualDeviceEnrolment> {
    const path = input.path ?? '/';
    checkVirtualDeviceName(input.name, path);
    const serial = deviceSerial(this.partition, this.account, path, input.name);
    checkSerialLength(serial);
    if ((await this.store.getMfaDevice(serial)) !== null) throw new EntityAlreadyExists(DUPLICATE_DEVICE_MESSAGE);
    return this.createDevice({ serial, name: input.name, path, owner: input.owner ?? null, accountName: input.name }, context);
  }

  /**
   * A federated identity's device, `arn:PARTITION:iam::ACCOUNT:mfa/federated/<provider>/<subject-hash>`,
   * disabled and owned by (provider, subject). A previous enrolment that was never enabled is replaced
   * (new seed); an enabled device must be deactivated and deleted first (EntityAlreadyExists).
   * `accountLabel` is what the authenticator app shows (default `<subject>@<provider>`).
   */
  async createFederatedDevice(
    input: { readonly provider: string; readonly subject: string; readonly accountLabel?: string },
    context: MfaRequestContext = {},
  ): Promise<VirtualDeviceEnrolment> {
    const { path, name } = federatedDeviceName(input.provider, input.subject);
    const serial = deviceSerial(this.partition, this.account, path, name);
    checkSerialLength(serial);
    const existing = await this.store.getMfaDevice(serial);
    if (existing !== null) {
      if (existing.enabled) throw new EntityAlreadyExists(DUPLICATE_DEVICE_MESSAGE);
      await this.store.deleteMfaDevice(serial); // an abandoned enrolment: its seed was never confirmed
    }
    const owner: MfaOwner = { kind: 'federated', provider: input.provider, subject: input.subject };
    const accountName = input.accountLabel ?? `${input.subject}@${input.provider}`;
    return this.createDevice({ serial, name, path, owner, accountName }, context);
  }

  /**
   * The enrolment a federated identity is shown until it confirms it: its pending device, with the
   * same key as before (a page shown again must not invalidate what the person already scanned), or
   * a new device when there is none. No audit event for showing a pending device again.
   */
  async federatedEnrolment(
    input: { readonly provider: string; readonly subject: string; readonly accountLabel?: string },
    context: MfaRequestContext = {},
  ): Promise<VirtualDeviceEnrolment> {
    const owner: MfaOwner = { kind: 'federated', provider: input.provider, subject: input.subject };
    const pending = await this.store.getMfaDevice(this.federatedSerial(input.provider, input.subject));
    if (pending === null || pending.enabled || pending.ownerKey !== mfaOwnerKey(owner)) return this.createFederatedDevice(input, context);
    const seedBase32 = this.withSeed(pending, (seed) => base32(seed));
    const shown = await enrolmentDisplay(seedBase32, this.issuer, input.accountLabel ?? `${input.subject}@${input.provider}`);
    return { device: view(pending), seedBase32, qrCodePng: shown.qrCodePng, otpauthUri: shown.otpauthUri };
  }

  /** The serial a federated identity's device has (whether or not it exists). */
  federatedSerial(provider: string, subject: string): string {
    const { path, name } = federatedDeviceName(provider, subject);
    return deviceSerial(this.partition, this.account, path, name);
  }

  private async createDevice(
    d: { serial: string; name: string; path: string; owner: MfaOwner | null; accountName: string },
    context: MfaRequestContext,
  ): Promise<VirtualDeviceEnrolment> {
    const material = await newEnrolmentMaterial(this.issuer, d.accountName);
    const now = this.now();
    let seedCiphertext: string;
    try {
      seedCiphertext = encryptSeed(this.sealer, material.seed);
    } finally {
      material.seed.fill(0);
    }
    const device: MfaDevice = {
      serial: d.serial,
      name: d.name,
      path: d.path,
      owner: d.owner,
      ownerKey: mfaOwnerKey(d.owner),
      seedCiphertext,
      enabled: false,
      createdAt: now,
      enabledAt: null,
      lastUsedStep: 0,
      failures: 0,
      lockedUntil: 0,
    };
    try {
      await this.store.createMfaDevice(device);
    } catch (e) {
      // Lost a race with another instance creating the same serial.
      if (e instanceof EntityAlreadyExists) throw new EntityAlreadyExists(DUPLICATE_DEVICE_MESSAGE, { cause: e });
      throw e;
    }
    await this.event('CreateVirtualMFADevice', d.serial, d.owner, now, context);
    return { device: view(device), seedBase32: material.seedBase32, qrCodePng: material.qrCodePng, otpauthUri: material.otpauthUri };
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * EnableMFADevice: associates the device with `owner` once `code1`, `code2` are two consecutive codes
   * whose second is within ±window steps of now (and both newer than any code used before). Neither
   * code can be used afterwards. The device is unchanged when this throws.
   * Throws NoSuchEntity, ValidationError (federated device / owner mismatch), EntityAlreadyExists
   * (device already enabled, or reserved for another owner), LimitExceeded (owner already has an
   * enabled device), InvalidAuthenticationCode.
   */
  async enable(serial: string, owner: MfaOwner, code1: string, code2: string, context: MfaRequestContext = {}): Promise<void> {
    const device = await this.requireDevice(serial);
    const ownerKey = mfaOwnerKey(owner);
    this.checkOwnerKind(device, owner);
    if (device.enabled || (device.ownerKey !== null && device.ownerKey !== ownerKey)) throw new EntityAlreadyExists(DEVICE_IN_USE_MESSAGE);
    if (await this.hasOtherEnabledDevice(owner, serial)) throw new LimitExceeded(ONE_DEVICE_PER_OWNER_MESSAGE);

    const now = this.now();
    const step = this.withSeed(device, (seed) =>
      findConsecutiveSteps(seed, code1, code2, now, this.window, { afterStep: device.lastUsedStep }),
    );
    if (step === null) {
      const error = new InvalidAuthenticationCode(INVALID_AUTHENTICATION_CODE_MESSAGE);
      await this.event('EnableMFADevice', serial, owner, now, context, { error });
      throw error;
    }

    // Burn both codes first, while the device is still disabled (nothing can verify against it yet);
    // atomically, so two requests with the same pair cannot both get through.
    if (!(await this.store.resetMfaState(serial, step + 1))) throw new InvalidAuthenticationCode(INVALID_AUTHENTICATION_CODE_MESSAGE);
    await this.store.setMfaDeviceOwner(serial, owner, true, now);

    // The store has no conditional update: re-check the invariants another instance may have raced.
    const after = await this.store.getMfaDevice(serial);
    if (after === null || after.ownerKey !== ownerKey) throw new EntityAlreadyExists(DEVICE_IN_USE_MESSAGE);
    if (await this.hasOtherEnabledDevice(owner, serial)) {
      // Two devices enabled at once for one owner: both enablers back off, so never two survive.
      // (The two codes stay used.)
      await this.store.setMfaDeviceOwner(serial, device.owner, false, null);
      throw new LimitExceeded(ONE_DEVICE_PER_OWNER_MESSAGE);
    }
    await this.event('EnableMFADevice', serial, owner, now, context);
  }

  /**
   * ResyncMFADevice: for `owner`'s enabled device, two consecutive codes within ±RESYNC_SEARCH_STEPS of
   * now (newer than the last used code). Clears failures and any lockout and makes both codes used.
   * Works while the device is locked (it is how its owner unlocks it). Resolves the observed drift
   * (second code's step minus the current step). The device is unchanged when this throws.
   * Throws NoSuchEntity, InvalidAuthenticationCode.
   */
  async resync(serial: string, owner: MfaOwner, code1: string, code2: string, context: MfaRequestContext = {}): Promise<{ driftSteps: number }> {
    const device = await this.requireDevice(serial);
    if (!device.enabled || device.ownerKey !== mfaOwnerKey(owner)) throw new NoSuchEntity(notAssociatedMessage(serial));
    const now = this.now();
    const step = this.withSeed(device, (seed) =>
      findConsecutiveSteps(seed, code1, code2, now, RESYNC_SEARCH_STEPS, { afterStep: device.lastUsedStep }),
    );
    if (step === null) {
      const error = new InvalidAuthenticationCode(INVALID_AUTHENTICATION_CODE_MESSAGE);
      await this.event('ResyncMFADevice', serial, owner, now, context, { error });
      throw error;
    }
    // Only forward: a code accepted meanwhile (newer than these) keeps the device where it is, and
    // this resync fails rather than make that code usable again.
    if (!(await this.store.resetMfaState(serial, step + 1))) {
      const error = new InvalidAuthenticationCode(INVALID_AUTHENTICATION_CODE_MESSAGE);
      await this.event('ResyncMFADevice', serial, owner, now, context, { error });
      throw error;
    }
    const driftSteps = step + 1 - stepAt(now);
    await this.event('ResyncMFADevice', serial, owner, now, context, { data: { driftSteps } });
    return { driftSteps };
  }

  /**
   * DeactivateMFADevice: disassociates the device from its owner and disables it. The device entity
   * remains (delete it separately). With `owner`, the device must be enabled for that owner.
   * Throws NoSuchEntity.
   */
  async deactivate(serial: string, owner?: MfaOwner, context: MfaRequestContext = {}): Promise<void> {
    const device = await this.requireDevice(serial);
    if (owner !== undefined && (!device.enabled || device.ownerKey !== mfaOwnerKey(owner))) {
      throw new NoSuchEntity(notAssociatedMessage(serial));
    }
    await this.store.setMfaDeviceOwner(serial, null, false, null);
    await this.event('DeactivateMFADevice', serial, device.owner, this.now(), context);
  }

  /**
   * Moves `from`'s enabled device to `to` (a federated identity whose provider now identifies people
   * differently: mfaSubject or subjectCase changed). The caller has just verified a code from the
   * device for this person. Throws NoSuchEntity (not `from`'s enabled device), LimitExceeded (`to`
   * already has one).
   */
  async moveDevice(serial: string, from: MfaOwner, to: MfaOwner, context: MfaRequestContext = {}): Promise<void> {
    const device = await this.requireDevice(serial);
    if (!device.enabled || device.ownerKey !== mfaOwnerKey(from)) throw new NoSuchEntity(notAssociatedMessage(serial));
    if (await this.hasOtherEnabledDevice(to, serial)) throw new LimitExceeded(ONE_DEVICE_PER_OWNER_MESSAGE);
    await this.store.setMfaDeviceOwner(serial, to, true, device.enabledAt);
    await this.event('MoveMFADevice', serial, to, this.now(), context, { data: { previousOwner: mfaOwnerKey(from) } });
  }

  /**
   * DeleteVirtualMFADevice. Refused while the device is enabled (seed-digest §10 row 24), so a policy
   * that lets users delete their device without MFA cannot be used to strip MFA.
   * Throws NoSuchEntity, DeleteConflict.
   */
  async delete(serial: string, context: MfaRequestContext = {}): Promise<void> {
    const device = await this.requireDevice(serial);
    if (device.enabled) throw new DeleteConflict(DELETE_ENABLED_DEVICE_MESSAGE);
    if (!(await this.store.deleteMfaDevice(serial))) throw new NoSuchEntity(noSuchDeviceMessage(serial));
    await this.event('DeleteVirtualMFADevice', serial, device.owner, this.now(), context);
  }

  // ---- code check -----------------------------------------------------------------------------

  /**
   * The one place codes are checked. Resolves the time of the check (epoch seconds, the origin of
   * aws:MultiFactorAuthAge). Throws AccessDenied with AWS's messages: unknown serial / not enabled for
   * `owner`; device locked; wrong, out-of-window or already-used code (counted: `maxFailures` in a row
   * lock the device for `lockoutSeconds`).
   */
  async verifyCode(serialNumber: string, code: string, owner: MfaOwner, context: MfaRequestContext = {}): Promise<{ authenticatedAt: number }> {
    const now = this.now();
    const device = await this.store.getMfaDevice(serialNumber);
    if (device === null || !device.enabled || device.ownerKey !== mfaOwnerKey(owner)) {
      return this.refuse('unknown-device', UNKNOWN_DEVICE_MESSAGE, serialNumber, owner, now, context);
    }
    if (device.lockedUntil > now) {
      // Refused and reported, but not added to the counter: hammering a locked device does not extend the lock.
      return this.refuse('locked', LOCKED_DEVICE_MESSAGE, serialNumber, owner, now, context, device.lockedUntil);
    }

    const { fresh, seen } = this.withSeed(device, (seed) => {
      const freshStep = findStep(seed, code, now, this.window, { afterStep: device.lastUsedStep });
      // Only to tell "reused" from "wrong" in metrics and audit.
      const anyStep = freshStep === null ? findStep(seed, code, now, this.window) : freshStep;
      return { fresh: freshStep, seen: anyStep !== null };
    });

    if (fresh !== null && (await this.store.acceptMfaStep(serialNumber, fresh, now))) {
      await this.event('MFAAuthentication', serialNumber, owner, now, context, { data: { outcome: 'success' } });
      return { authenticatedAt: Math.floor(now / 1000) };
    }
    if (fresh !== null) {
      // Valid code but the atomic accept refused it: another instance used this step, or locked the device.
      const current = await this.store.getMfaDevice(serialNumber);
      if (current !== null && current.lockedUntil > now) return this.refuse('locked', LOCKED_DEVICE_MESSAGE, serialNumber, owner, now, context, current.lockedUntil);
    }

    const reason: MfaFailureReason = seen ? 'reused' : 'invalid';
    const state = await this.store.recordMfaFailure(serialNumber, now, this.maxFailures, this.lockoutMs);
    const lockedNow = state !== null && state.failures === 0 && state.lockedUntil > now;
    await this.refuseAudit(reason, INVALID_CODE_MESSAGE, serialNumber, owner, now, context, {
      failures: lockedNow ? this.maxFailures : (state?.failures ?? 0),
    });
    if (lockedNow) {
      await this.event('MFADeviceLockout', serialNumber, owner, now, context, {
        data: { maxFailures: this.maxFailures, lockoutSeconds: this.lockoutMs / 1000, lockedUntil: isoSeconds(state.lockedUntil) },
      });
    }
    // The API says what AWS says; the browser pages use the reason (and the lock's end) to say more.
    throw new MfaCodeRefused(INVALID_CODE_MESSAGE, reason, lockedNow ? state.lockedUntil : undefined);
  }

  // ---- queries --------------------------------------------------------------------------------

  /** All devices, or those of one owner key (`mfaOwnerKey(owner)`), ordered by serial. */
  async list(ownerKey?: string): Promise<MfaDeviceView[]> {
    const devices = await this.store.listMfaDevices(ownerKey === undefined ? undefined : { ownerKey });
    return devices.map(view);
  }

  async get(serial: string): Promise<MfaDeviceView | null> {
    const device = await this.store.getMfaDevice(serial);
    return device === null ? null : view(device);
  }

  /** The owner's devices, enabled or reserved for them (pending enrolment). */
  async devicesOf(owner: MfaOwner): Promise<MfaDeviceView[]> {
    return this.list(mfaOwnerKey(owner)!);
  }

  /** The owner's enabled device (at most one), or null. */
  async findEnabledDevice(owner: MfaOwner): Promise<MfaDeviceView | null> {
    return (await this.devicesOf(owner)).find((d) => d.enabled) ?? null;
  }

  // ---- helpers --------------------------------------------------------------------------------

  private async requireDevice(serial: string): Promise<MfaDevice> {
    const device = await this.store.getMfaDevice(serial);
    if (device === null) throw new NoSuchEntity(noSuchDeviceMessage(serial));
    return device;
  }

  /** Devices under /federated/ belong to the identity their name was derived from, and only to it. */
  private checkOwnerKind(device: MfaDevice, owner: MfaOwner): void {
    const federatedDevice = device.path.startsWith(FEDERATED_PATH_PREFIX);
    if (owner.kind === 'federated') {
      if (device.serial !== this.federatedSerial(owner.provider, owner.subject)) {
        throw new ValidationError('A federated identity can only enable its own device (created for its provider and subject).');
      }
    } else if (federatedDevice) {
      throw new ValidationError('This MFA device belongs to a federated identity and cannot be enabled for a user.');
    }
  }

  private async hasOtherEnabledDevice(owner: MfaOwner, serial: string): Promise<boolean> {
    const devices = await this.store.listMfaDevices({ ownerKey: mfaOwnerKey(owner)! });
    return devices.some((d) => d.enabled && d.serial !== serial);
  }

  /** Runs `use` with the clear seed and zeroes it afterwards. */
  private withSeed<T>(device: MfaDevice, use: (seed: Buffer) => T): T {
    const seed = decryptSeed(this.sealer, device.seedCiphertext);
    try {
      return use(seed);
    } finally {
      seed.fill(0);
    }
  }

  private async refuse(
    reason: MfaFailureReason,
    message: string,
    serial: string,
    owner: MfaOwner,
    now: number,
    context: MfaRequestContext,
    lockedUntil?: number,
  ): Promise<never> {
    await this.refuseAudit(reason, message, serial, owner, now, context, {});
    throw new MfaCodeRefused(message, reason, lockedUntil);
  }

  private async refuseAudit(
    reason: MfaFailureReason,
    message: string,
    serial: string,
    owner: MfaOwner,
    now: number,
    context: MfaRequestContext,
    data: Record<string, unknown>,
  ): Promise<void> {
    this.metrics?.mfaFailures.inc({ reason });
    await this.event('MFAAuthentication', serial, owner, now, context, {
      error: { code: 'AccessDenied', message },
      data: { outcome: 'failure', reason, ...data },
    });
  }

  private event(
    name: MfaEventName,
    serial: string,
    owner: MfaOwner | null,
    time: number,
    context: MfaRequestContext,
    extra: { error?: { code: string; message: string }; data?: Record<string, unknown> } = {},
  ): Promise<void> {
    return this.audit.write({
      name,
      serial,
      owner,
      time,
      context,
      ...(extra.error !== undefined ? { error: { code: extra.error.code, message: extra.error.message } } : {}),
      ...(extra.data !== undefined ? { additionalEventData: extra.data } : {}),
    });
  }
}
