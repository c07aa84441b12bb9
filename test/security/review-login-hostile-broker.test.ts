/**
 * Found by review — `fedbroker login` and what a broker answers: the verification URL and user code
 * come from the network. A URL that is not a plain http(s) one (here: shell syntax after `&`, which
 * `cmd /c start` on Windows would have run) is shown but never handed to a browser launcher; control
 * characters (terminal escape sequences) never reach the terminal; and the refresh tokens and
 * credentials `login` handles are never sent to a plain-http broker on another machine.
 *
 * The broker here is a small hostile HTTP server speaking the three SSO OIDC operations; `login` runs
 * as the real command (a child in its own session, so with no terminal: what it would show goes to
 * stderr), with $BROWSER a script that records what it is asked to open.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/fedbrokerCli.js';

const MAIN = join(REPO_ROOT, 'src/cli/main.ts');

let home: string;
let opened: string;
let opener: string;
let server: Server;
let url: string;
/** What the next StartDeviceAuthorization answers. */
let answer: { verificationUriComplete: string; userCode: string };

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'fedbroker-hostile-login-'));
  opened = join(home, 'opened.txt');
  opener = join(home, 'record-url');
  writeFileSync(opener, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`);
  chmodSync(opener, 0o755);
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const json = (status: number, body: object, type?: string) => {
        res.writeHead(status, { 'content-type': 'application/json', ...(type ? { 'x-amzn-ErrorType': type } : {}) });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/sso-oidc/client/register') return json(200, { clientId: 'client', clientSecret: 'secret', clientIdIssuedAt: 1, clientSecretExpiresAt: Math.floor(Date.now() / 1000) + 86_400 * 90 });
      if (req.url === '/sso-oidc/device_authorization') return json(200, { deviceCode: 'device', userCode: answer.userCode, verificationUri: `${url}/device`, verificationUriComplete: answer.verificationUriComplete, expiresIn: 600, interval: 1 });
      // The first poll ends the login, with a message full of escape sequences.
      return json(400, { error: 'invalid_grant', error_description: '\u001b[2Jrefused\u001b]0;owned\u0007' }, 'InvalidGrantException');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (home) rmSync(home, { recursive: true, force: true });
});

/** `fedbroker login` in a session of its own (no controlling terminal), as a credential_process would run. */
function login(brokerUrl: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'login', '--url', brokerUrl, '--account', '123456789012', '--role', 'Developer'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, BROWSER: opener },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const openedUrls = () => (existsSync(opened) ? readFileSync(opened, 'utf8').trim().split('\n') : []);

describe('fedbroker login against a hostile broker answer', () => {
  it('a plain verification URL is opened (the recorder works)', async () => {
    answer = { verificationUriComplete: `${url}/device?user_code=BCDF-GHJK`, userCode: 'BCDF-GHJK' };
    const run = await login(url);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('refused');
    for (let i = 0; i < 50 && openedUrls().length === 0; i++) await sleep(100);
    expect(openedUrls()).toEqual([`${url}/device?user_code=BCDF-GHJK`]);
    rmSync(opened, { force: true });
  }, 60_000);

  it('a URL with shell syntax is shown but never handed to a launcher; escape sequences never reach the terminal', async () => {
    answer = { verificationUriComplete: `${url}/device?user_code=BCDF-GHJK&calc.exe&touch /tmp/pwned`, userCode: '\u001b]0;owned\u0007\u001b[2JBCDF-GHJK' };
    const run = await login(url);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('/device?user_code=BCDF-GHJK&calc.exe');
    // eslint-disable-next-line no-control-regex -- control characters are what must be absent
    expect(run.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    // The launcher would have run well before the first poll (1 s) ended the login.
    await sleep(500);
    expect(openedUrls()).toEqual([]);
  }, 60_000);

  it('a plain-http broker URL on another machine is refused before anything is sent', async () => {
    const run = await login('http://broker.example.com');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--url must use https');
    expect(openedUrls()).toEqual([]);
  }, 60_000);
});
