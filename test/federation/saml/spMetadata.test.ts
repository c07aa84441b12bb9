import { X509Certificate } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { buildSpMetadata } from '../../../src/federation/saml/spMetadata.js';
import { generateKeyPair } from '../../helpers/samlIdp.js';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const signing = generateKeyPair('sp-signing');
const encryption = generateKeyPair('sp-encryption');

function parse(xml: string) {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const all = (ns: string, name: string) => Array.from(doc.getElementsByTagNameNS(ns, name));
  return { root: doc.documentElement!, all };
}

describe('buildSpMetadata', () => {
  it('describes the SP: entity id, HTTP-POST ACS, signing and encryption keys, NameID formats', () => {
    const xml = buildSpMetadata({ entityId: 'https://broker.example/saml/metadata', acsUrl: 'https://broker.example/saml', certificatePem: signing.certPem, wantAssertionsSigned: true });
    const { root, all } = parse(xml);
    expect(root.localName).toBe('EntityDescriptor');
    expect(root.getAttribute('entityID')).toBe('https://broker.example/saml/metadata');
    const sp = all(MD, 'SPSSODescriptor')[0]!;
    expect(sp.getAttribute('WantAssertionsSigned')).toBe('true');
    expect(sp.getAttribute('AuthnRequestsSigned')).toBe('true');
    expect(sp.getAttribute('protocolSupportEnumeration')).toBe('urn:oasis:names:tc:SAML:2.0:protocol');
    const acs = all(MD, 'AssertionConsumerService');
    expect(acs).toHaveLength(1);
    expect(acs[0]!.getAttribute('Binding')).toBe('urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST');
    expect(acs[0]!.getAttribute('Location')).toBe('https://broker.example/saml');
    const keys = all(MD, 'KeyDescriptor');
    expect(keys.map((k) => k.getAttribute('use'))).toEqual(['signing', 'encryption']);
    for (const k of keys) {
      const cert = k.getElementsByTagNameNS(DS, 'X509Certificate')[0]!.textContent!;
      expect(new X509Certificate(Buffer.from(cert, 'base64')).fingerprint256).toBe(new X509Certificate(signing.certPem).fingerprint256);
    }
    expect(all(MD, 'NameIDFormat').map((f) => f.textContent)).toEqual([
      'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
      'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
      'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
    ]);
  });

  it('uses a separate encryption certificate when given, and escapes URLs', () => {
    const xml = buildSpMetadata({ entityId: 'https://b.example/?a=1&b=2', acsUrl: 'https://b.example/saml', certificatePem: signing.certPem, encryptionCertificatePem: encryption.certPem, wantAssertionsSigned: false, authnRequestsSigned: false });
    const { root, all } = parse(xml);
    expect(root.getAttribute('entityID')).toBe('https://b.example/?a=1&b=2');
    expect(all(MD, 'SPSSODescriptor')[0]!.getAttribute('AuthnRequestsSigned')).toBe('false');
    const enc = all(MD, 'KeyDescriptor')[1]!.getElementsByTagNameNS(DS, 'X509Certificate')[0]!.textContent!;
    expect(enc).toBe(encryption.certBase64);
  });

  it('refuses a certificate that does not parse', () => {
    expect(() => buildSpMetadata({ entityId: 'e', acsUrl: 'a', certificatePem: 'nope', wantAssertionsSigned: true })).toThrow();
  });
});
