/**
 * The README's walkthroughs, exactly as written, against the SHIPPED config/broker.yaml served by
 * `fedbroker serve` (a copy in a temp folder: it keeps its data and keys beside it) and driven by the
 * AWS CLI v2: the app developer's web identity exchange and get-caller-identity, the portal
 * developer's assume-role, console sign-in URL and get-federation-token with its long-term keys, the operator's MFA
 * enrolment and get-session-token, and the ABAC walkthrough (assume-role with session tags, then POST /authorize
 * signed by curl's --aws-sigv4). If the shipped configuration or the README drifts, this fails.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/broker.js';
import { fedbroker, REPO_ROOT, spawnFedbroker, type ServeProcess } from '../helpers/fedbrokerCli.js';
import { Authenticator } from '../helpers/iamSts.js';

const run = promisify(execFile);
const AWS_CLI = '/usr/bin/aws';
const ACCOUNT = '123456789012';
/** The portal user's development keys, as the README prints them. */
const PORTAL = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

describe.skipIf(!existsSync(AWS_CLI))('README walkthroughs on the shipped configuration, with the AWS CLI v2', () => {
  let home: string;
  let url: string;
  let serve: ServeProcess;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'fedbroker-readme-'));
    mkdirSync(join(home, 'config'));
    copyFileSync(join(REPO_ROOT, 'config/broker.yaml'), join(home, 'config/broker.yaml'));
    writeFileSync(join(home, 'empty'), '');
    const port = await freePort();
    url = `http://localhost:${port}`;
    serve = spawnFedbroker(['serve', '--config', join(home, 'config/broker.yaml')], { env: { PORT: String(port), LOG_LEVEL: 'info' } });
    await serve.waitFor(/fedbroker listening/, 60_000);
  }, 90_000);

  afterAll(async () => {
    await serve?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  const aws = async (credentials: Keys | null, ...args: string[]): Promise<Record<string, unknown>> => {
    const env = {
      PATH: '/usr/bin:/bin',
      HOME: home,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: join(home, 'empty'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'empty'),
      AWS_EC2_METADATA_DISABLED: 'true',
      ...(credentials
        ? {
            AWS_ACCESS_KEY_ID: credentials.accessKeyId,
            AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
            ...(credentials.sessionToken !== undefined ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
          }
        : {}),
    };
    const { stdout } = await run(AWS_CLI, [...args, '--endpoint-url', url, '--output', 'json'], { env, cwd: home });
    return stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, unknown>);
  };

  const credentialsOf = (result: Record<string, unknown>): Keys => {
    const c = result['Credentials'] as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    expect(c.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  };

  it('app developer: a development ID token for alice → assume-role-with-web-identity → get-caller-identity', async () => {
    const { id_token: token } = (await (await fetch(`${url}/dev/oidc/token?user=alice`)).json()) as { id_token: string };
    const result = await aws(
      null,
      'sts', 'assume-role-with-web-identity',
      '--role-arn', `arn:aws:iam::${ACCOUNT}:role/Developer`,
      '--role-session-name', 'alice',
      '--web-identity-token', token,
    );
    expect(result['SubjectFromWebIdentityToken']).toBeTypeOf('string');
    expect((result['AssumedRoleUser'] as { Arn: string }).Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/Developer/alice`);
    const who = await aws(credentialsOf(result), 'sts', 'get-caller-identity');
    expect(who['Account']).toBe(ACCOUNT);
    expect(who['Arn']).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/Developer/alice`);
    expect(who['UserId']).toMatch(/^AROA[A-Z2-7]{17}:alice$/);
  }, 60_000);

  it('portal developer: assume-role to PortalUser and get-federation-token with a session policy', async () => {
    const assumed = await aws(PORTAL, 'sts', 'assume-role', '--role-arn', `arn:aws:iam::${ACCOUNT}:role/PortalUser`, '--role-session-name', 'portal-alice');
    expect((assumed['AssumedRoleUser'] as { Arn: string }).Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/PortalUser/portal-alice`);
    const portalUser = credentialsOf(assumed);
    expect((await aws(portalUser, 'sts', 'get-caller-identity'))['Arn']).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/PortalUser/portal-alice`);

    // Console sign-in URL from those credentials, as the README shows.
    const signin = await fedbroker(['signin-url', '--url', url, '--duration', '43200'], {
      env: { AWS_ACCESS_KEY_ID: portalUser.accessKeyId, AWS_SECRET_ACCESS_KEY: portalUser.secretAccessKey, AWS_SESSION_TOKEN: portalUser.sessionToken! },
    });
    expect(signin.code, signin.stderr).toBe(0);
    const login = await fetch(signin.stdout.trim(), { redirect: 'manual' });
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toBe(`${url}/console`);
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('fedbroker_session='))!.split(';')[0]!;
    expect(await (await fetch(`${url}/console`, { headers: { cookie } })).text()).toContain(`assumed-role/PortalUser/portal-alice`);

    const federated = await aws(
      PORTAL,
      'sts', 'get-federation-token', '--name', 'alice',
      '--policy', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
    );
    expect((federated['FederatedUser'] as { Arn: string }).Arn).toBe(`arn:aws:sts::${ACCOUNT}:federated-user/alice`);
    expect((await aws(credentialsOf(federated), 'sts', 'get-caller-identity'))['Arn']).toBe(`arn:aws:sts::${ACCOUNT}:federated-user/alice`);
  }, 60_000);

  it('ABAC: assume-role with session tags, then /authorize decides by aws:PrincipalTag against aws:ResourceTag', async () => {
    const assumed = await aws(
      PORTAL,
      'sts', 'assume-role',
      '--role-arn', `arn:aws:iam::${ACCOUNT}:role/ProjectData`,
      '--role-session-name', 'alice',
      '--tags', 'Key=Project,Value=unicorn', 'Key=CostCenter,Value=4711',
      '--transitive-tag-keys', 'Project',
    );
    const alice = credentialsOf(assumed);
    const ask = async (project: string) => {
      const body = JSON.stringify({
        credentials: { accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey, sessionToken: alice.sessionToken },
        action: 's3:GetObject',
        resource: `arn:aws:s3:::datasets/${project}/train.csv`,
        context: { 'aws:ResourceTag/Project': project },
      });
      // The README's command: curl signs with the storage-service keys of config/broker.yaml.
      const { stdout } = await run('curl', ['-s', '--aws-sigv4', 'aws:amz:us-east-1:sts', '--user', 'AKIAI44QH8DHBEXAMPLE:je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY', '-H', 'content-type: application/json', `${url}/authorize`, '-d', body]);
      return JSON.parse(stdout) as { decision: string; principal: { tags: Record<string, string> }; reason: string };
    };
    const unicorn = await ask('unicorn');
    expect(unicorn.decision).toBe('Allow');
    expect(unicorn.principal.tags).toEqual({ Owner: 'data-platform', Project: 'unicorn', CostCenter: '4711' });
    const pegasus = await ask('pegasus');
    expect(pegasus.decision).toBe('Deny');
    expect(pegasus.reason).toContain('StringEquals aws:ResourceTag/Project expects ["unicorn"], request has "pegasus"');
    const refused = await aws(PORTAL, 'sts', 'assume-role', '--role-arn', `arn:aws:iam::${ACCOUNT}:role/ProjectData`, '--role-session-name', 'bob', '--tags', 'Key=Team,Value=blue', 'Key=Project,Value=y').then(
      () => '',
      (e: { stderr?: string }) => e.stderr ?? '',
    );
    expect(refused).toContain('AccessDenied');
    expect(refused).toContain('does not accept the session tag key Team');
  }, 60_000);

  it('operator: create-virtual-mfa-device, enable-mfa-device with two consecutive codes, get-session-token with a code', async () => {
    const seedFile = join(home, 'seed.txt');
    const created = await aws(PORTAL, 'iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'portal', '--outfile', seedFile, '--bootstrap-method', 'Base32StringSeed');
    const serial = `arn:aws:iam::${ACCOUNT}:mfa/portal`;
    expect((created['VirtualMFADevice'] as { SerialNumber: string }).SerialNumber).toBe(serial);
    // config/broker.yaml: mfa.window 1.
    const app = new Authenticator(serial, readFileSync(seedFile, 'ascii').trim(), 1);
    const [code1, code2] = await app.pair();
    await aws(PORTAL, 'iam', 'enable-mfa-device', '--user-name', 'portal', '--serial-number', serial, '--authentication-code1', code1, '--authentication-code2', code2);

    const session = await aws(PORTAL, 'sts', 'get-session-token', '--serial-number', serial, '--token-code', await app.next());
    const who = await aws(credentialsOf(session), 'sts', 'get-caller-identity');
    expect(who['Arn']).toBe(`arn:aws:iam::${ACCOUNT}:user/portal`);
  }, 120_000);

  it('the shipped configuration starts without warnings about itself (only the development providers\' notice)', () => {
    const warnings = serve
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .filter((l) => l.level >= 40);
    expect(warnings.map((w) => w.msg)).toEqual(['devIdentityProviders is on: demo users can sign in without a password. Never use this in production.']);
  });

  it('service: the README\'s POST /authorize example, run as written (curl --aws-sigv4 with the storage-service keys)', async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => b.includes('--aws-sigv4') && b.includes('/dev/oidc/token?user=alice'));
    expect(blocks).toHaveLength(1);
    const script = blocks[0]!.replaceAll('http://localhost:8080', url);
    const env = { PATH: '/usr/bin:/bin', HOME: home, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: join(home, 'empty'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'empty'), AWS_EC2_METADATA_DISABLED: 'true' };
    const { stdout } = await run('/bin/bash', ['-e', '-o', 'pipefail', '-c', script], { env, cwd: home });
    const answer = JSON.parse(stdout) as { decision: string; principal: { arn: string }; matchedStatements: unknown[] };
    expect(answer.decision).toBe('Allow');
    expect(answer.principal.arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/Developer/alice`);
    expect(answer.matchedStatements).toEqual([{ policy: 'DeveloperAccess', index: 0, effect: 'Allow' }]);
  }, 60_000);
});
