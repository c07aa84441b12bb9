/**
 * POST /authorize as a service calls it: the JSON body signed with SigV4 (scope `sts`) by the
 * service's own keys (@smithy/signature-v4, the AWS SDK's signer). Returns the status and the answer.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../federation/sigv4/helpers.js';
import type { Keys } from './stsHttp.js';

/** A user entry for the broker configuration: a service allowed fedbroker:Authorize. */
export const AUTHORIZING_SERVICE = { accessKeyId: 'AKIASERVICE000000001', secretAccessKey: 'serviceSecretKey/0123456789abcdefghijkl' } as const;
export const authorizingServiceUser = {
  name: 'storage-service',
  accessKeys: [{ id: AUTHORIZING_SERVICE.accessKeyId, secret: AUTHORIZING_SERVICE.secretAccessKey }],
  inlinePolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'fedbroker:Authorize', Resource: '*' }] }],
};

export function askAuthorize(brokerUrl: string, payload: unknown, service: Keys = AUTHORIZING_SERVICE): Promise<{ status: number; json: Record<string, any> }> {
  return askAuthorizeRaw(brokerUrl, JSON.stringify(payload), service);
}

/** The raw JSON `body` (a client's JSON may hold what JSON.stringify cannot write, e.g. an own `__proto__`). */
export async function askAuthorizeRaw(brokerUrl: string, body: string, service: Keys = AUTHORIZING_SERVICE): Promise<{ status: number; json: Record<string, any> }> {
  const url = new URL(`${brokerUrl}/authorize`);
  const request = { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/authorize', query: {}, headers: { host: url.host, 'content-type': 'application/json' }, body };
  const signed = await new SignatureV4({ service: 'sts', region: 'us-east-1', credentials: service, sha256: NodeSha256, applyChecksum: false }).sign(request);
  const res = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}
