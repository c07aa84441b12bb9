/**
 * security.md, "Found by review": an EncryptedAssertion whose EncryptedData / EncryptedKey /
 * CipherValue elements are duplicated, nested elsewhere, or in another namespace → rejection; the
 * plaintext that every check reads is exactly the one whose signature is verified.
 *
 * The broker's own decryption takes the xenc:EncryptedData child and its parts; the SAML library's
 * (xml-encryption) takes the first element *named* EncryptedData, EncryptionMethod or CipherValue in any
 * namespace and the first CipherValue of the document as the key. Each structure below makes the two
 * read different assertions: the broker's pre-signature checks (provider, signature presence and
 * algorithms, wrapping) would read B while the library verifies, and the later checks read, A.
 * Both are genuinely signed by the IdP (xmlsec1); the encryption is done with node:crypto.
 */
import { describe, expect, it } from 'vitest';
import { IDPRejectedClaim } from '../../src/errors.js';
import { createTestIdp, generateKeyPair } from '../helpers/samlIdp.js';
import { encryptContent, encryptedData, encryptedKey, newContentKey, responseWithEncrypted, signedAssertion, wrapKey } from '../helpers/samlEncryption.js';
import { expectReject, setup } from '../federation/saml/support.js';

const idp = createTestIdp();
const sp = generateKeyPair('sp-encryption');
const OTHER_NS = 'urn:example:not-xml-encryption';

function validator() {
  return setup(idp, {}, { decryptionKeyPem: sp.keyPem });
}

const REFUSED = /SAML response rejected: .*EncryptedAssertion/;

describe('security.md Found by review: one plaintext for every check of an EncryptedAssertion', () => {
  it('an EncryptedData in another namespace placed before the real one → rejected', async () => {
    const { validator: v, options } = validator();
    // The well-formed encryption of one assertion, built the same way, is accepted.
    const k = newContentKey();
    const plain = await v.validate(responseWithEncrypted(idp, encryptedData({ wrapped: wrapKey(k, sp.certPem), cipher: encryptContent(signedAssertion(idp, 'bob@example.com'), k) })), options());
    expect(plain.identity.subject).toBe('bob@example.com');

    const ka = newContentKey();
    const kb = newContentKey();
    const decoy = encryptedData({ p: 'x', ns: OTHER_NS, wrapped: wrapKey(ka, sp.certPem), cipher: encryptContent(signedAssertion(idp, 'admin@example.com'), ka) });
    const real = encryptedData({ wrapped: wrapKey(kb, sp.certPem), cipher: encryptContent(signedAssertion(idp, 'alice@example.com'), kb) });
    await expectReject(v.validate(responseWithEncrypted(idp, decoy + real), options()), IDPRejectedClaim, REFUSED);
  });

  it('a second EncryptedData nested inside the KeyInfo (same key, other content) → rejected', async () => {
    const { validator: v, options } = validator();
    const k = newContentKey();
    const wrapped = wrapKey(k, sp.certPem);
    const nested =
      `<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"><xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>` +
      `<xenc:CipherData><xenc:CipherValue>${encryptContent(signedAssertion(idp, 'admin@example.com'), k)}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>`;
    const outer = encryptedData({ keyInfo: encryptedKey(wrapped) + nested, cipher: encryptContent(signedAssertion(idp, 'alice@example.com'), k) });
    await expectReject(v.validate(responseWithEncrypted(idp, outer), options()), IDPRejectedClaim, REFUSED);
  });

  it('a duplicated CipherValue in another namespace inside the content\'s CipherData → rejected', async () => {
    const { validator: v, options } = validator();
    const k = newContentKey();
    const cipherData = `<x:CipherValue xmlns:x="${OTHER_NS}">${encryptContent(signedAssertion(idp, 'admin@example.com'), k)}</x:CipherValue><xenc:CipherValue>${encryptContent(signedAssertion(idp, 'alice@example.com'), k)}</xenc:CipherValue>`;
    await expectReject(v.validate(responseWithEncrypted(idp, encryptedData({ wrapped: wrapKey(k, sp.certPem), cipherData })), options()), IDPRejectedClaim, REFUSED);
  });

  it('a second EncryptedKey and CipherValue in another namespace, each first in document order → rejected', async () => {
    const { validator: v, options } = validator();
    const ka = newContentKey();
    const kb = newContentKey();
    const keyInfo = encryptedKey(wrapKey(ka, sp.certPem), 'x', OTHER_NS) + encryptedKey(wrapKey(kb, sp.certPem));
    const cipherData = `<x:CipherValue xmlns:x="${OTHER_NS}">${encryptContent(signedAssertion(idp, 'admin@example.com'), ka)}</x:CipherValue><xenc:CipherValue>${encryptContent(signedAssertion(idp, 'alice@example.com'), kb)}</xenc:CipherValue>`;
    await expectReject(v.validate(responseWithEncrypted(idp, encryptedData({ keyInfo, cipherData })), options()), IDPRejectedClaim, REFUSED);
  });
});
