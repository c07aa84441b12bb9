/**
 * Starting and stopping like a service (issue: `kill <pid of npm start>` left the broker serving): the
 * real `npm start` serves the shipped configuration, and a SIGTERM sent to npm — what systemd, Docker
 * and Kubernetes send — stops the broker. A port in use says which and how to choose another; `--help`
 * is an answer, not an error.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/broker.js';
import { fedbroker, REPO_ROOT, spawnFedbroker } from '../helpers/fedbrokerCli.js';

let home: string;
let config: string;

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'fedbroker-serve-'));
  mkdirSync(join(home, 'config'));
  config = join(home, 'config/broker.yaml');
  copyFileSync(join(REPO_ROOT, 'config/broker.yaml'), config);
});

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('npm start and fedbroker serve', () => {
  it('`npm start` serves; SIGTERM to the npm process stops the broker (no orphan left serving)', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), LOG_LEVEL: 'info' };
    delete env['FEDBROKER_CONFIG'];
    delete env['NODE_ENV'];
    // npm runs scripts/start.mjs, which rebuilds dist/ first when src/ is newer (as in a working tree).
    const npm = spawn('npm', ['start', '--', '--config', config], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    npm.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    npm.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    await expect.poll(() => out, { timeout: 170_000, interval: 200 }).toMatch(/fedbroker listening on http:\/\/localhost:\d+/);
    expect(await listening(port)).toBe(true);
    // A request log line for a request (stdout is a pipe here: JSON lines).
    await fetch(`http://127.0.0.1:${port}/healthz`);
    await expect.poll(() => out, { timeout: 10_000 }).toMatch(/"path":"\/healthz","status":200/);

    npm.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toMatch(/"signal":"SIGTERM".*shutting down/);
    // The broker itself is gone, not only npm.
    await expect.poll(() => listening(port), { timeout: 15_000, interval: 200 }).toBe(false);
  }, 200_000);

  it('a stdout that goes away (a closed pipe) loses log lines but never stops the broker', async () => {
    const port = await freePort();
    const serve = spawnFedbroker(['serve', '--config', config], { env: { PORT: String(port), LOG_LEVEL: 'info' } });
    try {
      await serve.waitFor(/fedbroker listening/, 60_000);
      serve.child.stdout!.destroy();
      for (let i = 0; i < 5; i++) expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  }, 90_000);

  it('a port in use: names the port and how to choose another; exit 1', async () => {
    const taken: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      const r = await fedbroker(['serve', '--config', config], { env: { PORT: String(port) }, timeoutMs: 60_000 });
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toContain(`port ${port} is already in use on 127.0.0.1`);
      expect(r.stderr).toMatch(new RegExp(`Choose another port: PORT=${port + 1} npm start, or set server.port in .*broker\\.yaml`));
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 90_000);

  it('`fedbroker --help` exits 0 with the commands; `fedbroker <command> --help` shows that command\'s usage', async () => {
    const general = await fedbroker(['--help']);
    expect(general.code).toBe(0);
    expect(general.stdout).toMatch(/^Usage: fedbroker <command>/);
    for (const command of ['serve', 'check-config', 'simulate', 'keys', 'mfa', 'revoke', 'audit', 'signin-url']) expect(general.stdout).toContain(`  ${command} `);

    const simulate = await fedbroker(['simulate', '--help']);
    expect(simulate.code).toBe(0);
    expect(simulate.stdout).toMatch(/^Usage: fedbroker simulate --config FILE --provider NAME/);
    expect(simulate.stdout).toContain('--attributes FILE');
    // --help never runs the command: serve would start a broker here.
    const serve = await fedbroker(['serve', '--help']);
    expect(serve.code).toBe(0);
    expect(serve.stdout).toMatch(/^Usage: fedbroker serve/);
    expect((await fedbroker(['help', 'mfa'])).stdout).toMatch(/^Usage: fedbroker mfa list/);
    // No command at all is still a usage error.
    expect((await fedbroker([])).code).toBe(2);
  }, 60_000);
});
