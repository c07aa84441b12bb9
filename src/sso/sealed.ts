/**
 * JSON sealed with the key ring (AES-256-GCM, a subkey per purpose) as base64url text: access and
 * refresh tokens, device codes, client ids and secrets. Opaque to clients; tampering, another
 * purpose or a key this ring does not hold all give `undefined`.
 */
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
