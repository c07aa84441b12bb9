/**
 * AssumeRoleWithSAML end to end: responses signed by Debian's xmlsec1 with a test IdP's own key (code
 * independent of the broker's validator), sent by the real AWS SDK v3 to a running broker.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AssumeRoleWithSAMLCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { AWS_ROLE, AWS_ROLE_SESSION_NAME, AWS_SESSION_DURATION, createTestIdp, type TestIdp } from '../helpers/samlIdp.js';

const PROVIDER = 'ExampleCorp';
const PROVIDER_ARN = `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/${PROVIDER}`;
const role = (name: string) => `arn:aws:iam::${TEST_ACCOUNT}:role/${name}`;

let idp: TestIdp;
let other: TestIdp;
let broker: StartedBroker;

const sts = () => new STSClient({ endpoint: broker.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x'.repeat(40) }, maxAttempts: 1 });

function response(options: { nameId?: string; attributes?: Record<string, string[]>; idp?: TestIdp; sessionNotOnOrAfter?: Date }) {
  const from = options.idp ?? idp;
  return from.response({
    acsUrl: `${broker.url}/saml`,
    audience: `${broker.url}/saml/metadata`,
    nameId: options.nameId ?? 'alice@example.com',
    nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
    attributes: options.attributes ?? {},
    ...(options.sessionNotOnOrAfter ? { sessionNotOnOrAfter: options.sessionNotOnOrAfter } : {}),
  });
}

async function expectError(p: Promise<unknown>, code: string, message?: RegExp) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(STSServiceException);
  // The SDK names modelled errors after their shape (IDPRejectedClaimException); the wire code is `code`.
  expect([code, `${code}Exception`]).toContain((e as STSServiceException).name);
  if (message) expect((e as Error).message).toMatch(message);
}

function trust(extra: Record<string, unknown> = {}) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: PROVIDER_ARN },
        Action: 'sts:AssumeRoleWithSAML',
        Condition: { StringEquals: { 'SAML:aud': 'PLACEHOLDER' }, ...extra },
      },
    ],
  };
}

beforeAll(async () => {
  idp = createTestIdp({ entityId: 'https://idp.example.test/metadata', keyLabel: 'e2e-idp' });
  // Same entity id, another key: the signature cannot verify against the provider's metadata.
  other = createTestIdp({ entityId: 'https://idp.example.test/metadata', keyLabel: 'e2e-other' });
  // The ACS URL (saml:aud) is only known once the port is; start once to learn it, then reload.
  broker = await startBroker({ roles: [] });
  const dir = broker.dir;
  const metadata = join(dir, 'idp.xml');
  writeFileSync(metadata, idp.metadataXml());
  const acs = `${broker.url}/saml`;
  const withAud = (t: ReturnType<typeof trust>) => JSON.parse(JSON.stringify(t).replace('PLACEHOLDER', acs));
  await broker.reload({
    // Most responses here carry no RoleSessionName attribute: the session is named after the NameID.
    identityProviders: [{ type: 'saml', name: PROVIDER, metadata: 'idp.xml', sessionNameFrom: 'nameId' }],
    roles: [
      { name: 'Engineer', maxSessionDuration: 7200, trustPolicy: withAud(trust()) },
      { name: 'Staff', trustPolicy: withAud(trust({ 'ForAnyValue:StringEquals': { 'saml:attr/groups': ['staff'] } })) },
      { name: 'OrgOnly', trustPolicy: withAud(trust({ StringEquals: { 'saml:aud': acs, 'saml:edupersonorgdn': 'ExampleOrg' } })) },
    ],
  });
}, 60_000);

afterAll(async () => {
  await broker?.close();
});

describe('AssumeRoleWithSAML through the AWS SDK v3', () => {
  it('returns credentials and the full SAML response fields', async () => {
    const out = await sts().send(
      new AssumeRoleWithSAMLCommand({
        RoleArn: role('Engineer'),
        PrincipalArn: PROVIDER_ARN,
        SAMLAssertion: response({ attributes: { [AWS_ROLE]: [`${role('Engineer')},${PROVIDER_ARN}`], [AWS_ROLE_SESSION_NAME]: ['alice'] } }),
      }),
    );
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Engineer/alice`);
    expect(out.Subject).toBe('alice@example.com');
    expect(out.SubjectType).toBe('persistent');
    expect(out.Issuer).toBe('https://idp.example.test/metadata');
    expect(out.Audience).toBe(`${broker.url}/saml`);
    // NameQualifier = Base64(SHA1(issuer + account + "/" + provider)) — computed here independently.
    const { createHash } = await import('node:crypto');
    expect(out.NameQualifier).toBe(createHash('sha1').update(`https://idp.example.test/metadata${TEST_ACCOUNT}/${PROVIDER}`).digest('base64'));

    const who = await new STSClient({
      endpoint: broker.url,
      region: 'us-east-1',
      credentials: { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! },
    }).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Engineer/alice`);
  });

  it('maps roles by trust policy alone when the Role attribute is absent (groups only)', async () => {
    const out = await sts().send(
      new AssumeRoleWithSAMLCommand({ RoleArn: role('Staff'), PrincipalArn: PROVIDER_ARN, SAMLAssertion: response({ attributes: { groups: ['staff', 'eng'] } }) }),
    );
    // Without RoleSessionName the NameID, made safe, is the session name.
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Staff/alice@example.com`);
    await expectError(
      sts().send(new AssumeRoleWithSAMLCommand({ RoleArn: role('Staff'), PrincipalArn: PROVIDER_ARN, SAMLAssertion: response({ attributes: { groups: ['eng'] } }) })),
      'AccessDenied',
    );
  });

  it('evaluates eduPerson keys from their OID attribute names (guide TV-S2)', async () => {
    const out = await sts().send(
      new AssumeRoleWithSAMLCommand({
        RoleArn: role('OrgOnly'),
        PrincipalArn: PROVIDER_ARN,
        SAMLAssertion: response({ attributes: { 'urn:oid:1.3.6.1.4.1.5923.1.1.1.3': ['ExampleOrg'] } }),
      }),
    );
    expect(out.AssumedRoleUser?.Arn).toContain('assumed-role/OrgOnly/');
  });

  it('refuses a role the Role attribute does not offer, even if the trust policy would allow it', async () => {
    await expectError(
      sts().send(
        new AssumeRoleWithSAMLCommand({
          RoleArn: role('Engineer'),
          PrincipalArn: PROVIDER_ARN,
          SAMLAssertion: response({ attributes: { [AWS_ROLE]: [`${role('Staff')},${PROVIDER_ARN}`], groups: ['staff'] } }),
        }),
      ),
      'AccessDenied',
    );
  });

  it('caps the credentials with the SessionDuration attribute and SessionNotOnOrAfter', async () => {
    const short = await sts().send(
      new AssumeRoleWithSAMLCommand({
        RoleArn: role('Engineer'),
        PrincipalArn: PROVIDER_ARN,
        DurationSeconds: 3600,
        SAMLAssertion: response({ attributes: { [AWS_SESSION_DURATION]: ['1800'] } }),
      }),
    );
    const seconds = (short.Credentials!.Expiration!.getTime() - Date.now()) / 1000;
    expect(seconds).toBeGreaterThan(1700);
    expect(seconds).toBeLessThanOrEqual(1800);
    const capped = await sts().send(
      new AssumeRoleWithSAMLCommand({
        RoleArn: role('Engineer'),
        PrincipalArn: PROVIDER_ARN,
        DurationSeconds: 7200,
        SAMLAssertion: response({ sessionNotOnOrAfter: new Date(Date.now() + 1000_000) }),
      }),
    );
    expect(capped.Credentials!.Expiration!.getTime()).toBeLessThanOrEqual(Date.now() + 1000_000);
  });

  it('refuses a replayed assertion (IDPRejectedClaim)', async () => {
    const assertion = response({});
    await sts().send(new AssumeRoleWithSAMLCommand({ RoleArn: role('Engineer'), PrincipalArn: PROVIDER_ARN, SAMLAssertion: assertion }));
    await expectError(sts().send(new AssumeRoleWithSAMLCommand({ RoleArn: role('Engineer'), PrincipalArn: PROVIDER_ARN, SAMLAssertion: assertion })), 'IDPRejectedClaim');
  });

  it('a request refused for its own parameters (DurationSeconds, Policy) does not spend the assertion; the corrected retry works once', async () => {
    const assertion = response({});
    const send = (extra: Record<string, unknown>) => sts().send(new AssumeRoleWithSAMLCommand({ RoleArn: role('Engineer'), PrincipalArn: PROVIDER_ARN, SAMLAssertion: assertion, ...extra }));
    await expectError(send({ DurationSeconds: 10800 }), 'ValidationError', /exceeds the MaxSessionDuration/);
    await expectError(send({ Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}' }), 'MalformedPolicyDocument');
    const ok = await send({ DurationSeconds: 3600 });
    expect(ok.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    await expectError(send({ DurationSeconds: 3600 }), 'IDPRejectedClaim', /already used/);
  });

  it('refuses an assertion signed by a key that is not in the provider metadata', async () => {
    await expectError(
      sts().send(new AssumeRoleWithSAMLCommand({ RoleArn: role('Engineer'), PrincipalArn: PROVIDER_ARN, SAMLAssertion: response({ idp: other }) })),
      'InvalidIdentityToken',
      /^Response signature invalid$/,
    );
  });

  it('validates RoleSessionName as AWS does (InvalidIdentityToken)', async () => {
    await expectError(
      sts().send(
        new AssumeRoleWithSAMLCommand({ RoleArn: role('Engineer'), PrincipalArn: PROVIDER_ARN, SAMLAssertion: response({ attributes: { [AWS_ROLE_SESSION_NAME]: ['Bob Smith'] } }) }),
      ),
      'InvalidIdentityToken',
      /RoleSessionName in AuthnResponse must match/,
    );
  });

  it('answers ValidationError for a malformed PrincipalArn', async () => {
    await expectError(
      sts().send(new AssumeRoleWithSAMLCommand({ RoleArn: role('Engineer'), PrincipalArn: 'arn:aws:iam::123:nope/x-long-enough', SAMLAssertion: response({}) })),
      'ValidationError',
      /is invalid/,
    );
  });
});
