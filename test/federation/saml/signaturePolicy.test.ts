import { DOMParser } from '@xmldom/xmldom';
import type { Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { IDPRejectedClaim } from '../../../src/errors.js';
import { checkSignatureAlgorithms, checkSignaturePresence } from '../../../src/federation/saml/checks/signaturePolicy.js';
import { expectThrow } from './support.js';

const DS = 'http://www.w3.org/2000/09/xmldsig#';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const EXC = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

interface SigParts {
  method?: string;
  digest?: string;
  uri?: string;
  c14n?: string;
  transforms?: string[];
  references?: number;
  digestValue?: string;
  /** Markup appended to the Signature after SignatureValue. */
  extra?: string;
}

/** An element with ID _e carrying a ds:Signature built from `parts` (never cryptographically valid: not needed here). */
function signedElement(parts: SigParts = {}): { element: Element; signature: Element } {
  const transforms = (parts.transforms ?? [ENVELOPED, EXC]).map((t) => `<ds:Transform Algorithm="${t}"/>`).join('');
  const reference = `<ds:Reference URI="${parts.uri ?? '#_e'}"><ds:Transforms>${transforms}</ds:Transforms><ds:DigestMethod Algorithm="${parts.digest ?? SHA256}"/><ds:DigestValue>${parts.digestValue ?? 'AAAA'}</ds:DigestValue></ds:Reference>`;
  const xml =
    `<e ID="_e"><ds:Signature xmlns:ds="${DS}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${parts.c14n ?? EXC}"/>` +
    `<ds:SignatureMethod Algorithm="${parts.method ?? RSA_SHA256}"/>${reference.repeat(parts.references ?? 1)}</ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue>${parts.extra ?? ''}</ds:Signature></e>`;
  const element = new DOMParser().parseFromString(xml, 'text/xml').documentElement!;
  return { element, signature: element.getElementsByTagNameNS(DS, 'Signature')[0]! };
}

const check = (parts: SigParts, allowSha1 = false) => {
  const { element, signature } = signedElement(parts);
  checkSignatureAlgorithms(signature as never, element as never, allowSha1);
};

describe('checkSignaturePresence', () => {
  const sig = signedElement().signature as never;
  it('accepts a signed Assertion, with or without a signed Response', () => {
    expect(checkSignaturePresence(undefined, sig, true)).toEqual({ responseSigned: false, assertionSigned: true });
    expect(checkSignaturePresence(sig, sig, true)).toEqual({ responseSigned: true, assertionSigned: true });
  });

  it('accepts a signed Response around an unsigned Assertion only when requireSignedAssertion is false', () => {
    expect(checkSignaturePresence(sig, undefined, false)).toEqual({ responseSigned: true, assertionSigned: false });
    expectThrow(() => checkSignaturePresence(sig, undefined, true), IDPRejectedClaim, /Assertion is not signed/);
  });

  it('refuses a response with no signature at all', () => {
    expectThrow(() => checkSignaturePresence(undefined, undefined, false), IDPRejectedClaim, /neither the Response nor the Assertion is signed/);
  });
});

describe('checkSignatureAlgorithms', () => {
  it('accepts RSA-SHA256 and RSA-SHA512 with SHA-256/512 digests', () => {
    expect(() => check({})).not.toThrow();
    expect(() => check({ method: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512', digest: 'http://www.w3.org/2001/04/xmlenc#sha512' })).not.toThrow();
  });

  it('refuses SHA-1 signatures and digests unless allowSha1', () => {
    const sha1 = { method: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1' };
    expectThrow(() => check(sha1), IDPRejectedClaim, /rsa-sha1 \(SHA-1\) is not accepted/);
    expectThrow(() => check({ digest: 'http://www.w3.org/2000/09/xmldsig#sha1' }), IDPRejectedClaim, /digest algorithm sha1/);
    expect(() => check(sha1, true)).not.toThrow();
    expect(() => check({ digest: 'http://www.w3.org/2000/09/xmldsig#sha1' }, true)).not.toThrow();
  });

  it('refuses HMAC and unknown algorithms, even with allowSha1', () => {
    expectThrow(() => check({ method: 'http://www.w3.org/2000/09/xmldsig#hmac-sha1' }, true), IDPRejectedClaim, /signature algorithm is not accepted/);
    expectThrow(() => check({ digest: 'http://www.w3.org/2001/04/xmldsig-more#md5' }, true), IDPRejectedClaim, /digest algorithm is not accepted/);
  });

  it('accepts ECDSA, RSA-SHA384 and RSA-PSS, and SHA-384 digests', () => {
    for (const method of ['ecdsa-sha256', 'ecdsa-sha384', 'ecdsa-sha512', 'rsa-sha384']) {
      expect(() => check({ method: `http://www.w3.org/2001/04/xmldsig-more#${method}` })).not.toThrow();
    }
    expect(() => check({ method: 'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1' })).not.toThrow();
    expect(() => check({ digest: 'http://www.w3.org/2001/04/xmldsig-more#sha384' })).not.toThrow();
  });

  it('requires the one Reference to point at the element carrying the signature', () => {
    expectThrow(() => check({ uri: '#_other' }), IDPRejectedClaim, /does not cover/);
    expectThrow(() => check({ uri: '' }), IDPRejectedClaim, /does not cover/);
    expectThrow(() => check({ references: 2 }), IDPRejectedClaim, /exactly one Reference/);
  });

  it('allows only enveloped + canonicalisation transforms, at most two', () => {
    expectThrow(() => check({ transforms: ['http://www.w3.org/TR/1999/REC-xpath-19991116'] }), IDPRejectedClaim, /unsupported transform/);
    expectThrow(() => check({ transforms: [ENVELOPED, EXC, EXC] }), IDPRejectedClaim, /too many transforms/);
    expectThrow(() => check({ c14n: 'http://example.com/c14n' }), IDPRejectedClaim, /canonicalization/);
  });

  it('accepts only enveloped-signature then exclusive c14n (with or without comments)', () => {
    expect(() => check({ transforms: [ENVELOPED, `${EXC}WithComments`], c14n: `${EXC}WithComments` })).not.toThrow();
    const inclusive = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
    expectThrow(() => check({ c14n: inclusive }), IDPRejectedClaim, /exclusive XML canonicalization only/);
    expectThrow(() => check({ transforms: [ENVELOPED, inclusive] }), IDPRejectedClaim, /unsupported transform/);
    for (const transforms of [[], [ENVELOPED], [EXC], [EXC, ENVELOPED], [ENVELOPED, ENVELOPED]]) {
      expectThrow(() => check({ transforms }), IDPRejectedClaim, /enveloped-signature transform followed by exclusive canonicalization/);
    }
  });

  it('refuses anything else in the signature: ds:Object, a second SignatureValue, elements in methods, bad base64', () => {
    expectThrow(() => check({ extra: '<ds:Object><x/></ds:Object>' }), IDPRejectedClaim, /unexpected element in Signature/);
    expectThrow(() => check({ extra: '<ds:SignatureValue>AAAA</ds:SignatureValue>' }), IDPRejectedClaim, /exactly one SignatureValue/);
    expectThrow(() => check({ extra: '<ds:KeyInfo/><ds:KeyInfo/>' }), IDPRejectedClaim, /unexpected element in Signature/);
    expectThrow(() => check({ digestValue: 'AA!A' }), IDPRejectedClaim, /DigestValue is not base64/);
    expectThrow(() => check({ digestValue: '' }), IDPRejectedClaim, /DigestValue is not base64/);
    expect(() => check({ extra: '<ds:KeyInfo><anything/></ds:KeyInfo>', digestValue: ' AA\nAA ' })).not.toThrow();
  });
});
