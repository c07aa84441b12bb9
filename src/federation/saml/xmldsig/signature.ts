/**
 * readEnvelopedSignature: the one shape of XML signature the broker verifies, read strictly from a
 * `ds:Signature` that is a direct child of the element it signs (as SAML signs a Response or an
 * Assertion; goxmldsig and ruby-saml accept the same subset):
 *
 *   Signature  = SignedInfo, SignatureValue, KeyInfo?            (no Object, nothing else)
 *   SignedInfo = CanonicalizationMethod (exclusive c14n, optional InclusiveNamespaces),
 *                SignatureMethod (an algorithm of algorithms.ts), exactly one Reference
 *   Reference  URI="#<the signed element's ID>"; Transforms = enveloped-signature then exclusive c14n
 *                (optional InclusiveNamespaces), nothing else; DigestMethod; DigestValue
 *
 * KeyInfo is never read: only the provider's metadata keys verify. Everything is read from the DOM
 * the verifier canonicalises, so what is read here is what the signature covers.
 */
import type { Element } from '@xmldom/xmldom';
import { NS, attr, childElements, is, textOnly } from '../xml.js';
import { DIGEST_ALGORITHMS, ENVELOPED_SIGNATURE, EXC_C14N, EXC_C14N_WITH_COMMENTS, SIGNATURE_ALGORITHMS } from './algorithms.js';
import type { DigestAlgorithm, SignatureAlgorithm } from './algorithms.js';

const NS_EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';

export interface EnvelopedSignature {
  readonly signature: Element;
  readonly signedInfo: Element;
  /** SignedInfo's CanonicalizationMethod is the #WithComments variant. */
  readonly signedInfoWithComments: boolean;
  readonly signedInfoPrefixList: readonly string[];
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly signatureValue: Buffer;
  readonly digestAlgorithm: DigestAlgorithm;
  readonly digestValue: Buffer;
  /** The InclusiveNamespaces PrefixList of the Reference's canonicalisation transform. */
  readonly referencePrefixList: readonly string[];
}

/** Why a signature is not of the accepted shape; the message never quotes the document. */
export class XmlDsigError extends Error {
  constructor(
    readonly code: 'ERR_XMLDSIG_SHAPE' | 'ERR_XMLDSIG_ALGORITHM' | 'ERR_XMLDSIG_REFERENCE',
    message: string,
  ) {
    super(message);
    this.name = 'XmlDsigError';
  }
}

const shape = (why: string) => new XmlDsigError('ERR_XMLDSIG_SHAPE', why);

export function readEnvelopedSignature(signature: Element, signed: Element): EnvelopedSignature {
  if (signature.parentNode !== signed) throw shape('the signature is not on the element it signs');
  const signedInfo = only(signature, 'SignedInfo');
  const signatureValueEl = only(signature, 'SignatureValue');
  inOrder(signature, ['SignedInfo', 'SignatureValue', 'KeyInfo'], 2);

  const c14nEl = only(signedInfo, 'CanonicalizationMethod');
  const methodEl = only(signedInfo, 'SignatureMethod');
  const reference = only(signedInfo, 'Reference');
  inOrder(signedInfo, ['CanonicalizationMethod', 'SignatureMethod', 'Reference'], 3);

  const c14n = attr(c14nEl, 'Algorithm');
  if (c14n !== EXC_C14N && c14n !== EXC_C14N_WITH_COMMENTS) throw new XmlDsigError('ERR_XMLDSIG_ALGORITHM', 'the signature uses an unsupported canonicalization method (exclusive XML canonicalization only)');
  const signedInfoPrefixList = prefixList(c14nEl);

  const signatureAlgorithm = SIGNATURE_ALGORITHMS.get(attr(methodEl, 'Algorithm') ?? '');
  if (!signatureAlgorithm) throw new XmlDsigError('ERR_XMLDSIG_ALGORITHM', 'the signature algorithm is not accepted (use RSA-SHA256 or stronger)');
  noChildren(methodEl, 'SignatureMethod');

  const id = attr(signed, 'ID');
  if (!id || attr(reference, 'URI') !== `#${id}`) {
    throw new XmlDsigError('ERR_XMLDSIG_REFERENCE', `the signature does not cover the ${signed.localName ?? 'element'} that carries it (possible signature wrapping)`);
  }
  const transformsEl = only(reference, 'Transforms');
  const digestMethodEl = only(reference, 'DigestMethod');
  const digestValueEl = only(reference, 'DigestValue');
  inOrder(reference, ['Transforms', 'DigestMethod', 'DigestValue'], 3);
  const referencePrefixList = readTransforms(transformsEl);

  const digestAlgorithm = DIGEST_ALGORITHMS.get(attr(digestMethodEl, 'Algorithm') ?? '');
  if (!digestAlgorithm) throw new XmlDsigError('ERR_XMLDSIG_ALGORITHM', 'the digest algorithm is not accepted (use SHA-256 or stronger)');
  noChildren(digestMethodEl, 'DigestMethod');

  return {
    signature,
    signedInfo,
    signedInfoWithComments: c14n === EXC_C14N_WITH_COMMENTS,
    signedInfoPrefixList,
    signatureAlgorithm,
    signatureValue: base64(signatureValueEl, 'SignatureValue'),
    digestAlgorithm,
    digestValue: base64(digestValueEl, 'DigestValue'),
    referencePrefixList,
  };
}

/** Exactly [enveloped-signature, exclusive c14n]; returns the c14n transform's PrefixList. */
function readTransforms(transformsEl: Element): readonly string[] {
  const all = childElements(transformsEl);
  const transforms = childElements(transformsEl, NS.ds, 'Transform');
  if (transforms.length !== all.length) throw shape('the signature has an unexpected element in Transforms');
  if (transforms.length > 2) throw shape('the signature has too many transforms');
  const algorithms = transforms.map((t) => attr(t, 'Algorithm') ?? '');
  if (algorithms.some((a) => a !== ENVELOPED_SIGNATURE && a !== EXC_C14N && a !== EXC_C14N_WITH_COMMENTS)) {
    throw new XmlDsigError('ERR_XMLDSIG_ALGORITHM', 'the signature uses an unsupported transform');
  }
  if (algorithms.length !== 2 || algorithms[0] !== ENVELOPED_SIGNATURE || algorithms[1] === ENVELOPED_SIGNATURE) {
    throw shape('the signature must use the enveloped-signature transform followed by exclusive canonicalization');
  }
  noChildren(transforms[0]!, 'the enveloped-signature Transform');
  return prefixList(transforms[1]!);
}

/** The optional ec:InclusiveNamespaces of a canonicalisation method or transform (nothing else allowed in it). */
function prefixList(method: Element): readonly string[] {
  const all = childElements(method);
  const inclusive = childElements(method, NS_EXC_C14N, 'InclusiveNamespaces');
  if (all.length !== inclusive.length || inclusive.length > 1) throw shape('the signature has an unexpected element in a canonicalization method');
  if (inclusive.length === 0) return [];
  noChildren(inclusive[0]!, 'InclusiveNamespaces');
  const list = (attr(inclusive[0]!, 'PrefixList') ?? '').split(/[ \t\r\n]+/).filter((p) => p !== '');
  // xml-crypto would treat "#default" as a prefix of that name; refuse rather than disagree.
  if (list.includes('#default')) throw shape('InclusiveNamespaces "#default" is not supported');
  return list;
}

/** The single ds:<name> child of `parent`. */
function only(parent: Element, name: string): Element {
  const found = childElements(parent, NS.ds, name);
  if (found.length !== 1) throw shape(`the signature must have exactly one ${name}`);
  return found[0]!;
}

/** Every element child of `parent` is one of `names` (ds namespace), in that order, at least `required` of them. */
function inOrder(parent: Element, names: readonly string[], required: number): void {
  const children = childElements(parent);
  if (children.length < required || children.length > names.length) throw shape(`the signature has an unexpected element in ${parent.localName ?? 'it'}`);
  children.forEach((child, i) => {
    if (!is(child, NS.ds, names[i]!)) throw shape(`the signature has an unexpected element in ${parent.localName ?? 'it'}`);
  });
}

function noChildren(el: Element, what: string): void {
  if (childElements(el).length > 0) throw shape(`the signature has an unexpected element in ${what}`);
}

/** xs:base64Binary: white space is allowed anywhere, anything else must be base64. */
function base64(el: Element, what: string): Buffer {
  const text = (textOnly(el) ?? '!').replace(/[ \t\r\n]+/g, '');
  if (text === '' || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw shape(`the signature's ${what} is not base64`);
  return Buffer.from(text, 'base64');
}
