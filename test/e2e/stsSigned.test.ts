/**
 * The signed STS actions end to end with @aws-sdk/client-sts (and client-iam where a permission check
 * needs an IAM call), signed with configured users' long-term keys and with the temporary credentials
 * the broker returns: AssumeRole with MFA (TV-M1/TV-M2), ExternalId (TV-R1), role chaining,
 * GetSessionToken, GetFederationToken and DecodeAuthorizationMessage.
 */
import { CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, ListMFADevicesCommand, ListVirtualMFADevicesCommand } from '@aws-sdk/client-iam';
import {
  AssumeRoleCommand,
  DecodeAuthorizationMessageCommand,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  GetSessionTokenCommand,
} from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAuthorizationMessageText, encodeAuthorizationMessage } from '../../src/actions/decodeAuthorizationMessage.js';
import { startBroker, TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import {
  accessKey,
  Authenticator,
  encodedMessageOf,
  iamClient,
  keysOf,
  otherCode,
  rejectsWith,
  seedPolicy,
  stsClient,
  temporary,
  TV_M10,
  user,
  type Keys,
} from '../helpers/iamSts.js';

const WINDOW = 3;
const ARN = (resource: string) => `arn:aws:iam::${TEST_ACCOUNT}:${resource}`;
const ROLE = (name: string) => ARN(`role/${name}`);

const ASSUME_ANY_ROLE = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Resource: ARN('role/*') }] };
const DECODE = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:DecodeAuthorizationMessage', Resource: '*' }] };
const FEDERATE = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'sts:GetFederationToken', Resource: `arn:aws:sts::${TEST_ACCOUNT}:federated-user/*` },
    { Effect: 'Allow', Action: ['sts:DecodeAuthorizationMessage', 'iam:ListMFADevices'], Resource: '*' },
  ],
};
const trustAccount = (extra: Record<string, unknown> = {}) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: TEST_ACCOUNT }, Action: 'sts:AssumeRole', ...extra }],
});
const trustRole = (roleName: string, extra: Record<string, unknown> = {}) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: ROLE(roleName) }, Action: 'sts:AssumeRole', ...extra }],
});
/** A permission that only an MFA-authenticated session has: proves aws:MultiFactorAuthPresent on role sessions. */
const LIST_DEVICES_WITH_MFA = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iam:ListVirtualMFADevices', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }],
};

let b: StartedBroker;
const lt = (name: string): Keys => keysOf(accessKey(name));
const sts = (credentials: Keys) => stsClient(b.url, credentials);
const iam = (credentials: Keys) => iamClient(b.url, credentials);

/** The user creates and enables their own device (TV-M10 allows it) and gets its authenticator. */
async function enrol(name: string): Promise<Authenticator> {
  const created = await iam(lt(name)).send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name }));
  const app = Authenticator.fromDevice(created.VirtualMFADevice, WINDOW);
  const [c1, c2] = await app.pair();
  await iam(lt(name)).send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: app.serial, AuthenticationCode1: c1, AuthenticationCode2: c2 }));
  return app;
}

beforeAll(async () => {
  b = await startBroker({
    mfa: { window: WINDOW },
    users: [
      user('sam', accessKey('sam'), [ASSUME_ANY_ROLE, DECODE]),
      user('mona', accessKey('mona'), [ASSUME_ANY_ROLE, TV_M10]),
      user('lena', accessKey('lena'), [TV_M10]),
      user('nick', accessKey('nick'), [ASSUME_ANY_ROLE, TV_M10]),
      user('olga', accessKey('olga'), [ASSUME_ANY_ROLE, TV_M10]),
      user('portal', accessKey('portal'), [FEDERATE]),
      user('noperm', accessKey('noperm')),
      user('denied', accessKey('denied'), [
        { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }, { Sid: 'NoChainSource', Effect: 'Deny', Action: 'sts:AssumeRole', Resource: ROLE('ChainSource') }] },
      ]),
    ],
    roles: [
      // TV-M2 (G7340–G7352): the account's users may assume it, with MFA only.
      {
        name: 'MfaRole',
        trustPolicy: seedPolicy('TV-M2'),
        inlinePolicies: [LIST_DEVICES_WITH_MFA],
      },
      // TV-R1 (G7500–G7513), Example Corp's account being this one.
      { name: 'ThirdParty', trustPolicy: seedPolicy('TV-R1', { "Example Corp's AWS Account ID": TEST_ACCOUNT }) },
      // Setting a source identity also needs sts:SetSourceIdentity, in the trust policy and the caller's policy.
      { name: 'ChainSource', maxSessionDuration: 7200, trustPolicy: trustAccount({ Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] }), inlinePolicies: [ASSUME_ANY_ROLE, LIST_DEVICES_WITH_MFA] },
      { name: 'ChainTarget', maxSessionDuration: 7200, trustPolicy: trustRole('ChainSource'), inlinePolicies: [LIST_DEVICES_WITH_MFA] },
      { name: 'ChainTargetRecentMfa', trustPolicy: trustRole('ChainSource', { Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } }) },
    ],
  });
}, 60_000);

afterAll(async () => {
  await b?.close();
});

describe('AssumeRole with MFA (trust policy TV-M2: Bool aws:MultiFactorAuthPresent)', () => {
  it('refused without a code, with a wrong code or a wrong serial; accepted with a valid code, and the session carries MFA', async () => {
    const app = await enrol('mona');
    const base = { RoleArn: ROLE('MfaRole'), RoleSessionName: 'mona' };
    await rejectsWith(sts(lt('mona')).send(new AssumeRoleCommand(base)), 'AccessDenied', 'MfaRole requires multi-factor authentication');
    const code = await app.next();
    await rejectsWith(
      sts(lt('mona')).send(new AssumeRoleCommand({ ...base, SerialNumber: app.serial, TokenCode: otherCode(code) })),
      'AccessDenied',
      'MultiFactorAuthentication failed with invalid MFA one time pass code.',
    );
    await rejectsWith(
      sts(lt('mona')).send(new AssumeRoleCommand({ ...base, SerialNumber: ARN('mfa/someone-else'), TokenCode: code })),
      'AccessDenied',
      'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.',
    );
    const out = await sts(lt('mona')).send(new AssumeRoleCommand({ ...base, SerialNumber: app.serial, TokenCode: code }));
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/MfaRole/mona`);
    const session = temporary(out.Credentials);
    expect((await sts(session).send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/MfaRole/mona`);
    // The role's own policy allows this only with aws:MultiFactorAuthPresent (seed-digest §10 #4: recorded on role sessions).
    await iam(session).send(new ListVirtualMFADevicesCommand({}));
    // The code was used: the same code again is refused.
    await rejectsWith(sts(lt('mona')).send(new AssumeRoleCommand({ ...base, SerialNumber: app.serial, TokenCode: code })), 'AccessDenied', 'invalid MFA one time pass code');
  });

  it('TV-M2: with a valid code, a user whose own policy lacks sts:AssumeRole is still refused (both halves are required)', async () => {
    const app = await enrol('lena');
    await rejectsWith(
      sts(lt('lena')).send(new AssumeRoleCommand({ RoleArn: ROLE('MfaRole'), RoleSessionName: 'lena', SerialNumber: app.serial, TokenCode: await app.next() })),
      'AccessDenied',
      'is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/MfaRole',
    );
  });

  it('GetSessionToken credentials with MFA assume the MFA role without a new code; they cannot call GetSessionToken or GetFederationToken', async () => {
    const app = await enrol('olga');
    const mfa = temporary((await sts(lt('olga')).send(new GetSessionTokenCommand({ SerialNumber: app.serial, TokenCode: await app.next(), DurationSeconds: 900 }))).Credentials);
    const out = await sts(mfa).send(new AssumeRoleCommand({ RoleArn: ROLE('MfaRole'), RoleSessionName: 'olga', DurationSeconds: 3600 }));
    // Never outlives the GetSessionToken credentials (900 s).
    expect(out.Credentials!.Expiration!.getTime() - Date.now()).toBeLessThanOrEqual(900_000);
    await iam(temporary(out.Credentials)).send(new ListVirtualMFADevicesCommand({}));
    await rejectsWith(sts(mfa).send(new GetSessionTokenCommand({})), 'AccessDenied', 'Cannot call GetSessionToken with session credentials');
    await rejectsWith(sts(mfa).send(new GetFederationTokenCommand({ Name: 'olga' })), 'AccessDenied', 'Cannot call GetFederationToken with session credentials');
  });
});

describe('ExternalId (TV-R1: StringEquals sts:ExternalId 12345)', () => {
  it('the right ExternalId is accepted; a wrong or missing one is refused', async () => {
    const base = { RoleArn: ROLE('ThirdParty'), RoleSessionName: 'example-corp' };
    const out = await sts(lt('sam')).send(new AssumeRoleCommand({ ...base, ExternalId: '12345' }));
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/ThirdParty/example-corp`);
    await rejectsWith(sts(lt('sam')).send(new AssumeRoleCommand({ ...base, ExternalId: '67890' })), 'AccessDenied');
    await rejectsWith(sts(lt('sam')).send(new AssumeRoleCommand(base)), 'AccessDenied');
  });
});

describe('role chaining', () => {
  it('capped at one hour, never outlives the source session, SourceIdentity carried and immutable', async () => {
    const source = await sts(lt('sam')).send(
      new AssumeRoleCommand({ RoleArn: ROLE('ChainSource'), RoleSessionName: 'first', DurationSeconds: 900, SourceIdentity: 'sam-laptop' }),
    );
    expect(source.SourceIdentity).toBe('sam-laptop');
    const sourceKeys = temporary(source.Credentials);
    const chain = (extra: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]> = {}) =>
      sts(sourceKeys).send(new AssumeRoleCommand({ RoleArn: ROLE('ChainTarget'), RoleSessionName: 'second', ...extra }));

    await rejectsWith(chain({ DurationSeconds: 3601 }), 'ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    const chained = await chain({ DurationSeconds: 3600 });
    expect(chained.Credentials!.Expiration!.getTime()).toBeLessThanOrEqual(source.Credentials!.Expiration!.getTime());
    expect(chained.SourceIdentity).toBe('sam-laptop');
    expect((await sts(temporary(chained.Credentials)).send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/ChainTarget/second`);

    await rejectsWith(chain({ SourceIdentity: 'someone-else' }), 'AccessDenied', 'SourceIdentity cannot be changed once it is set');
    // A trust policy without sts:SetSourceIdentity refuses a new source identity (ChainTarget, as sam).
    await rejectsWith(
      sts(lt('sam')).send(new AssumeRoleCommand({ RoleArn: ROLE('ChainSource'), RoleSessionName: 'third', SourceIdentity: 'sam-laptop' })).then(() =>
        sts(lt('mona')).send(new AssumeRoleCommand({ RoleArn: ROLE('ThirdParty'), RoleSessionName: 'third', ExternalId: '12345', SourceIdentity: 'mona-laptop' })),
      ),
      'AccessDenied',
      'sts:SetSourceIdentity',
    );
    expect((await chain({ SourceIdentity: 'sam-laptop' })).SourceIdentity).toBe('sam-laptop');

    // A role session chained from a session without MFA has none: the MFA-age trust refuses it.
    await rejectsWith(sts(sourceKeys).send(new AssumeRoleCommand({ RoleArn: ROLE('ChainTargetRecentMfa'), RoleSessionName: 'third' })), 'AccessDenied');
  });

  it('carries aws:MultiFactorAuthPresent and aws:MultiFactorAuthAge from the first session into the chained ones', async () => {
    const app = await enrol('nick');
    const source = await sts(lt('nick')).send(
      new AssumeRoleCommand({ RoleArn: ROLE('ChainSource'), RoleSessionName: 'nick', SerialNumber: app.serial, TokenCode: await app.next() }),
    );
    const sourceKeys = temporary(source.Credentials);
    const recent = await sts(sourceKeys).send(new AssumeRoleCommand({ RoleArn: ROLE('ChainTargetRecentMfa'), RoleSessionName: 'nick-2' }));
    expect(recent.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/ChainTargetRecentMfa/nick-2`);
    const chained = await sts(sourceKeys).send(new AssumeRoleCommand({ RoleArn: ROLE('ChainTarget'), RoleSessionName: 'nick-3' }));
    await iam(temporary(chained.Credentials)).send(new ListVirtualMFADevicesCommand({}));
  });
});

describe('GetFederationToken', () => {
  it('Name → federated-user/NAME; without a session policy the credentials can do nothing, with one they can do what it allows', async () => {
    const bare = await sts(lt('portal')).send(new GetFederationTokenCommand({ Name: 'Jean', DurationSeconds: 900 }));
    expect(bare.FederatedUser).toEqual({ Arn: `arn:aws:sts::${TEST_ACCOUNT}:federated-user/Jean`, FederatedUserId: `${TEST_ACCOUNT}:Jean` });
    expect(bare.PackedPolicySize).toBe(0);
    const bareKeys = temporary(bare.Credentials);
    const who = await sts(bareKeys).send(new GetCallerIdentityCommand({}));
    expect(who).toMatchObject({ Arn: `arn:aws:sts::${TEST_ACCOUNT}:federated-user/Jean`, UserId: `${TEST_ACCOUNT}:Jean`, Account: TEST_ACCOUNT });

    // G9663: such credentials call nothing but GetCallerIdentity, whatever a session policy allows.
    await rejectsWith(sts(bareKeys).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: 'x' })), 'AccessDenied', 'Cannot call DecodeAuthorizationMessage with credentials from GetFederationToken');
    const scoped = await sts(lt('portal')).send(
      new GetFederationTokenCommand({
        Name: 'Jean',
        DurationSeconds: 900,
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:DecodeAuthorizationMessage', Resource: '*' }] }),
      }),
    );
    expect(scoped.PackedPolicySize).toBeGreaterThan(0);
    await rejectsWith(
      sts(temporary(scoped.Credentials)).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: 'x' })),
      'AccessDenied',
      'Cannot call DecodeAuthorizationMessage with credentials from GetFederationToken',
    );
  });

  it('lasts up to 36 hours: 129600 accepted, 129601 refused', async () => {
    const out = await sts(lt('portal')).send(new GetFederationTokenCommand({ Name: 'long', DurationSeconds: 129600 }));
    const lifetime = out.Credentials!.Expiration!.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(129_500_000);
    expect(lifetime).toBeLessThanOrEqual(129_600_000);
    await rejectsWith(
      sts(lt('portal')).send(new GetFederationTokenCommand({ Name: 'long', DurationSeconds: 129601 })),
      'ValidationError',
      "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600",
    );
    await rejectsWith(sts(lt('portal')).send(new GetFederationTokenCommand({ Name: 'J' })), 'ValidationError', "at 'name' failed to satisfy constraint: Member must have length greater than or equal to 2");
    await rejectsWith(sts(lt('noperm')).send(new GetFederationTokenCommand({ Name: 'Jean' })), 'AccessDenied', 'sts:GetFederationToken on resource: arn:aws:sts::123456789012:federated-user/Jean');
  });

  it('its credentials cannot call the other STS actions nor IAM, even when the session policy allows them', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:*', 'iam:*'], Resource: '*' }] });
    const keys = temporary((await sts(lt('portal')).send(new GetFederationTokenCommand({ Name: 'Jean', Policy: policy }))).Credentials);
    await rejectsWith(sts(keys).send(new AssumeRoleCommand({ RoleArn: ROLE('ChainSource'), RoleSessionName: 'jean' })), 'AccessDenied', 'Cannot call AssumeRole with credentials from GetFederationToken');
    await rejectsWith(sts(keys).send(new GetSessionTokenCommand({})), 'AccessDenied');
    await rejectsWith(sts(keys).send(new GetFederationTokenCommand({ Name: 'again' })), 'AccessDenied');
    await rejectsWith(iam(keys).send(new ListMFADevicesCommand({ UserName: 'portal' })), 'AccessDenied', 'credentials from GetFederationToken cannot call IAM APIs');
    // Refused as such even without a UserName (not a ValidationError about the missing name).
    await rejectsWith(iam(keys).send(new ListMFADevicesCommand({})), 'AccessDenied', 'credentials from GetFederationToken cannot call IAM APIs');
    // GetCallerIdentity is the exception (G9663).
    expect((await sts(keys).send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:federated-user/Jean`);
  });
});

describe('DecodeAuthorizationMessage', () => {
  it('decodes an AccessDenied into JSON naming the statement and the condition that failed', async () => {
    const denied = await rejectsWith(
      sts(lt('sam')).send(new AssumeRoleCommand({ RoleArn: ROLE('ThirdParty'), RoleSessionName: 'example-corp', ExternalId: '67890' })),
      'AccessDenied',
      /Encoded authorization failure message: [A-Za-z0-9_-]+$/,
    );
    const out = await sts(lt('sam')).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encodedMessageOf(denied) }));
    const message = JSON.parse(out.DecodedMessage!) as {
      allowed: boolean;
      explicitDeny: boolean;
      request: { action: string; resource: string; context: Record<string, unknown> };
      policies: Array<{ kind: string; statements: Array<{ ref: { effect: string }; outcome: Record<string, unknown> }> }>;
    };
    expect(message).toMatchObject({ allowed: false, explicitDeny: false, request: { action: 'sts:AssumeRole', resource: ROLE('ThirdParty') } });
    expect(message.request.context['sts:externalid']).toBe('67890');
    const trust = message.policies.find((p) => p.kind === 'trust')!;
    // Which statement and which condition key failed — never the value the trust policy expects.
    expect(trust.statements[0]!.outcome).toEqual({ applies: false, reason: 'condition', operator: 'StringEquals', key: 'sts:ExternalId', actual: '67890' });
    // The message seals everything: nothing of it is readable without the broker.
    expect(Buffer.from(encodedMessageOf(denied), 'base64url').toString('latin1')).not.toContain('ExternalId');
  });

  it('names the explicit Deny statement when one denied', async () => {
    const denied = await rejectsWith(sts(lt('denied')).send(new AssumeRoleCommand({ RoleArn: ROLE('ChainSource'), RoleSessionName: 'x2' })), 'AccessDenied');
    const decoded = JSON.parse((await sts(lt('sam')).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encodedMessageOf(denied) }))).DecodedMessage!) as {
      explicitDeny: boolean;
      policies: Array<{ kind: string; statements: Array<{ ref: { sid?: string; effect: string }; outcome: { applies: boolean } }> }>;
    };
    expect(decoded.explicitDeny).toBe(true);
    const applying = decoded.policies.flatMap((p) => p.statements).filter((st) => st.outcome.applies);
    expect(applying.map((st) => [st.ref.sid, st.ref.effect])).toEqual(expect.arrayContaining([['NoChainSource', 'Deny']]));
  });

  it('a caller without sts:DecodeAuthorizationMessage gets AccessDenied; garbage gets InvalidAuthorizationMessageException', async () => {
    const denied = await rejectsWith(sts(lt('noperm')).send(new AssumeRoleCommand({ RoleArn: ROLE('ChainSource'), RoleSessionName: 'x1' })), 'AccessDenied');
    await rejectsWith(
      sts(lt('noperm')).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encodedMessageOf(denied) })),
      'AccessDenied',
      'user/noperm is not authorized to perform: sts:DecodeAuthorizationMessage',
    );
    await rejectsWith(sts(lt('sam')).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: 'not-a-message' })), 'InvalidAuthorizationMessageException');
    // Flip a character in the middle: the last base64url character may carry only padding bits.
    const encoded = encodedMessageOf(denied);
    const middle = Math.floor(encoded.length / 2);
    const tampered = encoded.slice(0, middle) + (encoded[middle] === 'A' ? 'B' : 'A') + encoded.slice(middle + 1);
    await rejectsWith(sts(lt('sam')).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: tampered })), 'InvalidAuthorizationMessageException');
  });

  it('GetSessionToken credentials cannot call it (G9664: only AssumeRole and GetCallerIdentity), even when the user may', async () => {
    const session = temporary((await sts(lt('sam')).send(new GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials);
    await rejectsWith(sts(session).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: 'x' })), 'AccessDenied', 'Cannot call DecodeAuthorizationMessage with credentials from GetSessionToken');
  });

  it('every message the broker hands out fits the 10,240-character EncodedMessage limit and decodes', () => {
    // A caller with a hundred policies of a hundred statements each.
    const statement = (i: number) => ({ ref: { index: i, effect: 'Allow', sid: `Statement${i}WithAFairlyLongSid` }, outcome: { applies: false, reason: i % 2 ? 'action' : 'condition', key: `k${i}` } });
    const policies = Array.from({ length: 100 }, (_, p) => ({ policy: `policy-${p}-${'x'.repeat(40)}`, kind: 'identity', statements: Array.from({ length: 100 }, (_, i) => statement(p * 100 + i)) }));
    const explanation = { request: { action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key', context: { 'aws:username': 'sam' } }, policies };
    const encoded = encodeAuthorizationMessage(b.broker.keyRing, explanation);
    expect(encoded.length).toBeLessThanOrEqual(10_240);
    const decoded = JSON.parse(decodeAuthorizationMessageText(b.broker.keyRing, encoded)) as { allowed: boolean; truncated?: boolean; request: { action: string } };
    expect(decoded).toMatchObject({ allowed: false, request: { action: 's3:GetObject' } });
    // A small one is complete.
    const small = JSON.parse(decodeAuthorizationMessageText(b.broker.keyRing, encodeAuthorizationMessage(b.broker.keyRing, { request: explanation.request, policies: policies.slice(0, 1) }))) as { truncated?: boolean; policies: unknown[] };
    expect(small.truncated).toBeUndefined();
    expect(small.policies).toHaveLength(1);
  });
});
