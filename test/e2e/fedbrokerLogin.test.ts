/**
 * `fedbroker login` as the credential_process of Debian's AWS CLI v2 (2.9, which cannot point its
 * SSO endpoints anywhere): ten `aws sts get-caller-identity --profile …` started at once cause ONE
 * device flow (one URL opened, one approval, one token) and every one of them gets credentials;
 * later, ten at once with the token expiring cause ONE silent refresh. The "browser" is $BROWSER, a
 * script that records the URL it is given; a person (fetch browser) approves it through the
 * development SAML IdP.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, form } from '../helpers/browser.js';
import { TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { REPO_ROOT } from '../helpers/fedbrokerCli.js';
import { signInThroughDevIdp, startSsoBroker } from '../helpers/ssoBroker.js';

const AWS = '/usr/bin/aws';
const MAIN = join(REPO_ROOT, 'src/cli/main.ts');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe.skipIf(!existsSync(AWS))('fedbroker login as credential_process of /usr/bin/aws', () => {
  let b: StartedBroker;
  let home: string;
  let urls: string;
  /** The "browser": records the URL it is asked to open. */
  let opener: string;

  beforeAll(async () => {
    // Access tokens of one minute: the second round finds the token about to expire and refreshes it.
    b = await startSsoBroker({ store: 'sqlite:data/broker.db', sso: { accessTokenSeconds: 60 } });
    home = mkdtempSync(join(tmpdir(), 'fedbroker-login-home-'));
    urls = join(home, 'opened-urls.txt');
    opener = join(home, 'record-url');
    writeFileSync(opener, `#!/bin/sh\necho "$1" >> '${urls}'\n`);
    chmodSync(opener, 0o755);
    const loginCommand = (role: string) => `${process.execPath} --import tsx ${MAIN} login --url ${b.url} --account ${TEST_ACCOUNT} --role ${role}`;
    writeFileSync(join(home, 'aws-config'), `[profile dev]\nregion = us-east-1\ncredential_process = ${loginCommand('Developer')}\n\n[profile ops]\nregion = us-east-1\ncredential_process = ${loginCommand('Operator')}\n`);
  }, 60_000);

  afterAll(async () => {
    await b?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** One `aws sts get-caller-identity --profile P`, with no terminal (as under a build or an IDE). */
  function aws(profile: string): Promise<Run> {
    const env: Record<string, string> = {
      PATH: `/usr/bin:/bin`,
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
      BROWSER: opener,
      NODE_PATH: process.env['NODE_PATH'] ?? '',
    };
    return new Promise((resolve) => {
      const child = execFile(AWS, ['sts', 'get-caller-identity', '--profile', profile, '--endpoint-url', b.url, '--output', 'json'], { env, cwd: REPO_ROOT, timeout: 240_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
      child.stdin?.end();
    });
  }

  const events = (name: string) =>
    readFileSync(join(b.dir, 'data/audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>)
      .filter((e) => e['eventName'] === name && e['errorCode'] === undefined);

  /** The person: waits for the one URL the logins open, signs in as alice and allows it. */
  async function approveOpenedUrl(): Promise<string> {
    const deadline = Date.now() + 120_000;
    while (!existsSync(urls) || readFileSync(urls, 'utf8').trim() === '') {
      if (Date.now() > deadline) throw new Error('no URL was opened');
      await sleep(200);
    }
    const url = readFileSync(urls, 'utf8').trim().split('\n')[0]!;
    const path = url.slice(b.url.length);
    const browser = new Browser(b.url);
    await signInThroughDevIdp(browser, 'alice', path);
    const confirm = await browser.get(path);
    const decision = form(confirm.body, '/device/decision');
    const done = await browser.post(decision.action, { ...decision.fields, decision: 'allow' });
    expect(done.status).toBe(200);
    return url;
  }

  it('ten concurrent calls: one device flow, one approval, ten identities', async () => {
    const runs = Promise.all(Array.from({ length: 10 }, () => aws('dev')));
    const url = await approveOpenedUrl();
    expect(url).toMatch(new RegExp(`^${b.url}/device\\?user_code=[A-Z]{4}-[A-Z]{4}$`));
    const results = await runs;
    for (const r of results) {
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ Account: TEST_ACCOUNT, Arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Developer/alice` });
    }
    // One URL opened, one approval, one token, one set of role credentials (the others used the cache).
    expect(readFileSync(urls, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(events('ApproveDeviceAuthorization')).toHaveLength(1);
    expect(events('CreateToken').filter((e) => e['requestParameters']['grantType'].endsWith('device_code'))).toHaveLength(1);
    expect(events('GetRoleCredentials')).toHaveLength(1);

    // The AWS CLI's token cache: its file name and shape, private.
    const tokenFile = join(home, '.aws/sso/cache', `${createHash('sha1').update(`${b.url}/start`).digest('hex')}.json`);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const token = JSON.parse(readFileSync(tokenFile, 'utf8')) as Record<string, string>;
    expect(Object.keys(token).sort()).toEqual(['accessToken', 'clientId', 'clientSecret', 'expiresAt', 'refreshToken', 'region', 'registrationExpiresAt', 'startUrl']);
    expect(token['startUrl']).toBe(`${b.url}/start`);
    expect(token['expiresAt']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  }, 240_000);

  it('ten concurrent calls for another role with the token about to expire: one silent refresh, no new sign-in', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => aws('ops')));
    for (const r of results) {
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ Arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Operator/alice` });
    }
    expect(readFileSync(urls, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(events('CreateToken').filter((e) => e['requestParameters']['grantType'] === 'refresh_token')).toHaveLength(1);
    expect(events('GetRoleCredentials')).toHaveLength(2);
  }, 240_000);

  it('without a terminal the URL and code go to stderr; bad arguments say what is needed', async () => {
    const run = (args: string[]): Promise<Run> =>
      new Promise((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', MAIN, 'login', ...args], { cwd: REPO_ROOT, env: { ...process.env, HOME: join(home, 'other') }, timeout: 60_000 }, (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
        );
      });
    const usage = await run(['--url', b.url, '--role', 'Developer']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--account');
  }, 60_000);
});
