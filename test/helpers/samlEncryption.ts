/**
 * XML Encryption done by hand with node:crypto (independent of the broker's decryption and of
 * xml-encryption), to build EncryptedAssertion structures no IdP would send: RSA-OAEP (SHA-1, MGF1)
 * key transport to the SP certificate and AES-256-GCM content (IV ‖ ciphertext ‖ 16-byte tag), as
 * XML Encryption 1.1 specifies them.
 *
 *   const key = newContentKey();
 *   const wrapped = wrapKey(key, sp.certPem);                // base64 of the RSA-OAEP-encrypted key
 *   const cipher = encryptContent(assertionXml, key);        // base64 of the AES-256-GCM content
 *   encryptedData({ wrapped, cipher })                       // <xenc:EncryptedData> with the key inline
 *   responseWithEncrypted(idp, inner)                        // base64 Response whose EncryptedAssertion holds `inner`
 */
import { constants, createCipheriv, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';
import { toBase64, type TestIdp } from './samlIdp.js';

export const XENC = 'http://www.w3.org/2001/04/xmlenc#';
export const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
export const AES256_GCM = 'http://www.w3.org/2009/xmlenc11#aes256-gcm';
export const RSA_OAEP = 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p';

export function newContentKey(): Buffer {
  return randomBytes(32);
}

export function wrapKey(key: Buffer, certPem: string): string {
  const publicKey = new X509Certificate(certPem).publicKey;
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, key).toString('base64');
}

export function encryptContent(plaintext: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
}

/** An EncryptedKey element (prefix `p`, declared on it) carrying `wrapped`. */
export function encryptedKey(wrapped: string, p = 'xenc', ns = XENC): string {
  return (
    `<${p}:EncryptedKey xmlns:${p}="${ns}"><${p}:EncryptionMethod Algorithm="${RSA_OAEP}"/>` +
    `<${p}:CipherData><${p}:CipherValue>${wrapped}</${p}:CipherValue></${p}:CipherData></${p}:EncryptedKey>`
  );
}

/**
 * An EncryptedData element (prefix `p` in namespace `ns`): EncryptionMethod, ds:KeyInfo holding
 * `keyInfo` (by default the EncryptedKey of `wrapped`), CipherData holding `cipherData` (by default
 * one CipherValue of `cipher`).
 */
export function encryptedData(parts: { wrapped?: string; cipher?: string; keyInfo?: string; cipherData?: string; p?: string; ns?: string }): string {
  const p = parts.p ?? 'xenc';
  const ns = parts.ns ?? XENC;
  const keyInfo = parts.keyInfo ?? encryptedKey(parts.wrapped!, p, ns);
  const cipherData = parts.cipherData ?? `<${p}:CipherValue>${parts.cipher!}</${p}:CipherValue>`;
  return (
    `<${p}:EncryptedData xmlns:${p}="${ns}" Type="${XENC}Element"><${p}:EncryptionMethod Algorithm="${AES256_GCM}"/>` +
    `<ds:KeyInfo xmlns:ds="${DSIG}">${keyInfo}</ds:KeyInfo>` +
    `<${p}:CipherData>${cipherData}</${p}:CipherData></${p}:EncryptedData>`
  );
}

/** A signed Assertion of `idp` (as the IdP signs it before encrypting) for `nameId`. */
export function signedAssertion(idp: TestIdp, nameId: string): string {
  const xml = idp.responseXml({ nameId });
  return xml.slice(xml.indexOf('<saml:Assertion'), xml.indexOf('</saml:Assertion>') + '</saml:Assertion>'.length);
}

/** Base64 of an (unsigned) Response of `idp` whose EncryptedAssertion holds `inner`. */
export function responseWithEncrypted(idp: TestIdp, inner: string): string {
  const xml = idp.unsignedXml({ encrypted: true });
  const open = xml.indexOf('<saml:EncryptedAssertion>') + '<saml:EncryptedAssertion>'.length;
  return toBase64(xml.slice(0, open) + inner + xml.slice(xml.indexOf('</saml:EncryptedAssertion>')));
}
