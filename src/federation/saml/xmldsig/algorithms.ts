/**
 * The XML-Signature algorithms the broker knows, by URI, with what node:crypto needs to check them.
 * One table for the policy (which ones a provider may use: checks/signaturePolicy.ts) and for the
 * verifier (xmldsig/verify.ts). Anything not listed — HMAC, DSA, MD5, XPath transforms — is refused.
 */

export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

export interface SignatureAlgorithm {
  /** Short name for messages. */
  readonly name: string;
  readonly hash: HashName;
  /** The metadata key types that can carry it. */
  readonly keyTypes: readonly ('rsa' | 'rsa-pss' | 'ec')[];
  /** RSASSA-PSS (RFC 6931 §2.3.10): MGF1 with the same hash, salt as long as the hash. */
  readonly pss?: true;
}

export interface DigestAlgorithm {
  readonly name: string;
  readonly hash: HashName;
}

const RSA = ['rsa'] as const;
const EC = ['ec'] as const;

export const SIGNATURE_ALGORITHMS: ReadonlyMap<string, SignatureAlgorithm> = new Map([
  ['http://www.w3.org/2000/09/xmldsig#rsa-sha1', { name: 'rsa-sha1', hash: 'sha1', keyTypes: RSA }],
  ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', { name: 'rsa-sha256', hash: 'sha256', keyTypes: RSA }],
  ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha384', { name: 'rsa-sha384', hash: 'sha384', keyTypes: RSA }],
  ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha512', { name: 'rsa-sha512', hash: 'sha512', keyTypes: RSA }],
  ['http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1', { name: 'rsa-pss-sha256', hash: 'sha256', keyTypes: ['rsa', 'rsa-pss'], pss: true }],
  ['http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256', { name: 'ecdsa-sha256', hash: 'sha256', keyTypes: EC }],
  ['http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384', { name: 'ecdsa-sha384', hash: 'sha384', keyTypes: EC }],
  ['http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512', { name: 'ecdsa-sha512', hash: 'sha512', keyTypes: EC }],
]);

export const DIGEST_ALGORITHMS: ReadonlyMap<string, DigestAlgorithm> = new Map([
  ['http://www.w3.org/2000/09/xmldsig#sha1', { name: 'sha1', hash: 'sha1' }],
  ['http://www.w3.org/2001/04/xmlenc#sha256', { name: 'sha256', hash: 'sha256' }],
  ['http://www.w3.org/2001/04/xmldsig-more#sha384', { name: 'sha384', hash: 'sha384' }],
  ['http://www.w3.org/2001/04/xmlenc#sha512', { name: 'sha512', hash: 'sha512' }],
]);

/** Exclusive XML Canonicalization 1.0, without and with comments: the only canonicalisations accepted. */
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const EXC_C14N_WITH_COMMENTS = 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments';
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
