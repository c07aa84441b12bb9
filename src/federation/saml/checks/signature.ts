/**
 * checkSignature: cryptographic verification with @node-saml/node-saml 5.1 (xml-crypto underneath),
 * against the provider's metadata certificates only (KeyInfo in the message is never used: xml-crypto
 * 6 ignores it unless told otherwise, and we never tell it). Returns the XML of the Assertion taken
 * from the signed bytes — the only Assertion every later check may read (CVE-2025-54419/54369: the
 * verified document must be the consumed document).
 *
 * `SAML` instances are built once per (metadata, required signatures) and reused; node-saml caches the
 * certificates it is given, so nothing is parsed per request here.
 */
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { ExpiredToken, IDPRejectedClaim, InvalidIdentityToken } from '../../../errors.js';
import type { ParsedMetadata } from '../metadata.js';
import type { SamlServiceProviderSettings } from '../settings.js';
import type { SignaturePresence } from './signaturePolicy.js';

export const SIGNATURE_INVALID_MESSAGE = 'Response signature invalid';
export const EXPIRED_MESSAGE = 'Response has expired';

export class SignatureVerifier {
  /** Per metadata object (a refreshed MetadataSource yields a new one), per required-signature pair. */
  private readonly instances = new WeakMap<ParsedMetadata, Map<string, SAML>>();

  constructor(private readonly sp: SamlServiceProviderSettings) {}

  /**
   * Verify `xmlBytes` (the exact decoded bytes the earlier checks parsed). Every signature present
   * must verify (`presence`), and the Assertion must be signed when `requireSignedAssertion`.
   */
  async verify(metadata: ParsedMetadata, xmlBytes: Buffer, presence: SignaturePresence, requireSignedAssertion: boolean): Promise<string> {
    const saml = this.instance(metadata, presence.responseSigned, requireSignedAssertion || presence.assertionSigned);
    let assertionXml: string;
    try {
      const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: xmlBytes.toString('base64') });
      const xml = profile?.getAssertionXml?.();
      if (xml === undefined) throw new Error('Missing SAML assertion');
      assertionXml = xml;
    } catch (e) {
      throw mapVerifierError(e);
    }
    return assertionXml;
  }

  /** Build (once) the SAML instance for this metadata and these signature requirements. */
  private instance(metadata: ParsedMetadata, wantResponseSigned: boolean, wantAssertionSigned: boolean): SAML {
    let byFlags = this.instances.get(metadata);
    if (!byFlags) {
      byFlags = new Map();
      this.instances.set(metadata, byFlags);
    }
    const key = `${wantResponseSigned}|${wantAssertionSigned}`;
    let saml = byFlags.get(key);
    if (!saml) {
      saml = new SAML({
        callbackUrl: this.sp.acsUrl,
        issuer: this.sp.entityId,
        audience: this.sp.entityId,
        idpCert: [...metadata.signingCertificates],
        wantAuthnResponseSigned: wantResponseSigned,
        wantAssertionsSigned: wantAssertionSigned,
        // Never -1 (that disables node-saml's time checks); our own checkTimes runs as well.
        acceptedClockSkewMs: Math.max(0, this.sp.clockSkewSeconds) * 1000,
        maxAssertionAgeMs: 0,
        // InResponseTo and replay are checked by our pipeline against the shared store.
        validateInResponseTo: ValidateInResponseTo.never,
        ...(this.sp.decryptionKeyPem ? { decryptionPvk: this.sp.decryptionKeyPem } : {}),
      });
      byFlags.set(key, saml);
    }
    return saml;
  }
}

/**
 * node-saml throws plain Errors; turn each into the AWS answer. Messages are ours: node-saml's may
 * quote values from the document (audiences, signature values) and never reach the caller.
 */
export function mapVerifierError(e: unknown): Error {
  const message = e instanceof Error ? e.message : '';
  if (/^Invalid (document )?signature$|^Invalid signature from encrypted assertion$|^Invalid signature on documentElement$/.test(message)) {
    return new InvalidIdentityToken(SIGNATURE_INVALID_MESSAGE);
  }
  if (message.startsWith('SAML assertion expired')) return new ExpiredToken(EXPIRED_MESSAGE);
  if (message === 'SAML assertion not yet valid') return new IDPRejectedClaim('SAML response rejected: the assertion is not yet valid (NotBefore)');
  if (/^SAML assertion (audience mismatch|has no AudienceRestriction|AudienceRestriction has no Audience)/.test(message)) {
    return new IDPRejectedClaim('SAML response rejected: the Audience is not this service provider');
  }
  if (/^Error parsing (NotBefore|NotOnOrAfter)/.test(message)) return new IDPRejectedClaim('SAML response rejected: a validity time is not a valid date');
  if (/multiple assertions|ID cannot refer to more than one element|does not refer to it's parent|Too many signatures|too many transforms|quote character/.test(message)) {
    return new IDPRejectedClaim('SAML response rejected: signature structure refused (possible signature wrapping)');
  }
  if (message === 'Unable to process multiple conditions in SAML assertion') return new IDPRejectedClaim('SAML response rejected: more than one Conditions element');
  return new IDPRejectedClaim('SAML response rejected: the response could not be validated');
}
