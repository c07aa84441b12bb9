/**
 * An OpenID Connect provider as the broker trusts it (the resolved `type: oidc` block of the config),
 * and the rules that make its issuer, name and options acceptable.
 *
 * Validation here throws plain `Error`s with a message that says what is wrong; the config layer
 * prefixes the key path (`identityProviders[1].issuer`).
 */
import { parseSecureUrl } from '../secureUrl.js';
import { isAbsolute } from 'node:path';

export interface OidcProviderSettings {
  /** Provider name: ARN suffix and condition-key prefix. Use `oidcProviderName()` to derive it. */
  name: string;
  /** The issuer exactly as the provider writes `iss` (https, or http on loopback only). */
  issuer: string;
  /** Accepted `aud` (or `azp`) values: AWS's "client ID list". At least one. */
  clientIds: string[];
  /** Where the signing keys are published; default: `jwks_uri` from OpenID discovery. */
  jwksUri?: string;
  /** Static keys instead of fetching (absolute path to a JWKS JSON file). */
  jwksFile?: string;
  /** `amr` values that count as MFA done at the provider. */
  mfaAmr: string[];
  /** false: every token from this provider is refused. */
  enabled: boolean;
  /** Narrows the accepted signature algorithms (a subset of SAFE_ALGORITHMS). */
  allowedAlgorithms?: string[];
  /** Tolerated clock difference for exp/nbf/iat, in seconds (default 60). */
  clockSkewSeconds?: number;
}

/**
 * Asymmetric JWS algorithms accepted for ID tokens. `none` and the HS* family are never accepted: an
 * HMAC "signed" with the provider's public key is the classic algorithm-confusion attack.
 */
export const SAFE_ALGORITHMS: readonly string[] = Object.freeze([
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA',
]);

export const DEFAULT_CLOCK_SKEW_SECONDS = 60;
const MAX_CLOCK_SKEW_SECONDS = 600;

/**
 * Condition-key prefixes the broker itself owns: a provider with one of these names could forge
 * global keys such as `aws:federatedprovider` through its own claims.
 */
const RESERVED_NAMES = new Set(['aws', 'sts', 'iam', 'saml', 'fedbroker']);

/**
 * The provider name as AWS derives it: the issuer without its scheme and without a trailing slash
 * (`https://token.example.com/tenant1/` → `token.example.com/tenant1`,
 * `http://127.0.0.1:8443` → `127.0.0.1:8443`). An explicit name wins.
 */
export function oidcProviderName(issuer: string, explicitName?: string): string {
  if (explicitName !== undefined) return explicitName;
  return withoutTrailingSlash(issuer.replace(/^https?:\/\//i, ''));
}

/** An issuer (or ProviderId) without trailing slashes: the form two spellings of one issuer share. */
export function withoutTrailingSlash(text: string): string {
  return text.replace(/\/+$/, '');
}

/**
 * Checks an issuer: https, or http only on loopback (127.0.0.0/8, ::1, localhost); no credentials,
 * query or fragment. Returns the parsed URL.
 */
export function validateIssuerUrl(issuer: string): URL {
  const url = parseSecureUrl(issuer, 'issuer');
  if (issuer.includes('?')) throw new Error('issuer must not contain a query string');
  return url;
}

/**
 * Checks a URL keys are fetched from (`jwksUri`, a discovered `jwks_uri`): the issuer's rules, but a
 * query string is allowed (Azure AD B2C publishes `…/keys?p=policy`). When the issuer is https, so
 * must the key URL be: a discovery document cannot downgrade the transport.
 */
export function validateJwksUrl(jwksUri: string, issuer?: string): URL {
  const url = parseSecureUrl(jwksUri, 'jwksUri');
  if (issuer !== undefined && issuer.startsWith('https:') && url.protocol !== 'https:') {
    throw new Error('jwksUri must use https when the issuer does');
  }
  return url;
}

/**
 * Checks a provider name: non-empty, printable, no white space, and not one of the broker's own
 * condition-key prefixes.
 */
export function validateProviderName(name: string): void {
  if (name.length === 0 || name.length > 255) throw new Error('name must be 1 to 255 characters');
  if (!/^[\x21-\x7e]+$/.test(name)) throw new Error('name must be printable ASCII without spaces');
  if (RESERVED_NAMES.has(name.toLowerCase())) {
    throw new Error(`name ${JSON.stringify(name)} is reserved for the broker's own condition keys`);
  }
}

/** Validates a whole provider; throws an Error naming the offending field. */
/** A provider setting that cannot be used; `field` names it (`jwksUri`, `allowedAlgorithms`…). */
export class OidcSettingsError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'OidcSettingsError';
  }
}

export function validateOidcProviderSettings(settings: OidcProviderSettings): void {
  const fail = (field: string, message: string): never => {
    throw new OidcSettingsError(field, message);
  };
  const attempt = (field: string, check: () => void): void => {
    try {
      check();
    } catch (e) {
      fail(field, (e as Error).message);
    }
  };
  attempt('issuer', () => validateIssuerUrl(settings.issuer));
  attempt('name', () => validateProviderName(settings.name));
  if (!Array.isArray(settings.clientIds) || settings.clientIds.length === 0) {
    fail('clientIds', 'at least one client id is required');
  }
  for (const id of settings.clientIds) {
    if (typeof id !== 'string' || id.length === 0 || id.length > 255) fail('clientIds', 'each client id must be 1 to 255 characters');
  }
  if (settings.jwksUri !== undefined) attempt('jwksUri', () => validateJwksUrl(settings.jwksUri as string, settings.issuer));
  if (settings.jwksFile !== undefined && !isAbsolute(settings.jwksFile)) fail('jwksFile', 'must be an absolute path');
  if (settings.jwksUri !== undefined && settings.jwksFile !== undefined) fail('jwksFile', 'set either jwksUri or jwksFile, not both');
  if (!Array.isArray(settings.mfaAmr) || settings.mfaAmr.some((v) => typeof v !== 'string')) fail('mfaAmr', 'must be a list of strings');
  if (settings.allowedAlgorithms !== undefined) {
    if (settings.allowedAlgorithms.length === 0) fail('allowedAlgorithms', 'must name at least one algorithm');
    for (const alg of settings.allowedAlgorithms) {
      if (!SAFE_ALGORITHMS.includes(alg)) fail('allowedAlgorithms', `${alg} is not accepted (allowed: ${SAFE_ALGORITHMS.join(', ')})`);
    }
  }
  const skew = settings.clockSkewSeconds;
  if (skew !== undefined && (!Number.isInteger(skew) || skew < 0 || skew > MAX_CLOCK_SKEW_SECONDS)) {
    fail('clockSkewSeconds', `must be an integer from 0 to ${MAX_CLOCK_SKEW_SECONDS}`);
  }
}
