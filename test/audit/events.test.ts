/**
 * semantics.md "Audit" and security.md "Secrets", through the running broker: every issuance and
 * every denial of every STS action is exactly one CloudTrail-shaped event (eventTime, eventName,
 * userIdentity, sourceIPAddress, userAgent, requestParameters and responseElements without secrets,
 * errorCode/errorMessage on failures, requestID = the response's RequestId), written to the
 * hash-chained file and mirrored to the store. Then the whole audit file, the store mirror and the
 * logs are scanned for every secret the run handled: none may appear.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { generate } from 'otplib';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditFiles } from '../../src/audit/verify.js';
import { Broker } from '../../src/broker.js';
import { loadConfigFile } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { freePort, TEST_ACCOUNT } from '../helpers/broker.js';
import { AUDITOR, createStsFixture, PORTAL, roleArn, SAML_PROVIDER_ARN, type StsFixture } from '../helpers/stsFixture.js';
import { awsError, credentialsOf, stsQuery, type QueryOptions, type RawResponse } from '../helpers/stsHttp.js';

/** A user who enrols a TOTP device for themself and then uses codes (GetSessionToken with MFA). */
const MFA_KEYS = { accessKeyId: 'AKIAMFAUSER000000001', secretAccessKey: 'mfaUserSecretKey/0123456789abcdefghijklm' } as const;
const MFA_USER = {
  name: 'mfauser',
  accessKeys: [{ id: MFA_KEYS.accessKeyId, secret: MFA_KEYS.secretAccessKey }],
  inlinePolicies: [
    {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'sts:GetSessionToken'], Resource: '*' }],
    },
  ],
};
/** Six-digit codes are checked as values (quoted, or after = or :), not as bare digits inside UUIDs. */
const codes = new Set<string>();

let fx: StsFixture;
let broker: Broker;
let url: string;
const logs: string[] = [];
/** Every secret this run handled (credentials, tokens, assertions, codes). */
const secrets = new Set<string>();

beforeAll(async () => {
  fx = await createStsFixture();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const file = join(fx.dir, 'broker.yaml');
  writeFileSync(
    file,
    stringify({
      ...fx.config({ users: [...(fx.config()['users'] as unknown[]), MFA_USER] }),
      account: { id: TEST_ACCOUNT },
      store: 'sqlite:data/broker.db',
      keys: { dir: 'keys' },
      audit: { file: 'data/audit.jsonl' },
      limits: { requestsPerMinutePerIp: 0 },
      server: { host: '127.0.0.1', port, publicUrl: 'http://broker.fedbroker.test' },
    }),
  );
  // The real logger at its most verbose, captured.
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  broker = await Broker.start(loadConfigFile(file, {}), { logger: createLogger({ level: 'trace', destination }) });
  await broker.listen();
  secrets.add(PORTAL.secretAccessKey);
  secrets.add(AUDITOR.secretAccessKey);
}, 60_000);

afterAll(async () => {
  await broker?.close();
  fx?.cleanup();
});

type Event = Record<string, any>;
const auditFile = () => join(fx.dir, 'data', 'audit.jsonl');
const fileEvents = (): Event[] =>
  readFileSync(auditFile(), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Event);

let counter = 0;
/** A request with a unique User-Agent; remembers every secret in the response. */
async function call(params: Record<string, string | undefined>, options: QueryOptions = {}): Promise<{ r: RawResponse; userAgent: string }> {
  const userAgent = `audit-test/${++counter} (fedbroker)`;
  const r = await stsQuery(url, params, { ...options, headers: { 'user-agent': userAgent, ...options.headers } });
  for (const name of ['SecretAccessKey', 'SessionToken']) {
    const m = new RegExp(`<${name}>([^<]+)</${name}>`).exec(r.body);
    if (m) secrets.add(m[1]!);
  }
  return { r, userAgent };
}

/** The one event (file) for a response, checked against the CloudTrail shape and the store mirror. */
async function eventOf(r: RawResponse, userAgent: string, action: string): Promise<Event> {
  const requestId = r.headers['x-amzn-requestid'] as string;
  // Exactly one event of the action (an MFA check inside it is an event of its own: MFAAuthentication).
  const matching = fileEvents().filter((e) => e['requestID'] === requestId && e['eventSource'] === 'sts.amazonaws.com');
  expect(matching.map((m) => `${String(m['eventName'])} ${String(m['errorCode'])}`), `events for ${action} ${requestId}`).toHaveLength(1);
  const e = matching[0]!;
  expect(e['eventName']).toBe(action);
  expect(e['eventSource']).toBe('sts.amazonaws.com');
  expect(e['eventType']).toBe('AwsApiCall');
  expect(e['eventVersion']).toBe('1.08');
  expect(e['eventID']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(e['eventTime']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(Math.abs(Date.parse(e['eventTime'] as string) - Date.now())).toBeLessThan(60_000);
  expect(e['sourceIPAddress']).toBe('127.0.0.1');
  expect(e['userAgent']).toBe(userAgent);
  expect(e['recipientAccountId']).toBe(TEST_ACCOUNT);
  expect(e['userIdentity']).toEqual(expect.objectContaining({ type: expect.any(String) }));
  expect(e).toHaveProperty('requestParameters');
  expect(e).toHaveProperty('responseElements');
  if (r.status === 200) {
    expect(e['errorCode']).toBeUndefined();
    expect(e['errorMessage']).toBeUndefined();
  } else {
    const error = awsError(r);
    expect(e['errorCode']).toBe(error.code);
    expect(e['errorMessage']).toBe(error.message.replace(/ Encoded authorization failure message: \S+$/, ''));
    expect(e['responseElements']).toBeNull();
  }
  // Mirrored to the store, byte for byte (the mirror is written in the background: wait for it).
  await broker.audit.drain();
  const stored = (await broker.store.listAudit({ name: action, limit: 1000 })).find((s) => s.id === e['eventID']);
  expect(stored).toBeDefined();
  expect(JSON.parse(stored!.json)).toEqual(e);
  return e;
}

const encodedOf = (r: RawResponse) => /Encoded authorization failure message: (\S+)$/.exec(awsError(r).message)?.[1];

describe('one CloudTrail event per issuance and per denial, for every STS action', () => {
  it('AssumeRoleWithWebIdentity: issuance and denial', async () => {
    const token = await fx.webToken();
    secrets.add(token);
    const ok = await call({ Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('WebDev'), RoleSessionName: 'alice', WebIdentityToken: token, DurationSeconds: '900' });
    expect(ok.r.status).toBe(200);
    const issued = await eventOf(ok.r, ok.userAgent, 'AssumeRoleWithWebIdentity');
    const creds = credentialsOf(ok.r);
    expect(issued['userIdentity']).toEqual({ type: 'WebIdentityUser', principalId: 'idp.fedbroker.test:alice', userName: 'alice', identityProvider: 'idp.fedbroker.test' });
    expect(issued['requestParameters']).toEqual({ roleArn: roleArn('WebDev'), roleSessionName: 'alice', durationSeconds: 900 });
    expect(issued['responseElements']).toMatchObject({
      credentials: { accessKeyId: creds.accessKeyId, expiration: expect.any(String) },
      assumedRoleUser: { arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/WebDev/alice` },
      subjectFromWebIdentityToken: 'alice',
      audience: 'test-app',
    });
    expect(issued['resources']).toEqual([{ ARN: roleArn('WebDev'), accountId: TEST_ACCOUNT, type: 'AWS::IAM::Role' }]);

    const token2 = await fx.webToken({ sub: 'bob' });
    secrets.add(token2);
    const denied = await call({ Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('Target'), RoleSessionName: 'bob', WebIdentityToken: token2 });
    expect(denied.r.status).toBe(403);
    const e = await eventOf(denied.r, denied.userAgent, 'AssumeRoleWithWebIdentity');
    expect(e['errorCode']).toBe('AccessDenied');
    expect(e['userIdentity']).toMatchObject({ type: 'WebIdentityUser', userName: 'bob' });

    // A token that does not verify: no identity yet, still one event.
    const bad = await call({ Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('WebDev'), RoleSessionName: 'x1', WebIdentityToken: `${token.slice(0, -4)}AAAA` });
    secrets.add(`${token.slice(0, -4)}AAAA`);
    expect((await eventOf(bad.r, bad.userAgent, 'AssumeRoleWithWebIdentity'))['errorCode']).toBe('InvalidIdentityToken');
  });

  it('AssumeRoleWithSAML: issuance and denial', async () => {
    const assertion = fx.samlResponse({ sessionName: 'alice-saml' });
    secrets.add(assertion);
    const ok = await call({ Action: 'AssumeRoleWithSAML', RoleArn: roleArn('SamlDev'), PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: assertion });
    expect(ok.r.status).toBe(200);
    const issued = await eventOf(ok.r, ok.userAgent, 'AssumeRoleWithSAML');
    expect(issued['userIdentity']).toMatchObject({ type: 'SAMLUser', userName: 'alice@example.com', identityProvider: SAML_PROVIDER_ARN });
    expect(issued['requestParameters']).toMatchObject({ roleArn: roleArn('SamlDev'), principalArn: SAML_PROVIDER_ARN });
    expect(issued['responseElements']).toMatchObject({ assumedRoleUser: { arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/SamlDev/alice-saml` } });

    // The same assertion again: a replay, denied.
    const replay = await call({ Action: 'AssumeRoleWithSAML', RoleArn: roleArn('SamlDev'), PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: assertion });
    expect(replay.r.status).toBe(403);
    expect((await eventOf(replay.r, replay.userAgent, 'AssumeRoleWithSAML'))['errorCode']).toBe('IDPRejectedClaim');

    // A role the assertion does not name.
    const other = fx.samlResponse({ role: 'WebDev' });
    secrets.add(other);
    const denied = await call({ Action: 'AssumeRoleWithSAML', RoleArn: roleArn('WebDev'), PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: other });
    expect(denied.r.status).toBe(403);
    expect((await eventOf(denied.r, denied.userAgent, 'AssumeRoleWithSAML'))['errorCode']).toBe('AccessDenied');
  });

  it('AssumeRole: issuance and denial', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    const ok = await call({ Action: 'AssumeRole', RoleArn: roleArn('Target'), RoleSessionName: 'portal', ExternalId: 'ext-123', Policy: policy }, { credentials: PORTAL });
    expect(ok.r.status, ok.r.body).toBe(200);
    const issued = await eventOf(ok.r, ok.userAgent, 'AssumeRole');
    expect(issued['userIdentity']).toMatchObject({ type: 'IAMUser', arn: `arn:aws:iam::${TEST_ACCOUNT}:user/portal`, accessKeyId: PORTAL.accessKeyId, userName: 'portal' });
    expect(issued['requestParameters']).toMatchObject({ roleArn: roleArn('Target'), roleSessionName: 'portal', externalId: 'ext-123' });
    expect(issued['responseElements']).toMatchObject({ assumedRoleUser: { arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Target/portal` }, packedPolicySize: expect.any(Number) });

    const denied = await call({ Action: 'AssumeRole', RoleArn: roleArn('SamlDev'), RoleSessionName: 'portal' }, { credentials: PORTAL });
    expect(denied.r.status).toBe(403);
    const e = await eventOf(denied.r, denied.userAgent, 'AssumeRole');
    expect(e['errorCode']).toBe('AccessDenied');
    expect(e['userIdentity']).toMatchObject({ type: 'IAMUser', userName: 'portal' });

    // A role session chaining: the event names the session as the caller.
    const session = credentialsOf(ok.r);
    const chained = await call({ Action: 'AssumeRole', RoleArn: roleArn('Target'), RoleSessionName: 'chain' }, { credentials: session });
    const c = await eventOf(chained.r, chained.userAgent, 'AssumeRole');
    expect(c['userIdentity']).toMatchObject({ type: 'AssumedRole', arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Target/portal`, sessionContext: { sessionIssuer: { type: 'Role', arn: roleArn('Target') } } });
  });

  it('GetSessionToken: issuance and denial (with a wrong MFA code, which is never logged)', async () => {
    const ok = await call({ Action: 'GetSessionToken', DurationSeconds: '900' }, { credentials: PORTAL });
    expect(ok.r.status).toBe(200);
    const issued = await eventOf(ok.r, ok.userAgent, 'GetSessionToken');
    expect(issued['requestParameters']).toEqual({ durationSeconds: 900 });
    expect(issued['responseElements']).toEqual({ credentials: { accessKeyId: credentialsOf(ok.r).accessKeyId, expiration: expect.any(String) } });

    const code = '864209';
    codes.add(code);
    const serial = `arn:aws:iam::${TEST_ACCOUNT}:mfa/portal`;
    const denied = await call({ Action: 'GetSessionToken', SerialNumber: serial, TokenCode: code }, { credentials: PORTAL });
    expect(denied.r.status).toBe(403);
    const e = await eventOf(denied.r, denied.userAgent, 'GetSessionToken');
    expect(e['errorCode']).toBe('AccessDenied');
    expect(JSON.stringify(e['requestParameters'])).not.toMatch(/tokenCode/i);
    // The failed MFA check is an audit event of its own, without the code either.
    const mfa = fileEvents().filter((x) => x['requestID'] === denied.r.headers['x-amzn-requestid'] && x['eventName'] === 'MFAAuthentication');
    expect(mfa).toHaveLength(1);
    expect(JSON.stringify(mfa[0])).not.toContain(code);

    // Session credentials cannot call it: a denial too.
    const again = await call({ Action: 'GetSessionToken' }, { credentials: credentialsOf(ok.r) });
    expect((await eventOf(again.r, again.userAgent, 'GetSessionToken'))['errorCode']).toBe('AccessDenied');
  });

  it('GetFederationToken: issuance and denial', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    const ok = await call({ Action: 'GetFederationToken', Name: 'fed-bob', Policy: policy }, { credentials: PORTAL });
    expect(ok.r.status).toBe(200);
    const issued = await eventOf(ok.r, ok.userAgent, 'GetFederationToken');
    expect(issued['requestParameters']).toMatchObject({ name: 'fed-bob', policy });
    expect(issued['responseElements']).toMatchObject({ federatedUser: { arn: `arn:aws:sts::${TEST_ACCOUNT}:federated-user/fed-bob` } });

    // The federated user's credentials cannot call it again.
    const denied = await call({ Action: 'GetFederationToken', Name: 'fed-again' }, { credentials: credentialsOf(ok.r) });
    expect(denied.r.status).toBe(403);
    const e = await eventOf(denied.r, denied.userAgent, 'GetFederationToken');
    expect(e['errorCode']).toBe('AccessDenied');
    expect(e['userIdentity']).toMatchObject({ type: 'FederatedUser', arn: `arn:aws:sts::${TEST_ACCOUNT}:federated-user/fed-bob` });
  });

  it('GetCallerIdentity: a denial is an event (a success issues nothing and is not)', async () => {
    const ok = await call({ Action: 'GetCallerIdentity' }, { credentials: PORTAL });
    expect(ok.r.status).toBe(200);
    expect(fileEvents().filter((e) => e['requestID'] === ok.r.headers['x-amzn-requestid'])).toHaveLength(0);
    const denied = await call({ Action: 'GetCallerIdentity' }, { credentials: { ...PORTAL, secretAccessKey: 'W'.repeat(40) } });
    expect(denied.r.status).toBe(403);
    expect((await eventOf(denied.r, denied.userAgent, 'GetCallerIdentity'))['errorCode']).toBe('SignatureDoesNotMatch');
  });

  it('DecodeAuthorizationMessage: a denial is an event, without the encoded message (a decoding is not, as in CloudTrail)', async () => {
    const source = await call({ Action: 'AssumeRole', RoleArn: roleArn('SamlDev'), RoleSessionName: 'portal' }, { credentials: PORTAL });
    const encoded = encodedOf(source.r)!;
    expect(encoded).toBeDefined();
    const denied = await call({ Action: 'DecodeAuthorizationMessage', EncodedMessage: encoded }, { credentials: PORTAL });
    expect(denied.r.status).toBe(403);
    const e = await eventOf(denied.r, denied.userAgent, 'DecodeAuthorizationMessage');
    expect(e['errorCode']).toBe('AccessDenied');
    expect(JSON.stringify(e)).not.toContain(encoded.slice(0, 64));
    const ok = await call({ Action: 'DecodeAuthorizationMessage', EncodedMessage: encoded }, { credentials: AUDITOR });
    expect(ok.r.status).toBe(200);
    expect(fileEvents().filter((x) => x['requestID'] === ok.r.headers['x-amzn-requestid'])).toHaveLength(0);
  });

  it('parameter errors before any identity is known are still one event each', async () => {
    const missing = await call({ Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('WebDev') });
    expect((await eventOf(missing.r, missing.userAgent, 'AssumeRoleWithWebIdentity'))['errorCode']).toBe('MissingParameter');
    const duration = await call({ Action: 'GetFederationToken', Name: 'x1', DurationSeconds: '1' }, { credentials: PORTAL });
    expect((await eventOf(duration.r, duration.userAgent, 'GetFederationToken'))['errorCode']).toBe('ValidationError');
  });
});

describe('TOTP enrolment and use (seed and codes are secrets too)', () => {
  it('CreateVirtualMFADevice → EnableMFADevice → GetSessionToken with a valid code', async () => {
    const iam = { credentials: MFA_KEYS, service: 'iam' as const };
    const created = await call({ Action: 'CreateVirtualMFADevice', Version: '2010-05-08', VirtualMFADeviceName: 'mfauser' }, iam);
    expect(created.r.status, created.r.body).toBe(200);
    const serial = /<SerialNumber>([^<]+)<\/SerialNumber>/.exec(created.r.body)![1]!;
    const seedBlob = /<Base32StringSeed>([^<]+)<\/Base32StringSeed>/.exec(created.r.body)![1]!;
    const qr = /<QRCodePNG>([^<]+)<\/QRCodePNG>/.exec(created.r.body)![1]!;
    const seed = Buffer.from(seedBlob, 'base64').toString('ascii');
    expect(seed).toMatch(/^[A-Z2-7]{16,}$/);
    for (const x of [seed, seedBlob, qr.slice(0, 200), qr.slice(-200)]) secrets.add(x);

    const step = Math.floor(Date.now() / 30_000);
    const code = async (s: number) => {
      const c = await generate({ secret: seed, epoch: s * 30 + 1 });
      codes.add(c);
      return c;
    };
    const enabled = await call(
      { Action: 'EnableMFADevice', Version: '2010-05-08', UserName: 'mfauser', SerialNumber: serial, AuthenticationCode1: await code(step - 1), AuthenticationCode2: await code(step) },
      iam,
    );
    expect(enabled.r.status, enabled.r.body).toBe(200);
    const withMfa = await call({ Action: 'GetSessionToken', SerialNumber: serial, TokenCode: await code(step + 1) }, { credentials: MFA_KEYS });
    expect(withMfa.r.status, withMfa.r.body).toBe(200);
    const e = await eventOf(withMfa.r, withMfa.userAgent, 'GetSessionToken');
    expect(e['additionalEventData']).toEqual({ MFAUsed: 'Yes' });
    expect(e['requestParameters']).toEqual({ serialNumber: serial });
  });
});

describe('security: secrets never appear in the audit file, the store mirror or the logs', () => {
  it('no SecretAccessKey, SessionToken, WebIdentityToken, SAML assertion or TOTP code anywhere', async () => {
    // Some failure paths that log, too.
    await call({ Action: 'GetCallerIdentity' }, { credentials: { accessKeyId: 'ASIAAAAAAAAAAAAAAAAA', secretAccessKey: 'x'.repeat(40), sessionToken: 'garbage-token' } });
    const session = [...secrets].find((s) => s.length > 200 && !s.includes('.'));
    expect(session).toBeDefined();
    expect(secrets.size).toBeGreaterThan(10);

    const file = readFileSync(auditFile(), 'utf8');
    await broker.audit.drain();
    const store = (await broker.store.listAudit({ limit: 10_000 })).map((r) => r.json).join('\n');
    const logText = logs.join('');
    expect(logText.length).toBeGreaterThan(0);
    for (const [where, text] of [['audit file', file], ['store mirror', store], ['logs', logText]] as const) {
      for (const secret of secrets) {
        expect(text.includes(secret), `${where} contains a secret (${secret.slice(0, 12)}…)`).toBe(false);
      }
      // Pieces that would betray a token even when truncated or re-encoded.
      for (const secret of secrets) {
        if (secret.length > 100) expect(text.includes(secret.slice(-48)), `${where} contains the end of a secret`).toBe(false);
      }
      expect(text).not.toMatch(/"(secretAccessKey|sessionToken|webIdentityToken|samlAssertion|tokenCode|authenticationCode[12]|base32StringSeed|qrCodePNG)"/i);
      for (const code of codes) expect(text, `${where} contains the TOTP code ${code}`).not.toMatch(new RegExp(`["'=:]\\s*${code}\\b`));
    }
    expect(codes.size).toBeGreaterThanOrEqual(4);
    // Decoded SAML assertions are not logged either (the SignatureValue is unique to each one).
    for (const s of secrets) {
      if (!/^PD94|^PHNhbWxw/.test(s)) continue;
      const signature = /<ds:SignatureValue>([^<]{40})/.exec(Buffer.from(s, 'base64').toString('utf8'))?.[1];
      if (signature) for (const text of [file, store, logText]) expect(text.includes(signature)).toBe(false);
    }
  });

  it('the audit file is a valid hash chain after all of it', async () => {
    const result = verifyAuditFiles([auditFile()]);
    expect(result.problem).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.lines).toBe(fileEvents().length);
  });
});

