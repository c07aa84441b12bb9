/**
 * Request limits of the running broker: a body over limits.maxBodyBytes is refused with 413 and an
 * ErrorResponse before it is read (security.md "Body over limits.maxBodyBytes"), and the per-IP rate
 * limit answers Throttling `Rate exceeded` (HTTP 400).
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type StartedBroker } from '../helpers/broker.js';
import { createStsFixture, PORTAL, roleArn, type StsFixture } from '../helpers/stsFixture.js';
import { awsError, IAM_NS, STS_NS, stsQuery } from '../helpers/stsHttp.js';

const MAX_BODY = 4096;

let fx: StsFixture;
let b: StartedBroker;

beforeAll(async () => {
  fx = await createStsFixture();
  b = await startBroker(fx.config({ store: 'memory:', limits: { requestsPerMinutePerIp: 0, maxBodyBytes: MAX_BODY } }), { dir: fx.dir });
}, 60_000);

afterAll(async () => {
  await b?.close();
  fx?.cleanup();
});

interface PartialUpload {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** Bytes of the body the client had written when the response arrived. */
  readonly sentWhenAnswered: number;
}

/**
 * Starts an upload of `total` bytes (declared with Content-Length, or chunked when `declare` is false),
 * writing `chunk`-byte pieces only while no response has arrived, and resolves with the response.
 */
function upload(url: string, total: number, options: { declare: boolean; chunk?: number; path?: string }): Promise<PartialUpload> {
  const target = new URL(url);
  const chunkSize = options.chunk ?? 1024;
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path: options.path ?? '/',
        agent: false,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(options.declare ? { 'content-length': String(total) } : { 'transfer-encoding': 'chunked' }),
        },
      },
      (res) => {
        answered = true;
        const sentWhenAnswered = sent;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), sentWhenAnswered }));
        res.on('error', reject);
      },
    );
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    const piece = Buffer.from(`Action=GetCallerIdentity&Version=2011-06-15&Pad=${'a'.repeat(chunkSize)}`).subarray(0, chunkSize);
    const pump = () => {
      if (answered || req.destroyed) return;
      if (sent >= total) {
        req.end();
        return;
      }
      sent += piece.length;
      req.write(piece, () => setTimeout(pump, 2));
    };
    pump();
  });
}

describe('limits.maxBodyBytes', () => {
  it('a declared Content-Length over the limit → 413 ErrorResponse at once, before any of the body is needed', async () => {
    const total = 50 * 1024 * 1024;
    const r = await upload(b.url, total, { declare: true, chunk: 1024 });
    expect(r.status).toBe(413);
    expect(r.headers['content-type']).toMatch(/^text\/xml/);
    const e = awsError({ status: r.status, headers: r.headers, body: r.body });
    expect(e.namespace).toBe(STS_NS);
    expect(e.code).toBe('RequestEntityTooLarge');
    expect(e.message).toContain(String(MAX_BODY));
    expect(e.requestId).toBe(r.headers['x-amzn-requestid']);
    // The broker answered long before the 50 MB were sent.
    expect(r.sentWhenAnswered).toBeLessThan(total / 10);
  });

  it('an IAM call (Version 2010-05-08 in the query string) over the limit gets its 413 in the IAM namespace', async () => {
    const r = await upload(b.url, 1024 * 1024, { declare: true, chunk: 1024, path: '/?Action=ListMFADevices&Version=2010-05-08' });
    expect(r.status).toBe(413);
    expect(awsError({ status: r.status, headers: r.headers, body: r.body }).namespace).toBe(IAM_NS);
  });

  it('a chunked body that grows past the limit → 413 as soon as it does, without reading the rest', async () => {
    const total = 50 * 1024 * 1024;
    const r = await upload(b.url, total, { declare: false, chunk: 1024 });
    expect(r.status).toBe(413);
    expect(awsError({ status: r.status, headers: r.headers, body: r.body }).code).toBe('RequestEntityTooLarge');
    expect(r.sentWhenAnswered).toBeLessThan(total / 10);
  });

  it('a body just under the limit is served normally, and the broker keeps serving after refusals', async () => {
    const padding = 'a'.repeat(MAX_BODY - 200);
    const r = await stsQuery(b.url, { Action: 'GetCallerIdentity', Pad: padding }, { credentials: PORTAL });
    expect(r.status, r.body).toBe(200);
    const token = await fx.webToken();
    const ok = await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('WebDev'), RoleSessionName: 'alice', WebIdentityToken: token });
    expect(ok.status, ok.body).toBe(200);
  });
});

describe('limits.requestsPerMinutePerIp', () => {
  it('beyond the limit → Throttling `Rate exceeded` (HTTP 400), counted in /metrics', async () => {
    const own = await createStsFixture();
    const limited = await startBroker(own.config({ store: 'memory:', limits: { requestsPerMinutePerIp: 5 } }), { dir: own.dir });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await stsQuery(limited.url, { Action: 'GetCallerIdentity' }, { credentials: PORTAL })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      const r = await stsQuery(limited.url, { Action: 'GetCallerIdentity' }, { credentials: PORTAL });
      expect(r.status).toBe(400);
      const e = awsError(r);
      expect(e.code).toBe('Throttling');
      expect(e.message).toBe('Rate exceeded');
      expect(e.type).toBe('Sender');
      expect(e.requestId).toBe(r.headers['x-amzn-requestid']);
      // Unsigned calls share the same bucket.
      const unsigned = await stsQuery(limited.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('WebDev'), RoleSessionName: 'alice', WebIdentityToken: await own.webToken() });
      expect(awsError(unsigned).code).toBe('Throttling');
      const metrics = await fetch(`${limited.url}/metrics`).then((m) => m.text());
      expect(metrics).toMatch(/^fedbroker_rate_limited_total 2$/m);
      // A flood stays cheap: only the first refusal per address and minute is an audit event.
      for (let i = 0; i < 20; i++) await stsQuery(limited.url, { Action: 'GetCallerIdentity' }, { credentials: PORTAL });
      const throttled = readFileSync(join(own.dir, 'data', 'audit.jsonl'), 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { errorCode?: string; requestID?: string; additionalEventData?: Record<string, string> })
        .filter((e) => e.errorCode === 'Throttling');
      expect(throttled).toHaveLength(1);
      expect(throttled[0]!.requestID).toBe(r.headers['x-amzn-requestid']);
      expect(throttled[0]!.additionalEventData?.['rateLimit']).toMatch(/not audited/);
    } finally {
      await limited.close();
      own.cleanup();
    }
  });
});
