/**
 * Operations endpoints of the running broker (api.md §7): /healthz, /readyz, /metrics (Prometheus text
 * with requests by action and outcome, latency histograms, rate-limit hits, provider fetches).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type StartedBroker } from '../helpers/broker.js';
import { createStsFixture, PORTAL, roleArn, type StsFixture } from '../helpers/stsFixture.js';
import { credentialsOf, stsQuery } from '../helpers/stsHttp.js';

let fx: StsFixture;
let b: StartedBroker;

beforeAll(async () => {
  fx = await createStsFixture();
  b = await startBroker(fx.config(), { dir: fx.dir });
}, 60_000);

afterAll(async () => {
  await b?.close();
  fx?.cleanup();
});

/** The value of one sample line (`name{labels} value`) in Prometheus text, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels)
    .sort(([a], [c]) => a.localeCompare(c))
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  const line = text.split('\n').find((l) => l.startsWith(want ? `${name}{${want}} ` : `${name} `));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('/healthz and /readyz', () => {
  it('/healthz answers 200 while the process is alive', async () => {
    const r = await fetch(`${b.url}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 when store, keys and providers are ready', async () => {
    const r = await fetch(`${b.url}/readyz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ready' });
  });
});

describe('/metrics', () => {
  it('Prometheus text: requests by action and outcome, latency histogram', async () => {
    const before = await fetch(`${b.url}/metrics`).then((r) => r.text());
    const ok = sample(before, 'fedbroker_requests_total', { action: 'AssumeRoleWithWebIdentity', outcome: 'ok' });
    const denied = sample(before, 'fedbroker_requests_total', { action: 'AssumeRoleWithWebIdentity', outcome: 'AccessDenied' });
    const invalid = sample(before, 'fedbroker_requests_total', { action: 'AssumeRoleWithWebIdentity', outcome: 'InvalidIdentityToken' });

    const token = await fx.webToken();
    expect((await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('WebDev'), RoleSessionName: 'a1', WebIdentityToken: token })).status).toBe(200);
    expect((await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('WebDev'), RoleSessionName: 'a2', WebIdentityToken: token })).status).toBe(200);
    expect((await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('Target'), RoleSessionName: 'a3', WebIdentityToken: token })).status).toBe(403);
    expect((await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('WebDev'), RoleSessionName: 'a4', WebIdentityToken: 'not.a.jwt' })).status).toBe(400);
    await stsQuery(b.url, { Action: 'NoSuchThing' });

    const res = await fetch(`${b.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const after = await res.text();
    expect(after).toContain('# TYPE fedbroker_requests_total counter');
    expect(sample(after, 'fedbroker_requests_total', { action: 'AssumeRoleWithWebIdentity', outcome: 'ok' }) - ok).toBe(2);
    expect(sample(after, 'fedbroker_requests_total', { action: 'AssumeRoleWithWebIdentity', outcome: 'AccessDenied' }) - denied).toBe(1);
    expect(sample(after, 'fedbroker_requests_total', { action: 'AssumeRoleWithWebIdentity', outcome: 'InvalidIdentityToken' }) - invalid).toBe(1);
    expect(sample(after, 'fedbroker_requests_total', { action: 'Unknown', outcome: 'InvalidAction' })).toBeGreaterThanOrEqual(1);
    expect(after).toContain('# TYPE fedbroker_request_duration_seconds histogram');
    expect(sample(after, 'fedbroker_request_duration_seconds_count', { action: 'AssumeRoleWithWebIdentity' })).toBeGreaterThanOrEqual(4);
    expect(sample(after, 'fedbroker_request_duration_seconds_bucket', { action: 'AssumeRoleWithWebIdentity', le: '+Inf' })).toBe(
      sample(after, 'fedbroker_request_duration_seconds_count', { action: 'AssumeRoleWithWebIdentity' }),
    );
    for (const name of ['fedbroker_rate_limited_total', 'fedbroker_mfa_failures_total', 'fedbroker_oidc_provider_fetches_total']) {
      expect(after).toContain(`# TYPE ${name} counter`);
    }
    // prom-client's default process, GC, heap and event-loop metrics, which operators' dashboards expect.
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_gc_duration_seconds']) {
      expect(after).toContain(`# TYPE ${name} `);
    }
  });

  it('metrics never carry secrets or tokens', async () => {
    const token = await fx.webToken();
    const r = await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('WebDev'), RoleSessionName: 'sec', WebIdentityToken: token });
    const creds = credentialsOf(r);
    await stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: creds });
    await stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: PORTAL });
    const text = await fetch(`${b.url}/metrics`).then((m) => m.text());
    for (const secret of [token, creds.secretAccessKey, creds.sessionToken!, creds.accessKeyId, PORTAL.secretAccessKey]) expect(text).not.toContain(secret);
  });
});
