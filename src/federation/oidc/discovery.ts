/**
 * OpenID Connect discovery, only to learn where a provider publishes its signing keys (`jwks_uri`).
 * openid-client checks that the discovered `issuer` is the configured one.
 */
import * as client from 'openid-client';
import { validateJwksUrl } from './providerSettings.js';

export class DiscoveryError extends Error {}

/**
 * Fetches `{issuer}/.well-known/openid-configuration` and returns its `jwks_uri`, which must obey
 * the key-URL rules (https, or http on loopback; https when the issuer is https). `signal` bounds the request.
 */
export async function discoverJwksUri(issuer: string, signal: AbortSignal): Promise<URL> {
  const issuerUrl = new URL(issuer);
  const insecure = issuerUrl.protocol === 'http:'; // already restricted to loopback by validateIssuerUrl
  const boundedFetch: client.CustomFetch = (url, options) =>
    fetch(url, { ...options, signal: options.signal ? AbortSignal.any([options.signal, signal]) : signal } as RequestInit);
  let config: client.Configuration;
  try {
    // The client id is irrelevant here: only the server metadata is read.
    config = await client.discovery(issuerUrl, 'fedbroker', undefined, undefined, {
      execute: insecure ? [client.allowInsecureRequests] : [],
      [client.customFetch]: boundedFetch,
    });
  } catch (cause) {
    const reason = signal.aborted ? 'timed out' : (cause as Error).message;
    throw new DiscoveryError(`OpenID discovery for ${issuerUrl.origin} failed: ${reason}`, { cause });
  }
  const jwksUri = config.serverMetadata().jwks_uri;
  if (typeof jwksUri !== 'string') throw new DiscoveryError(`OpenID discovery for ${issuerUrl.origin} has no jwks_uri`);
  try {
    return validateJwksUrl(jwksUri, issuer);
  } catch (e) {
    throw new DiscoveryError(`OpenID discovery for ${issuerUrl.origin}: ${(e as Error).message}`);
  }
}
