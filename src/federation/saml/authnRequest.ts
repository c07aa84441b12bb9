/**
 * SP-initiated login: an AuthnRequest sent by the HTTP-Redirect binding (SAML bindings §3.4): the XML
 * is raw-DEFLATEd, base64'd and put in the IdP's SSO URL as SAMLRequest (+ RelayState); when a key is
 * given, SigAlg and Signature are added over the exact query string. The caller stores `requestId`
 * (with an expiry) so checkInResponseTo can consume it once when the response comes back.
 */
import { randomBytes, sign as signData } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { escapeXml } from './xml.js';

export interface AuthnRequestOptions {
  /** The IdP's SingleSignOnService (HTTP-Redirect) location, from its metadata. */
  ssoUrl: string;
  spEntityId: string;
  acsUrl: string;
  relayState?: string;
  /** Sign the request with this key (prepared once at load); omitted = unsigned. RSA or EC. */
  signingKey?: KeyObject;
  /** Hash for the signature (default sha256). */
  digest?: 'sha256' | 'sha512';
  /** Requested NameID format (default: none, the IdP chooses). */
  nameIdFormat?: string;
  forceAuthn?: boolean;
  /** Epoch ms (default Date.now()). */
  now?: number;
  /** Default: a fresh random id. */
  requestId?: string;
}

export interface AuthnRequest {
  /** Where to redirect the browser. */
  url: string;
  requestId: string;
  /** The AuthnRequest XML (for logs in debug and tests). */
  xml: string;
}

const SIG_ALG = {
  rsa: { sha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', sha512: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512' },
  ec: { sha256: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256', sha512: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512' },
} as const;

export function buildAuthnRequestXml(options: AuthnRequestOptions & { requestId: string }): string {
  const instant = new Date(options.now ?? Date.now()).toISOString();
  const nameIdPolicy = options.nameIdFormat
    ? `<samlp:NameIDPolicy Format="${escapeXml(options.nameIdFormat)}" AllowCreate="true"/>`
    : '<samlp:NameIDPolicy AllowCreate="true"/>';
  return (
    `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"` +
    ` ID="${escapeXml(options.requestId)}" Version="2.0" IssueInstant="${instant}" Destination="${escapeXml(options.ssoUrl)}"` +
    ` AssertionConsumerServiceURL="${escapeXml(options.acsUrl)}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"` +
    `${options.forceAuthn ? ' ForceAuthn="true"' : ''}>` +
    `<saml:Issuer>${escapeXml(options.spEntityId)}</saml:Issuer>${nameIdPolicy}</samlp:AuthnRequest>`
  );
}

export function buildAuthnRequest(options: AuthnRequestOptions): AuthnRequest {
  // IDs must start with a letter or underscore (xs:ID); 160 random bits.
  const requestId = options.requestId ?? `_${randomBytes(20).toString('hex')}`;
  const xml = buildAuthnRequestXml({ ...options, requestId });
  let query = `SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'))}`;
  if (options.relayState !== undefined) query += `&RelayState=${encodeURIComponent(options.relayState)}`;
  if (options.signingKey) {
    const digest = options.digest ?? 'sha256';
    const type = options.signingKey.asymmetricKeyType;
    const family = type === 'ec' ? 'ec' : type === 'rsa' ? 'rsa' : undefined;
    if (!family) throw new Error(`cannot sign AuthnRequests with a ${type ?? 'non-asymmetric'} key`);
    query += `&SigAlg=${encodeURIComponent(SIG_ALG[family][digest])}`;
    // The signature covers the query string exactly as sent (bindings §3.4.4.1); ECDSA values are r||s.
    const signature = signData(digest, Buffer.from(query, 'utf8'), family === 'ec' ? { key: options.signingKey, dsaEncoding: 'ieee-p1363' } : options.signingKey);
    query += `&Signature=${encodeURIComponent(signature.toString('base64'))}`;
  }
  const separator = options.ssoUrl.includes('?') ? '&' : '?';
  return { url: `${options.ssoUrl}${separator}${query}`, requestId, xml };
}
