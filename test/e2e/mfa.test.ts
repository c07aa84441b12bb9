/**
 * MFA end to end, with real clients only: @aws-sdk/client-iam and client-sts (and the AWS CLI v2 when
 * installed) signed with users' long-term keys from the configuration, against a running broker.
 * Codes come from the returned seed, computed by otplib as an authenticator app would.
 *
 * The guide's self-service policies are configured exactly as written (seed-digest TV-M9 Force_MFA,
 * TV-M10, TV-M11) and the MultiFactorAuthAge examples (TV-M6, TV-M8) with IAM actions standing in for
 * the EC2 ones, then exercised with long-term keys, GetSessionToken credentials with and without MFA,
 * and role sessions.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateVirtualMFADeviceCommand,
  DeactivateMFADeviceCommand,
  DeleteVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  ListMFADevicesCommand,
  ListVirtualMFADevicesCommand,
  ResyncMFADeviceCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import {
  accessKey,
  Authenticator,
  iamClient,
  keysOf,
  rejectsWith,
  seedPolicy,
  signedQuery,
  stsClient,
  temporary,
  TV_M10,
  TV_M9,
  tvM11,
  user,
  type Keys,
} from '../helpers/iamSts.js';

const run = promisify(execFile);
const WINDOW = 2;
const ARN = (resource: string) => `arn:aws:iam::${TEST_ACCOUNT}:${resource}`;

/** An administrator of other users' devices: iam:*MFADevice on every user and device. */
const MFA_ADMIN = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['iam:*MFADevice', 'iam:CreateVirtualMFADevice', 'iam:DeleteVirtualMFADevice', 'iam:List*MFADevices'], Resource: '*' },
    { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ARN('role/DeviceAuditor') },
  ],
};

/**
 * TV-M6 (G4409–G4421) with iam:ListVirtualMFADevices standing in for ec2:*, and its `…IfExists`
 * variant (G4407) with iam:ListMFADevices.
 */
const TV_M6_IAM = seedPolicy('TV-M6', { '"ec2:*"': '"iam:ListVirtualMFADevices"' });
const TV_M6_IF_EXISTS_IAM = seedPolicy('TV-M6', { '"ec2:*"': '"iam:ListMFADevices"', NumericLessThan: 'NumericLessThanIfExists' });

/**
 * TV-M8 (G4476–G4516) with iam:List* for ec2:* and iam:ListVirtualMFADevices for Stop/TerminateInstances;
 * `ageLimit` is the guide's 3600, or a few seconds to watch the window close.
 */
const tvM8Iam = (ageLimit: string) =>
  seedPolicy('TV-M8', { '"ec2:*"': '"iam:List*"', '"ec2:StopInstances", "ec2:TerminateInstances"': '"iam:ListVirtualMFADevices"', '"3600"': `"${ageLimit}"` });

type UserName = 'alice' | 'bob' | 'carol' | 'admin' | 'dave' | 'erin' | 'frank' | 'gina' | 'hank' | 'ivan' | 'judy';

let b: StartedBroker;

const lt = (name: UserName): Keys => keysOf(accessKey(name));
const iam = (credentials: Keys) => iamClient(b.url, credentials);
const sts = (credentials: Keys) => stsClient(b.url, credentials);

/** Creates `name` (signed by `creator`) and returns the app holding its seed. */
async function createDevice(creator: Keys, name: string): Promise<Authenticator> {
  const out = await iam(creator).send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name }));
  return Authenticator.fromDevice(out.VirtualMFADevice, WINDOW);
}

async function enable(signer: Keys, userName: string, app: Authenticator): Promise<void> {
  const [c1, c2] = await app.pair();
  await iam(signer).send(new EnableMFADeviceCommand({ UserName: userName, SerialNumber: app.serial, AuthenticationCode1: c1, AuthenticationCode2: c2 }));
}

/** A user who creates and enables their own device `name` with long-term keys. */
async function enrolSelf(name: UserName): Promise<Authenticator> {
  const app = await createDevice(lt(name), name);
  await enable(lt(name), name, app);
  return app;
}

/** GetSessionToken with MFA for a user enrolled with `app`. */
async function mfaSession(name: UserName, app: Authenticator, durationSeconds = 900): Promise<Keys> {
  const out = await sts(lt(name)).send(new GetSessionTokenCommand({ SerialNumber: app.serial, TokenCode: await app.next(), DurationSeconds: durationSeconds }));
  return temporary(out.Credentials);
}

function auditEvents(): Array<Record<string, unknown>> {
  return readFileSync(join(b.dir, 'data/audit.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(async () => {
  b = await startBroker({
    mfa: { window: WINDOW },
    users: [
      user('alice', accessKey('alice'), [TV_M9]),
      user('bob', accessKey('bob'), [TV_M10]),
      user('carol', accessKey('carol'), [tvM11(TEST_ACCOUNT)]),
      user('admin', accessKey('admin'), [MFA_ADMIN]),
      user('dave', accessKey('dave')),
      user('erin', accessKey('erin'), [TV_M6_IAM, TV_M6_IF_EXISTS_IAM]),
      user('frank', accessKey('frank'), [tvM8Iam('3600')]),
      user('gina', accessKey('gina'), [TV_M9]),
      user('hank', accessKey('hank'), [TV_M9]),
      user('ivan', accessKey('ivan'), [tvM8Iam('2')]),
      user('judy', accessKey('judy'), [TV_M9]),
    ],
    roles: [
      {
        name: 'DeviceAuditor',
        trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: TEST_ACCOUNT }, Action: 'sts:AssumeRole' }] },
        inlinePolicies: [tvM8Iam('3600')],
      },
    ],
  });
}, 60_000);

afterAll(async () => {
  await b?.close();
});

describe('MFA enrolment and GetSessionToken through the AWS SDK v3', () => {
  it('CreateVirtualMFADevice → EnableMFADevice → GetSessionToken with MFA → credentials of the user, with MFA present', async () => {
    const created = await iam(lt('alice')).send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'alice' }));
    const device = created.VirtualMFADevice!;
    expect(device.SerialNumber).toBe(ARN('mfa/alice'));
    // QRCodePNG is a blob of PNG bytes; Base32StringSeed a blob of the base32 text (decoded by the SDK).
    expect(Buffer.from(device.QRCodePNG!).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const app = Authenticator.fromDevice(device, WINDOW);

    await enable(lt('alice'), 'alice', app);
    const listed = await iam(lt('alice')).send(new ListMFADevicesCommand({}));
    expect(listed.MFADevices).toHaveLength(1);
    expect(listed.MFADevices![0]).toMatchObject({ UserName: 'alice', SerialNumber: ARN('mfa/alice') });
    expect(listed.MFADevices![0]!.EnableDate).toBeInstanceOf(Date);
    expect(Math.abs(listed.MFADevices![0]!.EnableDate!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(listed.IsTruncated).toBe(false);

    // TV-M9: no deactivation with long-term keys (explicit deny: not in the NotAction list).
    await rejectsWith(
      iam(lt('alice')).send(new DeactivateMFADeviceCommand({ UserName: 'alice', SerialNumber: app.serial })),
      'AccessDenied',
      'is not authorized to perform: iam:DeactivateMFADevice on resource: arn:aws:iam::123456789012:user/alice with an explicit deny',
    );

    const credentials = await mfaSession('alice', app);
    const who = await sts(credentials).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(ARN('user/alice'));
    expect(who.Account).toBe(TEST_ACCOUNT);
    expect(who.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);

    // aws:MultiFactorAuthPresent is true for these credentials: TV-M9's Bool condition now allows it.
    await iam(credentials).send(new DeactivateMFADeviceCommand({ UserName: 'alice', SerialNumber: app.serial }));
    expect((await iam(lt('alice')).send(new ListMFADevicesCommand({}))).MFADevices).toEqual([]);
    await iam(lt('alice')).send(new DeleteVirtualMFADeviceCommand({ SerialNumber: app.serial }));
    await rejectsWith(iam(lt('alice')).send(new DeleteVirtualMFADeviceCommand({ SerialNumber: app.serial })), 'NoSuchEntityException');

    // The MFA core wrote the lifecycle events (once each), naming the caller; no seed anywhere.
    const events = auditEvents().filter((e) => (e['requestParameters'] as { serialNumber?: string } | null)?.serialNumber === app.serial);
    const names = events.filter((e) => e['errorCode'] === undefined).map((e) => e['eventName']);
    expect(names).toEqual(['CreateVirtualMFADevice', 'EnableMFADevice', 'MFAAuthentication', 'GetSessionToken', 'DeactivateMFADevice', 'DeleteVirtualMFADevice']);
    const enableEvent = events.find((e) => e['eventName'] === 'EnableMFADevice')!;
    // The refused deactivation with long-term keys is one failure event, written by the protocol layer.
    const refused = events.filter((e) => e['eventName'] === 'DeactivateMFADevice' && e['errorCode'] !== undefined);
    expect(refused.map((e) => e['errorCode'])).toEqual(['AccessDenied']);
    expect(enableEvent['userIdentity']).toMatchObject({ type: 'IAMUser', arn: ARN('user/alice'), userName: 'alice' });
    const deactivateEvent = events.find((e) => e['eventName'] === 'DeactivateMFADevice' && e['errorCode'] === undefined)!;
    expect(deactivateEvent['userIdentity']).toMatchObject({ type: 'IAMUser', sessionContext: { attributes: { mfaAuthenticated: 'true' } } });
    expect(readFileSync(join(b.dir, 'data/audit.jsonl'), 'utf8')).not.toContain(app.seedBase32);
  });

  it('answers in the IAM namespace: Base32StringSeed is base64 of the base32 text on the wire, errors are IAM ErrorResponses', async () => {
    const created = await signedQuery(b.url, lt('admin'), { Action: 'CreateVirtualMFADevice', Version: '2010-05-08', VirtualMFADeviceName: 'wire-check' });
    expect(created.status).toBe(200);
    expect(created.contentType).toBe('text/xml');
    expect(created.body).toMatch(/^<CreateVirtualMFADeviceResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><CreateVirtualMFADeviceResult><VirtualMFADevice>/);
    const seed = /<Base32StringSeed>([^<]+)<\/Base32StringSeed>/.exec(created.body)![1]!;
    expect(Buffer.from(seed, 'base64').toString('ascii')).toMatch(/^[A-Z2-7]{32}$/);
    const png = /<QRCodePNG>([^<]+)<\/QRCodePNG>/.exec(created.body)![1]!;
    expect(Buffer.from(png, 'base64').subarray(1, 4).toString('ascii')).toBe('PNG');

    const missing = await signedQuery(b.url, lt('admin'), { Action: 'EnableMFADevice', Version: '2010-05-08', UserName: 'nobody', SerialNumber: ARN('mfa/wire-check'), AuthenticationCode1: '123456', AuthenticationCode2: '654321' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatch(/^<ErrorResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>NoSuchEntity<\/Code><Message>The user with name nobody cannot be found\.<\/Message>/);
    // The codes are never echoed, not even in a validation message.
    const invalid = await signedQuery(b.url, lt('admin'), { Action: 'EnableMFADevice', Version: '2010-05-08', UserName: 'dave', SerialNumber: ARN('mfa/wire-check'), AuthenticationCode1: '12345', AuthenticationCode2: '98765x' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toContain('<Code>ValidationError</Code>');
    expect(invalid.body).toContain('2 validation errors detected: Value at &apos;authenticationCode1&apos; failed to satisfy constraint: Member must have length greater than or equal to 6');
    expect(invalid.body).not.toContain('12345');
    expect(invalid.body).not.toContain('98765x');
    await iam(lt('admin')).send(new DeleteVirtualMFADeviceCommand({ SerialNumber: ARN('mfa/wire-check') }));
  });
});

describe('the guide\'s self-service MFA policies, as written, against real sessions', () => {
  it('TV-M9 Force_MFA: own device with long-term keys; deactivation only with MFA; never another user\'s device', async () => {
    // Another user's device, enabled by an administrator (allowed by MFA_ADMIN on other users).
    const daves = await createDevice(lt('admin'), 'dave');
    await enable(lt('admin'), 'dave', daves);

    await rejectsWith(iam(lt('judy')).send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'dave2' })), 'AccessDenied', 'iam:CreateVirtualMFADevice on resource: arn:aws:iam::123456789012:mfa/dave2');
    const app = await enrolSelf('judy');
    await rejectsWith(iam(lt('judy')).send(new ListMFADevicesCommand({ UserName: 'dave' })), 'AccessDenied');
    await rejectsWith(iam(lt('judy')).send(new DeactivateMFADeviceCommand({ UserName: 'judy', SerialNumber: app.serial })), 'AccessDenied', 'with an explicit deny');

    const mfa = await mfaSession('judy', app);
    for (const attempt of [
      iam(mfa).send(new DeactivateMFADeviceCommand({ UserName: 'dave', SerialNumber: daves.serial })),
      iam(mfa).send(new ListMFADevicesCommand({ UserName: 'dave' })),
      iam(mfa).send(new ResyncMFADeviceCommand({ UserName: 'dave', SerialNumber: daves.serial, AuthenticationCode1: '123456', AuthenticationCode2: '234567' })),
      iam(mfa).send(new DeleteVirtualMFADeviceCommand({ SerialNumber: daves.serial })),
    ]) {
      await rejectsWith(attempt, 'AccessDenied', 'because no identity-based policy allows');
    }
    // Dave's device is still enabled for him.
    expect((await iam(lt('admin')).send(new ListMFADevicesCommand({ UserName: 'dave' }))).MFADevices?.map((d) => d.SerialNumber)).toEqual([daves.serial]);

    // And judy's own device can go, with MFA.
    await iam(mfa).send(new DeactivateMFADeviceCommand({ UserName: 'judy', SerialNumber: app.serial }));
  });

  it('TV-M10: enable own device with long-term keys; deactivate only with MFA (implicit deny without); no device named for another user', async () => {
    await rejectsWith(iam(lt('bob')).send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'alice' })), 'AccessDenied', 'because no identity-based policy allows the iam:CreateVirtualMFADevice action');
    const app = await enrolSelf('bob');
    await rejectsWith(iam(lt('bob')).send(new DeactivateMFADeviceCommand({ UserName: 'bob', SerialNumber: app.serial })), 'AccessDenied', 'because no identity-based policy allows');
    const mfa = await mfaSession('bob', app);
    await iam(mfa).send(new DeactivateMFADeviceCommand({ UserName: 'bob', SerialNumber: app.serial }));
    expect((await iam(lt('bob')).send(new ListMFADevicesCommand({ UserName: 'bob' }))).MFADevices).toEqual([]);
  });

  it('TV-M11: deleting one\'s own device needs no MFA, but an enabled device answers DeleteConflict until deactivated with MFA', async () => {
    const app = await enrolSelf('carol');
    const conflict = await rejectsWith(iam(lt('carol')).send(new DeleteVirtualMFADeviceCommand({ SerialNumber: app.serial })), 'DeleteConflictException');
    expect(conflict.$metadata?.httpStatusCode).toBe(409);
    await rejectsWith(iam(lt('carol')).send(new DeactivateMFADeviceCommand({ UserName: 'carol', SerialNumber: app.serial })), 'AccessDenied');
    await iam(await mfaSession('carol', app)).send(new DeactivateMFADeviceCommand({ UserName: 'carol', SerialNumber: app.serial }));
    await iam(lt('carol')).send(new DeleteVirtualMFADeviceCommand({ SerialNumber: app.serial }));
    const all = await iam(lt('carol')).send(new ListVirtualMFADevicesCommand({}));
    expect(all.VirtualMFADevices?.map((d) => d.SerialNumber)).not.toContain(app.serial);
  });

  it('TV-M6: a NumericLessThan aws:MultiFactorAuthAge condition fails for long-term keys (key absent); its …IfExists variant passes', async () => {
    await rejectsWith(iam(lt('erin')).send(new ListVirtualMFADevicesCommand({})), 'AccessDenied', 'because no identity-based policy allows the iam:ListVirtualMFADevices action');
    await iam(lt('erin')).send(new ListMFADevicesCommand({ UserName: 'erin' }));
    // With MFA(few seconds): both allowed. Erin's device is enrolled by the administrator.
    const app = await createDevice(lt('admin'), 'erin');
    await enable(lt('admin'), 'erin', app);
    const mfa = await mfaSession('erin', app);
    await iam(mfa).send(new ListVirtualMFADevicesCommand({}));
    await iam(mfa).send(new ListMFADevicesCommand({ UserName: 'erin' }));
  });

  it('TV-M8: long-term keys and sessions without MFA are denied explicitly (BoolIfExists); fresh MFA is allowed; other actions always', async () => {
    await rejectsWith(iam(lt('frank')).send(new ListVirtualMFADevicesCommand({})), 'AccessDenied', 'with an explicit deny');
    await iam(lt('frank')).send(new ListMFADevicesCommand({ UserName: 'frank' }));

    // A role session without MFA: aws:MultiFactorAuthPresent is present and false → explicit deny.
    const role = await sts(lt('admin')).send(new AssumeRoleCommand({ RoleArn: ARN('role/DeviceAuditor'), RoleSessionName: 'no-mfa' }));
    await rejectsWith(iam(temporary(role.Credentials)).send(new ListVirtualMFADevicesCommand({})), 'AccessDenied', 'with an explicit deny');
    await iam(temporary(role.Credentials)).send(new ListMFADevicesCommand({ UserName: 'frank' }));

    const app = await createDevice(lt('admin'), 'frank');
    await enable(lt('admin'), 'frank', app);
    const mfa = await mfaSession('frank', app);
    const listed = await iam(mfa).send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned' }));
    expect(listed.VirtualMFADevices?.find((d) => d.SerialNumber === app.serial)?.User?.UserName).toBe('frank');
  });

  it('TV-M8 with a short age limit: the same MFA credentials are denied once aws:MultiFactorAuthAge exceeds it', async () => {
    const app = await createDevice(lt('admin'), 'ivan');
    await enable(lt('admin'), 'ivan', app);
    const before = Math.floor(Date.now() / 1000);
    const mfa = await mfaSession('ivan', app);
    await iam(mfa).send(new ListVirtualMFADevicesCommand({}));
    // NumericGreaterThanIfExists 2: wait (the only way to age real credentials) until the age is at least 3 s.
    await new Promise((resolve) => setTimeout(resolve, (before + 4) * 1000 - Date.now()));
    await rejectsWith(iam(mfa).send(new ListVirtualMFADevicesCommand({})), 'AccessDenied', 'with an explicit deny');
    await iam(mfa).send(new ListMFADevicesCommand({ UserName: 'ivan' }));
  });
});

describe('who may call the IAM MFA actions', () => {
  it('GetSessionToken credentials without MFA cannot call IAM (G9664), even what the policy allows to long-term keys', async () => {
    await iam(lt('hank')).send(new ListMFADevicesCommand({}));
    const plain = temporary((await sts(lt('hank')).send(new GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials);
    await rejectsWith(iam(plain).send(new ListMFADevicesCommand({})), 'AccessDenied', 'credentials from GetSessionToken can call IAM APIs only when they were requested with MFA');
    await rejectsWith(iam(plain).send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'hank' })), 'AccessDenied');
    // But they still work for STS GetCallerIdentity.
    expect((await sts(plain).send(new GetCallerIdentityCommand({}))).Arn).toBe(ARN('user/hank'));
  });

  it('role sessions call IAM as their role policies allow', async () => {
    const role = await sts(lt('admin')).send(new AssumeRoleCommand({ RoleArn: ARN('role/DeviceAuditor'), RoleSessionName: 'auditor' }));
    const session = temporary(role.Credentials);
    await iam(session).send(new ListMFADevicesCommand({ UserName: 'dave' }));
    // A role session is no IAM user: ListMFADevices needs a UserName.
    await rejectsWith(iam(session).send(new ListMFADevicesCommand({})), 'ValidationError', 'Must specify userName when calling with non-User credentials');
    await rejectsWith(iam(session).send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'auditor' })), 'AccessDenied', 'assumed-role/DeviceAuditor/auditor is not authorized');
  });

  it('no implicit grant: a user without a policy cannot even create their own device', async () => {
    await rejectsWith(iam(lt('dave')).send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'dave-own' })), 'AccessDenied');
    await rejectsWith(iam(lt('dave')).send(new ListMFADevicesCommand({})), 'AccessDenied');
  });

  it('an administrator manages other users\' devices when a policy grants iam:*MFADevice on them', async () => {
    const app = await createDevice(lt('admin'), 'gina-by-admin');
    await enable(lt('admin'), 'gina', app);
    const [c1, c2] = await app.pair();
    await iam(lt('admin')).send(new ResyncMFADeviceCommand({ UserName: 'gina', SerialNumber: app.serial, AuthenticationCode1: c1, AuthenticationCode2: c2 }));
    expect((await iam(lt('admin')).send(new ListMFADevicesCommand({ UserName: 'gina' }))).MFADevices?.[0]?.SerialNumber).toBe(app.serial);
    await iam(lt('admin')).send(new DeactivateMFADeviceCommand({ UserName: 'gina', SerialNumber: app.serial }));
    await iam(lt('admin')).send(new DeleteVirtualMFADeviceCommand({ SerialNumber: app.serial }));
  });
});

describe('a one-time code is spent only by a request that could succeed', () => {
  it('AssumeRole with a code and a bad DurationSeconds or Policy is refused without spending the code; the corrected retry uses it', async () => {
    const app = await createDevice(lt('admin'), 'admin-own');
    await enable(lt('admin'), 'admin', app);
    const code = await app.next();
    const assume = (extra: Record<string, unknown>) =>
      sts(lt('admin')).send(new AssumeRoleCommand({ RoleArn: ARN('role/DeviceAuditor'), RoleSessionName: 'retry', SerialNumber: app.serial, TokenCode: code, ...extra }));
    await rejectsWith(assume({ DurationSeconds: 10_800 }), 'ValidationError', /exceeds the MaxSessionDuration/);
    await rejectsWith(assume({ Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}' }), 'MalformedPolicyDocumentException');
    const ok = await assume({});
    expect(ok.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    // …and then it is spent.
    await rejectsWith(assume({}), 'AccessDenied', /MultiFactorAuthentication failed/);
    await iam(lt('admin')).send(new DeactivateMFADeviceCommand({ UserName: 'admin', SerialNumber: app.serial }));
    await iam(lt('admin')).send(new DeleteVirtualMFADeviceCommand({ SerialNumber: app.serial }));
  });
});

describe('IAM error codes', () => {
  it('NoSuchEntity, EntityAlreadyExists, LimitExceeded, DeleteConflict, ValidationError, InvalidAuthenticationCode', async () => {
    const admin = iam(lt('admin'));
    const app = await createDevice(lt('admin'), 'errors-1');
    const unknownUser = await rejectsWith(admin.send(new EnableMFADeviceCommand({ UserName: 'nobody', SerialNumber: app.serial, AuthenticationCode1: '111111', AuthenticationCode2: '222222' })), 'NoSuchEntityException', 'The user with name nobody cannot be found.');
    expect(unknownUser.$metadata?.httpStatusCode).toBe(404);
    await rejectsWith(admin.send(new EnableMFADeviceCommand({ UserName: 'hank', SerialNumber: ARN('mfa/does-not-exist'), AuthenticationCode1: '111111', AuthenticationCode2: '222222' })), 'NoSuchEntityException', 'MFA Device with serial number arn:aws:iam::123456789012:mfa/does-not-exist does not exist.');
    const duplicate = await rejectsWith(admin.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'errors-1' })), 'EntityAlreadyExistsException');
    expect(duplicate.$metadata?.httpStatusCode).toBe(409);
    const badCodes = await rejectsWith(admin.send(new EnableMFADeviceCommand({ UserName: 'hank', SerialNumber: app.serial, AuthenticationCode1: '111111', AuthenticationCode2: '222222' })), 'InvalidAuthenticationCodeException', 'Authentication code for device is not valid.');
    expect(badCodes.$metadata?.httpStatusCode).toBe(403);

    await enable(lt('admin'), 'hank', app);
    await rejectsWith(admin.send(new EnableMFADeviceCommand({ UserName: 'hank', SerialNumber: app.serial, ...(await codes(app)) })), 'EntityAlreadyExistsException', 'MFA Device is already in use.');
    const second = await createDevice(lt('admin'), 'errors-2');
    const limit = await rejectsWith(admin.send(new EnableMFADeviceCommand({ UserName: 'hank', SerialNumber: second.serial, ...(await codes(second)) })), 'LimitExceededException');
    expect(limit.$metadata?.httpStatusCode).toBe(409);
    await rejectsWith(admin.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: app.serial })), 'DeleteConflictException', 'MFA Device is in use. Deactivate it before deleting it.');
    await rejectsWith(admin.send(new DeactivateMFADeviceCommand({ UserName: 'dave', SerialNumber: app.serial })), 'NoSuchEntityException', 'is not enabled for this user');

    await rejectsWith(admin.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'bad name' })), 'ValidationError', "at 'virtualMFADeviceName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+");
    await rejectsWith(admin.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'x', Path: 'no-slashes' })), 'ValidationError', "at 'path'");
    await rejectsWith(admin.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Maybe' as 'Any' })), 'ValidationError', 'Member must satisfy enum value set: [Any, Assigned, Unassigned]');

    // A path puts the device under it: mfa/team/NAME.
    const pathed = await admin.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'errors-3', Path: '/team/' }));
    expect(pathed.VirtualMFADevice?.SerialNumber).toBe(ARN('mfa/team/errors-3'));

    const unassigned = await admin.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned' }));
    const serials = unassigned.VirtualMFADevices!.map((d) => d.SerialNumber);
    expect(serials).toEqual(expect.arrayContaining([second.serial, ARN('mfa/team/errors-3')]));
    expect(serials).not.toContain(app.serial);
    const page = await admin.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned', MaxItems: 1 }));
    expect(page.VirtualMFADevices).toHaveLength(1);
    expect(page.IsTruncated).toBe(true);
    const rest = await admin.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned', Marker: page.Marker! }));
    expect([...page.VirtualMFADevices!, ...rest.VirtualMFADevices!].map((d) => d.SerialNumber)).toEqual(serials);
  });
});

async function codes(app: Authenticator): Promise<{ AuthenticationCode1: string; AuthenticationCode2: string }> {
  const [AuthenticationCode1, AuthenticationCode2] = await app.pair();
  return { AuthenticationCode1, AuthenticationCode2 };
}

describe('restart persistence (SQLite)', () => {
  it('a device enrolled before a restart verifies the next code after it; the code used before stays refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedbroker-mfa-restart-'));
    const config = { mfa: { window: WINDOW }, users: [user('kate', accessKey('kate'), [TV_M9])] };
    const kate = keysOf(accessKey('kate'));
    try {
      let broker = await startBroker(config, { dir });
      const created = await iamClient(broker.url, kate).send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'kate' }));
      const app = Authenticator.fromDevice(created.VirtualMFADevice, WINDOW);
      const [c1, c2] = await app.pair();
      await iamClient(broker.url, kate).send(new EnableMFADeviceCommand({ UserName: 'kate', SerialNumber: app.serial, AuthenticationCode1: c1, AuthenticationCode2: c2 }));
      const used = await app.next();
      await stsClient(broker.url, kate).send(new GetSessionTokenCommand({ SerialNumber: app.serial, TokenCode: used }));
      await broker.close();

      broker = await startBroker(config, { dir });
      try {
        await rejectsWith(stsClient(broker.url, kate).send(new GetSessionTokenCommand({ SerialNumber: app.serial, TokenCode: used })), 'AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code.');
        const out = await stsClient(broker.url, kate).send(new GetSessionTokenCommand({ SerialNumber: app.serial, TokenCode: await app.next() }));
        expect((await stsClient(broker.url, temporary(out.Credentials)).send(new GetCallerIdentityCommand({}))).Arn).toBe(ARN('user/kate'));
        expect((await iamClient(broker.url, kate).send(new ListMFADevicesCommand({}))).MFADevices?.[0]?.SerialNumber).toBe(app.serial);
      } finally {
        await broker.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const AWS_CLI = '/usr/bin/aws';

describe.skipIf(!existsSync(AWS_CLI))('the AWS CLI v2 (/usr/bin/aws), exactly as an operator types it', () => {
  it('aws iam create-virtual-mfa-device / enable-mfa-device, aws sts get-session-token / get-caller-identity', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fedbroker-awscli-'));
    const empty = join(home, 'empty');
    writeFileSync(empty, '');
    const env = (credentials: Keys) => ({
      PATH: '/usr/bin:/bin',
      HOME: home,
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_CONFIG_FILE: empty,
      AWS_SHARED_CREDENTIALS_FILE: empty,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      ...(credentials.sessionToken !== undefined ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    });
    const aws = async (credentials: Keys, ...args: string[]) => {
      const { stdout } = await run(AWS_CLI, [...args, '--endpoint-url', b.url, '--output', 'json'], { env: env(credentials), cwd: home });
      return stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, unknown>);
    };
    try {
      const seedFile = join(home, 'seed.txt');
      const created = await aws(lt('gina'), 'iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'gina', '--outfile', seedFile, '--bootstrap-method', 'Base32StringSeed');
      const serial = (created['VirtualMFADevice'] as { SerialNumber: string }).SerialNumber;
      expect(serial).toBe(ARN('mfa/gina'));
      const app = new Authenticator(serial, readFileSync(seedFile, 'ascii').trim(), WINDOW);
      expect(app.seedBase32).toMatch(/^[A-Z2-7]{32}$/);

      const [c1, c2] = await app.pair();
      await aws(lt('gina'), 'iam', 'enable-mfa-device', '--user-name', 'gina', '--serial-number', serial, '--authentication-code1', c1, '--authentication-code2', c2);

      const session = await aws(lt('gina'), 'sts', 'get-session-token', '--serial-number', serial, '--token-code', await app.next(), '--duration-seconds', '900');
      const c = session['Credentials'] as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string };
      expect(c.AccessKeyId).toMatch(/^ASIA/);
      const mfa = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
      expect((await aws(mfa, 'sts', 'get-caller-identity'))['Arn']).toBe(ARN('user/gina'));
      // Listing and deactivating with the MFA session (TV-M9 needs MFA for the latter).
      expect(((await aws(mfa, 'iam', 'list-mfa-devices'))['MFADevices'] as Array<{ SerialNumber: string }>)[0]?.SerialNumber).toBe(serial);
      await aws(mfa, 'iam', 'deactivate-mfa-device', '--user-name', 'gina', '--serial-number', serial);
      await aws(lt('gina'), 'iam', 'delete-virtual-mfa-device', '--serial-number', serial);

      // The QR code bootstrap writes the PNG bytes.
      const qrFile = join(home, 'qr.png');
      await aws(lt('gina'), 'iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'gina', '--outfile', qrFile, '--bootstrap-method', 'QRCodePNG');
      expect(readFileSync(qrFile).subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      await aws(lt('gina'), 'iam', 'delete-virtual-mfa-device', '--serial-number', serial);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});
