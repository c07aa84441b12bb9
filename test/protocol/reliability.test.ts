/**
 * quality.md "Reliability" through the running broker (more faults — SIGKILL, hanging providers — in
 * test/e2e/faults.test.ts):
 * - the store going away gives ServiceUnavailable (503) for requests that need it (AssumeRoleWithSAML:
 *   the replay cache), /readyz says which check fails, requests that need no store (verifying a session
 *   token, AssumeRoleWithWebIdentity) keep working, and everything recovers without a restart when the
 *   store returns (a throwaway PostgreSQL that is stopped and started again) — also with a dozen
 *   clients calling throughout: no 500 and no hang;
 * - graceful shutdown: close() lets an in-flight request finish, refuses new connections, and ends.
 */
import { Agent, request } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { startBroker, type StartedBroker } from '../helpers/broker.js';
import { postgresSkipReason, startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { createStsFixture, PORTAL, roleArn, SAML_PROVIDER_ARN, type StsFixture } from '../helpers/stsFixture.js';
import { awsError, credentialsOf, rawRequest, stsQuery, type Keys, type RawResponse } from '../helpers/stsHttp.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Outcome {
  readonly kind: string;
  readonly status: number;
  readonly ms: number;
  readonly at: number;
  readonly code?: string;
}

/** Runs `call` in `concurrency` loops until `until()`; every outcome, with its latency. */
async function load(concurrency: number, until: () => boolean, call: (i: number) => Promise<{ kind: string; r: RawResponse }>): Promise<Outcome[]> {
  const out: Outcome[] = [];
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!until()) {
        const started = Date.now();
        const { kind, r } = await call(n++);
        const code = r.status >= 400 && r.body.startsWith('<') ? awsError(r).code : undefined;
        out.push({ kind, status: r.status, ms: Date.now() - started, at: started, ...(code ? { code } : {}) });
        // Bounded load: fast refusals must not turn the loops into a flood.
        await sleep(10);
      }
    }),
  );
  return out;
}

const skipPostgres = postgresSkipReason();

describe.skipIf(skipPostgres !== null)(`store outage (PostgreSQL paused)${skipPostgres ? ` — skipped: ${skipPostgres}` : ''}`, () => {
  let pg: TestPostgres | null;
  let fx: StsFixture;
  let b: StartedBroker;

  const logs: string[] = [];
  // The throwaway cluster trusts local connections, so any password works: one that must never be
  // seen in a log line, a response or /readyz.
  const PASSWORD = 'Pg-S3cret-pw-41';

  beforeAll(async () => {
    pg = await startPostgres();
    fx = await createStsFixture();
    const url = new URL(pg!.url);
    url.password = PASSWORD;
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    });
    b = await startBroker(fx.config({ store: url.toString() }), { dir: fx.dir, logger: createLogger({ level: 'debug', destination }) });
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await pg?.resume().catch(() => undefined);
    await pg?.stop();
    fx?.cleanup();
  });

  const samlCall = () => stsQuery(b.url, { Action: 'AssumeRoleWithSAML', RoleArn: roleArn('SamlDev'), PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: fx.samlResponse() });
  const webCall = async () => stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('WebDev'), RoleSessionName: 'alice', WebIdentityToken: await fx.webToken() });
  const whoAmI = (k: Keys) => stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: k });

  it('503 ServiceUnavailable for requests that need the store, session tokens keep working, recovery without restart', async () => {
    if (!pg!.pausable) return; // external server: cannot stop it (FEDBROKER_TEST_POSTGRES_URL)
    const saml = await samlCall();
    expect(saml.status, saml.body).toBe(200);
    const session = credentialsOf(await webCall());
    expect((await fetch(`${b.url}/readyz`)).status).toBe(200);

    await pg!.pause();
    try {
      const down = await samlCall();
      expect(down.status, down.body).toBe(503);
      const e = awsError(down);
      expect(e.code).toBe('ServiceUnavailable');
      expect(e.type).toBe('Receiver');
      expect(e.requestId).toBe(down.headers['x-amzn-requestid']);
      expect(down.body).not.toMatch(/postgres:\/\/|ECONNREFUSED|at .*\.js:\d+/);
      expect(down.body).not.toContain(PASSWORD);

      // Verifying a session token needs no store.
      const who = await whoAmI(session);
      expect(who.status, who.body).toBe(200);
      // Nor does a web-identity exchange (role ids are cached, no replay cache for JWTs).
      const web = await webCall();
      expect(web.status, web.body).toBe(200);
      expect((await whoAmI(credentialsOf(web))).status).toBe(200);

      const ready = await fetch(`${b.url}/readyz`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { status: string; failures: Record<string, string> };
      expect(body.status).toBe('not ready');
      expect(Object.keys(body.failures)).toEqual(['store']);
      expect(JSON.stringify(body)).not.toContain('postgres://');
      expect(JSON.stringify(body)).not.toContain(PASSWORD);
      // The process itself is alive.
      expect((await fetch(`${b.url}/healthz`)).status).toBe(200);
    } finally {
      await pg!.resume();
    }

    // Back without a restart.
    let recovered = false;
    for (let i = 0; i < 50 && !recovered; i++) {
      recovered = (await samlCall()).status === 200;
      if (!recovered) await new Promise((r) => setTimeout(r, 200));
    }
    expect(recovered).toBe(true);
    expect((await fetch(`${b.url}/readyz`)).status).toBe(200);
    // The outage was logged, without the connection password.
    const logText = logs.join('');
    expect(logText).toMatch(/"level":50/);
    expect(logText).not.toContain(PASSWORD);
    // The replay cache works again: the same assertion twice is refused.
    const once = fx.samlResponse();
    const first = await stsQuery(b.url, { Action: 'AssumeRoleWithSAML', RoleArn: roleArn('SamlDev'), PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: once });
    expect(first.status).toBe(200);
    const replay = await stsQuery(b.url, { Action: 'AssumeRoleWithSAML', RoleArn: roleArn('SamlDev'), PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: once });
    expect(awsError(replay).code).toBe('IDPRejectedClaim');
  }, 60_000);

  it('503 for what needs the store, 200 for what does not, no 500 and no hang, recovery without a restart', async () => {
    if (!pg!.pausable) return; // an external server cannot be stopped (FEDBROKER_TEST_POSTGRES_URL)
    // Signed by xmlsec1 beforehand (~0.1 s each); used in turn (a replay during the outage is a 503 too).
    const assertions = Array.from({ length: 120 }, () => fx.samlResponse());
    const creds = credentialsOf(await stsQuery(b.url, { Action: 'AssumeRole', RoleArn: roleArn('WebDev'), RoleSessionName: 'loaded' }, { credentials: PORTAL }));
    const session = JSON.stringify({ sessionId: creds.accessKeyId, sessionKey: creds.secretAccessKey, sessionToken: creds.sessionToken });
    let phase: 'before' | 'down' | 'after' = 'before';
    let stop = false;
    const calls = (i: number): Promise<{ kind: string; r: RawResponse }> => {
      switch (i % 3) {
        case 0:
          // Past the pool, assertions come round again: replays, refused (403) whenever the store is up.
          return stsQuery(b.url, { Action: 'AssumeRoleWithSAML', RoleArn: roleArn('SamlDev'), PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: assertions[Math.floor(i / 3) % assertions.length]! }).then((r) => ({
            kind: `saml-${phase}${Math.floor(i / 3) < assertions.length ? '' : '-replay'}`,
            r,
          }));
        case 1:
          return stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: creds }).then((r) => ({ kind: 'whoami', r }));
        default:
          return rawRequest(b.url, { method: 'GET', path: `/federation?${new URLSearchParams({ Action: 'getSigninToken', Session: session })}` }).then((r) => ({ kind: 'signin-token', r }));
      }
    };
    const running = load(12, () => stop, calls);
    await sleep(1500);
    phase = 'down';
    await pg!.pause();
    await sleep(6000);
    await pg!.resume();
    phase = 'after';
    // Recovery: an assertion never seen before is accepted again, without a restart.
    let recovered = false;
    for (let i = 0; i < 100 && !recovered; i++) {
      const r = await stsQuery(b.url, { Action: 'AssumeRoleWithSAML', RoleArn: roleArn('SamlDev'), PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: fx.samlResponse() });
      recovered = r.status === 200;
      if (!recovered) await sleep(200);
    }
    await sleep(1000);
    stop = true;
    const outcomes = await running;

    expect(recovered).toBe(true);
    expect(outcomes.length).toBeGreaterThan(100);
    // Never a 500 (or any 5xx but 503), never a hang (connect timeout 3 s, statement timeout 5 s).
    expect(outcomes.filter((o) => o.status >= 500 && o.status !== 503)).toEqual([]);
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(10_000);
    // What needs no store kept working throughout.
    for (const kind of ['whoami', 'signin-token']) {
      const of = outcomes.filter((o) => o.kind === kind);
      expect(of.length).toBeGreaterThan(10);
      expect(of.filter((o) => o.status !== 200)).toEqual([]);
    }
    // The replay cache was down: ServiceUnavailable (503), not a refusal or an error of another kind;
    // while it is up, a fresh assertion is accepted and one that came round again is refused (403
    // IDPRejectedClaim) — unless its first use was during the outage and never claimed it.
    const down = outcomes.filter((o) => o.kind.startsWith('saml-down'));
    expect(down.filter((o) => o.status === 503).length).toBeGreaterThan(0);
    expect(new Set(down.filter((o) => o.status === 503).map((o) => o.code))).toEqual(new Set(['ServiceUnavailable']));
    expect(outcomes.filter((o) => o.kind === 'saml-down' && o.status !== 200 && o.status !== 503)).toEqual([]);
    expect(outcomes.filter((o) => o.kind.endsWith('-replay') && o.status !== 200 && o.status !== 503 && o.code !== 'IDPRejectedClaim')).toEqual([]);
    expect(outcomes.filter((o) => o.kind === 'saml-before' && o.status !== 200)).toEqual([]);
  }, 90_000);
});

describe('graceful shutdown', () => {
  it('close() lets an in-flight request finish, refuses new connections, and resolves', async () => {
    const fx = await createStsFixture();
    const b = await startBroker(fx.config({ store: 'memory:' }), { dir: fx.dir });
    try {
      const token = await fx.webToken();
      const body = new URLSearchParams({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: roleArn('WebDev'), RoleSessionName: 'late', WebIdentityToken: token }).toString();
      const url = new URL(b.url);
      // A request whose body is still arriving when shutdown starts, from a client that would keep the
      // connection open for a minute after the response (as browsers and SDK agents do).
      const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000, timeout: 120_000 });
      const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          { host: url.hostname, port: url.port, method: 'POST', path: '/', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, 40));
        setTimeout(() => req.end(body.slice(40)), 300);
      });
      await new Promise((r) => setTimeout(r, 100));
      const closing = b.broker.close();
      // New connections are refused while the in-flight request is still running.
      await expect(rawRequest(b.url, { method: 'GET', path: '/healthz' })).rejects.toThrow(/ECONNREFUSED/);
      const done = await response;
      expect(done.status, done.body).toBe(200);
      expect(done.body).toContain('<AssumeRoleWithWebIdentityResult>');
      // close() resolves once the request is done: it does not wait for the client to drop the connection.
      const waited = Date.now();
      await closing;
      expect(Date.now() - waited).toBeLessThan(3000);
      expect(b.broker.server.listening).toBe(false);
      agent.destroy();
    } finally {
      fx.cleanup();
    }
  }, 30_000);

  it('close() does not wait for idle keep-alive connections', async () => {
    const fx = await createStsFixture();
    const b = await startBroker(fx.config({ store: 'memory:' }), { dir: fx.dir });
    try {
      // fetch keeps the connection alive after the response.
      const r = await fetch(`${b.url}/healthz`);
      expect(r.status).toBe(200);
      await r.text();
      const started = Date.now();
      await b.broker.close();
      // keepAliveTimeout is 65 s: closing must not have waited for it.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      fx.cleanup();
    }
  }, 30_000);
});
