/**
 * The development SAML identity provider, served under /dev/saml when devIdentityProviders is true:
 * pick a demo user and it POSTs a real signed samlp:Response (RSA-SHA256, assertion signed, as Okta and
 * Entra ID do) to the broker's ACS — IdP-initiated, or SP-initiated through /saml/login. Its key lives in
 * `keys.dir/dev/`. The broker registers it as an ordinary SAML provider and validates its responses
 * like any other.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import express, { type Router } from 'express';
import { SignedXml } from 'xml-crypto';
import { generateSpKeyPair } from '../keys/spCertificate.js';
import { contentSecurityPolicy, html, layout, newNonce } from '../http/html.js';
import { DEMO_USERS, findDemoUser, type DemoUser } from './demoUsers.js';

export { DEV_SAML_PROVIDER_NAME } from './providerNames.js';
export const DEV_SAML_PATH = '/dev/saml';
/** AuthnContextClassRef the development IdP sends for users who "did" MFA (Entra ID's value). */
export const DEV_SAML_MFA_CONTEXT = 'http://schemas.microsoft.com/claims/multipleauthn';
const PASSWORD_CONTEXT = 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport';

export interface DevSamlIdp {
  readonly entityId: string;
  readonly metadataXml: string;
  readonly router: Router;
  /** A signed response for a demo user (tests and the README use it through the page). */
  signedResponse(user: DemoUser, options?: { inResponseTo?: string }): string;
}

export async function createDevSamlIdp(options: { publicUrl: string; keysDir: string; acsUrl: string; spEntityId: string }): Promise<DevSamlIdp> {
  const dir = join(options.keysDir, 'dev');
  const keyFile = join(dir, 'saml-idp.key');
  const certFile = join(dir, 'saml-idp.crt');
  if (!existsSync(keyFile) || !existsSync(certFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pair = await generateSpKeyPair('fedbroker development SAML IdP');
    writeFileSync(keyFile, pair.privateKeyPem, { mode: 0o600 });
    writeFileSync(certFile, pair.certificatePem, { mode: 0o644 });
  }
  const keyPem = readFileSync(keyFile, 'utf8');
  const certPem = readFileSync(certFile, 'utf8');
  const certBase64 = certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const base = `${options.publicUrl}${DEV_SAML_PATH}`;
  const entityId = `${base}/metadata`;
  const metadataXml =
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${entityId}">` +
    `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${base}/sso"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`;

  const signedResponse: DevSamlIdp['signedResponse'] = (user, opts = {}) => {
    const now = new Date();
    const iso = (d: Date) => d.toISOString();
    const later = new Date(now.getTime() + 5 * 60_000);
    const id = (p: string) => `_${p}${randomBytes(16).toString('hex')}`;
    const assertionId = id('a');
    const inResponseTo = opts.inResponseTo ? ` InResponseTo="${xmlAttr(opts.inResponseTo)}"` : '';
    const attribute = (name: string, values: readonly string[]) =>
      `<saml:Attribute Name="${xmlAttr(name)}">${values.map((v) => `<saml:AttributeValue>${xmlText(v)}</saml:AttributeValue>`).join('')}</saml:Attribute>`;
    const assertion =
      `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${assertionId}" Version="2.0" IssueInstant="${iso(now)}">` +
      `<saml:Issuer>${xmlText(entityId)}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">${xmlText(user.username)}</saml:NameID>` +
      `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${iso(later)}" Recipient="${xmlAttr(options.acsUrl)}"${inResponseTo}/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${iso(new Date(now.getTime() - 60_000))}" NotOnOrAfter="${iso(later)}"><saml:AudienceRestriction><saml:Audience>${xmlText(options.spEntityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${id('s')}"><saml:AuthnContext><saml:AuthnContextClassRef>${user.mfa ? DEV_SAML_MFA_CONTEXT : PASSWORD_CONTEXT}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
      `<saml:AttributeStatement>` +
      attribute('https://aws.amazon.com/SAML/Attributes/RoleSessionName', [user.username]) +
      attribute('groups', user.groups) +
      attribute('urn:oid:0.9.2342.19200300.100.1.3', [user.email]) +
      attribute('displayName', [user.name]) +
      `</saml:AttributeStatement></saml:Assertion>`;
    const response =
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="${id('r')}" Version="2.0" IssueInstant="${iso(now)}" Destination="${xmlAttr(options.acsUrl)}"${inResponseTo}>` +
      `<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">${xmlText(entityId)}</saml:Issuer>` +
      `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${assertion}</samlp:Response>`;
    const sig = new SignedXml({
      privateKey: keyPem,
      signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    });
    sig.addReference({
      xpath: "//*[local-name(.)='Assertion']",
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
      transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    });
    sig.computeSignature(response, { prefix: 'ds', location: { reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' } });
    return Buffer.from(sig.getSignedXml(), 'utf8').toString('base64');
  };

  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 10 });
  const page = (res: express.Response, body: string, nonce?: string) =>
    res.set('content-security-policy', contentSecurityPolicy(nonce)).set('cache-control', 'no-store').type('html').send(body);

  const userList = (hidden: Record<string, string>) =>
    html`<p><strong>Development only.</strong> Never enable devIdentityProviders in production.</p>
<p>Pick a demo user; the IdP signs a SAML response for them and posts it to <code>${options.acsUrl}</code>.</p>
${DEMO_USERS.map(
  (u) => html`<form class="card" method="post" action="${DEV_SAML_PATH}/sso">${Object.entries(hidden).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
<input type="hidden" name="user" value="${u.username}"><strong>${u.name}</strong> <span class="muted">groups ${u.groups.join(', ')}${u.mfa ? ' · MFA at the IdP' : ''}</span>
<p><button type="submit">Sign in as ${u.username}</button></p></form>`,
)}`;

  router.get('/', (_req, res) => page(res, layout('Development SAML identity provider', userList({}))));
  router.get('/metadata', (_req, res) => res.type('application/samlmetadata+xml').send(metadataXml));
  // SP-initiated: the broker's AuthnRequest arrives by HTTP-Redirect.
  router.get('/sso', (req, res) => {
    const request = decodeAuthnRequest(String(req.query['SAMLRequest'] ?? ''));
    const hidden: Record<string, string> = {};
    if (request?.id) hidden['inResponseTo'] = request.id;
    if (typeof req.query['RelayState'] === 'string') hidden['RelayState'] = req.query['RelayState'];
    page(res, layout('Development SAML identity provider', userList(hidden)));
  });
  router.post('/sso', form, (req, res) => {
    const body = req.body as Record<string, unknown>;
    const user = findDemoUser(String(body['user'] ?? ''));
    if (user === undefined) return void res.status(404).type('text/plain').send('Unknown demo user');
    const inResponseTo = typeof body['inResponseTo'] === 'string' && /^[A-Za-z_][\w.-]{0,255}$/.test(body['inResponseTo']) ? body['inResponseTo'] : undefined;
    const fields: Record<string, string> = { SAMLResponse: signedResponse(user, inResponseTo ? { inResponseTo } : {}) };
    if (typeof body['RelayState'] === 'string' && body['RelayState'] !== '') fields['RelayState'] = body['RelayState'];
    const nonce = newNonce();
    page(
      res,
      layout(
        'Signing in…',
        html`<form id="post" method="post" action="${options.acsUrl}">${Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}<button type="submit">Continue</button></form>
<script nonce="${nonce}">document.getElementById('post').submit();</script>`,
        { nonce },
      ),
      nonce,
    );
  });

  return { entityId, metadataXml, router, signedResponse };
}

function decodeAuthnRequest(encoded: string): { id?: string } | undefined {
  if (encoded === '' || encoded.length > 20_000) return undefined;
  try {
    const xml = inflateRawSync(Buffer.from(encoded, 'base64'), { maxOutputLength: 100_000 }).toString('utf8');
    const id = /<(?:\w+:)?AuthnRequest\b[^>]*\sID="([^"]+)"/.exec(xml)?.[1];
    return id !== undefined ? { id } : {};
  } catch {
    return undefined;
  }
}

function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;');
}
