/**
 * The request log (issue: "a hundred requests leave stdout with the four start-up lines"): one line
 * per request at info, from the lean Query path and from the Express app, with request id, action or
 * path, status, principal or "anonymous", error code and duration — and no secret of the request:
 * not a web identity token, a SAML response, a secret key or signature, a session token, a sign-in
 * token in a query string, nor a cookie.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { startBroker, type StartedBroker } from '../helpers/broker.js';
import { createStsFixture, PORTAL, roleArn, type StsFixture } from '../helpers/stsFixture.js';
import { credentialsOf, rawRequest, stsQuery } from '../helpers/stsHttp.js';

interface Line {
  readonly level: number;
  readonly time: string;
  readonly msg: string;
  readonly request?: { id: string; method: string; path: string; action?: string; status: number; principal: string; error?: string; ms: number; ip: string };
}

describe('request log', () => {
  let f: StsFixture;
  let b: StartedBroker;
  let text = '';
  const lines = (): Line[] => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Line);
  const requestLines = () => lines().filter((l) => l.request !== undefined);

  beforeAll(async () => {
    f = await createStsFixture();
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString('utf8');
        done();
      },
    });
    b = await startBroker(f.config({ server: {} }), { dir: f.dir, logger: createLogger({ level: 'info', destination }) });
  });

  afterAll(async () => {
    await b?.close();
    f?.cleanup();
  });

  it('one line per request on both paths, with id, action or path, status, principal, error code and duration; no secret anywhere', async () => {
    const secrets: string[] = [PORTAL.secretAccessKey];
    const before = requestLines().length;

    // Query path: web identity (unsigned: the identity is the principal), a signed call, a denial.
    const token = await f.webToken();
    secrets.push(token);
    const web = await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('WebDev'), RoleSessionName: 'alice', WebIdentityToken: token });
    expect(web.status).toBe(200);
    const creds = credentialsOf(web);
    secrets.push(creds.secretAccessKey, creds.sessionToken!);
    const signed = await stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: creds });
    expect(signed.status).toBe(200);
    const denied = await stsQuery(b.url, { Action: 'AssumeRole', RoleArn: roleArn('Nope'), RoleSessionName: 'portal-x' }, { credentials: PORTAL });
    expect(denied.status).toBe(403);
    const saml = f.samlResponse();
    secrets.push(saml);
    expect((await stsQuery(b.url, { Action: 'AssumeRoleWithSAML', RoleArn: roleArn('SamlDev'), PrincipalArn: 'arn:aws:iam::123456789012:saml-provider/ExampleCorp', SAMLAssertion: saml })).status).toBe(403);

    // Express: a sign-in token in the query string and a cookie are never logged.
    const signinToken = 'SigninTokenThatMustNotBeLogged0123456789';
    secrets.push(signinToken);
    expect((await rawRequest(b.url, { method: 'GET', path: `/federation?Action=login&SigninToken=${signinToken}`, headers: { cookie: 'fedbroker_session=CookieThatMustNotBeLogged' } })).status).toBe(400);
    secrets.push('CookieThatMustNotBeLogged');
    expect((await rawRequest(b.url, { method: 'GET', path: '/healthz' })).status).toBe(200);

    await new Promise((resolve) => setImmediate(resolve));
    const logged = requestLines().slice(before);
    expect(logged.map((l) => [l.request!.method, l.request!.path, l.request!.action, l.request!.status, l.request!.error])).toEqual([
      ['POST', '/', 'AssumeRoleWithWebIdentity', 200, undefined],
      ['POST', '/', 'GetCallerIdentity', 200, undefined],
      ['POST', '/', 'AssumeRole', 403, 'AccessDenied'],
      ['POST', '/', 'AssumeRoleWithSAML', 403, expect.any(String)],
      ['GET', '/federation', 'login', 400, undefined],
      ['GET', '/healthz', undefined, 200, undefined],
    ]);
    expect(logged.map((l) => l.request!.principal)).toEqual([
      'idp.fedbroker.test:alice',
      'arn:aws:sts::123456789012:assumed-role/WebDev/alice',
      'arn:aws:iam::123456789012:user/portal',
      'anonymous',
      'anonymous',
      'anonymous',
    ]);
    for (const l of logged) {
      expect(l.level).toBe(30);
      expect(l.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(l.request!.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(l.request!.ms).toBeGreaterThanOrEqual(0);
      expect(l.request!.ip).toBe('127.0.0.1');
      expect(l.msg).toContain(`${l.request!.method} ${l.request!.path}`);
    }
    // The Query path's id is the x-amzn-RequestId the client got.
    expect(logged[0]!.request!.id).toBe(web.headers['x-amzn-requestid']);
    for (const secret of secrets) expect(text).not.toContain(secret);
    // Not even the signature of a signed request.
    expect(text).not.toMatch(/Signature=|AWS4-HMAC-SHA256/);
  });
});
