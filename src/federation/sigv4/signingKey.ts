/**
 * The SigV4 signing key: HMAC chain `AWS4`+secret → date → region → service → `aws4_request`.
 * It only changes daily per (access key, region, service), so derived keys are cached: four HMACs
 * saved per request. The cache is keyed by access key id and scope; the entry keeps the secret it
 * was derived from (in memory only, like the secrets themselves) and is recomputed if that differs.
 * Bounded: the oldest entry goes when it is full.
 */
import { createHmac } from 'node:crypto';
import type { SigV4Service } from './parse.js';

const MAX_ENTRIES = 4096;

interface Entry {
  readonly secret: string;
  readonly key: Buffer;
}

const cache = new Map<string, Entry>();

export function deriveSigningKey(secretAccessKey: string, scopeDate: string, region: string, service: SigV4Service): Buffer {
  const kDate = createHmac('sha256', `AWS4${secretAccessKey}`).update(scopeDate).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

export function signingKey(accessKeyId: string, secretAccessKey: string, scopeDate: string, region: string, service: SigV4Service): Buffer {
  const id = `${accessKeyId}/${scopeDate}/${region}/${service}`;
  const hit = cache.get(id);
  if (hit !== undefined && hit.secret === secretAccessKey) return hit.key;
  const key = deriveSigningKey(secretAccessKey, scopeDate, region, service);
  if (hit === undefined && cache.size >= MAX_ENTRIES) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(id, { secret: secretAccessKey, key });
  return key;
}

/** For tests and key rotation in config reloads. */
export function clearSigningKeyCache(): void {
  cache.clear();
}
