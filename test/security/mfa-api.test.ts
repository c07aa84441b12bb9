/**
 * security.md, "MFA and console": the TOTP rows as named tests through the API — a running broker,
 * the real @aws-sdk/client-iam and client-sts, codes from the seed the broker returned (otplib, as an
 * authenticator app). test/security/mfa.test.ts holds the same rows against the MFA core alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  ListMFADevicesCommand,
  ListVirtualMFADevicesCommand,
  ResyncMFADeviceCommand,
} from '@aws-sdk/client-iam';
import { GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type StartedBroker } from '../helpers/broker.js';
import {
  accessKey,
  Authenticator,
  codeOfStep,
  iamClient,
  keysOf,
  otherCode,
  rejectsWith,
  stepNow,
  stsClient,
  TV_M10,
  user,
} from '../helpers/iamSts.js';

const WINDOW = 1;
const MAX_FAILURES = 3;
const INVALID_CODE = 'MultiFactorAuthentication failed with invalid MFA one time pass code.';
const LOCKED = 'MultiFactorAuthentication failed: too many invalid MFA one time pass codes, the MFA device is temporarily locked. Try again later.';
const NAMES = ['wrong', 'twice', 'far', 'brute', 'enable', 'resync', 'throttled'] as const;

let b: StartedBroker;
/** Every seed the broker handed out in this file. */
const seeds: string[] = [];
const lt = (name: string) => keysOf(accessKey(name));

async function createDevice(name: string): Promise<Authenticator> {
  const created = await iamClient(b.url, lt(name)).send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name }));
  const app = Authenticator.fromDevice(created.VirtualMFADevice, WINDOW);
  seeds.push(app.seedBase32);
  return app;
}

async function enrol(name: string): Promise<Authenticator> {
  const app = await createDevice(name);
  const [c1, c2] = await app.pair();
  await iamClient(b.url, lt(name)).send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: app.serial, AuthenticationCode1: c1, AuthenticationCode2: c2 }));
  return app;
}

const getSessionToken = (name: string, app: Authenticator, code: string) =>
  stsClient(b.url, lt(name)).send(new GetSessionTokenCommand({ SerialNumber: app.serial, TokenCode: code, DurationSeconds: 900 }));

async function failures(app: Authenticator): Promise<number> {
  return (await b.broker.mfa.get(app.serial))!.failures;
}

function auditEvents(): Array<Record<string, unknown>> {
  return readFileSync(join(b.dir, 'data/audit.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const serialOf = (e: Record<string, unknown>) => (e['requestParameters'] as { serialNumber?: string } | null)?.serialNumber;

beforeAll(async () => {
  b = await startBroker({
    mfa: { window: WINDOW, maxFailures: MAX_FAILURES, lockoutSeconds: 300 },
    users: NAMES.map((n) => user(n, accessKey(n), [TV_M10])),
  });
}, 60_000);

afterAll(async () => {
  await b?.close();
});

describe('security.md — MFA codes through the API', () => {
  it('wrong TOTP code → AccessDenied; the failure is counted', async () => {
    const app = await enrol('wrong');
    await rejectsWith(getSessionToken('wrong', app, otherCode(await app.next())), 'AccessDenied', INVALID_CODE);
    expect(await failures(app)).toBe(1);
    const event = auditEvents().find((e) => e['eventName'] === 'MFAAuthentication' && serialOf(e) === app.serial)!;
    expect(event).toMatchObject({ errorCode: 'AccessDenied', additionalEventData: { outcome: 'failure', reason: 'invalid', failures: 1 } });
  });

  it('the same valid code twice → AccessDenied the second time; the failure is counted', async () => {
    const app = await enrol('twice');
    const code = await app.next();
    await getSessionToken('twice', app, code);
    await rejectsWith(getSessionToken('twice', app, code), 'AccessDenied', INVALID_CODE);
    expect(await failures(app)).toBe(1);
    const refused = auditEvents().filter((e) => e['eventName'] === 'MFAAuthentication' && serialOf(e) === app.serial && e['errorCode'] !== undefined);
    expect(refused.map((e) => (e['additionalEventData'] as { reason: string }).reason)).toEqual(['reused']);
  });

  it('a code from more than window steps away → AccessDenied; the failure is counted', async () => {
    const app = await enrol('far');
    const now = stepNow();
    for (const step of [now + WINDOW + 2, now - WINDOW - 2]) {
      await rejectsWith(getSessionToken('far', app, await codeOfStep(app.seedBase32, step)), 'AccessDenied', INVALID_CODE);
    }
    expect(await failures(app)).toBe(2);
    // A code inside the window still works (and resets the count).
    await getSessionToken('far', app, await app.next());
    expect(await failures(app)).toBe(0);
  });

  it('brute force (many wrong codes) → lockout after maxFailures, with an audit event; even the right code fails while locked', async () => {
    const app = await enrol('brute');
    const right = await app.next();
    for (let i = 0; i < MAX_FAILURES; i++) await rejectsWith(getSessionToken('brute', app, otherCode(right)), 'AccessDenied', INVALID_CODE);
    await rejectsWith(getSessionToken('brute', app, right), 'AccessDenied', LOCKED);
    const lockouts = auditEvents().filter((e) => e['eventName'] === 'MFADeviceLockout' && serialOf(e) === app.serial);
    expect(lockouts).toHaveLength(1);
    expect(lockouts[0]!['additionalEventData']).toMatchObject({ maxFailures: MAX_FAILURES, lockoutSeconds: 300 });
    expect(Date.parse((lockouts[0]!['additionalEventData'] as { lockedUntil: string }).lockedUntil)).toBeGreaterThan(Date.now() + 200_000);
    // The metrics endpoint counts the failures too.
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toMatch(/fedbroker_mfa_failures_total\{reason="locked"\} [1-9]/);
  });

  it('brute force is also rate-limited per IP (Throttling), before any code is checked', async () => {
    const limited = await startBroker({ store: 'memory:', limits: { requestsPerMinutePerIp: 5 }, users: [user('throttled', accessKey('throttled'), [TV_M10])] });
    try {
      const sts = stsClient(limited.url, lt('throttled'));
      const attempt = () => sts.send(new GetSessionTokenCommand({ SerialNumber: 'arn:aws:iam::123456789012:mfa/throttled', TokenCode: '000000' }));
      for (let i = 0; i < 5; i++) await rejectsWith(attempt(), 'AccessDenied');
      await rejectsWith(attempt(), 'Throttling', 'Rate exceeded');
    } finally {
      await limited.close();
    }
  });

  it('enable with two non-consecutive, identical or stale codes → rejected; the device stays as it was', async () => {
    const app = await createDevice('enable');
    const iam = iamClient(b.url, lt('enable'));
    const s = stepNow();
    const code = (step: number) => codeOfStep(app.seedBase32, step);
    for (const [c1, c2] of [
      [await code(s - 1), await code(s + 1)], // not consecutive
      [await code(s), await code(s)], // identical
      [await code(s), await code(s - 1)], // reversed
      [await code(s - 5), await code(s - 4)], // consecutive but outside the window
    ] as const) {
      await rejectsWith(
        iam.send(new EnableMFADeviceCommand({ UserName: 'enable', SerialNumber: app.serial, AuthenticationCode1: c1, AuthenticationCode2: c2 })),
        'InvalidAuthenticationCodeException',
        'Authentication code for device is not valid.',
      );
    }
    expect((await iam.send(new ListMFADevicesCommand({}))).MFADevices).toEqual([]);
    const unassigned = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned' }));
    expect(unassigned.VirtualMFADevices?.map((d) => d.SerialNumber)).toContain(app.serial);
    expect(await b.broker.mfa.get(app.serial)).toMatchObject({ enabled: false, owner: null, lastUsedStep: 0, failures: 0 });
    // Nothing was burned: the right pair still enables it.
    const [c1, c2] = await app.pair();
    await iam.send(new EnableMFADeviceCommand({ UserName: 'enable', SerialNumber: app.serial, AuthenticationCode1: c1, AuthenticationCode2: c2 }));
    expect((await iam.send(new ListMFADevicesCommand({}))).MFADevices?.map((d) => d.SerialNumber)).toEqual([app.serial]);
  });

  it('resync with two non-consecutive or identical codes → rejected; the device stays as it was', async () => {
    const app = await enrol('resync');
    const iam = iamClient(b.url, lt('resync'));
    const before = await b.broker.mfa.get(app.serial);
    const s = app.lastStep;
    const code = (step: number) => codeOfStep(app.seedBase32, step);
    for (const [c1, c2] of [
      [await code(s + 1), await code(s + 3)],
      [await code(s + 1), await code(s + 1)],
      [await code(s - 1), await code(s)], // already used by the enablement
    ] as const) {
      await rejectsWith(
        iam.send(new ResyncMFADeviceCommand({ UserName: 'resync', SerialNumber: app.serial, AuthenticationCode1: c1, AuthenticationCode2: c2 })),
        'InvalidAuthenticationCodeException',
        'Authentication code for device is not valid.',
      );
    }
    expect(await b.broker.mfa.get(app.serial)).toEqual(before);
    // Still enabled, and the code a successful resync would have burned still verifies.
    await getSessionToken('resync', app, await app.next());
    // A real resync works and unlocks nothing it should not: the device stays enabled for its user.
    const [c1, c2] = await app.pair(10);
    await iam.send(new ResyncMFADeviceCommand({ UserName: 'resync', SerialNumber: app.serial, AuthenticationCode1: c1, AuthenticationCode2: c2 }));
    expect((await iam.send(new ListMFADevicesCommand({}))).MFADevices?.map((d) => d.SerialNumber)).toEqual([app.serial]);
  });

  it('no seed, code or session secret is written to the audit file', async () => {
    const text = readFileSync(join(b.dir, 'data/audit.jsonl'), 'utf8');
    // As JSON keys: no such parameter or response element is ever logged.
    expect(text).not.toMatch(/"(tokenCode|authenticationCode[12]|base32StringSeed|qrCodePNG|secretAccessKey|sessionToken)"/i);
    expect(seeds.length).toBeGreaterThan(0);
    for (const seed of seeds) expect(text).not.toContain(seed);
  });
});
