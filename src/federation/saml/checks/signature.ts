/**
 * checkSignature: cryptographic verification of every signature a response carries, against the
 * provider's metadata keys only (KeyInfo in the message is never used), on the broker's single parse.
 * Returns the Assertion element every later check reads: the very node whose canonical form the
 * verified digest covers (the Response's, when only the Response is signed) — never a node found
 * again by ID or from another parse (CVE-2025-54419/54369: the verified node must be the consumed one).
 *
 * `SignatureVerifier` is the seam: the broker uses `XmlDsigVerifier` (xmldsig/: xml-crypto's exclusive
 * c14n + node:crypto); the differential test runs the same pipeline with node-saml behind it.
 */
import type { Element } from '@xmldom/xmldom';
import { InvalidIdentityToken } from '../../../errors.js';
import type { ParsedMetadata } from '../metadata.js';
import { verifyEnvelopedSignature } from '../xmldsig/verify.js';
import type { EnvelopedSignature } from '../xmldsig/signature.js';
import type { ResponseEnvelope } from './structure.js';
import { checkSignaturePresence } from './signaturePolicy.js';

export const SIGNATURE_INVALID_MESSAGE = 'Response signature invalid';
export const EXPIRED_MESSAGE = 'Response has expired';

export interface VerificationRequest {
  readonly metadata: ParsedMetadata;
  /** The exact decoded bytes the earlier checks parsed (for verifiers that parse on their own). */
  readonly bytes: Buffer;
  readonly envelope: ResponseEnvelope;
  /** The Assertion the earlier checks saw: in the document, or decrypted from its EncryptedAssertion. */
  readonly assertion: Element;
  /** What checkSignatureAlgorithms read from each Signature present. */
  readonly responseSignature?: EnvelopedSignature;
  readonly assertionSignature?: EnvelopedSignature;
  readonly requireSignedAssertion: boolean;
}

export interface SignatureVerifier {
  /** Every signature present must verify; resolves the Assertion later checks may read. */
  verify(request: VerificationRequest): Promise<Element>;
}

export class XmlDsigVerifier implements SignatureVerifier {
  async verify(request: VerificationRequest): Promise<Element> {
    return verifySignatures(request);
  }
}

function verifySignatures({ metadata, envelope, assertion, responseSignature, assertionSignature, requireSignedAssertion }: VerificationRequest): Element {
  // The pipeline checked this before; checked again so that the verifier is safe on its own.
  checkSignaturePresence(responseSignature?.signature, assertionSignature?.signature, requireSignedAssertion);
  const keys = metadata.signingKeys.map((k) => k.publicKey);
  if (responseSignature && !verifyEnvelopedSignature(responseSignature, envelope.response, keys)) throw new InvalidIdentityToken(SIGNATURE_INVALID_MESSAGE);
  if (assertionSignature && !verifyEnvelopedSignature(assertionSignature, assertion, keys)) throw new InvalidIdentityToken(SIGNATURE_INVALID_MESSAGE);
  return assertion;
}
