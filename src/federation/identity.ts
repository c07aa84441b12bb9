/**
 * The one identity shape (like Dex's connector.Identity): every way in — a SigV4-signed request with
 * long-term or temporary keys, a SAML assertion, an ID token, a console session — ends as one of these.
 * Everything after federation/ works on this shape alone.
 */
import type { SessionClaims } from '../credentials/types.js';
import type { ContextValue } from '../policy/types.js';

/** A caller that signed a request (SigV4) — or holds a console session — with AWS-style credentials. */
export interface Caller {
  /** aws:PrincipalType. */
  readonly kind: 'User' | 'AssumedRole' | 'FederatedUser';
  readonly account: string;
  readonly partition: string;
  /** The caller's ARN as GetCallerIdentity reports it. */
  readonly arn: string;
  /** aws:userid as GetCallerIdentity reports it (AIDA…, AROA…:session, account:name). */
  readonly userId: string;
  /** aws:username: IAM users only (long-term keys or GetSessionToken credentials). */
  readonly userName?: string;
  readonly accessKeyId: string;
  /** Present for temporary credentials. */
  readonly session?: SessionClaims;
  /** Region of the request's SigV4 credential scope (aws:RequestedRegion), when known. */
  readonly region?: string;
}

/**
 * A federated identity asserted by an identity provider (SAML assertion or OIDC ID token), after
 * every check of its provider passed. Roles and policies work on this shape, never on XML or JWTs.
 */
export interface AssertedIdentity {
  readonly type: 'saml' | 'oidc';
  /** Configured provider name (ExampleCorp, accounts.example.com). */
  readonly provider: string;
  /** arn:aws:iam::ACCOUNT:saml-provider/NAME or arn:aws:iam::ACCOUNT:oidc-provider/NAME. */
  readonly providerArn: string;
  /** NameID / `sub`. */
  readonly subject: string;
  /** The issuer as it appeared in the assertion or token. */
  readonly issuer: string;
  /** True when the IdP asserted MFA (SAML AuthnContextClassRef in mfaAuthnContexts, OIDC amr ∩ mfaAmr). */
  readonly mfaAtIdp: boolean;
  /** When the IdP authenticated the user (epoch seconds), when known (SAML AuthnInstant, OIDC auth_time or else iat). */
  readonly authenticatedAt?: number;
  /** Condition keys derived from the assertion (lower-case keys): saml:*, <provider>:*. */
  readonly conditionKeys: Readonly<Record<string, ContextValue>>;
}

/**
 * The MFA an identity provider asserted, dated by the provider: its authentication time, never the
 * time of the call (aws:MultiFactorAuthAge would otherwise restart at every replay of a token). An
 * assertion of MFA that cannot be dated does not count.
 */
export function idpAssertedMfa(identity: Pick<AssertedIdentity, 'mfaAtIdp' | 'authenticatedAt'>): SessionClaims['mfa'] | undefined {
  return identity.mfaAtIdp && identity.authenticatedAt !== undefined ? { authenticatedAt: identity.authenticatedAt } : undefined;
}
