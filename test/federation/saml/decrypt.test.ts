import { createPrivateKey } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import type { Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { IDPRejectedClaim } from '../../../src/errors.js';
import { decryptAssertion, NO_DECRYPTION_KEY_MESSAGE } from '../../../src/federation/saml/checks/decrypt.js';
import { createTestIdp, generateKeyPair, replaceInXml } from '../../helpers/samlIdp.js';
import { expectThrow } from './support.js';

const idp = createTestIdp();
const sp = generateKeyPair('sp-encryption');
const spKey = createPrivateKey(sp.keyPem);
const FAILED = /could not be decrypted/;

function encryptedAssertionOf(xml: string): Element {
  const el = new DOMParser().parseFromString(xml, 'text/xml').getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'EncryptedAssertion')[0];
  if (!el) throw new Error('no EncryptedAssertion');
  return el;
}

/** Rewrite the content CipherValue (the second one) with `edit`. */
function editContentCipher(xml: string, edit: (bytes: Buffer) => Buffer): string {
  const values = [...xml.matchAll(/<xenc:CipherValue>([^<]+)<\/xenc:CipherValue>/g)];
  const content = values[1]![1]!;
  return replaceInXml(xml, content, edit(Buffer.from(content.replace(/\s+/g, ''), 'base64')).toString('base64'));
}

describe('decryptAssertion', () => {
  const gcm = idp.responseXml({ encryptTo: sp, nameId: 'enc-user' });

  it('decrypts RSA-OAEP + AES-256-GCM to the signed Assertion', () => {
    const plaintext = decryptAssertion(encryptedAssertionOf(gcm) as never, spKey);
    expect(plaintext).toMatch(/^<saml:Assertion /);
    expect(plaintext).toContain('>enc-user</saml:NameID>');
    expect(plaintext).toContain('<ds:Signature');
  });

  it('decrypts AES-128-CBC too', () => {
    const cbc = idp.responseXml({ encryptTo: sp, encryption: 'aes128-cbc', nameId: 'cbc-user' });
    expect(decryptAssertion(encryptedAssertionOf(cbc) as never, spKey)).toContain('>cbc-user</saml:NameID>');
  });

  it('says clearly that no SP key is configured', () => {
    expectThrow(() => decryptAssertion(encryptedAssertionOf(gcm) as never, undefined), IDPRejectedClaim, new RegExp(`^${NO_DECRYPTION_KEY_MESSAGE}$`));
  });

  it('fails the same way for a wrong key, a truncated or altered GCM tag, or an altered ciphertext', () => {
    const other = createPrivateKey(generateKeyPair('other-sp').keyPem);
    expectThrow(() => decryptAssertion(encryptedAssertionOf(gcm) as never, other), IDPRejectedClaim, FAILED);
    const truncated = editContentCipher(gcm, (b) => b.subarray(0, b.length - 4));
    expectThrow(() => decryptAssertion(encryptedAssertionOf(truncated) as never, spKey), IDPRejectedClaim, FAILED);
    const flipped = editContentCipher(gcm, (b) => Buffer.concat([b.subarray(0, 20), Buffer.from([b[20]! ^ 1]), b.subarray(21)]));
    expectThrow(() => decryptAssertion(encryptedAssertionOf(flipped) as never, spKey), IDPRejectedClaim, FAILED);
  });

  it('refuses RSA PKCS#1 v1.5 key transport and unknown content algorithms', () => {
    const v15 = replaceInXml(gcm, 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p', 'http://www.w3.org/2001/04/xmlenc#rsa-1_5');
    expectThrow(() => decryptAssertion(encryptedAssertionOf(v15) as never, spKey), IDPRejectedClaim, FAILED);
    const des = replaceInXml(gcm, 'http://www.w3.org/2009/xmlenc11#aes256-gcm', 'http://www.w3.org/2001/04/xmlenc#tripledes-cbc');
    expectThrow(() => decryptAssertion(encryptedAssertionOf(des) as never, spKey), IDPRejectedClaim, FAILED);
  });

  it('refuses two EncryptedKeys (which one would be used is ambiguous)', () => {
    const key = gcm.slice(gcm.indexOf('<xenc:EncryptedKey'), gcm.indexOf('</xenc:EncryptedKey>') + '</xenc:EncryptedKey>'.length);
    const twice = replaceInXml(gcm, '</saml:EncryptedAssertion>', `${key.replace('<xenc:EncryptedKey', '<xenc:EncryptedKey xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"')}</saml:EncryptedAssertion>`);
    expectThrow(() => decryptAssertion(encryptedAssertionOf(twice) as never, spKey), IDPRejectedClaim, /exactly one xenc:EncryptedKey in the EncryptedAssertion/);
  });
});
