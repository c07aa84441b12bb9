/**
 * What the SAML validator needs to know, resolved from the configuration by the caller
 * (config.md: the `saml:` section and every `type: saml` identity provider).
 */
import type { MetadataSource, ParsedMetadata } from './metadata.js';

/** One configured SAML identity provider (config.md `identityProviders[].type: saml`). */
export interface SamlProviderSettings {
  /** Friendly name: last part of arn:PARTITION:iam::ACCOUNT:saml-provider/NAME. */
  name: string;
  /** Parsed metadata (file) or a refreshing source (URL). Only keys from here verify signatures. */
  metadata: ParsedMetadata | MetadataSource;
  /** false: every response from this provider is refused. */
  enabled: boolean;
  /** true: responses without InResponseTo (IdP-initiated, unsolicited) are accepted. */
  allowIdpInitiated: boolean;
  /** true: the Assertion itself must be signed; false: a signed Response around it is enough. */
  requireSignedAssertion: boolean;
  /** true only for legacy IdPs: accept rsa-sha1 signatures and sha1 digests. */
  allowSha1: boolean;
  /** AuthnContextClassRef values that count as MFA done at the IdP. */
  mfaAuthnContexts: string[];
}

/** This broker as a SAML service provider. */
export interface SamlServiceProviderSettings {
  /** Our entity id: the only Audience accepted. */
  entityId: string;
  /** Our Assertion Consumer Service URL: the only Destination and Recipient accepted; also saml:aud. */
  acsUrl: string;
  /** Tolerance for NotBefore / NotOnOrAfter, seconds (config `saml.clockSkewSeconds`). */
  clockSkewSeconds: number;
  /** 12-digit account id (provider ARNs, saml:doc, saml:namequalifier). */
  account: string;
  /** ARN partition, normally `aws`. */
  partition: string;
  /** Largest decoded SAML response accepted, in bytes. */
  maxResponseBytes: number;
  /** PEM private key that decrypts EncryptedAssertion; without it encrypted assertions are refused. */
  decryptionKeyPem?: string;
  /** The certificate of that key (published in SP metadata for IdPs to encrypt to). */
  decryptionCertPem?: string;
}
