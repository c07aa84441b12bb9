/**
 * security.md, "Upstream STS refuses, times out, answers 5xx or Throttling": AccessDenied naming the
 * upstream role / ServiceUnavailable / Throttling, within upstream.timeoutMs (at most one retry);
 * never a 500, never the broker's own AWS keys in a message, a log line or an audit event.
 *
 * The upstreams: the second fedbroker instance playing AWS (a role that does not trust the broker),
 * a server that accepts connections and never answers, one that answers 500, one that throttles,
 * one whose region is disabled — through the API (AWS SDK) and a browser sign-in.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { startBroker, type StartedBroker } from '../helpers/broker.js';
import { Browser } from '../helpers/browser.js';
import { AWS_ROLE, AWS_ROLE_SESSION_NAME } from '../helpers/samlIdp.js';
import { ACS_URL, createStsFixture, OIDC_PROVIDER_ARN, PROVIDER, SAML_PROVIDER_ARN, SP_ENTITY_ID, type StsFixture } from '../helpers/stsFixture.js';
import { BROKER_KEYS, PROD_ADMIN, startAws, UNTRUSTING, upstreamBlock } from '../helpers/upstreamAws.js';

const TIMEOUT_MS = 1500;
/** A generous bound for "within the timeout" on a loaded machine. */
const SLACK_MS = 1500;

const trust = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Federated: OIDC_PROVIDER_ARN }, Action: ['sts:AssumeRoleWithWebIdentity', 'sts:SetSourceIdentity'], Condition: { StringEquals: { [`${PROVIDER}:aud`]: 'test-app' } } },
    { Effect: 'Allow', Principal: { Federated: SAML_PROVIDER_ARN }, Action: ['sts:AssumeRoleWithSAML', 'sts:SetSourceIdentity'], Condition: { StringEquals: { 'saml:aud': ACS_URL } } },
  ],
};

let fx: StsFixture;
let aws: StartedBroker;
let b: StartedBroker;
let logs = '';
const requests = { hang: 0, error500: 0, throttle: 0, regionDisabled: 0 };
let hang: TcpServer;
const hanging = new Set<Socket>();
let fakes: Server;
let fakeUrl: string;

function stsError(code: string, message: string): string {
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fake-request-id</RequestId></ErrorResponse>`;
}

function config(upstream: Record<string, unknown>): Record<string, unknown> {
  return fx.config({
    upstream: { ...upstreamBlock(aws), timeoutMs: TIMEOUT_MS, ...upstream },
    roles: [
      { name: 'ProdAdmin', trustPolicy: trust, upstream: { roleArn: PROD_ADMIN } },
      { name: 'Untrusted', trustPolicy: trust, upstream: { roleArn: UNTRUSTING } },
    ],
  });
}

beforeAll(async () => {
  fx = await createStsFixture();
  aws = await startAws();
  hang = createTcpServer((socket) => {
    requests.hang++;
    hanging.add(socket);
    socket.on('close', () => hanging.delete(socket));
  });
  await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
  fakes = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/500')) {
        requests.error500++;
        return void res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      }
      if (req.url?.startsWith('/throttle')) {
        requests.throttle++;
        return void res.writeHead(400, { 'content-type': 'text/xml', 'x-amzn-requestid': 'fake-request-id' }).end(stsError('Throttling', 'Rate exceeded'));
      }
      requests.regionDisabled++;
      res.writeHead(403, { 'content-type': 'text/xml', 'x-amzn-requestid': 'fake-request-id' }).end(stsError('RegionDisabledException', 'STS is not activated in this region for account:111122223333.'));
    });
  });
  await new Promise<void>((resolve) => fakes.listen(0, '127.0.0.1', resolve));
  fakeUrl = `http://127.0.0.1:${(fakes.address() as { port: number }).port}`;
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs += chunk.toString('utf8');
      done();
    },
  });
  b = await startBroker(config({}), { dir: fx.dir, logger: createLogger({ level: 'debug', destination }) });
}, 60_000);

afterAll(async () => {
  await b?.close();
  await aws?.close();
  for (const s of hanging) s.destroy();
  await new Promise((resolve) => hang?.close(resolve));
  await new Promise((resolve) => fakes?.close(resolve));
  fx?.cleanup();
});

async function assume(roleArn = PROD_ADMIN): Promise<{ error: Error & { $metadata: { httpStatusCode?: number } }; elapsed: number }> {
  const token = await fx.webToken({ sub: 'alice' });
  const client = new STSClient({ endpoint: b.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'unused' }, maxAttempts: 1 });
  const started = Date.now();
  const error = await client.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'alice', WebIdentityToken: token })).then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e as Error & { $metadata: { httpStatusCode?: number } },
  );
  return { error, elapsed: Date.now() - started };
}

/** Nothing the broker wrote or answered contains its own AWS keys. */
function expectNoBrokerKeys(...texts: string[]): void {
  const audit = readFileSync(join(fx.dir, 'data', 'audit.jsonl'), 'utf8');
  for (const text of [...texts, logs, audit]) {
    expect(text).not.toContain(BROKER_KEYS.accessKeyId);
    expect(text).not.toContain(BROKER_KEYS.secretAccessKey);
  }
}

describe('upstream refusals and failures, each mapped within upstream.timeoutMs', () => {
  it('the AWS role does not trust the broker → AccessDenied naming the role and what to fix, not retried', async () => {
    await b.reload(config({}));
    const before = readFileSync(join(aws.dir, 'data', 'audit.jsonl'), 'utf8').split('\n').length;
    const { error } = await assume(UNTRUSTING);
    expect(error.name).toBe('AccessDenied');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toContain(UNTRUSTING);
    expect(error.message).toContain('trust policy must allow');
    const attempts = readFileSync(join(aws.dir, 'data', 'audit.jsonl'), 'utf8').split('\n').slice(before - 1).filter((l) => l.includes('"AssumeRole"'));
    expect(attempts).toHaveLength(1);
    expectNoBrokerKeys(error.message);
  });

  it('an upstream that never answers → ServiceUnavailable (503) within the timeout, one retry at most', async () => {
    await b.reload(config({ stsEndpoint: `http://127.0.0.1:${(hang.address() as { port: number }).port}` }));
    const { error, elapsed } = await assume();
    expect(error.name).toBe('ServiceUnavailable');
    expect(error.$metadata.httpStatusCode).toBe(503);
    expect(error.message).toContain(`within ${TIMEOUT_MS} ms`);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(requests.hang).toBeGreaterThanOrEqual(1);
    expect(requests.hang).toBeLessThanOrEqual(2);
    expectNoBrokerKeys(error.message);
  });

  it('an upstream answering 500 → ServiceUnavailable after one retry', async () => {
    await b.reload(config({ stsEndpoint: `${fakeUrl}/500` }));
    const { error, elapsed } = await assume();
    expect(error.name).toBe('ServiceUnavailable');
    expect(error.$metadata.httpStatusCode).toBe(503);
    expect(error.message).toContain('HTTP 500');
    expect(requests.error500).toBe(2);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expectNoBrokerKeys(error.message);
  });

  it('an upstream that throttles → Throttling after one retry', async () => {
    await b.reload(config({ stsEndpoint: `${fakeUrl}/throttle` }));
    const { error, elapsed } = await assume();
    expect(error.name).toBe('Throttling');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(requests.throttle).toBe(2);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expectNoBrokerKeys(error.message);
  });

  it('a disabled region → ServiceUnavailable saying where to activate it', async () => {
    await b.reload(config({ stsEndpoint: `${fakeUrl}/region`, region: 'ap-east-1' }));
    const { error } = await assume();
    expect(error.name).toBe('ServiceUnavailable');
    expect(error.message).toContain('region ap-east-1');
    expect(requests.regionDisabled).toBe(1);
  });

  it('a browser sign-in to an upstream that never answers → a 503 page within the timeout, a Failure audit event', async () => {
    await b.reload(config({ stsEndpoint: `http://127.0.0.1:${(hang.address() as { port: number }).port}` }));
    const saml = fx.idp.response({
      acsUrl: ACS_URL,
      audience: SP_ENTITY_ID,
      nameId: 'alice@example.com',
      attributes: { [AWS_ROLE]: [`${PROD_ADMIN},${SAML_PROVIDER_ARN}`], [AWS_ROLE_SESSION_NAME]: ['alice'] },
    });
    const started = Date.now();
    const page = await new Browser(b.url).post('/saml', { SAMLResponse: saml });
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(page.status).toBe(503);
    expect(page.body).toContain('did not answer');
    const failure = readFileSync(join(fx.dir, 'data', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>).filter((e) => e['eventName'] === 'ConsoleLogin').at(-1)!;
    expect(failure['errorCode']).toBe('ServiceUnavailable');
    expectNoBrokerKeys(page.body);
  });

  it('the failures were logged with AWS’s codes for the operator, without the broker’s keys', () => {
    expect(logs).toContain('upstream AWS STS call failed');
    expect(logs).toContain('"answered":"Throttling"');
    expect(logs).toContain('RegionDisabledException');
    expectNoBrokerKeys();
  });
});
