/**
 * security.md "STS parameters and signatures", every row through the whole running broker: raw HTTP
 * requests (signed by @smithy/signature-v4, the SDK's signer) so that status, code and message are
 * checked exactly as a client sees them.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSessionToken, sealSessionToken } from '../../src/credentials/sessionToken.js';
import { subjectKey } from '../../src/sessions/revocations.js';
import { callerLayers } from '../../src/actions/common/callerPolicy.js';
import { sessionCaller } from '../../src/federation/sigv4/callers.js';
import { callerPrincipal } from '../../src/federation/sigv4/context.js';
import { authorize, createContext } from '../../src/policy/index.js';
import { startBroker, TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { AUDITOR, createStsFixture, PORTAL, PROVIDER, roleArn, SAML_PROVIDER_ARN, type StsFixture } from '../helpers/stsFixture.js';
import { awsError, credentialsOf, rawRequest, resultValue, stsQuery, type Keys, type RawResponse } from '../helpers/stsHttp.js';
import { NodeSha256 } from '../federation/sigv4/helpers.js';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '..', '..');

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';
const EXPIRED_TOKEN = 'The security token included in the request is expired';
const MAX_DURATION = 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.';
const CHAINING = 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.';

let fx: StsFixture;
let b: StartedBroker;

beforeAll(async () => {
  fx = await createStsFixture();
  b = await startBroker(fx.config(), { dir: fx.dir });
}, 60_000);

afterAll(async () => {
  await b?.close();
  fx?.cleanup();
});

/** Asserts an AWS ErrorResponse with this status and code (and message: exact string or pattern). */
function expectError(r: RawResponse, status: number, code: string, message?: string | RegExp): string {
  const e = awsError(r);
  expect({ status: r.status, code: e.code }, e.message).toEqual({ status, code });
  expect(e.type).toBe(status >= 500 ? 'Receiver' : 'Sender');
  if (typeof message === 'string') expect(e.message).toBe(message);
  else if (message) expect(e.message).toMatch(message);
  return e.message;
}

const validation = (value: string | null, member: string, constraint: string) =>
  `1 validation error detected: Value ${value === null ? '' : `'${value}' `}at '${member}' failed to satisfy constraint: Member must ${constraint}`;

const web = (params: Record<string, string | undefined>) => stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', ...params });
async function webParams(extra: Record<string, string | undefined> = {}) {
  return { RoleArn: roleArn('WebDev'), RoleSessionName: 'alice', WebIdentityToken: await fx.webToken(), ...extra };
}
const saml = (params: Record<string, string | undefined>) => stsQuery(b.url, { Action: 'AssumeRoleWithSAML', ...params });
const samlParams = (extra: Record<string, string | undefined> = {}) => ({
  RoleArn: roleArn('SamlDev'),
  PrincipalArn: SAML_PROVIDER_ARN,
  SAMLAssertion: fx.samlResponse(),
  ...extra,
});
const signed = (credentials: Keys, params: Record<string, string | undefined>) => stsQuery(b.url, params, { credentials });

async function webSession(extra: Record<string, string | undefined> = {}): Promise<Keys> {
  const r = await web(await webParams(extra));
  expect(r.status, r.body).toBe(200);
  return credentialsOf(r);
}

describe('security: STS parameters — missing or malformed parameters, DurationSeconds, RoleArn, RoleSessionName', () => {
  it('a missing required parameter → MissingParameter naming it, on every action', async () => {
    const cases: Array<[Promise<RawResponse>, string]> = [
      [web({ RoleSessionName: 'alice', WebIdentityToken: await fx.webToken() }), 'RoleArn'],
      [web({ RoleArn: roleArn('WebDev'), WebIdentityToken: await fx.webToken() }), 'RoleSessionName'],
      [web({ RoleArn: roleArn('WebDev'), RoleSessionName: 'alice' }), 'WebIdentityToken'],
      [saml({ RoleArn: roleArn('SamlDev'), SAMLAssertion: fx.samlResponse() }), 'PrincipalArn'],
      [saml({ RoleArn: roleArn('SamlDev'), PrincipalArn: SAML_PROVIDER_ARN }), 'SAMLAssertion'],
      [signed(PORTAL, { Action: 'AssumeRole', RoleSessionName: 'portal' }), 'RoleArn'],
      [signed(PORTAL, { Action: 'GetFederationToken' }), 'Name'],
      [signed(AUDITOR, { Action: 'DecodeAuthorizationMessage' }), 'EncodedMessage'],
    ];
    for (const [pending, name] of cases) {
      expectError(await pending, 400, 'MissingParameter', `The request must contain the parameter ${name}`);
    }
  });

  it('an empty required parameter counts as missing', async () => {
    expectError(await web(await webParams({ RoleSessionName: '' })), 400, 'MissingParameter', 'The request must contain the parameter RoleSessionName');
  });

  it('RoleSessionName too short, too long, or with bad characters → ValidationError in AWS\'s format', async () => {
    expectError(await web(await webParams({ RoleSessionName: 'a' })), 400, 'ValidationError', validation('a', 'roleSessionName', 'have length greater than or equal to 2'));
    const long = 'x'.repeat(65);
    expectError(await web(await webParams({ RoleSessionName: long })), 400, 'ValidationError', validation(long, 'roleSessionName', 'have length less than or equal to 64'));
    expectError(
      await web(await webParams({ RoleSessionName: 'bad name!' })),
      400,
      'ValidationError',
      validation('bad name!', 'roleSessionName', 'satisfy regular expression pattern: [\\w+=,.@-]*'),
    );
    // The same rules on the signed AssumeRole.
    expectError(
      await signed(PORTAL, { Action: 'AssumeRole', RoleArn: roleArn('Target'), RoleSessionName: 'a/b' }),
      400,
      'ValidationError',
      validation('a/b', 'roleSessionName', 'satisfy regular expression pattern: [\\w+=,.@-]*'),
    );
    // 64 characters of the allowed set are fine.
    const r = await web(await webParams({ RoleSessionName: `${'a'.repeat(58)}+=,.@-` }));
    expect(r.status, r.body).toBe(200);
  });

  it('a bad RoleArn → ValidationError (too short by the model; not a role ARN: `<arn> is invalid`)', async () => {
    expectError(await web(await webParams({ RoleArn: 'arn:aws:iam::1' })), 400, 'ValidationError', validation('arn:aws:iam::1', 'roleArn', 'have length greater than or equal to 20'));
    const user = `arn:aws:iam::${TEST_ACCOUNT}:user/Developer`;
    expectError(await web(await webParams({ RoleArn: user })), 400, 'ValidationError', `${user} is invalid`);
    expectError(await saml(samlParams({ RoleArn: user })), 400, 'ValidationError', `${user} is invalid`);
    expectError(await signed(PORTAL, { Action: 'AssumeRole', RoleArn: user, RoleSessionName: 'portal' }), 400, 'ValidationError', `${user} is invalid`);
    const garbage = 'this-is-not-an-arn-at-all';
    expectError(await signed(PORTAL, { Action: 'AssumeRole', RoleArn: garbage, RoleSessionName: 'portal' }), 400, 'ValidationError', `${garbage} is invalid`);
  });

  it('a PrincipalArn that is not a SAML provider ARN → ValidationError `<arn> is invalid`; an unknown provider → no credentials', async () => {
    const notProvider = roleArn('SamlDev');
    expectError(await saml(samlParams({ PrincipalArn: notProvider })), 400, 'ValidationError', `${notProvider} is invalid`);
    expectError(await saml(samlParams({ PrincipalArn: 'arn:aws' })), 400, 'ValidationError', validation('arn:aws', 'principalArn', 'have length greater than or equal to 20'));
    const unknown = `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/Nope`;
    expectError(await saml(samlParams({ PrincipalArn: unknown })), 400, 'InvalidIdentityToken', /Nope/);
  });

  it('DurationSeconds outside each action\'s range → ValidationError with the range', async () => {
    const below = validation('899', 'durationSeconds', 'have value greater than or equal to 900');
    const aboveRole = validation('43201', 'durationSeconds', 'have value less than or equal to 43200');
    const aboveUser = validation('129601', 'durationSeconds', 'have value less than or equal to 129600');
    // AssumeRoleWithWebIdentity: 900..43200, and the role's maximum (WebDev: 7200).
    expectError(await web(await webParams({ DurationSeconds: '899' })), 400, 'ValidationError', below);
    expectError(await web(await webParams({ DurationSeconds: '43201' })), 400, 'ValidationError', aboveRole);
    expectError(await web(await webParams({ DurationSeconds: '7201' })), 400, 'ValidationError', MAX_DURATION);
    // AssumeRoleWithSAML: the same (SamlDev: 7200).
    expectError(await saml(samlParams({ DurationSeconds: '899' })), 400, 'ValidationError', below);
    expectError(await saml(samlParams({ DurationSeconds: '43201' })), 400, 'ValidationError', aboveRole);
    expectError(await saml(samlParams({ DurationSeconds: '7201' })), 400, 'ValidationError', MAX_DURATION);
    // AssumeRole with long-term keys: the same (WebDev is assumable by the account).
    const assume = (d: string, role = 'WebDev') => signed(PORTAL, { Action: 'AssumeRole', RoleArn: roleArn(role), RoleSessionName: 'portal', DurationSeconds: d });
    expectError(await assume('899'), 400, 'ValidationError', below);
    expectError(await assume('43201'), 400, 'ValidationError', aboveRole);
    expectError(await assume('7201'), 400, 'ValidationError', MAX_DURATION);
    // Role chaining: at most one hour, whatever the target role allows (Target: 43200).
    const chainer = credentialsOf(await assume('3600', 'Chainer'));
    expectError(await signed(chainer, { Action: 'AssumeRole', RoleArn: roleArn('Target'), RoleSessionName: 'chain', DurationSeconds: '3601' }), 400, 'ValidationError', CHAINING);
    // GetSessionToken and GetFederationToken: 900..129600.
    expectError(await signed(PORTAL, { Action: 'GetSessionToken', DurationSeconds: '899' }), 400, 'ValidationError', below);
    expectError(await signed(PORTAL, { Action: 'GetSessionToken', DurationSeconds: '129601' }), 400, 'ValidationError', aboveUser);
    expectError(await signed(PORTAL, { Action: 'GetFederationToken', Name: 'bob', DurationSeconds: '899' }), 400, 'ValidationError', below);
    expectError(await signed(PORTAL, { Action: 'GetFederationToken', Name: 'bob', DurationSeconds: '129601' }), 400, 'ValidationError', aboveUser);
  });

  it('DurationSeconds at the edges of each range is accepted and honoured', async () => {
    const lifetime = (r: RawResponse) => Math.round((Date.parse(credentialsOf(r).expiration) - Date.now()) / 1000);
    const w = await web(await webParams({ DurationSeconds: '7200' }));
    expect(lifetime(w)).toBeGreaterThan(7100);
    const s = await signed(PORTAL, { Action: 'GetSessionToken', DurationSeconds: '129600' });
    expect(lifetime(s)).toBeGreaterThan(129500);
    const f = await signed(PORTAL, { Action: 'GetFederationToken', Name: 'bob', DurationSeconds: '900' });
    expect(lifetime(f)).toBeLessThanOrEqual(900);
    expect(lifetime(f)).toBeGreaterThan(800);
  });

  it('a DurationSeconds that is not a whole number → ValidationError', async () => {
    for (const bad of ['abc', '3600.5', '1e4', '0x100']) {
      expectError(await web(await webParams({ DurationSeconds: bad })), 400, 'ValidationError', validation(bad, 'durationSeconds', 'be a whole number'));
    }
  });

  it('several problems at once are all named, AWS-style', async () => {
    const r = await web(await webParams({ RoleSessionName: 'a', DurationSeconds: '1' }));
    const message = expectError(r, 400, 'ValidationError', /^2 validation errors detected: /);
    expect(message).toContain("at 'roleSessionName'");
    expect(message).toContain("at 'durationSeconds'");
  });

  it('malformed values of secret parameters are named but never echoed', async () => {
    const m1 = expectError(await web(await webParams({ WebIdentityToken: 'eyJ' })), 400, 'ValidationError', validation(null, 'webIdentityToken', 'have length greater than or equal to 4'));
    expect(m1).not.toContain('eyJ');
    const m2 = expectError(
      await signed(PORTAL, { Action: 'GetSessionToken', SerialNumber: `arn:aws:iam::${TEST_ACCOUNT}:mfa/portal`, TokenCode: '12345x' }),
      400,
      'ValidationError',
      validation(null, 'tokenCode', 'satisfy regular expression pattern: [\\d]*'),
    );
    expect(m2).not.toContain('12345x');
  });

  it('other malformed parameters: GetFederationToken Name, ExternalId, SerialNumber without TokenCode', async () => {
    expectError(await signed(PORTAL, { Action: 'GetFederationToken', Name: 'b' }), 400, 'ValidationError', validation('b', 'name', 'have length greater than or equal to 2'));
    const long = 'n'.repeat(33);
    expectError(await signed(PORTAL, { Action: 'GetFederationToken', Name: long }), 400, 'ValidationError', validation(long, 'name', 'have length less than or equal to 32'));
    expectError(
      await signed(PORTAL, { Action: 'AssumeRole', RoleArn: roleArn('Target'), RoleSessionName: 'portal', ExternalId: 'has space' }),
      400,
      'ValidationError',
      validation('has space', 'externalId', 'satisfy regular expression pattern: [\\w+=,.@:\\/-]*'),
    );
    expectError(
      await signed(PORTAL, { Action: 'GetSessionToken', SerialNumber: `arn:aws:iam::${TEST_ACCOUNT}:mfa/portal` }),
      400,
      'MissingParameter',
      /TokenCode/,
    );
  });
});

describe('security: STS parameters — session policies', () => {
  const notJson = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"';
  const badEffect = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Action: 's3:*', Resource: '*' }] });
  const noAction = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Resource: '*' }] });
  const oldVersion = JSON.stringify({ Version: '2001-01-01', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });

  it('a session policy that is not JSON → MalformedPolicyDocument (every action that takes one)', async () => {
    expectError(await web(await webParams({ Policy: notJson })), 400, 'MalformedPolicyDocument');
    expectError(await saml(samlParams({ Policy: notJson })), 400, 'MalformedPolicyDocument');
    expectError(await signed(PORTAL, { Action: 'AssumeRole', RoleArn: roleArn('Target'), RoleSessionName: 'portal', Policy: notJson }), 400, 'MalformedPolicyDocument');
    expectError(await signed(PORTAL, { Action: 'GetFederationToken', Name: 'bob', Policy: notJson }), 400, 'MalformedPolicyDocument');
  });

  it('a session policy that breaks the grammar → MalformedPolicyDocument saying what is wrong', async () => {
    const m1 = expectError(await web(await webParams({ Policy: badEffect })), 400, 'MalformedPolicyDocument');
    expect(m1).toMatch(/Effect/);
    const m2 = expectError(await signed(PORTAL, { Action: 'GetFederationToken', Name: 'bob', Policy: noAction }), 400, 'MalformedPolicyDocument');
    expect(m2).toMatch(/action/i);
    const m3 = expectError(await signed(PORTAL, { Action: 'AssumeRole', RoleArn: roleArn('Target'), RoleSessionName: 'portal', Policy: oldVersion }), 400, 'MalformedPolicyDocument');
    expect(m3).toMatch(/version/i);
  });

  it('a managed session policy that does not exist → MalformedPolicyDocument', async () => {
    const r = await web(await webParams({ 'PolicyArns.member.1.arn': `arn:aws:iam::${TEST_ACCOUNT}:policy/NoSuchPolicy` }));
    expectError(r, 400, 'MalformedPolicyDocument', /NoSuchPolicy/);
  });

  it('a session policy that is too large → ValidationError (over 2048 characters) or PackedPolicyTooLarge (packed over 100 %)', async () => {
    const statement = (i: number, resource: string) => ({ Sid: `S${i}`, Effect: 'Allow', Action: 's3:GetObject', Resource: resource });
    const huge = JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: 40 }, (_, i) => statement(i, `arn:aws:s3:::bucket-${i}/*`)) });
    expect(huge.length).toBeGreaterThan(2048);
    expectError(await web(await webParams({ Policy: huge })), 400, 'ValidationError', /at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048/);
    // Under 2048 characters but incompressible: random resource names.
    const resources = Array.from({ length: 18 }, () => `arn:aws:s3:::${randomBytes(66).toString('base64url')}`);
    const dense = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resources }] });
    expect(dense.length).toBeLessThanOrEqual(2048);
    expectError(await signed(PORTAL, { Action: 'GetFederationToken', Name: 'bob', Policy: dense }), 400, 'PackedPolicyTooLarge', /consumes \d+% of allotted space/);
    expectError(await web(await webParams({ Policy: dense })), 400, 'PackedPolicyTooLarge');
  });

  it('a session policy granting more than the role is accepted (as AWS does) with its PackedPolicySize', async () => {
    const everything = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    const r = await web(await webParams({ Policy: everything }));
    expect(r.status, r.body).toBe(200);
    expect(Number(resultValue(r, 'PackedPolicySize'))).toBeGreaterThan(0);
  });
});

describe('security: STS parameters — a session policy cannot widen anything (effective permissions = intersection)', () => {
  const everything = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
  const s3Only = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

  /** An encoded authorization failure message (from any AccessDenied that carries one). */
  async function encodedMessage(): Promise<string> {
    const r = await signed(PORTAL, { Action: 'AssumeRole', RoleArn: roleArn('SamlDev'), RoleSessionName: 'portal' });
    const message = expectError(r, 403, 'AccessDenied');
    const encoded = /Encoded authorization failure message: (\S+)$/.exec(message)?.[1];
    expect(encoded).toBeDefined();
    return encoded!;
  }

  it('AssumeRole with an allow-everything session policy: the session still cannot do what the role cannot', async () => {
    // WebDev's own policies allow sts:DecodeAuthorizationMessage but not sts:AssumeRole.
    const session = credentialsOf(await signed(PORTAL, { Action: 'AssumeRole', RoleArn: roleArn('WebDev'), RoleSessionName: 'wide', Policy: everything }));
    const chained = await signed(session, { Action: 'AssumeRole', RoleArn: roleArn('Target'), RoleSessionName: 'xx' });
    expectError(chained, 403, 'AccessDenied', /is not authorized to perform: sts:AssumeRole on resource: .*role\/Target/);
    // What both allow still works: the denial above came from the identity policy, not the probe.
    const decoded = await signed(session, { Action: 'DecodeAuthorizationMessage', EncodedMessage: await encodedMessage() });
    expect(decoded.status, decoded.body).toBe(200);
    // Control: a role whose own policies allow sts:AssumeRole can chain with the same session policy.
    const chainer = credentialsOf(await signed(PORTAL, { Action: 'AssumeRole', RoleArn: roleArn('Chainer'), RoleSessionName: 'wide', Policy: everything }));
    const ok = await signed(chainer, { Action: 'AssumeRole', RoleArn: roleArn('Target'), RoleSessionName: 'xx' });
    expect(ok.status, ok.body).toBe(200);
  });

  it('AssumeRoleWithWebIdentity with a narrowing session policy: what the role allows but the session policy does not is denied', async () => {
    const narrowed = await webSession({ Policy: s3Only });
    const denied = await signed(narrowed, { Action: 'DecodeAuthorizationMessage', EncodedMessage: await encodedMessage() });
    expectError(denied, 403, 'AccessDenied', /sts:DecodeAuthorizationMessage/);
    const plain = await webSession();
    const allowed = await signed(plain, { Action: 'DecodeAuthorizationMessage', EncodedMessage: await encodedMessage() });
    expect(allowed.status, allowed.body).toBe(200);
  });

  it('GetFederationToken with an allow-everything session policy: the federated user gets no more than the IAM user', async () => {
    // Through the broker such credentials call nothing but GetCallerIdentity (G9663), whatever policy:
    const wide = credentialsOf(await signed(PORTAL, { Action: 'GetFederationToken', Name: 'wide', Policy: everything }));
    expectError(await signed(wide, { Action: 'DecodeAuthorizationMessage', EncodedMessage: await encodedMessage() }), 403, 'AccessDenied', /credentials from GetFederationToken/);
    // … and their permissions — what a service asking the broker would be told — are the user's ∩ the
    // session policy, evaluated on the layers the broker builds from the sealed token.
    const decide = (keys: Keys, action: string) => {
      const caller = sessionCaller(openSessionToken(b.broker.keyRing, keys.sessionToken!));
      return authorize(callerLayers(b.broker, caller), { action, resource: '*', principal: callerPrincipal(caller), context: createContext({}) }).decision;
    };
    // portal's policies do not allow sts:DecodeAuthorizationMessage; auditor's do.
    expect(decide(wide, 'sts:DecodeAuthorizationMessage')).toBe('ImplicitDeny');
    expect(decide(wide, 's3:GetObject')).toBe('ImplicitDeny');
    const auditor = credentialsOf(await signed(AUDITOR, { Action: 'GetFederationToken', Name: 'audit', Policy: everything }));
    expect(decide(auditor, 'sts:DecodeAuthorizationMessage')).toBe('Allow');
    // Without any session policy a federated user has no permissions at all (AWS).
    const none = credentialsOf(await signed(AUDITOR, { Action: 'GetFederationToken', Name: 'nopolicy' }));
    expect(decide(none, 'sts:DecodeAuthorizationMessage')).toBe('ImplicitDeny');
  });
});

describe('security: SigV4 through the server', () => {
  it('wrong secret → SignatureDoesNotMatch (403, AWS\'s message)', async () => {
    const r = await stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: { accessKeyId: PORTAL.accessKeyId, secretAccessKey: 'W'.repeat(40) } });
    expectError(r, 403, 'SignatureDoesNotMatch', MISMATCH);
  });

  it('altered body → SignatureDoesNotMatch', async () => {
    const r = await stsQuery(b.url, { Action: 'GetSessionToken', DurationSeconds: '900' }, { credentials: PORTAL, alterBody: (body) => body.replace('900', '129600') });
    expectError(r, 403, 'SignatureDoesNotMatch', MISMATCH);
  });

  it('altered signed header → SignatureDoesNotMatch', async () => {
    const good = await stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: PORTAL, headers: { 'x-amz-meta-tenant': 'blue' } });
    expect(good.status, good.body).toBe(200);
    // Re-send the same signed request with the header changed.
    const url = new URL(b.url);
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const signedRequest = await new SignatureV4({ service: 'sts', region: 'us-east-1', credentials: PORTAL, sha256: NodeSha256, applyChecksum: false }).sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'x-amz-meta-tenant': 'blue' },
      body,
    });
    const headers = { ...(signedRequest.headers as Record<string, string>), 'x-amz-meta-tenant': 'red' };
    expectError(await rawRequest(b.url, { headers, body }), 403, 'SignatureDoesNotMatch', MISMATCH);
  });

  it('X-Amz-Date more than 15 minutes off → SignatureDoesNotMatch "Signature expired" / "Signature not yet current"', async () => {
    const past = await stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: PORTAL, signingDate: new Date(Date.now() - 16 * 60_000) });
    expectError(past, 403, 'SignatureDoesNotMatch', /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    const future = await stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: PORTAL, signingDate: new Date(Date.now() + 16 * 60_000) });
    expectError(future, 403, 'SignatureDoesNotMatch', /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/);
    // Within the window it is fine.
    const near = await stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: PORTAL, signingDate: new Date(Date.now() - 10 * 60_000) });
    expect(near.status, near.body).toBe(200);
  });

  it('a presigned URL past its X-Amz-Expires → SignatureDoesNotMatch "Signature expired"', async () => {
    const fresh = await stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: PORTAL, presign: { expiresIn: 60 } });
    expect(fresh.status, fresh.body).toBe(200);
    expect(resultValue(fresh, 'Arn')).toBe(`arn:aws:iam::${TEST_ACCOUNT}:user/portal`);
    const stale = await stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: PORTAL, presign: { expiresIn: 60 }, signingDate: new Date(Date.now() - 120_000) });
    expectError(stale, 403, 'SignatureDoesNotMatch', /^Signature expired: /);
  });

  it('an unsigned call to a signed action → MissingAuthenticationToken, an unknown key → InvalidClientTokenId', async () => {
    expectError(await stsQuery(b.url, { Action: 'GetCallerIdentity' }), 403, 'MissingAuthenticationToken');
    const r = await stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: { accessKeyId: 'AKIANOSUCHUSER000001', secretAccessKey: PORTAL.secretAccessKey } });
    expectError(r, 403, 'InvalidClientTokenId', INVALID_TOKEN);
  });
});

describe('security: session tokens — tampered, expired, from a removed key, revoked', () => {
  const whoAmI = (credentials: Keys) => stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials });

  it('a tampered session token → InvalidClientTokenId', async () => {
    const session = await webSession();
    expect((await whoAmI(session)).status).toBe(200);
    const token = session.sessionToken!;
    const middle = Math.floor(token.length / 2);
    const flipped = `${token.slice(0, middle)}${token[middle] === 'A' ? 'B' : 'A'}${token.slice(middle + 1)}`;
    expectError(await whoAmI({ ...session, sessionToken: flipped }), 403, 'InvalidClientTokenId', INVALID_TOKEN);
    expectError(await whoAmI({ ...session, sessionToken: token.slice(0, -8) }), 403, 'InvalidClientTokenId', INVALID_TOKEN);
    expectError(await whoAmI({ ...session, sessionToken: 'not-a-token' }), 403, 'InvalidClientTokenId', INVALID_TOKEN);
    // A valid token presented with another session's keys.
    const other = await webSession();
    expectError(await whoAmI({ ...other, sessionToken: token }), 403, 'InvalidClientTokenId', INVALID_TOKEN);
  });

  it('an expired session token → ExpiredTokenException', async () => {
    const session = await webSession();
    const claims = openSessionToken(b.broker.keyRing, session.sessionToken!);
    const now = Math.floor(Date.now() / 1000);
    const expired = sealSessionToken(b.broker.keyRing, { ...claims, issuedAt: now - 3600, expiresAt: now - 5 });
    expectError(await whoAmI({ ...session, sessionToken: expired }), 400, 'ExpiredTokenException', EXPIRED_TOKEN);
  });

  it('a token sealed by a key that was rotated out and removed → InvalidClientTokenId; rotation alone breaks nothing', async () => {
    const own = await createStsFixture();
    // A persistent store: role ids (in the sessions) must survive the restarts, as in production.
    let broker = await startBroker(own.config(), { dir: own.dir });
    try {
      const first = credentialsOf(await stsQuery(broker.url, { Action: 'AssumeRoleWithWebIdentity', ...(await ownWebParams(own)) }));
      const oldKid = broker.broker.keyRing.activeKid;
      await broker.close();
      // `fedbroker keys rotate` (the real command), then a restart.
      const out = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'keys', 'rotate', '--config', join(own.dir, 'broker.yaml')], { cwd: REPO });
      expect(out.stdout).toMatch(/New sealing key \S+ is active/);
      broker = await startBroker(own.config(), { dir: own.dir });
      expect(broker.broker.keyRing.activeKid).not.toBe(oldKid);
      const again = await stsQuery(broker.url, { Action: 'GetCallerIdentity' }, { credentials: first });
      expect(again.status, again.body).toBe(200);
      // The operator removes the old key file: what it sealed is no longer accepted.
      await broker.close();
      const sealingDir = join(own.dir, 'keys', 'sealing');
      const oldFile = readdirSync(sealingDir).find((f) => f.startsWith(oldKid));
      expect(oldFile).toBeDefined();
      rmSync(join(sealingDir, oldFile!));
      broker = await startBroker(own.config(), { dir: own.dir });
      expectError(await stsQuery(broker.url, { Action: 'GetCallerIdentity' }, { credentials: first }), 403, 'InvalidClientTokenId', INVALID_TOKEN);
    } finally {
      await broker.close();
      own.cleanup();
    }
  });

  it('a session revoked with `fedbroker revoke session` while the server runs → InvalidClientTokenId within about a second', async () => {
    const victim = await webSession();
    const bystander = await webSession();
    expect((await whoAmI(victim)).status).toBe(200);
    const out = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'revoke', 'session', victim.accessKeyId, '--config', b.configFile], { cwd: REPO });
    expect(out.stdout).toContain(`Revoked session ${victim.accessKeyId}`);
    const status = await eventually(async () => (await whoAmI(victim)).status === 403);
    expect(status).toBe(true);
    expectError(await whoAmI(victim), 403, 'InvalidClientTokenId', INVALID_TOKEN);
    expect((await whoAmI(bystander)).status).toBe(200);
  });

  it('revoking a role or a federated subject kills their sessions issued before, not later ones', async () => {
    const bob = await webSession({ WebIdentityToken: await fx.webToken({ sub: 'bob' }), RoleSessionName: 'bob' });
    const carol = await webSession({ WebIdentityToken: await fx.webToken({ sub: 'carol' }), RoleSessionName: 'carol' });
    await b.broker.revocations.revoke('subject', subjectKey(PROVIDER, 'bob'));
    expectError(await whoAmI(bob), 403, 'InvalidClientTokenId');
    expect((await whoAmI(carol)).status).toBe(200);

    const target = credentialsOf(await signed(PORTAL, { Action: 'AssumeRole', RoleArn: roleArn('Target'), RoleSessionName: 'before' }));
    await b.broker.revocations.revoke('role', roleArn('Target'));
    expectError(await whoAmI(target), 403, 'InvalidClientTokenId');
    await new Promise((r) => setTimeout(r, 1100)); // session issue times have one-second resolution
    const later = credentialsOf(await signed(PORTAL, { Action: 'AssumeRole', RoleArn: roleArn('Target'), RoleSessionName: 'after' }));
    expect((await whoAmI(later)).status).toBe(200);
  });
});

describe('security: Action and Version', () => {
  it('an unknown Action → InvalidAction', async () => {
    const r = await stsQuery(b.url, { Action: 'AssumeRoot' });
    expectError(r, 400, 'InvalidAction', 'Could not find operation AssumeRoot for version 2011-06-15');
    expectError(await stsQuery(b.url, { Action: '<script>' }), 400, 'InvalidAction');
  });

  it('a missing Action → MissingParameter', async () => {
    expectError(await stsQuery(b.url, { Version: '2011-06-15' }), 400, 'MissingParameter', 'The request must contain the parameter Action');
  });

  it('a wrong Version → InvalidParameterValue; a missing one → MissingParameter', async () => {
    const wrong = await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', Version: '2010-05-08', ...(await webParams()) });
    expectError(wrong, 400, 'InvalidParameterValue', /Version 2010-05-08 is not supported for AssumeRoleWithWebIdentity/);
    const form = new URLSearchParams({ Action: 'GetCallerIdentity' }).toString();
    const missing = await rawRequest(b.url, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    expectError(missing, 400, 'MissingParameter', 'The request must contain the parameter Version');
  });
});

async function ownWebParams(f: StsFixture) {
  return { RoleArn: roleArn('WebDev'), RoleSessionName: 'alice', WebIdentityToken: await f.webToken() };
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}
