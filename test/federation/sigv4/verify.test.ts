import { describe, expect, it } from 'vitest';
import { IncompleteSignature, SignatureDoesNotMatch } from '../../../src/errors.js';
import { parseSigV4 } from '../../../src/federation/sigv4/parse.js';
import type { SigV4Request } from '../../../src/federation/sigv4/parse.js';
import { verifySigV4 } from '../../../src/federation/sigv4/verify.js';
import { deriveSigningKey } from '../../../src/federation/sigv4/signingKey.js';
import { canonicalQuery, canonicalUri, canonicalHeaderValue } from '../../../src/federation/sigv4/canonicalRequest.js';
import { presignRequest, signRequest, USER_KEY, withHeaders } from './helpers.js';

const creds = { accessKeyId: USER_KEY.accessKeyId, secretAccessKey: USER_KEY.secretAccessKey };

function verify(request: SigV4Request, secret: string = creds.secretAccessKey, now: number = Date.now()): void {
  const parsed = parseSigV4(request);
  expect(parsed).not.toBeNull();
  verifySigV4(parsed!, secret, now);
}

describe('AWS published examples', () => {
  it('derives the signing key of the AWS documentation example', () => {
    // "Examples of how to derive a signing key for Signature Version 4" (20120215/us-east-1/iam).
    const key = deriveSigningKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam');
    expect(key.toString('hex')).toBe('f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
  });

  it('verifies the IAM ListUsers example request of the SigV4 documentation', () => {
    const request: SigV4Request = {
      method: 'GET',
      path: '/',
      query: new URLSearchParams('Action=ListUsers&Version=2010-05-08'),
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        host: 'iam.amazonaws.com',
        'x-amz-date': '20150830T123600Z',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
      },
      body: Buffer.alloc(0),
    };
    verify(request, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', Date.UTC(2015, 7, 30, 12, 40, 0));
  });
});

describe('verifySigV4 against @smithy/signature-v4 (header form)', () => {
  it.each([
    ['sts, eu-west-1, CLI-style (no x-amz-content-sha256)', { applyChecksum: false }],
    ['sts, eu-west-1, SDK-v3-style (x-amz-content-sha256 signed)', { applyChecksum: true }],
    ['sts, us-east-1', { region: 'us-east-1' }],
    ['sts, ap-southeast-2', { region: 'ap-southeast-2' }],
    ['sts, an invented region', { region: 'moon-base-1' }],
    ['iam, eu-west-1', { service: 'iam' }],
    ['iam, us-gov-west-1, checksum', { service: 'iam', region: 'us-gov-west-1', applyChecksum: true }],
  ])('accepts a request signed for %s', async (_name, options) => {
    verify(await signRequest(creds, {}, options));
  });

  it('accepts temporary credentials with the security token signed', async () => {
    const request = await signRequest({ ...creds, sessionToken: 'FQoGZXIvYXdzEXAMPLE+/=' });
    expect(parseSigV4(request)?.signedHeaders).toContain('x-amz-security-token');
    verify(request);
  });

  it('accepts a host with a port, as the CLI signs it', async () => {
    verify(await signRequest(creds, { host: '127.0.0.1:18099' }));
  });

  it('accepts a custom endpoint path, and paths needing (double) encoding', async () => {
    verify(await signRequest(creds, { path: '/broker/sts' }));
    verify(await signRequest(creds, { path: '/broker/a%20b/c~d/' }));
    verify(await signRequest(creds, { path: "/x/y!'()*/z" }));
    verify(await signRequest(creds, { path: '/a/./b/../c' }));
  });

  it('accepts GET with the parameters in the query string, including characters that need encoding', async () => {
    const request = await signRequest(creds, {
      method: 'GET',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15', Zeta: 'a b+c/d=é', Alpha: '*~!' },
    });
    verify(request);
  });

  it('accepts extra signed headers with runs of spaces (canonical trimming)', async () => {
    verify(await signRequest(creds, { headers: { 'x-amz-meta-note': '  two   spaces\tand a tab  ' } }));
  });

  it('accepts an empty body and a binary body', async () => {
    verify(await signRequest(creds, { body: '' }));
    verify(await signRequest(creds, { body: 'Action=GetCallerIdentity&Version=2011-06-15&Blob=%00%FF' }));
  });

  it('accepts header names in any case (as another framework may pass them)', async () => {
    const request = await signRequest(creds);
    const upper: Record<string, string | string[] | undefined> = {};
    for (const [k, v] of Object.entries(request.headers)) upper[k.toUpperCase()] = v;
    verify({ ...request, headers: upper });
  });

  it('refuses a declared x-amz-content-sha256 that is not the hash of the body', async () => {
    const request = await signRequest(creds, {}, { applyChecksum: true });
    const tampered = { ...request, body: Buffer.from('Action=GetSessionToken&Version=2011-06-15') };
    expect(() => verify(tampered)).toThrow(SignatureDoesNotMatch);
    expect(() => verify(tampered)).toThrow("The provided 'x-amz-content-sha256' header does not match what was computed.");
  });

  it('refuses UNSIGNED-PAYLOAD in the header form (the body carries the parameters)', async () => {
    const request = await signRequest(creds, { headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    expect(() => verify(request)).toThrow(IncompleteSignature);
  });

  it('refuses a signature that is not 64 hex digits', async () => {
    const request = await signRequest(creds);
    const auth = String(request.headers['authorization']).replace(/Signature=[0-9a-f]+/, 'Signature=zz');
    expect(() => verify(withHeaders(request, { authorization: auth }))).toThrow(SignatureDoesNotMatch);
  });

  it('refuses a credential scope dated another day than X-Amz-Date', async () => {
    const signingDate = new Date(Date.UTC(2026, 10, 22, 10, 21, 56));
    const request = await signRequest(creds, {}, { signingDate });
    const auth = String(request.headers['authorization']).replace('/20261122/', '/20261121/');
    expect(() => verify(withHeaders(request, { authorization: auth }), creds.secretAccessKey, signingDate.getTime())).toThrow(
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261121' != '20261122', from '20261122T102156Z'.",
    );
  });
});

describe('verifySigV4 against @smithy/signature-v4 (presigned)', () => {
  it('accepts a presigned GetCallerIdentity URL', async () => {
    const request = await presignRequest(creds);
    expect(request.query.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    verify(request);
  });

  it('accepts a presigned URL with a security token and another region', async () => {
    verify(await presignRequest({ ...creds, sessionToken: 'token+with/chars=' }, {}, { region: 'sa-east-1' }));
  });

  it('accepts a presigned URL with a short X-Amz-Expires within its window', async () => {
    const signingDate = new Date();
    verify(await presignRequest(creds, {}, { expiresIn: 60, signingDate }), creds.secretAccessKey, signingDate.getTime() + 59_000);
  });

  it('accepts a presigned URL with signed x-amz-* headers hoisted into the query', async () => {
    verify(await presignRequest(creds, { headers: { 'x-k8s-aws-id': 'my-cluster' } }));
  });

  it('refuses a presigned URL whose query was altered', async () => {
    const request = await presignRequest(creds);
    request.query.set('Action', 'GetSessionToken');
    expect(() => verify(request)).toThrow(SignatureDoesNotMatch);
  });
});

describe('canonical pieces', () => {
  it('builds the canonical URI like the SDKs (normalised, encoded once more)', () => {
    expect(canonicalUri('')).toBe('/');
    expect(canonicalUri('/')).toBe('/');
    expect(canonicalUri('/a//b/./c/../d/')).toBe('/a/b/d/');
    expect(canonicalUri('/a%20b')).toBe('/a%2520b');
    expect(canonicalUri("/!'()*")).toBe('/%21%27%28%29%2A');
  });

  it('sorts the canonical query by key then value, RFC 3986-encoded', () => {
    const q = new URLSearchParams('b=2&a=2&a=1&c=x%20y&X-Amz-Signature=abc');
    expect(canonicalQuery(q, true)).toBe('a=1&a=2&b=2&c=x%20y');
    expect(canonicalQuery(q, false)).toBe('X-Amz-Signature=abc&a=1&a=2&b=2&c=x%20y');
    expect(canonicalQuery(new URLSearchParams(''), false)).toBe('');
  });

  it('trims header values and collapses inner runs of white space', () => {
    expect(canonicalHeaderValue('  a   b\t c  ')).toBe('a b c');
    expect(canonicalHeaderValue('plain value')).toBe('plain value');
    expect(canonicalHeaderValue('')).toBe('');
    for (const [raw, canonical] of [[' a', 'a'], ['a ', 'a'], ['a  b', 'a b'], ['a\tb', 'a b'], ['a\r\n b', 'a b'], ['a\nb', 'a b'], ['a b c', 'a b c']]) {
      expect(canonicalHeaderValue(raw!), JSON.stringify(raw)).toBe(canonical);
    }
  });
});
