/**
 * decryptAssertion: the plaintext of an EncryptedAssertion, decrypted with the SP key using node:crypto
 * and a strict allow-list — RSA-OAEP key transport (never RSA PKCS#1 v1.5), AES-GCM with a full
 * 16-byte tag (truncated tags refused, cf. CVE-2026-32313) or AES-CBC. Every failure gives the same
 * message, so an attacker learns nothing about padding or keys from the answer.
 *
 * The signature library later decrypts the same element again to verify the inner signature; doing
 * it here first lets the inner Assertion go through the same pre-signature checks as a plain one. The
 * element's shape is checked first (encryptedStructure.ts), so both decryptions read the same nodes.
 */
import { constants, createDecipheriv, privateDecrypt } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { IDPRejectedClaim } from '../../../errors.js';
import { NS, allElements, attr, childElements, textOnly } from '../xml.js';
import { checkEncryptedAssertionStructure } from './encryptedStructure.js';

const RSA_OAEP_MGF1P = 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p';
const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';

interface ContentCipher {
  readonly name: 'aes-128-cbc' | 'aes-256-cbc' | 'aes-128-gcm' | 'aes-256-gcm';
  readonly keyBytes: number;
  readonly ivBytes: number;
  readonly gcm: boolean;
}

const CONTENT_CIPHERS: ReadonlyMap<string, ContentCipher> = new Map([
  ['http://www.w3.org/2001/04/xmlenc#aes128-cbc', { name: 'aes-128-cbc', keyBytes: 16, ivBytes: 16, gcm: false }],
  ['http://www.w3.org/2001/04/xmlenc#aes256-cbc', { name: 'aes-256-cbc', keyBytes: 32, ivBytes: 16, gcm: false }],
  ['http://www.w3.org/2009/xmlenc11#aes128-gcm', { name: 'aes-128-gcm', keyBytes: 16, ivBytes: 12, gcm: true }],
  ['http://www.w3.org/2009/xmlenc11#aes256-gcm', { name: 'aes-256-gcm', keyBytes: 32, ivBytes: 12, gcm: true }],
]);
const GCM_TAG_BYTES = 16;

export const NO_DECRYPTION_KEY_MESSAGE =
  'SAML response contains an EncryptedAssertion but no service provider decryption key is configured';
const FAILED = () => new IDPRejectedClaim('SAML response rejected: the EncryptedAssertion could not be decrypted with the service provider key');

/** Returns the decrypted Assertion XML text. */
export function decryptAssertion(encryptedAssertion: Element, key: KeyObject | undefined): string {
  if (!key) throw new IDPRejectedClaim(NO_DECRYPTION_KEY_MESSAGE);
  checkEncryptedAssertionStructure(encryptedAssertion);
  const data = exactlyOne(childElements(encryptedAssertion, NS.xenc, 'EncryptedData'));
  const cipher = CONTENT_CIPHERS.get(attr(exactlyOne(childElements(data, NS.xenc, 'EncryptionMethod')), 'Algorithm') ?? '');
  if (!cipher) throw FAILED();

  // Exactly one EncryptedKey anywhere in the element (inline in KeyInfo or a sibling): no ambiguity
  // about which key the second decryption will use.
  const encryptedKeys = [...allElements(encryptedAssertion)].filter((e) => e.namespaceURI === NS.xenc && e.localName === 'EncryptedKey');
  const encryptedKey = exactlyOne(encryptedKeys);
  const keyMethod = exactlyOne(childElements(encryptedKey, NS.xenc, 'EncryptionMethod'));
  if (attr(keyMethod, 'Algorithm') !== RSA_OAEP_MGF1P) throw FAILED();
  const digest = childElements(keyMethod, NS.ds, 'DigestMethod')[0];
  if (digest && attr(digest, 'Algorithm') !== SHA1) throw FAILED();

  try {
    const wrappedKey = base64Of(cipherValue(encryptedKey));
    const symmetricKey = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, wrappedKey);
    if (symmetricKey.length !== cipher.keyBytes) throw FAILED();
    const content = base64Of(cipherValue(data));
    const plaintext = cipher.gcm ? decryptGcm(cipher, symmetricKey, content) : decryptCbc(cipher, symmetricKey, content);
    return new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
  } catch {
    throw FAILED();
  }
}

function decryptGcm(cipher: ContentCipher, key: Buffer, content: Buffer): Buffer {
  if (content.length < cipher.ivBytes + GCM_TAG_BYTES + 1) throw FAILED();
  const iv = content.subarray(0, cipher.ivBytes);
  const tag = content.subarray(content.length - GCM_TAG_BYTES);
  const body = content.subarray(cipher.ivBytes, content.length - GCM_TAG_BYTES);
  const decipher = createDecipheriv(cipher.name as 'aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

/** XML Encryption CBC padding: the last byte says how many bytes to drop (1..block size). */
function decryptCbc(cipher: ContentCipher, key: Buffer, content: Buffer): Buffer {
  const body = content.subarray(cipher.ivBytes);
  if (body.length === 0 || body.length % 16 !== 0) throw FAILED();
  const decipher = createDecipheriv(cipher.name, key, content.subarray(0, cipher.ivBytes));
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(body), decipher.final()]);
  const pad = padded[padded.length - 1]!;
  if (pad < 1 || pad > 16) throw FAILED();
  return padded.subarray(0, padded.length - pad);
}

function cipherValue(parent: Element): string {
  const cipherData = exactlyOne(childElements(parent, NS.xenc, 'CipherData'));
  return textOnly(exactlyOne(childElements(cipherData, NS.xenc, 'CipherValue'))) ?? '';
}

function base64Of(text: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw FAILED();
  return Buffer.from(compact, 'base64');
}

function exactlyOne(elements: Element[]): Element {
  if (elements.length !== 1) throw FAILED();
  return elements[0]!;
}
