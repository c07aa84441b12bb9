/**
 * SigV4 canonical headers exactly as the SDKs sign them, through the running broker: a header sent
 * twice is signed as its values joined with "," (node itself joins them with ", "), as
 * @smithy/signature-v4 and botocore do; runs of spaces and tabs collapse to one space.
 */
import { request } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBroker, type StartedBroker } from '../helpers/broker.js';
import { createStsFixture, PORTAL, type StsFixture } from '../helpers/stsFixture.js';
import { NodeSha256 } from '../federation/sigv4/helpers.js';

let fx: StsFixture;
let b: StartedBroker;
beforeAll(async () => {
  fx = await createStsFixture();
  b = await startBroker(fx.config(), { dir: fx.dir });
});
afterAll(async () => {
  await b?.close();
  fx?.cleanup();
});

const BODY = 'Action=GetCallerIdentity&Version=2011-06-15';

/** Signs with `signedAs` header values, sends with `sentAs` (arrays become repeated header lines). */
async function call(signedAs: Record<string, string>, sentAs: Record<string, string | string[]>): Promise<number> {
  const url = new URL(b.url);
  const signer = new SignatureV4({ service: 'sts', region: 'us-east-1', credentials: PORTAL, sha256: NodeSha256, applyChecksum: false });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: {},
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...signedAs },
    body: BODY,
  });
  const headers: Record<string, string | string[]> = { ...(signed.headers as Record<string, string>) };
  for (const name of Object.keys(signedAs)) delete headers[name];
  Object.assign(headers, sentAs);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(BODY);
  });
}

it('a header sent twice verifies against its values joined with ","', async () => {
  expect(await call({ 'x-fb-test': 'a,b' }, { 'x-fb-test': ['a', 'b'] })).toBe(200);
  // …and the order of the lines is part of what was signed.
  expect(await call({ 'x-fb-test': 'a,b' }, { 'x-fb-test': ['b', 'a'] })).toBe(403);
});

it('white space in a value (tabs, runs of spaces) collapses as the SDK collapses it', async () => {
  expect(await call({ 'x-fb-test': 'a \t  b' }, { 'x-fb-test': 'a \t  b' })).toBe(200);
  expect(await call({ 'x-fb-test': 'a b' }, { 'x-fb-test': 'a c' })).toBe(403);
});
