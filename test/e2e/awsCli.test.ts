/**
 * AWS CLI v2 compatibility: every STS action the broker serves, run exactly as an operator would —
 * a clean environment (`env -i`), no config or credentials files, `--endpoint-url`, `--output json` —
 * proving the CLI parses every response (and every error) the broker sends.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { AUDITOR, createStsFixture, PORTAL, roleArn, SAML_PROVIDER_ARN, type StsFixture } from '../helpers/stsFixture.js';

const AWS = '/usr/bin/aws';
const haveCli = existsSync(AWS);

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface CliCredentials {
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly SessionToken: string;
  readonly Expiration: string;
}

describe.skipIf(!haveCli)(`AWS CLI v2 against the broker${haveCli ? '' : ` — skipped: ${AWS} not installed`}`, () => {
  let fx: StsFixture;
  let b: StartedBroker;
  let home: string;
  let empty: string;

  beforeAll(async () => {
    fx = await createStsFixture();
    b = await startBroker(fx.config({ store: 'memory:' }), { dir: fx.dir });
    home = mkdtempSync(join(tmpdir(), 'fedbroker-awscli-'));
    empty = join(home, 'empty');
    writeFileSync(empty, '');
  }, 60_000);

  afterAll(async () => {
    await b?.close();
    fx?.cleanup();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** `env -i PATH=/usr/bin:/bin HOME=… AWS_CONFIG_FILE=<empty> … aws sts <args> --endpoint-url … --output json`. */
  function aws(args: string[], credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): Promise<CliResult> {
    const env: Record<string, string> = {
      PATH: '/usr/bin:/bin',
      HOME: home,
      AWS_CONFIG_FILE: empty,
      AWS_SHARED_CREDENTIALS_FILE: empty,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
      ...(credentials ? { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey } : {}),
      ...(credentials?.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    };
    return new Promise((resolve) => {
      execFile(AWS, ['sts', ...args, '--endpoint-url', b.url, '--output', 'json'], { env, timeout: 60_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  function ok(r: CliResult): Record<string, any> {
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Record<string, any>;
  }

  function checkCredentials(c: CliCredentials): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
    expect(c.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(c.SecretAccessKey).toHaveLength(40);
    expect(c.SessionToken.length).toBeGreaterThan(100);
    // The CLI parsed Expiration as a timestamp (v2 prints it with an offset).
    expect(Date.parse(c.Expiration)).toBeGreaterThan(Date.now());
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  }

  it('aws --version is v2', async () => {
    const r = await new Promise<string>((resolve) => execFile(AWS, ['--version'], { env: { PATH: '/usr/bin:/bin', HOME: home } }, (_e, out, err) => resolve(`${out}${err}`)));
    expect(r).toMatch(/^aws-cli\/2\./);
  });

  it('assume-role-with-web-identity (unsigned, no credentials configured), then get-caller-identity with the result', async () => {
    const token = await fx.webToken();
    const out = ok(await aws(['assume-role-with-web-identity', '--role-arn', roleArn('WebDev'), '--role-session-name', 'cli-alice', '--web-identity-token', token, '--duration-seconds', '3600']));
    const creds = checkCredentials(out['Credentials'] as CliCredentials);
    expect(out['AssumedRoleUser']).toEqual({ AssumedRoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}:cli-alice$/), Arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/WebDev/cli-alice` });
    expect(out['SubjectFromWebIdentityToken']).toBe('alice');
    expect(out['Provider']).toBe('https://idp.fedbroker.test');
    expect(out['Audience']).toBe('test-app');

    const who = ok(await aws(['get-caller-identity'], creds));
    expect(who).toEqual({ UserId: out['AssumedRoleUser'].AssumedRoleId, Account: TEST_ACCOUNT, Arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/WebDev/cli-alice` });
  });

  it('assume-role-with-saml with an xmlsec1-signed response', async () => {
    const out = ok(await aws(['assume-role-with-saml', '--role-arn', roleArn('SamlDev'), '--principal-arn', SAML_PROVIDER_ARN, '--saml-assertion', fx.samlResponse({ sessionName: 'cli-saml' })]));
    checkCredentials(out['Credentials'] as CliCredentials);
    expect(out['AssumedRoleUser'].Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/SamlDev/cli-saml`);
    expect(out['Subject']).toBe('alice@example.com');
    expect(out['SubjectType']).toBe('persistent');
    expect(out['Issuer']).toBe('https://idp.example.test/metadata');
    expect(out['Audience']).toBe('http://broker.fedbroker.test/saml');
    expect(out['NameQualifier']).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('get-session-token with long-term keys, then get-caller-identity as the user', async () => {
    const out = ok(await aws(['get-session-token', '--duration-seconds', '900'], PORTAL));
    const creds = checkCredentials(out['Credentials'] as CliCredentials);
    const who = ok(await aws(['get-caller-identity'], creds));
    expect(who['Arn']).toBe(`arn:aws:iam::${TEST_ACCOUNT}:user/portal`);
    expect(who['UserId']).toMatch(/^AIDA/);
  });

  it('assume-role with long-term keys, and with a session policy (PackedPolicySize)', async () => {
    const out = ok(await aws(['assume-role', '--role-arn', roleArn('Target'), '--role-session-name', 'cli-portal'], PORTAL));
    checkCredentials(out['Credentials'] as CliCredentials);
    expect(out['AssumedRoleUser'].Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Target/cli-portal`);
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    const scoped = ok(await aws(['assume-role', '--role-arn', roleArn('Target'), '--role-session-name', 'cli-scoped', '--policy', policy], PORTAL));
    expect(scoped['PackedPolicySize']).toBeGreaterThan(0);
  });

  it('get-federation-token, then get-caller-identity as the federated user', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    const out = ok(await aws(['get-federation-token', '--name', 'cli-bob', '--policy', policy, '--duration-seconds', '3600'], PORTAL));
    const creds = checkCredentials(out['Credentials'] as CliCredentials);
    expect(out['FederatedUser']).toEqual({ FederatedUserId: `${TEST_ACCOUNT}:cli-bob`, Arn: `arn:aws:sts::${TEST_ACCOUNT}:federated-user/cli-bob` });
    expect(out['PackedPolicySize']).toBeGreaterThan(0);
    const who = ok(await aws(['get-caller-identity'], creds));
    expect(who['Arn']).toBe(`arn:aws:sts::${TEST_ACCOUNT}:federated-user/cli-bob`);
  });

  it('an error: exit code 254 and `An error occurred (AccessDenied)`; decode-authorization-message explains it', async () => {
    const r = await aws(['assume-role', '--role-arn', roleArn('SamlDev'), '--role-session-name', 'cli-denied'], PORTAL);
    expect(r.code).toBe(254);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/An error occurred \(AccessDenied\) when calling the AssumeRole operation: User: arn:aws:iam::\d{12}:user\/portal is not authorized to perform: sts:AssumeRole/);
    const encoded = /Encoded authorization failure message: (\S+)/.exec(r.stderr)?.[1];
    expect(encoded).toBeDefined();

    const decoded = ok(await aws(['decode-authorization-message', '--encoded-message', encoded!], AUDITOR));
    const message = JSON.parse(decoded['DecodedMessage'] as string) as { allowed: boolean; request: { action: string; resource: string } };
    expect(message.allowed).toBe(false);
    expect(message.request.action).toBe('sts:AssumeRole');
    expect(message.request.resource).toBe(roleArn('SamlDev'));
  });

  it('unsigned errors parse too: a bad token → InvalidIdentityToken, exit 254', async () => {
    const r = await aws(['assume-role-with-web-identity', '--role-arn', roleArn('WebDev'), '--role-session-name', 'cli-x', '--web-identity-token', 'not.a.valid-token']);
    expect(r.code).toBe(254);
    expect(r.stderr).toMatch(/An error occurred \(InvalidIdentityToken\) when calling the AssumeRoleWithWebIdentity operation: /);
  });
});
