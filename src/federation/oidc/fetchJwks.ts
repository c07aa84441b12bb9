/**
 * One bounded HTTP GET of a JSON Web Key Set: 200 only (no redirects followed, as jose does), a
 * size cap on the body, and an abort signal for the deadline. Returns a validated key set.
 */
import type { JSONWebKeySet } from 'jose';

/** A real JWKS is a few KB; anything near this is hostile or broken. */
export const MAX_JWKS_BYTES = 512 * 1024;

export class JwksFetchError extends Error {}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new JwksFetchError(`JWKS response larger than ${maxBytes} bytes`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new JwksFetchError(`JWKS response larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isJwkSet(value: unknown): value is JSONWebKeySet {
  if (typeof value !== 'object' || value === null) return false;
  const keys = (value as { keys?: unknown }).keys;
  return Array.isArray(keys) && keys.every((k) => typeof k === 'object' && k !== null && !Array.isArray(k));
}

export async function fetchJwks(url: URL, signal: AbortSignal, maxBytes = MAX_JWKS_BYTES): Promise<JSONWebKeySet> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'GET',
      redirect: 'manual',
      signal,
      headers: { accept: 'application/jwk-set+json, application/json' },
    });
  } catch (cause) {
    const reason = signal.aborted ? 'timed out' : 'failed';
    throw new JwksFetchError(`JWKS request to ${url.origin} ${reason}`, { cause });
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new JwksFetchError(`JWKS request to ${url.origin} answered HTTP ${response.status}`);
  }
  let text: string;
  try {
    text = await readCapped(response, maxBytes);
  } catch (cause) {
    if (cause instanceof JwksFetchError) throw cause;
    throw new JwksFetchError(`JWKS response from ${url.origin} ${signal.aborted ? 'timed out' : 'was cut off'}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new JwksFetchError(`JWKS response from ${url.origin} is not JSON`);
  }
  if (!isJwkSet(json)) throw new JwksFetchError(`JWKS response from ${url.origin} has no "keys" array`);
  return json;
}
