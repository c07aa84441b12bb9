/**
 * End to end, with real peers only: a real OpenID provider (oidc-provider) issues ID tokens through
 * the authorization-code flow; the real AWS SDK v3 exchanges them with the running broker for
 * credentials (AssumeRoleWithWebIdentity), then signs GetCallerIdentity with those credentials.
 */
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { startOidcProvider, type TestOidcProvider } from '../helpers/oidcProvider.js';

let idp: TestOidcProvider;
let broker: StartedBroker;
let providerName: string;

function sts(credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  return new STSClient({
    endpoint: broker.url,
    region: 'eu-west-1',
    credentials: credentials ?? { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'unused-for-unsigned-calls' },
    maxAttempts: 1,
  });
}

async function expectStsError(p: Promise<unknown>, code: string, message?: RegExp): Promise<STSServiceException> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(STSServiceException);
    const err = e as STSServiceException;
    expect(err.name).toBe(code);
    if (message) expect(err.message).toMatch(message);
    return err;
  }
  throw new Error(`expected ${code}`);
}

beforeAll(async () => {
  idp = await startOidcProvider({
    accounts: {
      alice: { email: 'alice@example.com', groups: ['developers', 'admins'] },
      bob: { email: 'bob@example.com', groups: ['sales'] },
    },
  });
  providerName = idp.issuer.replace(/^https?:\/\//, '');
  const providerArn = `arn:aws:iam::${TEST_ACCOUNT}:oidc-provider/${providerName}`;
  broker = await startBroker({
    identityProviders: [{ type: 'oidc', issuer: idp.issuer, clientIds: ['test-app'], mfaAmr: ['mfa'] }],
    policies: [{ name: 'S3Read', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }] } }],
    roles: [
      {
        name: 'Developer',
        maxSessionDuration: 7200,
        trustPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: providerArn },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: {
                StringEquals: { [`${providerName}:aud`]: 'test-app' },
                'ForAnyValue:StringEquals': { [`${providerName}:groups`]: ['developers'] },
              },
            },
          ],
        },
        managedPolicies: ['S3Read'],
      },
      {
        name: 'MfaOnly',
        trustPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: providerArn },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: { StringEquals: { [`${providerName}:aud`]: 'test-app' }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
            },
          ],
        },
      },
    ],
  });
}, 60_000);

afterAll(async () => {
  await broker?.close();
  await idp?.stop();
});

describe('AssumeRoleWithWebIdentity through the AWS SDK v3', () => {
  it('exchanges a real ID token for credentials, with the full response of api.md', async () => {
    const token = await idp.issueIdToken({ sub: 'alice' });
    const out = await sts().send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/Developer`,
        RoleSessionName: 'alice-laptop',
        WebIdentityToken: token,
        DurationSeconds: 3600,
      }),
    );
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.Credentials?.SecretAccessKey).toHaveLength(40);
    expect(out.Credentials?.SessionToken?.length).toBeGreaterThan(100);
    expect(out.Credentials?.Expiration).toBeInstanceOf(Date);
    const lifetime = out.Credentials!.Expiration!.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(3500_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000);
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Developer/alice-laptop`);
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:alice-laptop$/);
    expect(out.SubjectFromWebIdentityToken).toBe('alice');
    expect(out.Provider).toBe(idp.issuer);
    expect(out.Audience).toBe('test-app');
    expect(out.PackedPolicySize).toBeUndefined();
  });

  it('signs GetCallerIdentity with the returned credentials', async () => {
    const token = await idp.issueIdToken({ sub: 'alice' });
    const out = await sts().send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/Developer`, RoleSessionName: 'alice', WebIdentityToken: token }),
    );
    const who = await sts({
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    }).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Developer/alice`);
    expect(who.Account).toBe(TEST_ACCOUNT);
    expect(who.UserId).toBe(out.AssumedRoleUser!.AssumedRoleId);
  });

  it('keeps the role id stable across sessions', async () => {
    const ids = await Promise.all(
      ['s1', 's2'].map(async (name) => {
        const token = await idp.issueIdToken({ sub: 'alice' });
        const out = await sts().send(
          new AssumeRoleWithWebIdentityCommand({ RoleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/Developer`, RoleSessionName: name, WebIdentityToken: token }),
        );
        return out.AssumedRoleUser!.AssumedRoleId!.split(':')[0];
      }),
    );
    expect(ids[0]).toBe(ids[1]);
  });

  it('returns PackedPolicySize when a session policy is passed', async () => {
    const token = await idp.issueIdToken({ sub: 'alice' });
    const out = await sts().send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/Developer`,
        RoleSessionName: 'scoped',
        WebIdentityToken: token,
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }] }),
        PolicyArns: [{ arn: `arn:aws:iam::${TEST_ACCOUNT}:policy/S3Read` }],
      }),
    );
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    expect(out.PackedPolicySize).toBeLessThanOrEqual(100);
  });

  it('refuses an identity the trust policy does not allow (AccessDenied)', async () => {
    const token = await idp.issueIdToken({ sub: 'bob' });
    await expectStsError(
      sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/Developer`, RoleSessionName: 'bob', WebIdentityToken: token })),
      'AccessDenied',
      /Not authorized to perform sts:AssumeRoleWithWebIdentity/,
    );
  });

  it('says a TOTP code is required when only MFA is missing, and accepts IdP-asserted MFA', async () => {
    const plain = await idp.issueIdToken({ sub: 'alice', amr: ['pwd'] });
    await expectStsError(
      sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/MfaOnly`, RoleSessionName: 'ab', WebIdentityToken: plain })),
      'AccessDenied',
      /multi-factor authentication.*SerialNumber and TokenCode/,
    );
    const withMfa = await idp.issueIdToken({ sub: 'alice', amr: ['pwd', 'mfa'] });
    const out = await sts().send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/MfaOnly`, RoleSessionName: 'ab', WebIdentityToken: withMfa }),
    );
    expect(out.AssumedRoleUser?.Arn).toContain('assumed-role/MfaOnly/ab');
  });

  it('enforces the role maximum session duration with AWS\'s message', async () => {
    const token = await idp.issueIdToken({ sub: 'alice' });
    await expectStsError(
      sts().send(
        new AssumeRoleWithWebIdentityCommand({ RoleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/Developer`, RoleSessionName: 'ab', WebIdentityToken: token, DurationSeconds: 7201 }),
      ),
      'ValidationError',
      /^The requested DurationSeconds exceeds the MaxSessionDuration set for this role\.$/,
    );
  });

  it('refuses a role that does not exist like one that does not trust the caller', async () => {
    const token = await idp.issueIdToken({ sub: 'alice' });
    await expectStsError(
      sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/Nope`, RoleSessionName: 'ab', WebIdentityToken: token })),
      'AccessDenied',
    );
  });
});
