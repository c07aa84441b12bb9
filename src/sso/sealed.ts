/**
 * JSON sealed with the key ring (AES-256-GCM, a subkey per purpose) as base64url text: access and
 * refresh tokens, device codes, client ids and secrets. Opaque to clients; tampering, another
 * purpose or a key this ring does not hold all give `undefined`.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { KeyRing } from '../keys/keyRing.js';

export function sealJson(keyRing: KeyRing, purpose: string, value: object): string {
  return keyRing.seal(purpose, Buffer.from(JSON.stringify(value), 'utf8')).toString('base64url');
}

/** Sealed text longer than this is refused before any work (tokens stay well below it). */
const MAX_SEALED_CHARS = 16_384;

export function openJson(keyRing: KeyRing, purpose: string, text: unknown): unknown {
  // No alphabet check: whatever base64url decoding makes of other characters fails the GCM tag.
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_SEALED_CHARS) return undefined;
  try {
    return JSON.parse(keyRing.open(purpose, Buffer.from(text, 'base64url')).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** What a packed blob may inflate to (a person with thousands of attribute values stays far below). */
const MAX_PACKED_JSON_BYTES = 1_048_576;

/**
 * As sealJson, deflated first: for blobs that carry a person's attributes (access tokens travel in a
 * header, and a person in a few hundred groups would otherwise not fit one). Only ever inflated once
 * the seal proved the blob ours.
 */
export function sealPackedJson(keyRing: KeyRing, purpose: string, value: object): string {
  return keyRing.seal(purpose, deflateRawSync(Buffer.from(JSON.stringify(value), 'utf8'))).toString('base64url');
}

export function openPackedJson(keyRing: KeyRing, purpose: string, text: unknown): unknown {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_SEALED_CHARS) return undefined;
  try {
    const packed = keyRing.open(purpose, Buffer.from(text, 'base64url'));
    return JSON.parse(inflateRawSync(packed, { maxOutputLength: MAX_PACKED_JSON_BYTES }).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
