/**
 * The AWS Query wire format of the running broker (api.md §1, aws-reference.md §1.3): namespaces per
 * service, `x-amzn-RequestId` = the body's RequestId, the ErrorResponse shape, Content-Type, JSON on
 * `Accept: application/json`, and GET /?Action=… served like POST.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { createStsFixture, PORTAL, roleArn, type StsFixture } from '../helpers/stsFixture.js';
import { at, awsError, credentialsOf, IAM_NS, parseXml, rawRequest, resultValue, STS_NS, stsQuery, type RawResponse } from '../helpers/stsHttp.js';

let fx: StsFixture;
let b: StartedBroker;

beforeAll(async () => {
  fx = await createStsFixture();
  b = await startBroker(fx.config({ store: 'memory:' }), { dir: fx.dir });
}, 60_000);

afterAll(async () => {
  await b?.close();
  fx?.cleanup();
});

async function webParams() {
  return { RoleArn: roleArn('WebDev'), RoleSessionName: 'alice', WebIdentityToken: await fx.webToken() };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The checks every XML response must pass; returns the body's RequestId. */
function checkEnvelope(r: RawResponse, namespace: string): string {
  expect(r.headers['content-type']).toMatch(/^text\/xml\b/);
  const root = parseXml(r.body);
  expect(root.namespaceURI).toBe(namespace);
  const header = r.headers['x-amzn-requestid'];
  expect(header).toMatch(UUID);
  const bodyId = root.localName === 'ErrorResponse' ? at(root, 'RequestId')?.textContent : at(root, 'ResponseMetadata/RequestId')?.textContent;
  expect(bodyId).toBe(header);
  return header as string;
}

describe('wire format: success responses', () => {
  it('STS: <ActionResponse xmlns=sts><ActionResult>… <ResponseMetadata><RequestId>, text/xml, x-amzn-RequestId = RequestId', async () => {
    const r = await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', ...(await webParams()) });
    expect(r.status).toBe(200);
    checkEnvelope(r, STS_NS);
    const root = parseXml(r.body);
    expect(root.localName).toBe('AssumeRoleWithWebIdentityResponse');
    expect(at(root, 'AssumeRoleWithWebIdentityResult/Credentials/AccessKeyId')?.textContent).toMatch(/^ASIA[A-Z2-7]{16}$/);
    // XML dates are second-precision ISO 8601 in UTC.
    expect(at(root, 'AssumeRoleWithWebIdentityResult/Credentials/Expiration')?.textContent).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('every response has its own RequestId', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) ids.add(checkEnvelope(await stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: PORTAL }), STS_NS));
    expect(ids.size).toBe(3);
  });

  it('IAM actions answer in the IAM namespace (Version 2010-05-08), errors too', async () => {
    const r = await stsQuery(b.url, { Action: 'ListMFADevices', Version: '2010-05-08' }, { credentials: PORTAL, service: 'iam' });
    checkEnvelope(r, IAM_NS);
    const unknown = await stsQuery(b.url, { Action: 'NoSuchIamAction', Version: '2010-05-08' }, { credentials: PORTAL, service: 'iam' });
    expect(unknown.status).toBe(400);
    checkEnvelope(unknown, IAM_NS);
    expect(awsError(unknown).code).toBe('InvalidAction');
  });

  it('GET /?Action=…&Version=… is served like POST (unsigned and signed)', async () => {
    const params = new URLSearchParams({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', ...(await webParams()) });
    const r = await rawRequest(b.url, { method: 'GET', path: `/?${params}` });
    expect(r.status, r.body).toBe(200);
    checkEnvelope(r, STS_NS);
    const creds = credentialsOf(r);
    const who = await stsQuery(b.url, { Action: 'GetCallerIdentity' }, { method: 'GET', credentials: creds });
    expect(who.status, who.body).toBe(200);
    expect(resultValue(who, 'Arn')).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/WebDev/alice`);
  });

  it('only the path / is the Query endpoint (an empty query string is fine; other paths are not STS)', async () => {
    const query = new URLSearchParams({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', ...(await webParams()) }).toString();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await rawRequest(b.url, { method: 'POST', path: '/?', headers: form, body: query })).status).toBe(200);
    for (const path of ['/index', '//', '/./', '/%2F', '/sts']) {
      const r = await rawRequest(b.url, { method: 'GET', path: `${path}?${query}` });
      expect([302, 404], path).toContain(r.status); // Express's answer (`//` is its `/`, which redirects to the console)
      expect(r.body, path).not.toContain('AssumeRoleWithWebIdentityResponse');
    }
  });

  it('a form body overrides the query string; POST without a form content type is not the Query endpoint', async () => {
    const r = await rawRequest(b.url, {
      method: 'POST',
      path: '/?Action=NoSuchAction&Version=2011-06-15',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Action: 'AssumeRoleWithWebIdentity', ...(await webParams()) }).toString(),
    });
    expect(r.status, r.body).toBe(200);
    expect(parseXml(r.body).localName).toBe('AssumeRoleWithWebIdentityResponse');
  });
});

describe('wire format: errors', () => {
  it('ErrorResponse: Error{Type,Code,Message} then RequestId directly under ErrorResponse; Sender for 4xx', async () => {
    const r = await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('WebDev'), RoleSessionName: 'x', WebIdentityToken: await fx.webToken() });
    expect(r.status).toBe(400);
    checkEnvelope(r, STS_NS);
    const e = awsError(r);
    expect(e.shape).toEqual(['Error', 'RequestId']);
    const error = at(parseXml(r.body), 'Error')!;
    const children: string[] = [];
    for (let n = error.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) children.push((n as { localName: string }).localName);
    expect(children).toEqual(['Type', 'Code', 'Message']);
    expect(e.type).toBe('Sender');
    expect(e.code).toBe('ValidationError');
    // No ResponseMetadata in an error.
    expect(r.body).not.toContain('ResponseMetadata');
  });

  it('AccessDenied is HTTP 403, other client errors 400', async () => {
    const denied = await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('Target'), RoleSessionName: 'alice', WebIdentityToken: await fx.webToken() });
    expect(denied.status).toBe(403);
    expect(awsError(denied).code).toBe('AccessDenied');
    checkEnvelope(denied, STS_NS);
  });

  it('error text is XML-escaped (a hostile Action name cannot inject markup)', async () => {
    const r = await stsQuery(b.url, { Action: '</Message><Code>Owned</Code>' });
    const e = awsError(r);
    expect(e.code).toBe('InvalidAction');
    expect(e.message).toContain('</Message><Code>Owned</Code>');
  });
});

describe('wire format: JSON (Accept: application/json)', () => {
  it('a success answers the same document as JSON, Expiration in epoch seconds', async () => {
    const r = await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', ...(await webParams()) }, { headers: { accept: 'application/json' } });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json\b/);
    const body = JSON.parse(r.body) as { AssumeRoleWithWebIdentityResponse: { AssumeRoleWithWebIdentityResult: Record<string, any>; ResponseMetadata: { RequestId: string } } };
    const result = body.AssumeRoleWithWebIdentityResponse.AssumeRoleWithWebIdentityResult;
    expect(result['Credentials'].AccessKeyId).toMatch(/^ASIA/);
    expect(typeof result['Credentials'].Expiration).toBe('number');
    const expiresIn = result['Credentials'].Expiration - Date.now() / 1000;
    expect(expiresIn).toBeGreaterThan(3500);
    expect(expiresIn).toBeLessThanOrEqual(3600);
    expect(result['AssumedRoleUser'].Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/WebDev/alice`);
    expect(body.AssumeRoleWithWebIdentityResponse.ResponseMetadata.RequestId).toBe(r.headers['x-amzn-requestid']);
  });

  it('an error answers JSON too, with the same RequestId as the header', async () => {
    const r = await stsQuery(b.url, { Action: 'Nope' }, { headers: { accept: 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/^application\/json\b/);
    const body = JSON.parse(r.body) as { Error: { Type: string; Code: string; Message: string }; RequestId: string };
    expect(body.Error).toEqual({ Type: 'Sender', Code: 'InvalidAction', Message: 'Could not find operation Nope for version 2011-06-15' });
    expect(body.RequestId).toBe(r.headers['x-amzn-requestid']);
  });

  it('an Accept header that also lists XML keeps XML', async () => {
    const r = await stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: PORTAL, headers: { accept: 'text/xml, application/json' } });
    expect(r.headers['content-type']).toMatch(/^text\/xml/);
  });
});
