/**
 * POST /authorize as a service calls it: signed with the service's own keys (SigV4, scope `sts`, by
 * @smithy/signature-v4), and a configuration user for such a service (allowed fedbroker:Authorize).
 *
 *   const config = fx.config({ users: [...users, pdpServiceUser('pdp-service', SERVICE)] });
 *   const r = await askAuthorize(broker.url, SERVICE, JSON.stringify({ credentials, action, resource }));
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../federation/sigv4/helpers.js';
import type { Keys } from './stsHttp.js';

export function pdpServiceUser(name: string, keys: Keys): Record<string, unknown> {
  return {
    name,
    accessKeys: [{ id: keys.accessKeyId, secret: keys.secretAccessKey }],
    inlinePolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'fedbroker:Authorize', Resource: '*' }] }],
  };
}

/** The raw JSON `body` (a client's JSON may hold what JSON.stringify cannot write, e.g. an own `__proto__`). */
export async function askAuthorize(baseUrl: string, service: Keys, body: string): Promise<{ status: number; json: Record<string, any> }> {
  const url = new URL(`${baseUrl}/authorize`);
  const request = { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/authorize', query: {}, headers: { host: url.host, 'content-type': 'application/json' }, body };
  const signed = await new SignatureV4({ service: 'sts', region: 'us-east-1', credentials: service, sha256: NodeSha256, applyChecksum: false }).sign(request);
  const res = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}
