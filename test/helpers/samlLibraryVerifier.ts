/**
 * The reference SignatureVerifier for the differential test: @node-saml/node-saml 5.1 (xml-crypto
 * underneath) verifies the Response from its own parse, against the provider's metadata certificates,
 * and the pipeline then reads the Assertion node-saml returns from the signed bytes. This is how the
 * broker verified signatures before it did so on its own parse (src/federation/saml/xmldsig/).
 *
 * `SAML` instances are built once per (metadata, required signatures) and reused.
 */
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import type { Element } from '@xmldom/xmldom';
import { ExpiredToken, IDPRejectedClaim, InvalidIdentityToken } from '../../src/errors.js';
import { EXPIRED_MESSAGE, SIGNATURE_INVALID_MESSAGE } from '../../src/federation/saml/checks/signature.js';
import type { SignatureVerifier, VerificationRequest } from '../../src/federation/saml/checks/signature.js';
import type { ParsedMetadata } from '../../src/federation/saml/metadata.js';
import type { SamlServiceProviderSettings } from '../../src/federation/saml/settings.js';
import { NS, is, parseXml } from '../../src/federation/saml/xml.js';

export class LibrarySignatureVerifier implements SignatureVerifier {
  private readonly instances = new WeakMap<ParsedMetadata, Map<string, SAML>>();

  constructor(private readonly sp: SamlServiceProviderSettings) {}

  async verify(request: VerificationRequest): Promise<Element> {
    const wantResponseSigned = request.responseSignature !== undefined;
    const wantAssertionSigned = request.requireSignedAssertion || request.assertionSignature !== undefined;
    const saml = this.instance(request.metadata, wantResponseSigned, wantAssertionSigned);
    let assertionXml: string;
    try {
      const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: request.bytes.toString('base64') });
      const xml = profile?.getAssertionXml?.();
      if (xml === undefined) throw new Error('Missing SAML assertion');
      assertionXml = xml;
    } catch (e) {
      throw mapLibraryError(e);
    }
    return parseSignedAssertion(assertionXml);
  }

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
        acceptedClockSkewMs: Math.max(0, this.sp.clockSkewSeconds) * 1000,
        maxAssertionAgeMs: 0,
        validateInResponseTo: ValidateInResponseTo.never,
        ...(this.sp.decryptionKeyPem ? { decryptionPvk: this.sp.decryptionKeyPem } : {}),
      });
      byFlags.set(key, saml);
    }
    return saml;
  }
}

/** The Assertion node-saml returned, parsed: the one DOM every later check then reads. */
function parseSignedAssertion(xml: string): Element {
  let root: Element | null;
  try {
    root = parseXml(xml).documentElement;
  } catch {
    throw new IDPRejectedClaim('SAML response rejected: the signed Assertion does not parse');
  }
  if (!root || !is(root, NS.saml, 'Assertion')) throw new IDPRejectedClaim('SAML response rejected: the signed element is not an Assertion');
  return root;
}

/** node-saml's plain Errors → the broker's AWS answers (as the broker mapped them). */
export function mapLibraryError(e: unknown): Error {
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
