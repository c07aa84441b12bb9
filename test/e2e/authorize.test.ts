/**
 * POST /authorize (api.md §6), the policy decision point for services, through the running broker:
 * the service signs its call (SigV4) and needs fedbroker:Authorize; the subject is given by its
 * temporary credentials or by a request it signed for another service (here S3) that the service
 * forwards; the answer is the policy engine's decision on the subject's layers.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { AUDITOR, createStsFixture, PORTAL, roleArn, type StsFixture } from '../helpers/stsFixture.js';
import { credentialsOf, stsQuery, type Keys } from '../helpers/stsHttp.js';
import { NodeSha256 } from '../federation/sigv4/helpers.js';

/** The calling service's own keys: an IAM user allowed fedbroker:Authorize. */
const SERVICE = { accessKeyId: 'AKIASERVICE000000001', secretAccessKey: 'serviceSecretKey/0123456789abcdefghijkl' };

let fx: StsFixture;
let b: StartedBroker;
beforeAll(async () => {
  fx = await createStsFixture();
  const base = fx.config();
  b = await startBroker(
    fx.config({
      users: [
        ...(base['users'] as unknown[]),
        {
          name: 'storage-service',
          accessKeys: [{ id: SERVICE.accessKeyId, secret: SERVICE.secretAccessKey }],
          inlinePolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'fedbroker:Authorize', Resource: '*' }] }],
        },
      ],
    }),
    { dir: fx.dir },
  );
});
afterAll(async () => {
  await b?.close();
  fx?.cleanup();
});

const signer = (credentials: Keys, service: string) =>
  new SignatureV4({ service, region: 'us-east-1', credentials, sha256: NodeSha256, applyChecksum: false });

/** POST /authorize signed by `caller` (scope sts); the status and JSON answer. */
async function ask(caller: Keys | undefined, payload: unknown): Promise<{ status: number; json: Record<string, any> }> {
  const url = new URL(`${b.url}/authorize`);
  const body = JSON.stringify(payload);
  const request = { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/authorize', query: {}, headers: { host: url.host, 'content-type': 'application/json' }, body };
  const signed = caller ? await signer(caller, 'sts').sign(request) : request;
  const res = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

async function federated(name: string, policy: unknown): Promise<Keys> {
  return credentialsOf(await stsQuery(b.url, { Action: 'GetFederationToken', Name: name, Policy: JSON.stringify(policy) }, { credentials: AUDITOR }));
}

const S3_READ = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }] };

describe('decisions', () => {
  it('credentials form: the subject\'s policies decide (here the role\'s S3Read), with the matched statements', async () => {
    const session = credentialsOf(await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('WebDev'), RoleSessionName: 'alice', WebIdentityToken: await fx.webToken() }));
    const subject = { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken };
    const allowed = await ask(SERVICE, { credentials: subject, action: 's3:GetObject', resource: 'arn:aws:s3:::any/key' });
    expect(allowed.status).toBe(200);
    expect(allowed.json).toMatchObject({
      decision: 'Allow',
      principal: { arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/WebDev/alice`, account: TEST_ACCOUNT, type: 'AssumedRole' },
      matchedStatements: [expect.objectContaining({ policy: expect.stringContaining('S3Read'), effect: 'Allow' })],
    });
    const denied = await ask(SERVICE, { credentials: subject, action: 's3:PutObject', resource: 'arn:aws:s3:::any/key' });
    expect(denied.json).toMatchObject({ decision: 'Deny', matchedStatements: [] });
    expect(denied.json['reason']).toContain('implicit deny');
  });

  it('a GetFederationToken subject gets its user\'s permissions ∩ its session policy', async () => {
    // The auditor user may DecodeAuthorizationMessage and GetFederationToken, nothing on S3.
    const keys = await federated('reader', S3_READ);
    const subject = { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey, sessionToken: keys.sessionToken };
    expect((await ask(SERVICE, { credentials: subject, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q1' })).json['decision']).toBe('Deny');
    expect((await ask(SERVICE, { credentials: subject, action: 'sts:DecodeAuthorizationMessage', resource: '*' })).json['decision']).toBe('Deny');
    const wide = await federated('decoder', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:DecodeAuthorizationMessage', Resource: '*' }] });
    expect((await ask(SERVICE, { credentials: { accessKeyId: wide.accessKeyId, secretAccessKey: wide.secretAccessKey, sessionToken: wide.sessionToken }, action: 'sts:DecodeAuthorizationMessage', resource: '*' })).json['decision']).toBe('Allow');
  });

  it('request form: a request the subject signed for S3, forwarded by the service, identifies the subject', async () => {
    const session = credentialsOf(await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('WebDev'), RoleSessionName: 'bob', WebIdentityToken: await fx.webToken() }));
    const s3 = await signer(session, 's3').sign({
      method: 'GET',
      protocol: 'https:',
      hostname: 'reports.s3.amazonaws.com',
      path: '/q1.csv',
      query: {},
      // As the S3 client sends it for a GET: the hash of the empty body.
      headers: { host: 'reports.s3.amazonaws.com', 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
    });
    const forwarded = { method: 'GET', url: 'https://reports.s3.amazonaws.com/q1.csv', headers: s3.headers };
    const answer = await ask(SERVICE, { request: forwarded, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q1.csv' });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ decision: 'Allow', principal: { arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/WebDev/bob` } });
    // A forwarded request that was altered does not verify.
    const altered = await ask(SERVICE, { request: { ...forwarded, url: 'https://reports.s3.amazonaws.com/other.csv' }, action: 's3:GetObject', resource: '*' });
    expect(altered.status).toBe(403);
    expect(altered.json['Error']['Code']).toBe('SignatureDoesNotMatch');
  });

  it('the service\'s context may describe the request, never the subject or the time', async () => {
    const keys = await federated('ctx', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:DecodeAuthorizationMessage', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }] });
    const subject = { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey, sessionToken: keys.sessionToken };
    const base = { credentials: subject, action: 'sts:DecodeAuthorizationMessage', resource: '*' };
    expect((await ask(SERVICE, { ...base, context: { 'aws:SourceIp': '203.0.113.9' } })).json['decision']).toBe('Allow');
    expect((await ask(SERVICE, { ...base, context: { 'aws:SourceIp': '198.51.100.1' } })).json['decision']).toBe('Deny');
    // Identity, MFA, time and federated keys are the broker's alone — set or absent.
    for (const key of ['aws:PrincipalArn', 'aws:username', 'AWS:MultiFactorAuthPresent', 'aws:MultiFactorAuthAge', 'aws:CurrentTime', 'aws:EpochTime', 'aws:SourceIdentity', 'aws:FederatedProvider', 'saml:sub', 'idp.fedbroker.test:sub']) {
      const r = await ask(SERVICE, { ...base, context: { 'aws:SourceIp': '203.0.113.9', [key]: 'x' } });
      expect([r.status, r.json['Error']?.['Code']], key).toEqual([400, 'ValidationError']);
    }
    const twice = await ask(SERVICE, { ...base, context: { 's3:prefix': 'a', 'S3:Prefix': 'b' } });
    expect([twice.status, twice.json['Error']['Code']]).toEqual([400, 'ValidationError']);
  });

  it('S3 requests as S3 signs them: the path as sent (encoded once, not normalised) and UNSIGNED-PAYLOAD', async () => {
    const session = credentialsOf(await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('WebDev'), RoleSessionName: 'carol', WebIdentityToken: await fx.webToken() }));
    const s3Signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials: { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken! }, sha256: NodeSha256, applyChecksum: false, uriEscapePath: false });
    for (const path of ['/my%20file.csv', '/a//b.csv']) {
      const signed = await s3Signer.sign({
        method: 'PUT',
        protocol: 'https:',
        hostname: 'reports.s3.amazonaws.com',
        path,
        query: {},
        headers: { host: 'reports.s3.amazonaws.com', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      });
      const r = await ask(SERVICE, { request: { method: 'PUT', url: `https://reports.s3.amazonaws.com${path}`, headers: signed.headers }, action: 's3:PutObject', resource: '*' });
      expect([r.status, r.json['principal']?.['arn']], path).toEqual([200, `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/WebDev/carol`]);
    }
  });
});

describe('refusals', () => {
  it('an unsigned call, a caller without fedbroker:Authorize, bad subject credentials, a malformed body', async () => {
    const subject = await federated('someone', S3_READ);
    const good = { credentials: { accessKeyId: subject.accessKeyId, secretAccessKey: subject.secretAccessKey, sessionToken: subject.sessionToken }, action: 's3:GetObject', resource: '*' };
    const unsigned = await ask(undefined, good);
    expect([unsigned.status, unsigned.json['Error']['Code']]).toEqual([403, 'MissingAuthenticationToken']);
    const notAllowed = await ask(PORTAL, good);
    expect([notAllowed.status, notAllowed.json['Error']['Code']]).toEqual([403, 'AccessDenied']);
    expect(notAllowed.json['Error']['Message']).toContain('fedbroker:Authorize');
    const wrongKey = await ask(SERVICE, { ...good, credentials: { ...good.credentials, accessKeyId: 'ASIAAAAAAAAAAAAAAAAA' } });
    expect([wrongKey.status, wrongKey.json['Error']['Code']]).toEqual([403, 'InvalidClientTokenId']);
    for (const bad of [{ action: 's3:GetObject', resource: '*' }, { ...good, action: 'not an action' }, { ...good, context: { k: 5 } }, { ...good, request: { method: 'GET', url: 'x', headers: {} } }]) {
      const r = await ask(SERVICE, bad);
      expect([r.status, r.json['Error']['Code']], JSON.stringify(bad)).toEqual([400, 'ValidationError']);
    }
  });
});
