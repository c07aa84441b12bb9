/**
 * A SAML identity provider for tests, independent of the broker's SAML code: keys and certificates
 * come from `openssl`, responses are XML templates signed (and encrypted) by Debian's `xmlsec1`.
 * Nothing here imports src/. Synchronous (execFileSync), so it can be used anywhere in a test.
 *
 *   import { createTestIdp, generateKeyPair, toBase64 } from '../helpers/samlIdp.js';
 *
 *   const idp = createTestIdp({ entityId: 'https://idp.example.test/metadata' });
 *   idp.metadataXml()                       // IdP metadata: signing certificate(s), SSO URLs
 *   idp.writeMetadata('/tmp/dir/idp.xml')   // the same, written to a file; returns the path
 *   const b64 = idp.response({              // base64 of a signed samlp:Response, ready to POST
 *     acsUrl: 'http://localhost:8080/saml',            // Destination and Recipient
 *     audience: 'http://localhost:8080/saml/metadata', // the SP entity id
 *     nameId: 'alice@example.com',
 *     attributes: { 'https://aws.amazon.com/SAML/Attributes/Role': ['arn:…:role/Dev,arn:…:saml-provider/Corp'] },
 *   });
 *   idp.responseXml({ …, sign: 'both' })    // the signed XML text, to mutate (see the attack helpers)
 *   idp.unsignedXml({ … })                  // the same document before signing (for checks that need no signature)
 *   generateKeyPair('sp-encryption')        // any other key + certificate (SP keys, an attacker's key…)
 *   xmlsecVerify(xml, idp.keys, xpath)      // xmlsec1 as an independent verifier
 *
 * Response options (`ResponseOptions`): issuer, responseIssuer, destination, recipient, audience,
 * nameId (or raw nameIdXml), nameIdFormat, ids, every time (issueInstant, notBefore, notOnOrAfter,
 * subjectNotOnOrAfter, authnInstant, sessionNotOnOrAfter), inResponseTo (and where it goes),
 * authnContextClassRef, attributes, status. Signing options (`SignOptions`): which elements are
 * signed (`sign`: assertion (default) | response | both | none), `algorithm` (rsa-sha256 default,
 * rsa-sha1, rsa-sha384, rsa-sha512, ecdsa-sha256/384 with an EC `signingKey`), `digest`, `signingKey` (another KeyPair), `keyInfo` (embed the signing
 * certificate, another certificate, or none), `encryptTo` (an SP KeyPair: the Assertion becomes an
 * EncryptedAssertion, RSA-OAEP + AES-256-GCM by default).
 *
 * Attack helpers: `xsw(xml, 'XSW1'…'XSW8')`, `injectIntoNameId`, `replaceInXml` and
 * `addResponseExtensions` mutate an already signed document, as an attacker would; `billionLaughs`,
 * `externalEntity` and `deeplyNested` build hostile documents from scratch.
 *
 * Keys are cached per process (by label), and every xmlsec1 run is one signature or encryption: a
 * response signed on both elements costs two runs (~30 ms each).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import type { Element } from '@xmldom/xmldom';

const XMLSEC1 = '/usr/bin/xmlsec1';
const NS_SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const NS_SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const NS_DS = 'http://www.w3.org/2000/09/xmldsig#';

export const AWS_ROLE = 'https://aws.amazon.com/SAML/Attributes/Role';
export const AWS_ROLE_SESSION_NAME = 'https://aws.amazon.com/SAML/Attributes/RoleSessionName';
export const AWS_SESSION_DURATION = 'https://aws.amazon.com/SAML/Attributes/SessionDuration';
export const AWS_SOURCE_IDENTITY = 'https://aws.amazon.com/SAML/Attributes/SourceIdentity';

// ---- keys ---------------------------------------------------------------------------------------

export interface KeyPair {
  readonly label: string;
  readonly keyPem: string;
  readonly certPem: string;
  readonly keyPath: string;
  readonly certPath: string;
  /** The certificate's base64 DER (what goes in metadata X509Certificate). */
  readonly certBase64: string;
}

let workDir: string | undefined;
function dir(): string {
  if (!workDir) {
    workDir = mkdtempSync(join(tmpdir(), 'fedbroker-saml-idp-'));
    const created = workDir;
    process.once('exit', () => rmSync(created, { recursive: true, force: true }));
  }
  return workDir;
}

const keyCache = new Map<string, KeyPair>();

/**
 * A private key and self-signed certificate made by openssl, cached per process by label.
 * `spec`: 'rsa:2048' (default), 'rsa:1024', 'rsa:512' (too small: metadata must refuse it), 'ec:P-256'.
 */
export function generateKeyPair(label: string, spec = 'rsa:2048'): KeyPair {
  const cacheKey = `${label}|${spec}`;
  const cached = keyCache.get(cacheKey);
  if (cached) return cached;
  const safe = label.replace(/[^\w.-]/g, '_');
  const keyPath = join(dir(), `${safe}.key.pem`);
  const certPath = join(dir(), `${safe}.cert.pem`);
  const keyArgs = spec.startsWith('ec:') ? ['-newkey', 'ec', '-pkeyopt', `ec_paramgen_curve:${spec.slice(3)}`] : ['-newkey', spec];
  execFileSync('openssl', ['req', '-x509', ...keyArgs, '-sha256', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '3650', '-subj', `/CN=${safe}`], { stdio: 'pipe' });
  const certPem = readFileSync(certPath, 'utf8');
  const pair: KeyPair = {
    label,
    keyPem: readFileSync(keyPath, 'utf8'),
    certPem,
    keyPath,
    certPath,
    certBase64: certPem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, ''),
  };
  keyCache.set(cacheKey, pair);
  return pair;
}

// ---- response options ---------------------------------------------------------------------------

type Instant = Date | number | string;

export interface ResponseOptions {
  /** Destination and Recipient (default http://localhost:8080/saml). */
  acsUrl?: string;
  /** Response@Destination; null omits it (default acsUrl). */
  destination?: string | null;
  /** SubjectConfirmationData@Recipient; null omits it (default acsUrl). */
  recipient?: string | null;
  /** Audience(s) in one AudienceRestriction (default http://localhost:8080/saml/metadata); null omits Conditions' restriction. */
  audience?: string | string[] | null;
  /** Assertion Issuer (default the IdP entity id). */
  issuer?: string;
  /** Response Issuer; null omits it (default = issuer). */
  responseIssuer?: string | null;
  /** NameID text (escaped), default 'alice@example.com'. */
  nameId?: string;
  /** Raw NameID content (not escaped: may hold comments, CDATA…); wins over nameId. null = no NameID. */
  nameIdXml?: string | null;
  /** NameID Format; null omits it (default persistent). */
  nameIdFormat?: string | null;
  assertionId?: string;
  responseId?: string;
  /** Default now. */
  issueInstant?: Instant;
  /** Conditions@NotBefore; null omits it (default now - 30 s). */
  notBefore?: Instant | null;
  /** Conditions@NotOnOrAfter; null omits it (default now + 5 min). */
  notOnOrAfter?: Instant | null;
  /** SubjectConfirmationData@NotOnOrAfter; null omits it (default = notOnOrAfter or now + 5 min). */
  subjectNotOnOrAfter?: Instant | null;
  /** AuthnStatement@AuthnInstant (default now - 10 s). */
  authnInstant?: Instant;
  /** AuthnStatement@SessionNotOnOrAfter (default none). */
  sessionNotOnOrAfter?: Instant;
  /** Sets InResponseTo on the Response and the SubjectConfirmationData (see inResponseToOn). */
  inResponseTo?: string;
  inResponseToOn?: 'both' | 'response' | 'confirmation';
  /** AuthnContextClassRef (default PasswordProtectedTransport). */
  authnContextClassRef?: string;
  /** Attribute Name → value(s). */
  attributes?: Record<string, string | readonly string[]>;
  /** Top-level StatusCode (default Success). */
  status?: string;
  /** SubjectConfirmation@Method (default bearer). */
  confirmationMethod?: string;
  /** How many identical SubjectConfirmation elements (default 1). */
  subjectConfirmations?: number;
}

export interface SignOptions {
  /** Which elements carry a signature (default 'assertion'). */
  sign?: 'assertion' | 'response' | 'both' | 'none';
  algorithm?: 'rsa-sha256' | 'rsa-sha1' | 'rsa-sha384' | 'rsa-sha512' | 'ecdsa-sha256' | 'ecdsa-sha384';
  /** Default: the algorithm's hash. */
  digest?: 'sha256' | 'sha1' | 'sha384' | 'sha512';
  /** Sign with this key instead of the IdP's. */
  signingKey?: KeyPair;
  /** KeyInfo: true (default) embeds the signing certificate, a KeyPair embeds that certificate, false none. */
  keyInfo?: boolean | KeyPair;
  /** Encrypt the (signed) Assertion to this SP certificate: an EncryptedAssertion. */
  encryptTo?: KeyPair;
  /** Content encryption (default aes256-gcm). */
  encryption?: 'aes256-gcm' | 'aes128-gcm' | 'aes256-cbc' | 'aes128-cbc';
}

const SIGNATURE_URI = {
  'rsa-sha256': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'rsa-sha1': 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  'rsa-sha384': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  'rsa-sha512': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  'ecdsa-sha256': 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  'ecdsa-sha384': 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384',
} as const;
const DIGEST_URI = {
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha384: 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
} as const;
const ENCRYPTION_URI = {
  'aes256-gcm': ['http://www.w3.org/2009/xmlenc11#aes256-gcm', 'aes-256'],
  'aes128-gcm': ['http://www.w3.org/2009/xmlenc11#aes128-gcm', 'aes-128'],
  'aes256-cbc': ['http://www.w3.org/2001/04/xmlenc#aes256-cbc', 'aes-256'],
  'aes128-cbc': ['http://www.w3.org/2001/04/xmlenc#aes128-cbc', 'aes-128'],
} as const;

export const NAMEID_PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
export const NAMEID_TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';
export const NAMEID_EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
export const DEFAULT_ACS_URL = 'http://localhost:8080/saml';
export const DEFAULT_SP_ENTITY_ID = 'http://localhost:8080/saml/metadata';

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function iso(t: Instant): string {
  return typeof t === 'string' ? t : new Date(t).toISOString();
}

export function newId(): string {
  return `_${randomBytes(16).toString('hex')}`;
}

export function toBase64(xml: string): string {
  return Buffer.from(xml, 'utf8').toString('base64');
}

export function fromBase64(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}

// ---- the IdP ------------------------------------------------------------------------------------

export interface TestIdpOptions {
  entityId?: string;
  /** Key label (cached per process): two IdPs with one label share a key. */
  keyLabel?: string;
  ssoUrl?: string;
}

export class TestIdp {
  readonly entityId: string;
  readonly keys: KeyPair;
  readonly ssoUrl: string;

  constructor(options: TestIdpOptions = {}) {
    this.entityId = options.entityId ?? 'https://idp.example.test/metadata';
    this.keys = generateKeyPair(options.keyLabel ?? 'test-idp');
    this.ssoUrl = options.ssoUrl ?? 'https://idp.example.test/sso';
  }

  /** IdP metadata; `signingKeys` replaces the IdP's own certificate (e.g. two keys during a rotation). */
  metadataXml(options: { signingKeys?: readonly KeyPair[]; entityId?: string; keyUse?: 'signing' | 'none' | 'encryption' } = {}): string {
    const keys = options.signingKeys ?? [this.keys];
    const use = options.keyUse ?? 'signing';
    const descriptors = keys
      .map((k) => `<md:KeyDescriptor${use === 'none' ? '' : ` use="${use}"`}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${k.certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`)
      .join('');
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n` +
      `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="${NS_DS}" entityID="${escapeXml(options.entityId ?? this.entityId)}">` +
      `<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${descriptors}` +
      `<md:NameIDFormat>${NAMEID_PERSISTENT}</md:NameIDFormat>` +
      `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${escapeXml(this.ssoUrl)}"/>` +
      `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${escapeXml(this.ssoUrl)}/post"/>` +
      `</md:IDPSSODescriptor></md:EntityDescriptor>\n`
    );
  }

  writeMetadata(path?: string, options?: Parameters<TestIdp['metadataXml']>[0]): string {
    const target = path ?? join(dir(), `metadata-${randomBytes(4).toString('hex')}.xml`);
    writeFileSync(target, this.metadataXml(options));
    return target;
  }

  /** Base64 of a signed Response (the SAMLResponse form field / SAMLAssertion parameter). */
  response(options: ResponseOptions & SignOptions = {}): string {
    return toBase64(this.responseXml(options));
  }

  /** The signed Response as XML text. */
  responseXml(options: ResponseOptions & SignOptions = {}): string {
    const sign = options.sign ?? 'assertion';
    const algorithm = options.algorithm ?? 'rsa-sha256';
    const digest = options.digest ?? (algorithm.replace(/^(rsa|ecdsa)-/, '') as NonNullable<SignOptions['digest']>);
    const signingKey = options.signingKey ?? this.keys;
    const keyInfo = options.keyInfo ?? true;
    const assertionId = options.assertionId ?? newId();
    const responseId = options.responseId ?? newId();
    const template = (id: string) => signatureTemplate(id, SIGNATURE_URI[algorithm], DIGEST_URI[digest], keyInfo !== false);
    let xml = this.unsignedXml({
      ...options,
      assertionId,
      responseId,
      assertionSignature: sign === 'assertion' || sign === 'both' ? template(assertionId) : '',
      responseSignature: sign === 'response' || sign === 'both' ? template(responseId) : '',
      encrypted: options.encryptTo !== undefined,
    });
    // The certificate xmlsec1 writes into KeyInfo is the one given after the key.
    const certForKeyInfo = typeof keyInfo === 'object' ? keyInfo : signingKey;
    if (sign === 'assertion' || sign === 'both') xml = xmlsecSign(xml, signingKey, certForKeyInfo, "/*[local-name()='Response']/*/descendant-or-self::*[local-name()='Assertion']/*[local-name()='Signature']");
    if (options.encryptTo) xml = xmlsecEncryptAssertion(xml, options.encryptTo, options.encryption ?? 'aes256-gcm');
    if (sign === 'response' || sign === 'both') xml = xmlsecSign(xml, signingKey, certForKeyInfo, "/*[local-name()='Response']/*[local-name()='Signature']");
    return xml;
  }

  /** The Response before signing, with signature templates where given. */
  unsignedXml(options: ResponseOptions & { assertionSignature?: string; responseSignature?: string; encrypted?: boolean } = {}): string {
    const now = Date.now();
    const acsUrl = options.acsUrl ?? DEFAULT_ACS_URL;
    const issuer = options.issuer ?? this.entityId;
    const responseIssuer = options.responseIssuer === undefined ? issuer : options.responseIssuer;
    const destination = options.destination === undefined ? acsUrl : options.destination;
    const recipient = options.recipient === undefined ? acsUrl : options.recipient;
    const audience = options.audience === undefined ? DEFAULT_SP_ENTITY_ID : options.audience;
    const issueInstant = iso(options.issueInstant ?? now);
    const notBefore = options.notBefore === undefined ? iso(now - 30_000) : options.notBefore === null ? undefined : iso(options.notBefore);
    const notOnOrAfter = options.notOnOrAfter === undefined ? iso(now + 300_000) : options.notOnOrAfter === null ? undefined : iso(options.notOnOrAfter);
    const subjectNotOnOrAfter = options.subjectNotOnOrAfter === undefined ? (notOnOrAfter ?? iso(now + 300_000)) : options.subjectNotOnOrAfter === null ? undefined : iso(options.subjectNotOnOrAfter);
    const irtOn = options.inResponseToOn ?? 'both';
    const irt = options.inResponseTo;
    const responseIrt = irt !== undefined && irtOn !== 'confirmation' ? ` InResponseTo="${escapeXml(irt)}"` : '';
    const confirmationIrt = irt !== undefined && irtOn !== 'response' ? ` InResponseTo="${escapeXml(irt)}"` : '';
    const format = options.nameIdFormat === undefined ? NAMEID_PERSISTENT : options.nameIdFormat;
    const nameIdContent = options.nameIdXml !== undefined ? options.nameIdXml : escapeXml(options.nameId ?? 'alice@example.com');
    const nameId = nameIdContent === null ? '' : `<saml:NameID${format === null ? '' : ` Format="${escapeXml(format)}"`}>${nameIdContent}</saml:NameID>`;
    const confirmation =
      `<saml:SubjectConfirmation Method="${escapeXml(options.confirmationMethod ?? 'urn:oasis:names:tc:SAML:2.0:cm:bearer')}">` +
      `<saml:SubjectConfirmationData${subjectNotOnOrAfter ? ` NotOnOrAfter="${subjectNotOnOrAfter}"` : ''}${recipient === null ? '' : ` Recipient="${escapeXml(recipient)}"`}${confirmationIrt}/>` +
      `</saml:SubjectConfirmation>`;
    const audiences = audience === null ? '' : `<saml:AudienceRestriction>${(Array.isArray(audience) ? audience : [audience]).map((a) => `<saml:Audience>${escapeXml(a)}</saml:Audience>`).join('')}</saml:AudienceRestriction>`;
    const attributes = Object.entries(options.attributes ?? {})
      .map(([name, value]) =>
        `<saml:Attribute Name="${escapeXml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">` +
        (typeof value === 'string' ? [value] : value).map((v) => `<saml:AttributeValue xsi:type="xs:string">${escapeXml(v)}</saml:AttributeValue>`).join('') +
        `</saml:Attribute>`)
      .join('');
    const assertion =
      `<saml:Assertion xmlns:saml="${NS_SAML}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="${options.assertionId ?? newId()}" Version="2.0" IssueInstant="${issueInstant}">` +
      `<saml:Issuer>${escapeXml(issuer)}</saml:Issuer>` +
      (options.assertionSignature ?? '') +
      `<saml:Subject>${nameId}${confirmation.repeat(options.subjectConfirmations ?? 1)}</saml:Subject>` +
      `<saml:Conditions${notBefore ? ` NotBefore="${notBefore}"` : ''}${notOnOrAfter ? ` NotOnOrAfter="${notOnOrAfter}"` : ''}>${audiences}</saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${iso(options.authnInstant ?? now - 10_000)}" SessionIndex="${newId()}"${options.sessionNotOnOrAfter !== undefined ? ` SessionNotOnOrAfter="${iso(options.sessionNotOnOrAfter)}"` : ''}>` +
      `<saml:AuthnContext><saml:AuthnContextClassRef>${escapeXml(options.authnContextClassRef ?? 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport')}</saml:AuthnContextClassRef></saml:AuthnContext>` +
      `</saml:AuthnStatement>` +
      (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') +
      `</saml:Assertion>`;
    return (
      `<samlp:Response xmlns:samlp="${NS_SAMLP}" xmlns:saml="${NS_SAML}" ID="${options.responseId ?? newId()}" Version="2.0" IssueInstant="${issueInstant}"` +
      `${destination === null ? '' : ` Destination="${escapeXml(destination)}"`}${responseIrt}>` +
      (responseIssuer === null ? '' : `<saml:Issuer>${escapeXml(responseIssuer)}</saml:Issuer>`) +
      (options.responseSignature ?? '') +
      `<samlp:Status><samlp:StatusCode Value="${escapeXml(options.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success')}"/></samlp:Status>` +
      (options.encrypted ? `<saml:EncryptedAssertion>${assertion}</saml:EncryptedAssertion>` : assertion) +
      `</samlp:Response>`
    );
  }
}

export function createTestIdp(options: TestIdpOptions = {}): TestIdp {
  return new TestIdp(options);
}

function signatureTemplate(id: string, signatureUri: string, digestUri: string, keyInfo: boolean): string {
  return (
    `<ds:Signature xmlns:ds="${NS_DS}"><ds:SignedInfo>` +
    `<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>` +
    `<ds:SignatureMethod Algorithm="${signatureUri}"/>` +
    `<ds:Reference URI="#${id}"><ds:Transforms>` +
    `<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>` +
    `<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>` +
    `</ds:Transforms><ds:DigestMethod Algorithm="${digestUri}"/><ds:DigestValue/></ds:Reference>` +
    `</ds:SignedInfo><ds:SignatureValue/>${keyInfo ? '<ds:KeyInfo><ds:X509Data/></ds:KeyInfo>' : ''}</ds:Signature>`
  );
}

function runXmlsec(args: string[], input: string): string {
  const base = join(dir(), randomBytes(8).toString('hex'));
  const inPath = `${base}.in.xml`;
  const outPath = `${base}.out.xml`;
  writeFileSync(inPath, input);
  try {
    execFileSync(XMLSEC1, [...args, '--output', outPath, inPath], { stdio: 'pipe' });
    return readFileSync(outPath, 'utf8');
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`xmlsec1 ${args[0]} failed: ${stderr.slice(0, 2000)}`);
  } finally {
    rmSync(inPath, { force: true });
    if (existsSync(outPath)) rmSync(outPath, { force: true });
  }
}

const ID_ATTRS = ['--id-attr:ID', `${NS_SAMLP}:Response`, '--id-attr:ID', `${NS_SAML}:Assertion`];

/** Fill the ds:Signature template selected by `signatureXpath` with xmlsec1. */
export function xmlsecSign(xml: string, key: KeyPair, keyInfoCert: KeyPair, signatureXpath: string): string {
  return runXmlsec(['--sign', '--privkey-pem', `${key.keyPath},${keyInfoCert.certPath}`, ...ID_ATTRS, '--node-xpath', signatureXpath], xml);
}

/** Replace the Assertion inside <saml:EncryptedAssertion> by its encryption to `sp`'s certificate. */
export function xmlsecEncryptAssertion(xml: string, sp: KeyPair, encryption: NonNullable<SignOptions['encryption']>): string {
  const [uri, sessionKey] = ENCRYPTION_URI[encryption];
  const template =
    `<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element">` +
    `<xenc:EncryptionMethod Algorithm="${uri}"/><ds:KeyInfo xmlns:ds="${NS_DS}"><xenc:EncryptedKey>` +
    `<xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/>` +
    `<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>`;
  const dataPath = join(dir(), `${randomBytes(8).toString('hex')}.data.xml`);
  writeFileSync(dataPath, xml);
  try {
    return runXmlsec(['encrypt', '--pubkey-cert-pem', sp.certPath, '--session-key', `${sessionKey}`, '--xml-data', dataPath, '--node-xpath', "//*[local-name()='EncryptedAssertion']/*[local-name()='Assertion']"], template);
  } finally {
    rmSync(dataPath, { force: true });
  }
}

/** Verify a signature with xmlsec1 (an oracle independent of the broker). */
export function xmlsecVerify(xml: string, cert: KeyPair, signatureXpath: string): boolean {
  try {
    runXmlsec(['--verify', '--pubkey-cert-pem', cert.certPath, ...ID_ATTRS, '--node-xpath', signatureXpath], xml);
    return true;
  } catch {
    return false;
  }
}

// ---- attacks: mutations of a signed document -----------------------------------------------------

function parse(xml: string) {
  return new DOMParser().parseFromString(xml, 'text/xml');
}
function serialize(node: unknown): string {
  return new XMLSerializer().serializeToString(node as never);
}
function firstChild(parent: Element, ns: string, localName: string): Element | undefined {
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === localName) return n as Element;
  }
  return undefined;
}

/** Make an attacker's copy of an Assertion: NameID and every AttributeValue replaced. */
function evilCopy(assertion: Element, evil: EvilContent, keepSignature: boolean, newId?: string): Element {
  const copy = assertion.cloneNode(true) as Element;
  if (newId) copy.setAttribute('ID', newId);
  if (!keepSignature) {
    const sig = firstChild(copy, NS_DS, 'Signature');
    if (sig) copy.removeChild(sig);
  }
  const subject = firstChild(copy, NS_SAML, 'Subject');
  const nameId = subject && firstChild(subject, NS_SAML, 'NameID');
  if (nameId) nameId.textContent = evil.nameId;
  const statement = firstChild(copy, NS_SAML, 'AttributeStatement');
  if (statement) {
    for (let a = statement.firstChild; a; a = a.nextSibling) {
      if (a.nodeType !== 1) continue;
      for (let v = a.firstChild; v; v = v.nextSibling) if (v.nodeType === 1) v.textContent = evil.attributeValue;
    }
  }
  return copy;
}

export interface EvilContent {
  nameId: string;
  attributeValue: string;
}
const DEFAULT_EVIL: EvilContent = { nameId: 'admin@victim.example', attributeValue: 'arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/Evil' };

export type XswVariant = 'XSW1' | 'XSW2' | 'XSW3' | 'XSW4' | 'XSW5' | 'XSW6' | 'XSW7' | 'XSW8';

/**
 * XML signature wrapping, after the classic XSW1–XSW8 catalogue (Somorovsky et al., SAML Raider):
 * the signed node stays intact somewhere the verifier may still find it, and an attacker's unsigned
 * copy sits where a naive consumer reads. XSW1/XSW2 need a signed Response (sign: 'response' or
 * 'both'); XSW3–XSW8 a signed Assertion.
 */
export function xsw(signedXml: string, variant: XswVariant, evil: EvilContent = DEFAULT_EVIL): string {
  const doc = parse(signedXml);
  const response = doc.documentElement!;
  const assertion = firstChild(response, NS_SAML, 'Assertion');
  if (!assertion) throw new Error('xsw: no Assertion');
  switch (variant) {
    case 'XSW1':
    case 'XSW2': {
      // An unsigned copy of the Response becomes the root; the signed original hides inside (XSW1:
      // in the copy's Signature; XSW2: next to it, before it).
      const signature = firstChild(response, NS_DS, 'Signature');
      if (!signature) throw new Error(`${variant}: needs a signed Response`);
      const evilResponse = response.cloneNode(true) as Element;
      evilResponse.setAttribute('ID', newId());
      const evilAssertion = firstChild(evilResponse, NS_SAML, 'Assertion')!;
      evilResponse.replaceChild(evilCopy(evilAssertion, evil, false), evilAssertion);
      const evilSignature = firstChild(evilResponse, NS_DS, 'Signature')!;
      const original = response.cloneNode(true) as Element;
      if (variant === 'XSW1') evilSignature.appendChild(original);
      else evilResponse.insertBefore(original, evilSignature);
      return `<?xml version="1.0"?>\n${serialize(evilResponse)}`;
    }
    case 'XSW3':
      // Evil unsigned Assertion (same ID) before the signed one.
      response.insertBefore(evilCopy(assertion, evil, false), assertion);
      break;
    case 'XSW4': {
      // Evil Assertion wraps the signed one.
      const wrapper = evilCopy(assertion, evil, false, newId());
      response.replaceChild(wrapper, assertion);
      wrapper.appendChild(assertion);
      break;
    }
    case 'XSW5': {
      // The signed Assertion's content is altered in place (signature kept); an untouched copy of the
      // original is appended to the Response for the verifier to find.
      const original = assertion.cloneNode(true) as Element;
      response.replaceChild(evilCopy(assertion, evil, true), assertion);
      response.appendChild(original);
      break;
    }
    case 'XSW6': {
      // As XSW5, but the original copy hides inside the altered Assertion's Signature.
      const original = assertion.cloneNode(true) as Element;
      const altered = evilCopy(assertion, evil, true);
      response.replaceChild(altered, assertion);
      const originalSig = firstChild(original, NS_DS, 'Signature');
      if (originalSig) original.removeChild(originalSig);
      firstChild(altered, NS_DS, 'Signature')!.appendChild(original);
      break;
    }
    case 'XSW7': {
      // The signed Assertion moves into an Extensions element; an unsigned evil one takes its place.
      const extensions = doc.createElementNS(NS_SAMLP, 'samlp:Extensions');
      response.insertBefore(extensions, firstChild(response, NS_SAMLP, 'Status') ?? null);
      response.replaceChild(evilCopy(assertion, evil, false), assertion);
      extensions.appendChild(assertion);
      break;
    }
    case 'XSW8': {
      // The evil Assertion keeps the Signature; the original (signature removed) sits in a ds:Object.
      const original = assertion.cloneNode(true) as Element;
      const originalSig = firstChild(original, NS_DS, 'Signature');
      if (originalSig) original.removeChild(originalSig);
      const altered = evilCopy(assertion, evil, true);
      response.replaceChild(altered, assertion);
      const object = doc.createElementNS(NS_DS, 'ds:Object');
      object.appendChild(original);
      firstChild(altered, NS_DS, 'Signature')!.appendChild(object);
      break;
    }
  }
  return serialize(doc);
}

/** Insert raw markup (e.g. `<!---->`, `<![CDATA[]]>`) into the NameID text right after `after`. */
export function injectIntoNameId(signedXml: string, after: string, markup: string): string {
  const open = signedXml.indexOf('<saml:NameID');
  const start = signedXml.indexOf('>', open) + 1;
  const at = signedXml.indexOf(after, start);
  if (open < 0 || at < 0) throw new Error('injectIntoNameId: text not found');
  return signedXml.slice(0, at + after.length) + markup + signedXml.slice(at + after.length);
}

/** Replace the first occurrence of `from` (a plain text edit of a signed document). */
export function replaceInXml(xml: string, from: string, to: string): string {
  const at = xml.indexOf(from);
  if (at < 0) throw new Error(`replaceInXml: ${from} not found`);
  return xml.slice(0, at) + to + xml.slice(at + from.length);
}

/** Add an unsigned <samlp:Extensions> with `inner` to the Response (allowed when only the Assertion is signed). */
export function addResponseExtensions(signedXml: string, inner: string): string {
  return replaceInXml(signedXml, '<samlp:Status>', `<samlp:Extensions>${inner}</samlp:Extensions><samlp:Status>`);
}

/** A Response declaring a DTD with an entity-expansion bomb. */
export function billionLaughs(): string {
  const levels = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
  return `<?xml version="1.0"?><!DOCTYPE samlp:Response [<!ENTITY lol0 "lol">${levels}]><samlp:Response xmlns:samlp="${NS_SAMLP}" ID="_x" Version="2.0">&lol9;</samlp:Response>`;
}

/** A Response referring to an external entity (XXE). */
export function externalEntity(): string {
  return `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><samlp:Response xmlns:samlp="${NS_SAMLP}" ID="_x" Version="2.0"><saml:Issuer xmlns:saml="${NS_SAML}">&xxe;</saml:Issuer></samlp:Response>`;
}

/** A Response whose Extensions nest `depth` elements. */
export function deeplyNested(depth: number): string {
  return `<samlp:Response xmlns:samlp="${NS_SAMLP}" ID="_x" Version="2.0"><samlp:Extensions>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</samlp:Extensions></samlp:Response>`;
}
