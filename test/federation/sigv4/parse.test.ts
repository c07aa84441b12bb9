import { describe, expect, it } from 'vitest';
import { IncompleteSignature } from '../../../src/errors.js';
import { parseSigV4 } from '../../../src/federation/sigv4/parse.js';
import type { SigV4Request } from '../../../src/federation/sigv4/parse.js';
import { formatAmzDate, parseAmzDate } from '../../../src/federation/sigv4/amzDate.js';
import { presignRequest, signRequest, USER_KEY, withHeaders } from './helpers.js';

const creds = { accessKeyId: USER_KEY.accessKeyId, secretAccessKey: USER_KEY.secretAccessKey };
const SIG = 'a'.repeat(64);

function headerRequest(authorization: string | undefined, extra: Record<string, string> = {}): SigV4Request {
  return {
    method: 'POST',
    path: '/',
    query: new URLSearchParams(),
    headers: {
      host: 'sts.fedbroker.test',
      'x-amz-date': '20261122T102156Z',
      ...(authorization !== undefined ? { authorization } : {}),
      ...extra,
    },
    body: Buffer.from('Action=GetCallerIdentity&Version=2011-06-15'),
  };
}

function auth(credential: string, signedHeaders = 'host;x-amz-date', signature = SIG): string {
  return `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

function incomplete(request: SigV4Request): string {
  try {
    parseSigV4(request);
  } catch (e) {
    expect(e).toBeInstanceOf(IncompleteSignature);
    return (e as Error).message;
  }
  throw new Error('expected IncompleteSignature');
}

describe('parseSigV4', () => {
  it('returns null for a request without any signature (even with a security token)', () => {
    expect(parseSigV4(headerRequest(undefined))).toBeNull();
    expect(parseSigV4(headerRequest(undefined, { 'x-amz-security-token': 'abc' }))).toBeNull();
  });

  it('reads the header form as the SDKs send it', async () => {
    const parsed = parseSigV4(await signRequest({ ...creds, sessionToken: 'tok' }, {}, { region: 'eu-west-1', service: 'iam' }));
    expect(parsed).toMatchObject({
      form: 'header',
      accessKeyId: USER_KEY.accessKeyId,
      region: 'eu-west-1',
      service: 'iam',
      securityToken: 'tok',
    });
    expect(parsed?.signedHeaders).toEqual(['content-type', 'host', 'x-amz-date', 'x-amz-security-token']);
    expect(parsed?.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(parsed?.expiresSeconds).toBeUndefined();
  });

  it('reads the presigned query form', async () => {
    const parsed = parseSigV4(await presignRequest({ ...creds, sessionToken: 'tok' }, {}, { expiresIn: 60 }));
    expect(parsed).toMatchObject({ form: 'query', accessKeyId: USER_KEY.accessKeyId, service: 'sts', expiresSeconds: 60, securityToken: 'tok' });
  });

  it('tolerates missing spaces between Authorization parameters', () => {
    const parsed = parseSigV4(headerRequest(`AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/eu-west-1/sts/aws4_request,SignedHeaders=host;x-amz-date,Signature=${SIG}`));
    expect(parsed?.accessKeyId).toBe('AKIDEXAMPLE');
  });

  it('names every missing Authorization parameter', () => {
    expect(incomplete(headerRequest('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/eu-west-1/sts/aws4_request'))).toBe(
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.",
    );
    const noDate = headerRequest(auth('AKIDEXAMPLE/20261122/eu-west-1/sts/aws4_request'));
    expect(incomplete(withHeaders(noDate, { 'x-amz-date': undefined }))).toBe("Authorization header requires existence of a 'X-Amz-Date' header.");
  });

  it('refuses another algorithm', () => {
    expect(incomplete(headerRequest('AWS AKIDEXAMPLE:c2lnbmF0dXJl'))).toMatch(/^Unsupported AWS 'algorithm': 'AWS'/);
    expect(incomplete(headerRequest('Bearer abc.def'))).toMatch(/'Bearer'/);
  });

  it('refuses a malformed credential scope', () => {
    expect(incomplete(headerRequest(auth('AKIDEXAMPLE/20261122/eu-west-1/sts')))).toMatch(/exactly 5 slash-delimited elements/);
    expect(incomplete(headerRequest(auth('AKIDEXAMPLE/20261122/eu-west-1/s3/aws4_request')))).toBe(
      "Credential should be scoped to correct service: 'sts' or 'iam', not 's3'.",
    );
    expect(incomplete(headerRequest(auth('AKIDEXAMPLE/20261122/eu-west-1/sts/aws5_request')))).toBe(
      "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'.",
    );
    expect(incomplete(headerRequest(auth('AKIDEXAMPLE/20261122//sts/aws4_request')))).toMatch(/valid region/);
    expect(incomplete(headerRequest(auth('AKIDEXAMPLE/2026-11-22/eu-west-1/sts/aws4_request')))).toMatch(/valid date/);
    expect(incomplete(headerRequest(auth('/20261122/eu-west-1/sts/aws4_request')))).toMatch(/access key id/);
  });

  it('requires host among the signed headers', () => {
    expect(incomplete(headerRequest(auth('AKIDEXAMPLE/20261122/eu-west-1/sts/aws4_request', 'content-type;x-amz-date')))).toBe(
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  });

  it('refuses SignedHeaders that are not lower-case header names', () => {
    expect(incomplete(headerRequest(auth('AKIDEXAMPLE/20261122/eu-west-1/sts/aws4_request', 'Host;X-Amz-Date')))).toMatch(/lower-case/);
    expect(incomplete(headerRequest(auth('AKIDEXAMPLE/20261122/eu-west-1/sts/aws4_request', 'host;;x-amz-date')))).toMatch(/lower-case/);
  });

  it('refuses an X-Amz-Date that is not an ISO 8601 basic date', () => {
    const base = headerRequest(auth('AKIDEXAMPLE/20261122/eu-west-1/sts/aws4_request'));
    for (const date of ['2026-11-22T10:21:56Z', '20261322T102156Z', '20261122T102156', 'Sun, 22 Nov 2026 10:21:56 GMT']) {
      expect(incomplete(withHeaders(base, { 'x-amz-date': date }))).toMatch(/ISO-8601 'basic format'/);
    }
  });

  it('refuses a parameter given twice', () => {
    expect(incomplete(headerRequest(`${auth('AKIDEXAMPLE/20261122/eu-west-1/sts/aws4_request')}, Signature=${SIG}`))).toMatch(/more than once/);
  });

  it('refuses a security token in both the header and the query', async () => {
    const request = await signRequest({ ...creds, sessionToken: 'tok' });
    request.query.set('X-Amz-Security-Token', 'tok');
    expect(incomplete(request)).toMatch(/not both/);
  });

  it('refuses both an Authorization header and a presigned query', async () => {
    const request = await presignRequest(creds);
    expect(incomplete(withHeaders(request, { authorization: auth('AKIDEXAMPLE/20261122/eu-west-1/sts/aws4_request') }))).toMatch(
      /Only one auth mechanism allowed/,
    );
  });

  it('requires every presigned parameter and a sane X-Amz-Expires', async () => {
    const request = await presignRequest(creds);
    const without = new URLSearchParams(request.query);
    without.delete('X-Amz-Date');
    expect(incomplete({ ...request, query: without })).toMatch(/must include 'X-Amz-Algorithm'/);
    for (const bad of ['0', '604801', '-5', '1.5', 'soon']) {
      const q = new URLSearchParams(request.query);
      q.set('X-Amz-Expires', bad);
      expect(incomplete({ ...request, query: q })).toMatch(/X-Amz-Expires/);
    }
    const twice = new URLSearchParams(request.query);
    twice.append('X-Amz-Credential', 'AKIDEXAMPLE/20261122/eu-west-1/sts/aws4_request');
    expect(incomplete({ ...request, query: twice })).toMatch(/more than once/);
  });
});

describe('X-Amz-Date', () => {
  it('round-trips real dates and refuses impossible ones', () => {
    expect(parseAmzDate('20261122T102156Z')).toBe(Date.UTC(2026, 10, 22, 10, 21, 56));
    expect(formatAmzDate(Date.UTC(2026, 10, 22, 10, 21, 56, 789))).toBe('20261122T102156Z');
    expect(parseAmzDate('20260230T000000Z')).toBeUndefined();
    expect(parseAmzDate('20261122T246000Z')).toBeUndefined();
  });
});
