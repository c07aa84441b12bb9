/**
 * The README section "Put fedbroker in front of your AWS accounts", as written, against two local
 * instances: the second plays AWS with the section's own policy (for the IAM user `fedbroker`) and
 * trust policy (for `fedbroker-ProdAdmin`); the first is `fedbroker serve` on the SHIPPED
 * config/broker.yaml plus the section's YAML, started with the user's keys in the environment
 * (`credentials: default`). The only edits are where "AWS" is: upstream.stsEndpoint,
 * federationEndpoint and consoleUrl point at the second instance, and localhost:8080 at the first.
 * Then the section's commands: check-config --upstream, the shell block (curl, jq, the AWS CLI v2),
 * get-caller-identity at "AWS", the browser sign-in through the development SAML IdP, and revoke role.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startBroker, type StartedBroker } from '../helpers/broker.js';
import { Browser, forms, pageText } from '../helpers/browser.js';
import { fedbroker, REPO_ROOT, spawnFedbroker, type ServeProcess } from '../helpers/fedbrokerCli.js';

const run = promisify(execFile);
const AWS_CLI = '/usr/bin/aws';
const AWS_ACCOUNT = '111122223333';
const KEYS = { accessKeyId: 'AKIAFEDBROKERUSER001', secretAccessKey: 'fedbrokerUserSecret/0123456789abcdefghij' };
const ROLE_ARN = `arn:aws:iam::${AWS_ACCOUNT}:role/fedbroker-ProdAdmin`;

/** The fenced blocks of the README section, by language, in order. */
function sectionBlocks(): Record<string, string[]> {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Put fedbroker in front of your AWS accounts\n');
  expect(start).toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 10);
  const section = readme.slice(start, end);
  const blocks: Record<string, string[]> = {};
  for (const m of section.matchAll(/```(\w+)\n([\s\S]*?)```/g)) (blocks[m[1]!] ??= []).push(m[2]!);
  return blocks;
}

describe.skipIf(!existsSync(AWS_CLI))('README: Put fedbroker in front of your AWS accounts (two local instances)', () => {
  const blocks = sectionBlocks();
  let home: string;
  let url: string;
  let configFile: string;
  let aws: StartedBroker;
  let serve: ServeProcess;
  const keysEnv = { AWS_ACCESS_KEY_ID: KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' };

  beforeAll(async () => {
    const [brokerPolicy, trustPolicy] = blocks['json']!.map((b) => JSON.parse(b) as Record<string, unknown>);
    aws = await startBroker({
      account: { id: AWS_ACCOUNT },
      users: [{ name: 'fedbroker', accessKeys: [{ id: KEYS.accessKeyId, secret: KEYS.secretAccessKey }], inlinePolicies: [brokerPolicy] }],
      roles: [{ name: 'fedbroker-ProdAdmin', maxSessionDuration: 43200, trustPolicy }],
    });

    home = mkdtempSync(join(tmpdir(), 'fedbroker-readme-upstream-'));
    mkdirSync(join(home, 'config'));
    const port = await freePort();
    url = `http://localhost:${port}`;
    // The shipped configuration serves http://localhost:8080; here the same on another port.
    const shipped = parse(readFileSync(join(REPO_ROOT, 'config/broker.yaml'), 'utf8').replaceAll('http://localhost:8080', url)) as Record<string, any>;
    const added = parse(blocks['yaml']![0]!.replaceAll('http://localhost:8080', url)) as Record<string, any>;
    const config = {
      ...shipped,
      server: { ...shipped['server'], port },
      upstream: { ...added['upstream'], stsEndpoint: aws.url, federationEndpoint: `${aws.url}/federation`, consoleUrl: `${aws.url}/console` },
      accounts: [...((shipped['accounts'] as unknown[] | undefined) ?? []), ...added['accounts']],
      roles: [...shipped['roles'], ...added['roles']],
    };
    configFile = join(home, 'config/broker.yaml');
    writeFileSync(configFile, stringify(config));
    writeFileSync(join(home, 'empty'), '');
    serve = spawnFedbroker(['serve', '--config', configFile], { env: { ...keysEnv, HOME: home, AWS_PROFILE: '', AWS_CONFIG_FILE: join(home, 'empty'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'empty') } });
    await serve.waitFor(/fedbroker listening/, 60_000);
  }, 120_000);

  afterAll(async () => {
    await serve?.stop();
    await aws?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('check-config --upstream shows the IAM user fedbroker runs as', async () => {
    const r = await fedbroker(['check-config', configFile, '--upstream'], { env: { ...keysEnv, HOME: home } });
    expect(r.code, r.stderr).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.startsWith('upstream: '))!;
    expect(line).toContain(`fedbroker runs as arn:aws:iam::${AWS_ACCOUNT}:user/fedbroker (`);
    expect(blocks['sh']![0]).toContain(`— fedbroker runs as arn:aws:iam::${AWS_ACCOUNT}:user/fedbroker (`);
  });

  it('the shell block: a development ID token → assume-role-with-web-identity → AWS credentials; get-caller-identity at AWS', async () => {
    const block = blocks['sh']![1]!;
    // The commands up to the first comment: TOKEN=… and aws sts assume-role-with-web-identity ….
    const commands = block.slice(0, block.indexOf('\n#')).replaceAll('http://localhost:8080', url);
    const env = { PATH: '/usr/bin:/bin', HOME: home, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: join(home, 'empty'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'empty'), AWS_EC2_METADATA_DISABLED: 'true' };
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', commands], { env, cwd: home });
    const result = JSON.parse(stdout) as { Credentials: Record<string, string>; AssumedRoleUser: { Arn: string }; SourceIdentity: string };
    expect(result.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/fedbroker-ProdAdmin/alice`);
    expect(result.SourceIdentity).toBe('alice');
    expect(block).toContain(`"Arn": "${result.AssumedRoleUser.Arn}"`);

    const c = result.Credentials;
    const who = await run(AWS_CLI, ['sts', 'get-caller-identity', '--endpoint-url', aws.url, '--output', 'json'], {
      env: { ...env, AWS_ACCESS_KEY_ID: c['AccessKeyId']!, AWS_SECRET_ACCESS_KEY: c['SecretAccessKey']!, AWS_SESSION_TOKEN: c['SessionToken']! },
    });
    expect((JSON.parse(who.stdout) as { Arn: string }).Arn).toBe(`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/fedbroker-ProdAdmin/alice`);
  }, 60_000);

  it('the browser: alice through the development SAML IdP → "production — ProdAdmin" → the AWS console', async () => {
    const browser = new Browser(url);
    const idp = await browser.get('/dev/saml');
    const alice = forms(idp.body, '/dev/saml/sso').find((f) => f.fields['user'] === 'alice')!;
    const post = await browser.post('/dev/saml/sso', alice.fields);
    const autoPost = forms(post.body, `${url}/saml`)[0]!;
    const picker = await browser.post('/saml', autoPost.fields);
    expect(pageText(picker.body)).toContain('production — ProdAdmin');
    expect(pageText(picker.body)).toContain('Operator');
    const choice = forms(picker.body, '/signin/role').find((f) => f.fields['role'] === ROLE_ARN)!;
    const chosen = await browser.post(choice.action, choice.fields);
    expect(chosen.status).toBe(302);
    expect(chosen.location!.startsWith(`${aws.url}/federation?Action=login&`)).toBe(true);
    expect(new URL(chosen.location!).searchParams.get('Issuer')).toBe(`${url}/console`);
    const atAws = new Browser(aws.url);
    const login = await atAws.get(chosen.location!.slice(aws.url.length));
    const console = await atAws.follow(login);
    expect(pageText(console.body)).toContain(`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/fedbroker-ProdAdmin/alice`);
  }, 60_000);

  it('revoke role: fedbroker stops issuing and prints the AWS way to revoke the issued sessions', async () => {
    const r = await fedbroker(['revoke', 'role', ROLE_ARN, '--config', configFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('aws iam put-role-policy --role-name fedbroker-ProdAdmin --policy-name AWSRevokeOlderSessions');
    expect(r.stdout).toContain('"DateLessThan":{"aws:TokenIssueTime"');
  });
});
