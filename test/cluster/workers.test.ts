/**
 * `server.workers: 2` (node:cluster) as an operator runs it: `fedbroker serve` on one port, SQLite
 * store, one audit file. Proven across the two workers, each request pinned to a connection whose
 * serving worker is read from /proc: replay, one-use TOTP, lockout, sign-in tokens, revocation and
 * console sign-out hold (the shared suite); /metrics sums every worker (prom-client's aggregator);
 * the audit file stays one unbroken chain; SIGHUP reloads every worker; a worker that dies is
 * replaced; SIGTERM stops them all and the primary exits 0.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { freePort } from '../helpers/broker.js';
import { fedbroker, spawnFedbroker, type ServeProcess } from '../helpers/fedbrokerCli.js';
import { childPids, PinnedConnection, servingPid } from '../helpers/pinnedConnection.js';
import { sharedStateConfig, sharedStateTests, type TwoProcesses } from '../helpers/sharedState.js';
import { createStsFixture, PORTAL, PUBLIC_URL, roleArn, type StsFixture } from '../helpers/stsFixture.js';
import { credentialsOf, stsQuery } from '../helpers/stsHttp.js';

let fx: StsFixture;
let serve: ServeProcess;
let port: number;
let configFile: string;
let config: Record<string, unknown>;
let env: TwoProcesses;
let workers: number[];
const opened: PinnedConnection[] = [];

/** A connection served by `pid` (new connections are handed to the workers in turn). */
async function connectionTo(pid: number): Promise<PinnedConnection> {
  for (let i = 0; i < 40; i++) {
    // A worker just started may not take connections yet.
    if (i >= 4) await new Promise((r) => setTimeout(r, 250));
    const c = new PinnedConnection(`http://127.0.0.1:${port}`);
    opened.push(c);
    expect((await c.get('/healthz')).status).toBe(200);
    if (servingPid(c, port, [pid]) === pid) return c;
  }
  throw new Error(`no connection reached worker ${pid}`);
}

beforeAll(async () => {
  fx = await createStsFixture();
  port = await freePort();
  config = sharedStateConfig(fx, {
    server: { host: '127.0.0.1', port, publicUrl: PUBLIC_URL, workers: 2 },
    store: 'sqlite:data/broker.db',
    keys: { dir: 'keys' },
    audit: { file: 'data/audit.jsonl' },
  });
  configFile = join(fx.dir, 'broker.yaml');
  writeFileSync(configFile, stringify(config));
  serve = spawnFedbroker(['serve', '--config', configFile], { env: { LOG_LEVEL: 'info' } });
  // Three processes compiling the TypeScript through tsx: slow on a loaded machine.
  await serve.waitFor(/with 2 workers/, 150_000);
  workers = childPids(serve.child.pid!);
  expect(workers).toHaveLength(2);
  const a = await connectionTo(workers[0]!);
  const b = await connectionTo(workers[1]!);
  env = { fx, a, b, configFile };
}, 200_000);

afterAll(async () => {
  for (const c of opened) c.close();
  if (serve !== undefined && serve.child.exitCode === null) {
    serve.child.kill('SIGKILL');
    for (const pid of workers ?? []) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  fx?.cleanup();
});

describe('state shared by two workers of one broker (SQLite)', () => {
  sharedStateTests(() => env);
});

describe('the cluster as one broker', () => {
  it('the two connections are served by two different workers', () => {
    expect(servingPid(env.a, port, workers)).toBe(workers[0]);
    expect(servingPid(env.b, port, workers)).toBe(workers[1]);
  });

  it('/metrics on any worker counts the requests of all of them, with the default process metrics', async () => {
    const count = (text: string) => Number(/^fedbroker_requests_total\{action="AssumeRole",outcome="ok"\} (\d+)$/m.exec(text)?.[1] ?? 0);
    const before = count((await env.a.get('/metrics')).body);
    for (const [c, n] of [[env.a, 3], [env.b, 2]] as const) {
      for (let i = 0; i < n; i++) {
        const r = await stsQuery(c.baseUrl, { Action: 'AssumeRole', RoleArn: roleArn('WebDev'), RoleSessionName: `m${i}` }, { credentials: PORTAL, send: c.send });
        expect(r.status, r.body).toBe(200);
      }
    }
    const text = (await env.b.get('/metrics')).body;
    expect(count(text) - before).toBe(5);
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('the audit file is one unbroken hash chain written for both workers', async () => {
    const r = await fedbroker(['audit', 'verify', '--config', configFile]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^OK: \d+ events, hash chain intact/);
  });

  it('SIGHUP reloads every worker', async () => {
    const roles = [...(config['roles'] as Array<Record<string, unknown>>)];
    const webDev = roles.find((r) => r['name'] === 'WebDev')!;
    writeFileSync(configFile, stringify({ ...config, roles: [...roles, { ...webDev, name: 'AddedOnReload' }] }));
    process.kill(serve.child.pid!, 'SIGHUP');
    const token = await fx.webToken();
    for (const c of [env.a, env.b]) {
      let status = 0;
      let last = '';
      for (let i = 0; i < 50 && status !== 200; i++) {
        const r = await stsQuery(c.baseUrl, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('AddedOnReload'), RoleSessionName: 'reloaded', WebIdentityToken: token }, { send: c.send });
        status = r.status;
        last = r.body;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status, last).toBe(200);
    }
  });

  it('a worker that dies is replaced; the cluster keeps serving', async () => {
    const victim = workers[0]!;
    process.kill(victim, 'SIGKILL');
    let now: number[] = [];
    for (let i = 0; i < 100; i++) {
      now = childPids(serve.child.pid!).filter((p) => p !== victim);
      if (now.length === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(now).toHaveLength(2);
    await serve.waitFor(/a worker died; starting another/);
    const fresh = now.find((p) => !workers.includes(p))!;
    const c = await connectionTo(fresh);
    // The credentials of one worker work on the new one (same keys).
    const creds = credentialsOf(await stsQuery(env.b.baseUrl, { Action: 'AssumeRole', RoleArn: roleArn('WebDev'), RoleSessionName: 'after' }, { credentials: PORTAL, send: env.b.send }));
    expect((await stsQuery(c.baseUrl, { Action: 'GetCallerIdentity' }, { credentials: creds, send: c.send })).status).toBe(200);
    workers = now;
  });

  it('SIGTERM stops every worker and the primary exits 0', async () => {
    const code = await serve.stop();
    expect(code).toBe(0);
    for (const pid of workers) expect(existsSync(`/proc/${pid}`)).toBe(false);
    // The file is still one chain after the shutdown's last events.
    expect((await fedbroker(['audit', 'verify', '--config', configFile])).code).toBe(0);
  });
});
