/**
 * checkSignaturePresence + checkSignatureAlgorithms: which signatures a response carries, whether
 * that is enough for the provider, and whether each one uses accepted algorithms and covers exactly
 * the element that carries it. Runs before verification, on the parsed (not yet trusted) document;
 * the verifier then checks what was read here, on the same DOM, cryptographically.
 */
import type { Element } from '@xmldom/xmldom';
import { IDPRejectedClaim } from '../../../errors.js';
import { readEnvelopedSignature, XmlDsigError } from '../xmldsig/signature.js';
import type { EnvelopedSignature } from '../xmldsig/signature.js';
import type { HashName } from '../xmldsig/algorithms.js';

export interface SignaturePresence {
  readonly responseSigned: boolean;
  readonly assertionSigned: boolean;
}

/**
 * An unsigned Assertion is accepted only inside a signed Response, and only when the provider sets
 * requireSignedAssertion: false. Nothing signed at all is always refused.
 */
export function checkSignaturePresence(responseSignature: Element | undefined, assertionSignature: Element | undefined, requireSignedAssertion: boolean): SignaturePresence {
  const presence = { responseSigned: responseSignature !== undefined, assertionSigned: assertionSignature !== undefined };
  if (!presence.responseSigned && !presence.assertionSigned) throw new IDPRejectedClaim('SAML response rejected: neither the Response nor the Assertion is signed');
  if (requireSignedAssertion && !presence.assertionSigned) throw new IDPRejectedClaim('SAML response rejected: the Assertion is not signed, and this provider requires signed assertions');
  return presence;
}

const reject = (why: string) => new IDPRejectedClaim(`SAML response rejected: ${why}`);

/**
 * The Signature carried by `signed` must be of the one accepted shape (xmldsig/signature.ts: one
 * SignedInfo with one Reference to `#<signed@ID>`, enveloped-signature + exclusive c14n only) and
 * use an allowed signature and digest algorithm: RSA (PKCS#1 v1.5 SHA-256/384/512, PSS SHA-256) or
 * ECDSA (SHA-256/384/512); SHA-1 only when the provider sets allowSha1. Never HMAC. Returns what it
 * read, for the verifier.
 */
export function checkSignatureAlgorithms(signature: Element, signed: Element, allowSha1: boolean): EnvelopedSignature {
  let read: EnvelopedSignature;
  try {
    read = readEnvelopedSignature(signature, signed);
  } catch (e) {
    if (e instanceof XmlDsigError) throw reject(e.message);
    throw e;
  }
  checkSha1(read.signatureAlgorithm.hash, read.signatureAlgorithm.name, 'signature', allowSha1);
  checkSha1(read.digestAlgorithm.hash, read.digestAlgorithm.name, 'digest', allowSha1);
  return read;
}

function checkSha1(hash: HashName, name: string, kind: 'signature' | 'digest', allowSha1: boolean): void {
  if (hash === 'sha1' && !allowSha1) throw reject(`the ${kind} algorithm ${name} (SHA-1) is not accepted for this provider (allowSha1 is false)`);
}
