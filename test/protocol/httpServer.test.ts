/**
 * The lean node:http front end (src/http/server.ts): Query requests that arrive together are handled
 * together (interleaved, stage by stage) and each answer still goes to its own connection; everything
 * else goes to the app.
 */
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Server } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { createHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/log.js';
import type { QueryHttpRequest } from '../../src/protocol/action.js';
import type { QueryProtocol, QueryResponse } from '../../src/protocol/queryProtocol.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A protocol whose handler goes through several awaits, recording the order of its stages. */
function recordingProtocol(trace: string[]): QueryProtocol {
  return {
    async handle(request: QueryHttpRequest): Promise<QueryResponse> {
      const name = new URLSearchParams(request.body.toString('utf8')).get('Name') ?? '?';
      trace.push(`a:${name}`);
      await Promise.resolve();
      trace.push(`b:${name}`);
      await new Promise((resolve) => setImmediate(resolve));
      return { status: 200, contentType: 'text/plain', body: `hello ${name}`, requestId: `id-${name}` };
    },
  } as unknown as QueryProtocol;
}

async function listen(protocol: QueryProtocol): Promise<string> {
  server = createHttpServer({
    protocol,
    app: (_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('app'),
    trustProxy: false,
    maxBodyBytes: 4096,
    logger: createLogger({ level: 'silent' }),
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

const post = (url: string, name: string) =>
  fetch(`${url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `Action=Test&Name=${name}` });

it('answers each of many simultaneous requests with its own response', async () => {
  const trace: string[] = [];
  const url = await listen(recordingProtocol(trace));
  const names = Array.from({ length: 40 }, (_, i) => `r${i}`);
  const responses = await Promise.all(names.map((name) => post(url, name)));
  for (const [i, res] of responses.entries()) {
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amzn-requestid')).toBe(`id-${names[i]}`);
    expect(await res.text()).toBe(`hello ${names[i]}`);
  }
  expect(trace.filter((t) => t.startsWith('a:')).sort()).toEqual(names.map((n) => `a:${n}`).sort());
});

it('handles requests that arrived in the same turn interleaved: every first stage before any second', async () => {
  const trace: string[] = [];
  const url = new URL(await listen(recordingProtocol(trace)));
  // Ten connections opened first, then ten requests written in one go: the server reads them all in
  // one turn of its event loop.
  const sockets = await Promise.all(
    Array.from({ length: 10 }, () => new Promise<Socket>((resolve) => { const s = connect(Number(url.port), url.hostname, () => resolve(s)); })),
  );
  // …once the server has accepted all ten (otherwise accepting spreads them over several turns).
  while ((await new Promise<number>((resolve) => server!.getConnections((_e, n) => resolve(n)))) < 10) await new Promise((r) => setTimeout(r, 5));
  const answers = sockets.map(
    (s) => new Promise<string>((resolve) => { let text = ''; s.on('data', (d: Buffer) => { text += d.toString('utf8'); if (/hello r\d+$/.test(text)) resolve(text); }); }),
  );
  sockets.forEach((s, i) => {
    const body = `Action=Test&Name=r${i}`;
    s.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  });
  const texts = await Promise.all(answers);
  for (const s of sockets) s.destroy();
  texts.forEach((text, i) => expect(text.endsWith(`hello r${i}`)).toBe(true));
  // Run one at a time, the trace would strictly alternate a:x b:x a:y b:y …
  const firstB = trace.findIndex((t) => t.startsWith('b:'));
  expect(firstB).toBe(10);
  expect(trace.slice(0, 10).every((t) => t.startsWith('a:'))).toBe(true);
});

it('a single request is answered without waiting for others', async () => {
  const url = await listen(recordingProtocol([]));
  const res = await post(url, 'alone');
  expect(await res.text()).toBe('hello alone');
});

it('sends anything that is not a Query request to the app', async () => {
  const url = await listen(recordingProtocol([]));
  expect(await (await fetch(`${url}/console`)).text()).toBe('app');
  expect(await (await fetch(`${url}/`)).text()).toBe('app');
});
