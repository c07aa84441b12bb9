import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { buildAuthnRequest } from '../../../src/federation/saml/authnRequest.js';
import { generateKeyPair } from '../../helpers/samlIdp.js';

const base = { ssoUrl: 'https://idp.example/sso', spEntityId: 'https://broker.example/saml/metadata', acsUrl: 'https://broker.example/saml' };

/** Split the query string by hand (the signature covers the raw, still-encoded parameters). */
function rawParams(url: string): Map<string, string> {
  return new Map(url.slice(url.indexOf('?') + 1).split('&').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as [string, string]));
}

function requestXml(url: string) {
  const b64 = decodeURIComponent(rawParams(url).get('SAMLRequest')!);
  return new DOMParser().parseFromString(inflateRawSync(Buffer.from(b64, 'base64')).toString('utf8'), 'text/xml').documentElement!;
}

describe('buildAuthnRequest', () => {
  it('builds an unsigned HTTP-Redirect AuthnRequest with a fresh id', () => {
    const a = buildAuthnRequest({ ...base, relayState: '/console?x=1&y=2', now: Date.parse('2030-01-01T00:00:00Z') });
    const b = buildAuthnRequest(base);
    expect(a.requestId).toMatch(/^_[0-9a-f]{40}$/);
    expect(a.requestId).not.toBe(b.requestId);
    expect(a.url.startsWith('https://idp.example/sso?SAMLRequest=')).toBe(true);
    const params = rawParams(a.url);
    expect(decodeURIComponent(params.get('RelayState')!)).toBe('/console?x=1&y=2');
    expect(params.has('Signature')).toBe(false);
    const req = requestXml(a.url);
    expect(req.localName).toBe('AuthnRequest');
    expect(req.getAttribute('ID')).toBe(a.requestId);
    expect(req.getAttribute('IssueInstant')).toBe('2030-01-01T00:00:00.000Z');
    expect(req.getAttribute('Destination')).toBe(base.ssoUrl);
    expect(req.getAttribute('AssertionConsumerServiceURL')).toBe(base.acsUrl);
    expect(req.getAttribute('ProtocolBinding')).toBe('urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST');
    expect(req.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Issuer')[0]!.textContent).toBe(base.spEntityId);
  });

  it('signs SAMLRequest&RelayState&SigAlg as sent (RSA-SHA256), verifiable with the SP certificate', () => {
    const sp = generateKeyPair('sp-signing');
    const { url } = buildAuthnRequest({ ...base, relayState: 'state 1', signingKey: createPrivateKey(sp.keyPem) });
    const params = rawParams(url);
    expect(decodeURIComponent(params.get('SigAlg')!)).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    const signed = `SAMLRequest=${params.get('SAMLRequest')}&RelayState=${params.get('RelayState')}&SigAlg=${params.get('SigAlg')}`;
    const signature = Buffer.from(decodeURIComponent(params.get('Signature')!), 'base64');
    expect(verify('sha256', Buffer.from(signed), createPublicKey(sp.certPem), signature)).toBe(true);
    expect(verify('sha256', Buffer.from(signed.replace('state', 'State')), createPublicKey(sp.certPem), signature)).toBe(false);
  });

  it('signs with an EC key as ECDSA (r||s) and appends to an SSO URL that has a query', () => {
    const ec = generateKeyPair('sp-ec', 'ec:P-256');
    const { url } = buildAuthnRequest({ ...base, ssoUrl: 'https://idp.example/sso?tenant=a', signingKey: createPrivateKey(ec.keyPem), nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', forceAuthn: true });
    expect(url.startsWith('https://idp.example/sso?tenant=a&SAMLRequest=')).toBe(true);
    const params = rawParams(url);
    expect(decodeURIComponent(params.get('SigAlg')!)).toBe('http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256');
    const signed = `SAMLRequest=${params.get('SAMLRequest')}&SigAlg=${params.get('SigAlg')}`;
    const signature = Buffer.from(decodeURIComponent(params.get('Signature')!), 'base64');
    expect(verify('sha256', Buffer.from(signed), { key: createPublicKey(ec.certPem), dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
    const req = requestXml(url);
    expect(req.getAttribute('ForceAuthn')).toBe('true');
    expect(req.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:protocol', 'NameIDPolicy')[0]!.getAttribute('Format')).toBe('urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
  });
});
