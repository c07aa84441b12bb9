/**
 * The AWS federation endpoint as fedbroker calls it at the end of a browser sign-in to an upstream
 * role (upstream/federation.ts): getSigninToken with the upstream credentials — SessionDuration only
 * when fedbroker's own credentials are long-term (AWS gives none to role-chained credentials) — then
 * the login URL; its refusals and failures mapped to pages, never a 500.
 *
 * STS is the second instance playing AWS; the federation endpoint is a recording HTTP server, so the
 * exact getSigninToken request can be read.
 */
import { createServer, type Server } from 'node:http';
import { GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type StartedBroker } from '../helpers/broker.js';
import { Browser } from '../helpers/browser.js';
import { AWS_ROLE, AWS_ROLE_SESSION_NAME } from '../helpers/samlIdp.js';
import { ACS_URL, createStsFixture, SAML_PROVIDER_ARN, SP_ENTITY_ID, type StsFixture } from '../helpers/stsFixture.js';
import { BROKER_KEYS, PROD_ADMIN, startAws, upstreamBlock } from '../helpers/upstreamAws.js';

let fx: StsFixture;
let aws: StartedBroker;
let federation: Server;
let federationUrl: string;
const seen: URL[] = [];
let answer: { status: number; body: string } = { status: 200, body: '{"SigninToken":"token-from-aws"}' };

const trust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Federated: SAML_PROVIDER_ARN }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'saml:aud': ACS_URL } } }],
};

function config(upstream: Record<string, unknown> = {}): Record<string, unknown> {
  return fx.config({
    upstream: { ...upstreamBlock(aws), federationEndpoint: `${federationUrl}/federation`, consoleUrl: 'https://console.aws.amazon.com/', ...upstream },
    roles: [{ name: 'ProdAdmin', maxSessionDuration: 14400, trustPolicy: trust, upstream: { roleArn: PROD_ADMIN } }],
  });
}

/** A browser sign-in (SAML, SessionDuration 7200) to the upstream role; the broker's answer. */
function signIn(b: StartedBroker, relayState?: string) {
  const saml = fx.idp.response({
    acsUrl: ACS_URL,
    audience: SP_ENTITY_ID,
    nameId: 'alice@example.com',
    attributes: { [AWS_ROLE]: [`${PROD_ADMIN},${SAML_PROVIDER_ARN}`], [AWS_ROLE_SESSION_NAME]: ['alice'], 'https://aws.amazon.com/SAML/Attributes/SessionDuration': ['7200'] },
  });
  return new Browser(b.url).post('/saml', { SAMLResponse: saml, ...(relayState !== undefined ? { RelayState: relayState } : {}) });
}

beforeAll(async () => {
  fx = await createStsFixture();
  aws = await startAws();
  federation = createServer((req, res) => {
    seen.push(new URL(req.url!, 'http://federation.test'));
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => federation.listen(0, '127.0.0.1', resolve));
  federationUrl = `http://127.0.0.1:${(federation.address() as { port: number }).port}`;
}, 60_000);

afterAll(async () => {
  await aws?.close();
  await new Promise((resolve) => federation?.close(resolve));
  fx?.cleanup();
});

describe('console sign-in through the AWS federation endpoint', () => {
  it('long-term keys: getSigninToken with the upstream credentials and SessionDuration, then a 302 to the login URL', async () => {
    const b = await startBroker(config(), { dir: fx.dir });
    try {
      seen.length = 0;
      const page = await signIn(b);
      expect(page.status).toBe(302);
      const request = seen.at(-1)!;
      expect(request.searchParams.get('Action')).toBe('getSigninToken');
      expect(request.searchParams.get('SessionDuration')).toBe('7200');
      const session = JSON.parse(request.searchParams.get('Session')!) as Record<string, string>;
      expect(session['sessionId']).toMatch(/^ASIA/);
      expect(session['sessionId']).not.toBe(BROKER_KEYS.accessKeyId);
      const login = new URL(page.location!);
      expect(`${login.origin}${login.pathname}`).toBe(`${federationUrl}/federation`);
      expect(Object.fromEntries(login.searchParams)).toEqual({
        Action: 'login',
        Issuer: 'http://broker.fedbroker.test/console',
        Destination: 'https://console.aws.amazon.com/',
        SigninToken: 'token-from-aws',
      });
      expect(page.headers.get('cache-control')).toBe('no-store');
    } finally {
      await b.close();
    }
  });

  it('an allow-listed RelayState is the Destination', async () => {
    const b = await startBroker(config(), { dir: fx.dir });
    try {
      await b.reload({ ...config(), console: { destinations: ['https://console.aws.amazon.com/*'] } });
      const page = await signIn(b, 'https://console.aws.amazon.com/s3/home');
      expect(new URL(page.location!).searchParams.get('Destination')).toBe('https://console.aws.amazon.com/s3/home');
    } finally {
      await b.close();
    }
  });

  it('fedbroker running on temporary credentials (role chaining): no SessionDuration', async () => {
    // fedbroker's own credentials: a GetSessionToken session of the broker user, from the environment.
    const own = await new STSClient({ endpoint: aws.url, region: 'us-east-1', credentials: BROKER_KEYS, maxAttempts: 1 }).send(new GetSessionTokenCommand({}));
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: own.Credentials!.AccessKeyId!,
      AWS_SECRET_ACCESS_KEY: own.Credentials!.SecretAccessKey!,
      AWS_SESSION_TOKEN: own.Credentials!.SessionToken!,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const b = await startBroker(config({ credentials: 'default' }), { dir: fx.dir });
    try {
      seen.length = 0;
      const page = await signIn(b);
      expect(page.status).toBe(302);
      expect(seen.at(-1)!.searchParams.get('Action')).toBe('getSigninToken');
      expect(seen.at(-1)!.searchParams.has('SessionDuration')).toBe(false);
    } finally {
      await b.close();
      process.env = saved;
    }
  });

  it('the federation endpoint refuses (4xx) → a 403 page; fails (5xx) → retried once, then a 503 page', async () => {
    const b = await startBroker(config(), { dir: fx.dir });
    try {
      answer = { status: 400, body: '{"Error":{"Code":"InvalidParameterValue","Message":"no"}}' };
      const refused = await signIn(b);
      expect(refused.status).toBe(403);
      expect(refused.body).toContain('refused the credentials');
      answer = { status: 502, body: 'Bad Gateway' };
      seen.length = 0;
      const failed = await signIn(b);
      expect(failed.status).toBe(503);
      expect(seen).toHaveLength(2);
    } finally {
      answer = { status: 200, body: '{"SigninToken":"token-from-aws"}' };
      await b.close();
    }
  });
});
