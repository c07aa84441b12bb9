/**
 * security.md, "Found by review": `POST /authorize` with `credentials` lacking the secret access key;
 * a `context` with `__proto__`/`constructor`/`prototype` keys → 400 with a message saying what is
 * missing or forbidden; never an Allow, never a 500. (api.md §6: the access key id and session token
 * travel in clear in every signed request, so they alone prove nothing.)
 * Through the running broker, the service signing its calls with @smithy/signature-v4.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type StartedBroker } from '../helpers/broker.js';
import { AUDITOR, createStsFixture, type StsFixture } from '../helpers/stsFixture.js';
import { credentialsOf, stsQuery, type Keys } from '../helpers/stsHttp.js';
import { askAuthorize, askAuthorizeRaw, authorizingServiceUser } from '../helpers/authorize.js';

const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:DecodeAuthorizationMessage', Resource: '*' }] };

let fx: StsFixture;
let b: StartedBroker;
let subject: Keys;

beforeAll(async () => {
  fx = await createStsFixture();
  const base = fx.config();
  b = await startBroker(fx.config({ users: [...(base['users'] as unknown[]), authorizingServiceUser] }), { dir: fx.dir });
  // The auditor may DecodeAuthorizationMessage: its federated session with this policy is allowed it.
  subject = credentialsOf(await stsQuery(b.url, { Action: 'GetFederationToken', Name: 'subject', Policy: JSON.stringify(ALLOW_ALL) }, { credentials: AUDITOR }));
});
afterAll(async () => {
  await b?.close();
  fx?.cleanup();
});

const ask = (payload: unknown) => askAuthorize(b.url, payload);
/** The raw body text: JSON.stringify cannot produce an own `__proto__` key, a client's JSON can. */
const askRaw = (body: string) => askAuthorizeRaw(b.url, body);

const question = { action: 'sts:DecodeAuthorizationMessage', resource: '*' };

describe('security.md Found by review: POST /authorize input', () => {
  it('credentials without secretAccessKey → 400 saying the secret access key is missing; never a decision', async () => {
    const r = await ask({ ...question, credentials: { accessKeyId: subject.accessKeyId, sessionToken: subject.sessionToken } });
    expect(r.status).toBe(400);
    expect(r.json['Error']['Code']).toBe('MissingParameter');
    expect(r.json['Error']['Message']).toMatch(/credentials\.secretAccessKey.*missing/);
    expect(r.json['decision']).toBeUndefined();
  });

  it('credentials with a wrong secret access key → refused (InvalidClientTokenId); the right one → the decision', async () => {
    const wrong = await ask({ ...question, credentials: { accessKeyId: subject.accessKeyId, secretAccessKey: `${subject.secretAccessKey.slice(0, -1)}x`, sessionToken: subject.sessionToken } });
    expect([wrong.status, wrong.json['Error']?.['Code'], wrong.json['decision']]).toEqual([403, 'InvalidClientTokenId', undefined]);
    const right = await ask({ ...question, credentials: subject });
    expect([right.status, right.json['decision']]).toEqual([200, 'Allow']);
  });

  it.each(['__proto__', 'constructor', 'prototype', 'Constructor'])('a context key %s → 400 naming the forbidden key; never an Allow, never a 500', async (key) => {
    for (const value of ['"x"', '["x"]', '{"aws:SourceIp":"203.0.113.9"}']) {
      const body = `{"action":"sts:DecodeAuthorizationMessage","resource":"*","credentials":${JSON.stringify(subject)},"context":{"s3:prefix":"a",${JSON.stringify(key)}:${value}}}`;
      const r = await askRaw(body);
      expect([r.status, r.json['Error']?.['Code']], `${key}: ${value}`).toEqual([400, 'ValidationError']);
      expect(r.json['Error']['Message']).toContain(`context key ${key} is not allowed`);
      expect(r.json['decision']).toBeUndefined();
    }
  });
});
