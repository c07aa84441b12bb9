/**
 * Rejects anything that is not a compact JWS with a JSON header and payload, cheaply and before any
 * key lookup or crypto: over-long input, wrong segment count, characters outside base64url, segments
 * that do not decode to JSON objects.
 */
import { InvalidIdentityToken } from '../../../errors.js';
import type { DecodedToken } from '../types.js';

/** AWS's maximum length of WebIdentityToken. */
export const MAX_TOKEN_LENGTH = 20_000;

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function decodeJsonSegment(segment: string, what: 'header' | 'payload'): Record<string, unknown> {
  // A base64url string can never be 1 more than a multiple of 4 characters long.
  if (segment.length === 0 || !BASE64URL.test(segment) || segment.length % 4 === 1) {
    throw new InvalidIdentityToken(`The token ${what} is not valid base64url`);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidIdentityToken(`The token ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidIdentityToken(`The token ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

export function checkTokenShape(token: unknown): DecodedToken {
  if (typeof token !== 'string' || token.length === 0) throw new InvalidIdentityToken('The web identity token is empty');
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new InvalidIdentityToken(`The web identity token is longer than ${MAX_TOKEN_LENGTH} characters`);
  }
  // Token files often end with a newline; the SDKs pass them on as read.
  const compact = token.trim();
  const segments = compact.split('.');
  if (segments.length !== 3) {
    throw new InvalidIdentityToken('The web identity token is not a JWT: expected three dot-separated segments');
  }
  const [headerPart, payloadPart, signaturePart] = segments as [string, string, string];
  const header = decodeJsonSegment(headerPart, 'header');
  const payload = decodeJsonSegment(payloadPart, 'payload');
  // An empty signature is left to checkAlgorithm, which names the real problem (alg "none").
  if (!BASE64URL.test(signaturePart) || signaturePart.length % 4 === 1) {
    throw new InvalidIdentityToken('The token signature is not valid base64url');
  }
  return { compact, header, payload };
}
