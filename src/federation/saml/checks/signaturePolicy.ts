/**
 * checkSignaturePresence + checkSignatureAlgorithms: which signatures a response carries, whether
 * that is enough for the provider, and whether each one uses accepted algorithms and covers exactly
 * the element that carries it. Runs before verification, on the parsed (not yet trusted) document;
 * the verifier then checks these same Signature elements cryptographically.
 */
import type { Element } from '@xmldom/xmldom';
import { IDPRejectedClaim } from '../../../errors.js';
import { NS, attr, childElements } from '../xml.js';

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

const SIGNATURE_ALGORITHMS: ReadonlyMap<string, { name: string; sha1: boolean; supported: boolean }> = new Map([
  ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', { name: 'rsa-sha256', sha1: false, supported: true }],
  ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha512', { name: 'rsa-sha512', sha1: false, supported: true }],
  ['http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1', { name: 'rsa-pss-sha256', sha1: false, supported: true }],
  ['http://www.w3.org/2000/09/xmldsig#rsa-sha1', { name: 'rsa-sha1', sha1: true, supported: true }],
  // Allowed by policy but not verifiable by xml-crypto 6.3 (refused with a clear message).
  ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha384', { name: 'rsa-sha384', sha1: false, supported: false }],
  ['http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256', { name: 'ecdsa-sha256', sha1: false, supported: false }],
  ['http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384', { name: 'ecdsa-sha384', sha1: false, supported: false }],
  ['http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512', { name: 'ecdsa-sha512', sha1: false, supported: false }],
]);

const DIGEST_ALGORITHMS: ReadonlyMap<string, { name: string; sha1: boolean; supported: boolean }> = new Map([
  ['http://www.w3.org/2001/04/xmlenc#sha256', { name: 'sha256', sha1: false, supported: true }],
  ['http://www.w3.org/2001/04/xmlenc#sha512', { name: 'sha512', sha1: false, supported: true }],
  ['http://www.w3.org/2000/09/xmldsig#sha1', { name: 'sha1', sha1: true, supported: true }],
  ['http://www.w3.org/2001/04/xmldsig-more#sha384', { name: 'sha384', sha1: false, supported: false }],
]);

const CANONICALIZATIONS = new Set([
  'http://www.w3.org/2001/10/xml-exc-c14n#',
  'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
]);
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

const reject = (why: string) => new IDPRejectedClaim(`SAML response rejected: ${why}`);

/**
 * The Signature carried by `signed` must: have one SignedInfo with one Reference to `#<signed@ID>`
 * (an enveloped signature of its parent, nothing else), use an accepted canonicalisation and
 * transforms (enveloped + one canonicalisation at most), and an allowed signature and digest
 * algorithm: RSA-SHA256/512 (SHA-384 and ECDSA are allowed but the verifier cannot check them yet);
 * SHA-1 only when the provider sets allowSha1. Never HMAC.
 */
export function checkSignatureAlgorithms(signature: Element, signed: Element, allowSha1: boolean): void {
  const signedInfo = only(childElements(signature, NS.ds, 'SignedInfo'), 'SignedInfo');
  const c14n = attr(only(childElements(signedInfo, NS.ds, 'CanonicalizationMethod'), 'CanonicalizationMethod'), 'Algorithm') ?? '';
  if (!CANONICALIZATIONS.has(c14n)) throw reject('the signature uses an unsupported canonicalization method');

  const method = attr(only(childElements(signedInfo, NS.ds, 'SignatureMethod'), 'SignatureMethod'), 'Algorithm') ?? '';
  checkAlgorithm(SIGNATURE_ALGORITHMS.get(method), 'signature', allowSha1);

  const reference = only(childElements(signedInfo, NS.ds, 'Reference'), 'Reference');
  const id = attr(signed, 'ID');
  if (!id || attr(reference, 'URI') !== `#${id}`) throw reject(`the signature does not cover the ${signed.localName ?? 'element'} that carries it (possible signature wrapping)`);

  const transformsEl = childElements(reference, NS.ds, 'Transforms');
  const transforms = transformsEl.length === 1 ? childElements(transformsEl[0]!, NS.ds, 'Transform') : [];
  if (transformsEl.length > 1 || transforms.length > 2) throw reject('the signature has too many transforms');
  for (const t of transforms) {
    const alg = attr(t, 'Algorithm') ?? '';
    if (alg !== ENVELOPED && !CANONICALIZATIONS.has(alg)) throw reject('the signature uses an unsupported transform');
  }

  const digest = attr(only(childElements(reference, NS.ds, 'DigestMethod'), 'DigestMethod'), 'Algorithm') ?? '';
  checkAlgorithm(DIGEST_ALGORITHMS.get(digest), 'digest', allowSha1);
}

function checkAlgorithm(algorithm: { name: string; sha1: boolean; supported: boolean } | undefined, kind: 'signature' | 'digest', allowSha1: boolean): void {
  if (!algorithm) throw reject(`the ${kind} algorithm is not accepted (use RSA-SHA256 or stronger)`);
  if (algorithm.sha1 && !allowSha1) throw reject(`the ${kind} algorithm ${algorithm.name} (SHA-1) is not accepted for this provider (allowSha1 is false)`);
  if (!algorithm.supported) throw reject(`the ${kind} algorithm ${algorithm.name} is not supported by this broker yet`);
}

function only(elements: Element[], what: string): Element {
  if (elements.length !== 1) throw reject(`the signature must have exactly one ${what}`);
  return elements[0]!;
}
