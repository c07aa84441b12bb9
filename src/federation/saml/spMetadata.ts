/**
 * Our SP metadata (GET /saml/metadata): entity id, the ACS (HTTP-POST), the certificate for signing
 * (AuthnRequests) and for encryption (IdPs encrypt assertions to it), and the NameID formats we take.
 */
import { X509Certificate } from 'node:crypto';
import { escapeXml } from './xml.js';

export interface SpMetadataOptions {
  entityId: string;
  acsUrl: string;
  /** PEM certificate of the SP signing key. */
  certificatePem: string;
  /** Certificate IdPs encrypt assertions to (default: certificatePem). */
  encryptionCertificatePem?: string;
  wantAssertionsSigned: boolean;
  /** Whether our AuthnRequests are signed (config `saml.signAuthnRequests`, default true). */
  authnRequestsSigned?: boolean;
  /** `validUntil` of the metadata, epoch ms (optional). */
  validUntil?: number;
}

export const SP_NAMEID_FORMATS = [
  'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
  'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
] as const;

/** Content encryption algorithms we can decrypt, preferred first (see checks/decrypt.ts). */
const ENCRYPTION_METHODS = [
  'http://www.w3.org/2009/xmlenc11#aes256-gcm',
  'http://www.w3.org/2009/xmlenc11#aes128-gcm',
  'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
  'http://www.w3.org/2001/04/xmlenc#aes128-cbc',
  'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
];

/** base64 DER of a PEM certificate (throws when it does not parse). */
function certificateBody(pem: string): string {
  return new X509Certificate(pem).raw.toString('base64');
}

function keyDescriptor(use: 'signing' | 'encryption', certBase64: string, extra = ''): string {
  return `<md:KeyDescriptor use="${use}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>${extra}</md:KeyDescriptor>`;
}

export function buildSpMetadata(options: SpMetadataOptions): string {
  const signing = certificateBody(options.certificatePem);
  const encryption = options.encryptionCertificatePem ? certificateBody(options.encryptionCertificatePem) : signing;
  const methods = ENCRYPTION_METHODS.map((m) => `<md:EncryptionMethod Algorithm="${m}"/>`).join('');
  const validUntil = options.validUntil !== undefined ? ` validUntil="${new Date(options.validUntil).toISOString()}"` : '';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${escapeXml(options.entityId)}"${validUntil}>` +
    `<md:SPSSODescriptor AuthnRequestsSigned="${options.authnRequestsSigned ?? true}" WantAssertionsSigned="${options.wantAssertionsSigned}" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    keyDescriptor('signing', signing) +
    keyDescriptor('encryption', encryption, methods) +
    SP_NAMEID_FORMATS.map((f) => `<md:NameIDFormat>${f}</md:NameIDFormat>`).join('') +
    `<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${escapeXml(options.acsUrl)}" index="0" isDefault="true"/>` +
    '</md:SPSSODescriptor></md:EntityDescriptor>\n'
  );
}
