/**
 * Shapes shared by the OIDC verification pipeline: a provider as prepared at load, a token as its
 * shape check decoded it, and what a successful verification yields.
 */
import type { AssertedIdentity } from '../identity.js';
import type { KeyResolver } from './keySource.js';

/** A trusted, enabled provider with everything a request needs precomputed. */
export interface TrustedOidcProvider {
  /** Provider name: ARN suffix and condition-key prefix, as configured (case kept). */
  readonly name: string;
  /** arn:PARTITION:iam::ACCOUNT:oidc-provider/NAME */
  readonly arn: string;
  /** The configured issuer. */
  readonly issuer: string;
  /** Every spelling of `iss` this provider answers to (the issuer, with and without a trailing slash). */
  readonly issuers: readonly string[];
  readonly clientIds: ReadonlySet<string>;
  readonly mfaAmr: ReadonlySet<string>;
  /** Accepted JWS algorithms (never `none` or HS*). */
  readonly algorithms: readonly string[];
  readonly clockSkewSeconds: number;
  readonly getKey: KeyResolver;
}

/** Trusted providers by every accepted `iss` spelling. */
export type OidcProviderRegistry = ReadonlyMap<string, TrustedOidcProvider>;

/** A token that passed the shape check: decoded, not yet verified. */
export interface DecodedToken {
  /** The compact JWS, surrounding white space removed. */
  readonly compact: string;
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** What AssumeRoleWithWebIdentity needs from a verified ID token. */
export interface VerifiedWebIdentity {
  readonly identity: AssertedIdentity;
  /** The response's `Audience`: `azp` when present, else the `aud` value that matched a client id. */
  readonly audience: string;
  /** `iss` as it appeared in the token. */
  readonly issuer: string;
  readonly providerName: string;
  /** Every claim of the verified token. */
  readonly claims: Readonly<Record<string, unknown>>;
}
