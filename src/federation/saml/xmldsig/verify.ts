/**
 * verifyEnvelopedSignature: XML-DSig core validation of one enveloped signature read by
 * readEnvelopedSignature — the Reference's digest over the canonical signed element, then the
 * SignatureValue over the canonical SignedInfo, with node:crypto and prepared KeyObjects only.
 */
import { createHash, constants, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { canonicalizeEnveloped, canonicalizeSignedInfo } from './c14n.js';
import type { EnvelopedSignature } from './signature.js';

/** True when the signature over `signed` verifies with one of `keys` (keys of another type are skipped). */
export function verifyEnvelopedSignature(signature: EnvelopedSignature, signed: Element, keys: readonly KeyObject[]): boolean {
  if (signature.signature.parentNode !== signed) return false;
  const digest = createHash(signature.digestAlgorithm.hash).update(canonicalizeEnveloped(signed, signature.signature, signature.referencePrefixList), 'utf8').digest();
  if (!digest.equals(signature.digestValue)) return false;

  const signedInfo = Buffer.from(canonicalizeSignedInfo(signature.signedInfo, signature.signedInfoWithComments, signature.signedInfoPrefixList), 'utf8');
  const algorithm = signature.signatureAlgorithm;
  for (const key of keys) {
    const type = key.asymmetricKeyType;
    if (type === undefined || !(algorithm.keyTypes as readonly string[]).includes(type)) continue;
    const options =
      type === 'ec'
        ? { key, dsaEncoding: 'ieee-p1363' as const } // XML-DSig ECDSA values are r || s (RFC 4050)
        : algorithm.pss
          ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
          : { key, padding: constants.RSA_PKCS1_PADDING };
    try {
      if (verify(algorithm.hash, signedInfo, options, signature.signatureValue)) return true;
    } catch {
      // a value of the wrong length for this key: not this key
    }
  }
  return false;
}
