/**
 * SAML fixtures for the benchmark: an IdP key + self-signed certificate (openssl), its metadata, and
 * signed samlp:Response documents produced with xml-crypto 6 (platform-notes.md §3), never xmlsec1.
 *
 * A Response carries one ~4 KB Assertion (RSA-2048 / SHA-256, exc-c14n; no KeyInfo by default, as in
 * platform-notes.md §10.5 cases D/E; BENCH_SAML_KEYINFO=1 embeds the certificate as many IdPs do).
 * By default only the Assertion is signed (what Okta/Entra do and what quality.md describes: "4 KB
 * signed assertion"); BENCH_SAML_SIGN=both also signs the Response.
 *
 * Every Response has fresh Response/Assertion IDs (the broker accepts an assertion once), so a pool is
 * generated before the run, in worker threads (see samlPool.mjs).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignedXml } from 'xml-crypto';

export const NS_SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
export const NS_SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const NS_DS = 'http://www.w3.org/2000/09/xmldsig#';
export const AWS_ROLE = 'https://aws.amazon.com/SAML/Attributes/Role';

/** openssl: RSA-2048 key and a self-signed SHA-256 certificate in `dir`. */
export function createIdpKeys(dir) {
  const keyPath = join(dir, 'idp.key.pem');
  const certPath = join(dir, 'idp.cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-sha256', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '30', '-subj', '/CN=fedbroker-bench-idp'], { stdio: 'pipe' });
  const certPem = readFileSync(certPath, 'utf8');
  return {
    keyPath,
    certPath,
    keyPem: readFileSync(keyPath, 'utf8'),
    certPem,
    certBase64: certPem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, ''),
  };
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function metadataXml(entityId, certBase64) {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="${NS_DS}" entityID="${esc(entityId)}">` +
    `<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="${NS_SAMLP}">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.bench.test/sso"/>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.bench.test/sso"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>\n`
  );
}

const iso = (ms) => new Date(ms).toISOString();
const newId = () => `_${randomBytes(20).toString('hex')}`;

/**
 * The unsigned Response. `o`: { issuer, acsUrl, audience, roleArn, providerArn, nameId, lifetimeMs,
 * inResponseTo (the AuthnRequest answered, for a sign-in started at the broker) }.
 * Attributes: AWS Role (2 pairs), RoleSessionName, SessionDuration, mail and a groups list, sized so
 * the signed Assertion is ~4 KB.
 */
export function unsignedResponse(o, now = Date.now()) {
  const issueInstant = iso(now);
  const notOnOrAfter = iso(now + (o.lifetimeMs ?? 60 * 60_000));
  const answers = o.inResponseTo ? ` InResponseTo="${esc(o.inResponseTo)}"` : '';
  const attrs = {
    [AWS_ROLE]: [`${o.roleArn},${o.providerArn}`, `${o.roleArn.replace(/[^/]+$/, 'ReadOnlyBench')},${o.providerArn}`],
    'https://aws.amazon.com/SAML/Attributes/RoleSessionName': o.nameId,
    'https://aws.amazon.com/SAML/Attributes/SessionDuration': '3600',
    'urn:oid:0.9.2342.19200300.100.1.3': o.nameId,
    groups: ['auditors', 'developers', 'everyone', 'cn=platform-team,ou=groups,dc=example,dc=com'],
  };
  const attributes = Object.entries(attrs)
    .map(
      ([name, value]) =>
        `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">` +
        (typeof value === 'string' ? [value] : value).map((v) => `<saml:AttributeValue xsi:type="xs:string">${esc(v)}</saml:AttributeValue>`).join('') +
        `</saml:Attribute>`,
    )
    .join('');
  const assertion =
    `<saml:Assertion xmlns:saml="${NS_SAML}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="${newId()}" Version="2.0" IssueInstant="${issueInstant}">` +
    `<saml:Issuer>${esc(o.issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">${esc(o.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData${answers} NotOnOrAfter="${notOnOrAfter}" Recipient="${esc(o.acsUrl)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(now - 30_000)}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${esc(o.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(now - 10_000)}" SessionIndex="${newId()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` +
    `</saml:Assertion>`;
  return (
    `<samlp:Response xmlns:samlp="${NS_SAMLP}" xmlns:saml="${NS_SAML}" ID="${newId()}"${answers} Version="2.0" IssueInstant="${issueInstant}" Destination="${esc(o.acsUrl)}">` +
    `<saml:Issuer>${esc(o.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    assertion +
    `</samlp:Response>`
  );
}

const SIG = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const TRANSFORMS = ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', C14N];
const DIGEST = 'http://www.w3.org/2001/04/xmlenc#sha256';

/**
 * Sign with xml-crypto 6: the Assertion, then (sign = 'both') the whole Response. `keyInfo` embeds the
 * signing certificate in <ds:KeyInfo> (+1.1 KB per signature; the broker never uses it).
 */
export function signResponse(xml, keys, sign = 'assertion', keyInfo = false) {
  const mk = () =>
    new SignedXml({ privateKey: keys.keyPem, ...(keyInfo ? { publicCert: keys.certPem } : {}), signatureAlgorithm: SIG, canonicalizationAlgorithm: C14N });
  let s = mk();
  s.addReference({ xpath: "//*[local-name(.)='Assertion']", digestAlgorithm: DIGEST, transforms: TRANSFORMS });
  s.computeSignature(xml, { prefix: 'ds', location: { reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' } });
  let out = s.getSignedXml();
  if (sign === 'both') {
    s = mk();
    s.addReference({ xpath: "/*[local-name(.)='Response']", digestAlgorithm: DIGEST, transforms: TRANSFORMS });
    s.computeSignature(out, { prefix: 'ds', location: { reference: "/*[local-name(.)='Response']/*[local-name(.)='Issuer']", action: 'after' } });
    out = s.getSignedXml();
  }
  return out;
}

/** Sizes of a signed Response: { responseBytes, assertionBytes }. */
export function sizes(signedXml) {
  const a = signedXml.indexOf('<saml:Assertion');
  const b = signedXml.indexOf('</saml:Assertion>') + '</saml:Assertion>'.length;
  return { responseBytes: Buffer.byteLength(signedXml), assertionBytes: b - a };
}
