/**
 * The documents of the differential test (differential.test.ts): signed Responses of many shapes
 * ("bases", signed by xmlsec1, or by xml-crypto for RSA-PSS which xmlsec1 1.2 cannot do), the
 * mutations an attacker or a sloppy IdP could make to each one, re-signed variants, and one case
 * per row of security.md's SAML table. Every case says whether it must be accepted.
 *
 * Mutations are plain text edits of the signed XML (or the XSW helpers' DOM moves), so they
 * exercise what a parser does with them — entities, CDATA, quotes, namespace declarations.
 */
import { SignedXml } from 'xml-crypto';
import type { SamlProviderSettings, SamlServiceProviderSettings } from '../../../src/federation/saml/settings.js';
import type { ValidateOptions } from '../../../src/federation/saml/validate.js';
import {
  AWS_ROLE, AWS_ROLE_SESSION_NAME, billionLaughs, createTestIdp, deeplyNested, escapeXml, externalEntity, generateKeyPair, newId, xmlsecSign, xsw,
} from '../../helpers/samlIdp.js';
import type { KeyPair, ResponseOptions, SignOptions, TestIdp, XswVariant } from '../../helpers/samlIdp.js';
import { ACCOUNT, PROVIDER_ARN } from './support.js';

export const DS = 'http://www.w3.org/2000/09/xmldsig#';
const EXC = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const EXC_WC = `${EXC}WithComments`;
const INCLUSIVE = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const ENVELOPED = `${DS}enveloped-signature`;
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const NS_SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const NS_SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
export const ASSERTION_SIGNATURE_XPATH = "/*[local-name()='Response']/*[local-name()='Assertion']/*[local-name()='Signature']";
export const RESPONSE_SIGNATURE_XPATH = "/*[local-name()='Response']/*[local-name()='Signature']";
const SIGN_ASSERTION_XPATH = "/*[local-name()='Response']/*/descendant-or-self::*[local-name()='Assertion']/*[local-name()='Signature']";

export const idp: TestIdp = createTestIdp();
export const keys = {
  idp: idp.keys,
  next: generateKeyPair('rotation-next'),
  attacker: generateKeyPair('attacker'),
  ec: generateKeyPair('ec-idp', 'ec:P-256'),
  sp: generateKeyPair('sp-encryption'),
};

export interface Case {
  readonly name: string;
  readonly xml: string;
  /** Must the broker accept it? */
  readonly valid: boolean;
  /** For a rejection: the AWS error code it must get (checked when given). */
  readonly code?: string;
  readonly provider?: Partial<SamlProviderSettings>;
  /** Metadata signing keys (default: the IdP's own). */
  readonly metadataKeys?: readonly KeyPair[];
  readonly sp?: Partial<SamlServiceProviderSettings>;
  readonly options?: Partial<ValidateOptions>;
  /**
   * node-saml is known to disagree, so xmlsec1 is the only independent verifier: it cannot verify the
   * algorithm (ECDSA, RSA-SHA384), or its parser applies XML 1.1 line-end rules, so it refuses raw
   * U+0085/U+2028 in signed text and reads them as line feeds when re-parsing the signed bytes.
   */
  readonly libraryDiffers?: 'algorithm' | 'XML 1.1 line ends';
  /** xmlsec1 1.2 cannot verify it (RSA-PSS), or cannot see the signature (inside an EncryptedAssertion). */
  readonly xmlsecCannotVerify?: 'all' | 'assertion';
}

/** A signed document every mutation starts from, and how it was signed. */
interface Base extends Omit<Case, 'valid' | 'code'> {
  readonly sign: 'assertion' | 'response' | 'both';
  readonly withComments?: boolean;
  readonly keyInfo: boolean;
  /** The full mutation catalogue (true) or the core set. */
  readonly full: boolean;
}

const ATTRIBUTES = {
  [AWS_ROLE]: [`arn:aws:iam::${ACCOUNT}:role/Developer,${PROVIDER_ARN}`, `${PROVIDER_ARN},arn:aws:iam::${ACCOUNT}:role/ReadOnly`],
  [AWS_ROLE_SESSION_NAME]: 'alice@example.com',
  groups: ['dev & ops', '<admins>', 'quote " and \' marks', 'naïve ☃ 𝄞', 'tab\there', 'a > b'],
};
const base = (o: ResponseOptions & SignOptions = {}) => idp.responseXml({ attributes: ATTRIBUTES, nameId: 'alice@example.com', ...o });

// ---- signature templates (for what TestIdp's own template cannot express) ------------------------

interface TemplateOptions {
  uri: string;
  c14n?: string;
  c14nInner?: string;
  transforms?: readonly (string | { algorithm: string; inner: string })[];
  signatureMethod?: string;
  extraReference?: string;
  keyInfo?: boolean;
  object?: boolean;
}

function template(o: TemplateOptions): string {
  const transforms = (o.transforms ?? [ENVELOPED, EXC])
    .map((t) => (typeof t === 'string' ? `<ds:Transform Algorithm="${t}"/>` : `<ds:Transform Algorithm="${t.algorithm}">${t.inner}</ds:Transform>`))
    .join('');
  const reference = (uri: string) =>
    `<ds:Reference URI="${uri}"><ds:Transforms>${transforms}</ds:Transforms><ds:DigestMethod Algorithm="${SHA256}"/><ds:DigestValue/></ds:Reference>`;
  return (
    `<ds:Signature xmlns:ds="${DS}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${o.c14n ?? EXC}">${o.c14nInner ?? ''}</ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="${o.signatureMethod ?? RSA_SHA256}"/>${reference(o.uri)}${o.extraReference !== undefined ? reference(o.extraReference) : ''}</ds:SignedInfo>` +
    `<ds:SignatureValue/>${o.keyInfo === false ? '' : '<ds:KeyInfo><ds:X509Data/></ds:KeyInfo>'}${o.object ? '<ds:Object><x>anything</x></ds:Object>' : ''}</ds:Signature>`
  );
}

const inclusive = (prefixes: string) => `<ec:InclusiveNamespaces xmlns:ec="${EXC}" PrefixList="${prefixes}"/>`;

/** An assertion-signed (or both-signed) Response from custom templates; `edit` changes the unsigned text first. */
function customSigned(o: { assertion?: Omit<TemplateOptions, 'uri'>; response?: Omit<TemplateOptions, 'uri'>; assertionUri?: (ids: { a: string; r: string }) => string; edit?: (xml: string) => string; key?: KeyPair }): string {
  const ids = { a: newId(), r: newId() };
  let xml = idp.unsignedXml({
    attributes: ATTRIBUTES,
    assertionId: ids.a,
    responseId: ids.r,
    ...(o.assertion ? { assertionSignature: template({ uri: o.assertionUri?.(ids) ?? `#${ids.a}`, ...o.assertion }) } : {}),
    ...(o.response ? { responseSignature: template({ uri: `#${ids.r}`, ...o.response }) } : {}),
  });
  if (o.edit) xml = o.edit(xml);
  const key = o.key ?? keys.idp;
  if (o.assertion) xml = xmlsecSign(xml, key, key, SIGN_ASSERTION_XPATH);
  if (o.response) xml = xmlsecSign(xml, key, key, RESPONSE_SIGNATURE_XPATH);
  return xml;
}

/** RSASSA-PSS (sha256-rsa-MGF1) with xml-crypto: the Assertion, signature after its Issuer. */
function pssSigned(): string {
  const signer = new SignedXml({ privateKey: keys.idp.keyPem, signatureAlgorithm: 'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1', canonicalizationAlgorithm: EXC });
  signer.addReference({ xpath: "//*[local-name(.)='Assertion']", digestAlgorithm: SHA256, transforms: [ENVELOPED, EXC] });
  signer.computeSignature(idp.unsignedXml({ attributes: ATTRIBUTES }), { prefix: 'ds', location: { reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' } });
  return signer.getSignedXml();
}

// ---- namespace variants of the unsigned document (applied before signing) --------------------------

const assertionPart = (xml: string, edit: (assertion: string) => string) => {
  const start = xml.indexOf('<saml:Assertion ');
  const end = xml.indexOf('</saml:Assertion>') + '</saml:Assertion>'.length;
  return xml.slice(0, start) + edit(xml.slice(start, end)) + xml.slice(end);
};
const renamePrefix = (xml: string) => xml.replace(/(<\/?)saml:/g, '$1saml2:').replaceAll('xmlns:saml=', 'xmlns:saml2=');
const defaultNamespaceAssertion = (xml: string) =>
  assertionPart(xml, (a) => a.replace(/(<\/?)saml:/g, '$1').replace(`xmlns:saml="${NS_SAML}"`, `xmlns="${NS_SAML}"`));
const namespacesOnResponse = (xml: string) =>
  assertionPart(xml, (a) => a.replace(` xmlns:saml="${NS_SAML}"`, '').replace(' xmlns:xs="http://www.w3.org/2001/XMLSchema"', '').replace(' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"', ''))
    .replace(`<samlp:Response xmlns:samlp="${NS_SAMLP}"`, `<samlp:Response xmlns:samlp="${NS_SAMLP}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`);
const prettyPrinted = (xml: string) => xml.replace(/></g, '>\n  <');

/** Sign an edited unsigned document with TestIdp's own template, as `responseXml` would. */
function editedThenSigned(edit: (xml: string) => string, sign: 'assertion' | 'both'): string {
  return customSigned({ assertion: {}, ...(sign === 'both' ? { response: {} } : {}), edit });
}

export function bases(): Base[] {
  const rsaOnly = { keyInfo: true };
  return [
    { name: 'assertion signed', xml: base(), sign: 'assertion', full: true, ...rsaOnly },
    { name: 'assertion signed, no KeyInfo', xml: base({ keyInfo: false }), sign: 'assertion', full: false, keyInfo: false },
    { name: 'Response signed only', xml: base({ sign: 'response' }), sign: 'response', full: true, provider: { requireSignedAssertion: false }, keyInfo: true },
    { name: 'both signed', xml: base({ sign: 'both' }), sign: 'both', full: true, keyInfo: true },
    { name: 'RSA-SHA512', xml: base({ algorithm: 'rsa-sha512' }), sign: 'assertion', full: false, keyInfo: true },
    { name: 'RSA-SHA384', xml: base({ algorithm: 'rsa-sha384' }), sign: 'assertion', full: false, keyInfo: true, libraryDiffers: 'algorithm' },
    { name: 'RSA-SHA1 (allowSha1)', xml: base({ algorithm: 'rsa-sha1' }), sign: 'assertion', full: false, keyInfo: true, provider: { allowSha1: true } },
    { name: 'ECDSA P-256', xml: base({ algorithm: 'ecdsa-sha256', signingKey: keys.ec }), sign: 'assertion', full: false, keyInfo: true, metadataKeys: [keys.ec], libraryDiffers: 'algorithm' },
    { name: 'both signed, ECDSA P-256', xml: base({ algorithm: 'ecdsa-sha256', signingKey: keys.ec, sign: 'both' }), sign: 'both', full: false, keyInfo: true, metadataKeys: [keys.idp, keys.ec], libraryDiffers: 'algorithm' },
    { name: 'second metadata key (rotation)', xml: base({ signingKey: keys.next }), sign: 'assertion', full: false, keyInfo: true, metadataKeys: [keys.idp, keys.next] },
    {
      name: 'exclusive c14n WithComments',
      xml: customSigned({ assertion: { c14n: EXC_WC, transforms: [ENVELOPED, EXC_WC] }, response: { c14n: EXC_WC, transforms: [ENVELOPED, EXC_WC] } }),
      sign: 'both', withComments: true, full: true, keyInfo: true,
    },
    {
      name: 'InclusiveNamespaces, prefixes declared on the Response',
      xml: customSigned({ assertion: { transforms: [ENVELOPED, { algorithm: EXC, inner: inclusive('xs xsi') }], c14nInner: inclusive('samlp') }, edit: namespacesOnResponse }),
      sign: 'assertion', full: true, keyInfo: true,
    },
    { name: 'pretty-printed', xml: editedThenSigned(prettyPrinted, 'both'), sign: 'both', full: true, keyInfo: true },
    { name: 'saml2 prefix', xml: editedThenSigned(renamePrefix, 'assertion'), sign: 'assertion', full: true, keyInfo: true },
    { name: 'default-namespace Assertion', xml: editedThenSigned(defaultNamespaceAssertion, 'both'), sign: 'both', full: true, keyInfo: true },
    { name: 'namespaces declared on the Response only', xml: editedThenSigned(namespacesOnResponse, 'assertion'), sign: 'assertion', full: false, keyInfo: true },
    {
      name: 'U+0085, U+2028 and CR LF in attribute values (XML 1.0 line ends)', sign: 'assertion', full: false, keyInfo: true, libraryDiffers: 'XML 1.1 line ends',
      xml: customSigned({
        assertion: {},
        edit: (xml) => xml.replace('</saml:AttributeStatement>', '<saml:Attribute Name="lines"><saml:AttributeValue>a\u0085b\r\nc</saml:AttributeValue><saml:AttributeValue>d\u2028e\u2029f&#13;&#10;g</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>'),
      }),
    },
    { name: 'signed comment in the NameID', xml: base({ nameIdXml: 'admin@evil.com<!---->.victim.com' }), sign: 'assertion', full: false, keyInfo: true },
    { name: 'RSA-PSS (xml-crypto)', xml: pssSigned(), sign: 'assertion', full: false, keyInfo: false, xmlsecCannotVerify: 'all' },
    {
      name: 'EncryptedAssertion (signed inside)', xml: base({ encryptTo: keys.sp }), sign: 'assertion', full: false, keyInfo: true,
      sp: { decryptionKeyPem: keys.sp.keyPem, decryptionCertPem: keys.sp.certPem }, xmlsecCannotVerify: 'assertion',
    },
    {
      name: 'EncryptedAssertion, both signed', xml: base({ encryptTo: keys.sp, sign: 'both' }), sign: 'both', full: false, keyInfo: true,
      sp: { decryptionKeyPem: keys.sp.keyPem, decryptionCertPem: keys.sp.certPem }, xmlsecCannotVerify: 'assertion',
    },
  ];
}

// ---- mutations ------------------------------------------------------------------------------------

interface Mutation {
  readonly name: string;
  /** In the core set (applied to every base), or only to `full` bases. */
  readonly core?: boolean;
  /** The edited document, or undefined when the mutation does not apply to this base. */
  readonly apply: (xml: string, b: Base) => string | undefined;
  readonly valid: boolean | ((b: Base) => boolean);
  readonly code?: string | ((b: Base) => string | undefined);
}

const responseSigned = (b: Base) => b.sign !== 'assertion';
/** The text of the first start tag of element `local` (any prefix), e.g. `<saml:Subject>`. */
const startTag = (xml: string, local: string) => new RegExp(`<(?:[\\w.-]+:)?${local}(?=[\\s/>])[^>]*>`).exec(xml)?.[0];
/** Insert `text` before the first start tag of `local`. */
const before = (xml: string, local: string, text: string) => {
  const tag = startTag(xml, local);
  return tag === undefined ? undefined : swap(xml, tag, text + tag);
};
/** The document with the first start tag of `local` edited; undefined when absent or unchanged. */
const editStartTag = (xml: string, local: string, edit: (tag: string) => string) => {
  const tag = startTag(xml, local);
  const edited = tag === undefined ? undefined : edit(tag);
  return tag === undefined || edited === tag ? undefined : swap(xml, tag, edited!);
};
const replaceOnce = (xml: string, from: RegExp | string, to: string) => {
  const found = typeof from === 'string' ? xml.includes(from) : from.test(xml);
  return found ? xml.replace(from, to) : undefined;
};
/** Replace the first occurrence of the text `from` by `to`, literally (no `$` patterns). */
const swap = (xml: string, from: string, to: string) => xml.replace(from, () => to);
/** The Signature elements as text, in document order (Response's first when both). */
const signatures = (xml: string) => [...xml.matchAll(/<ds:Signature[ >][\s\S]*?<\/ds:Signature>/g)].map((m) => m[0]);
/** The signature not covered by another one: the Response's when present. */
const outermost = (xml: string, b: Base) => (responseSigned(b) ? signatures(xml)[0] : signatures(xml).at(-1));
const prefixOf = (tag: string) => /^<([\w.-]+):/.exec(tag)?.[1];
const nameIdText = (xml: string) => /<(?:[\w.-]+:)?NameID[^>]*>([^<]*)</.exec(xml)?.[1];

const XSW_ASSERTION: XswVariant[] = ['XSW3', 'XSW4', 'XSW5', 'XSW6', 'XSW7', 'XSW8'];

export const mutations: Mutation[] = [
  { name: 'unchanged', core: true, apply: (x) => x, valid: true },
  { name: 'white space between Response children', core: true, apply: (x) => before(x, 'Status', '\n   '), valid: (b) => !responseSigned(b) },
  { name: 'comment between Response children', apply: (x) => before(x, 'Status', '<!-- unsigned -->'), valid: true },
  { name: 'white space between Assertion children', core: true, apply: (x) => before(x, 'Conditions', ' '), valid: false, code: 'InvalidIdentityToken' },
  { name: 'U+0085 and U+2028 written as characters instead of references', core: true, apply: (x) => (x.includes('&#x85;') ? x.replaceAll('&#x85;', '\u0085').replaceAll('&#x2028;', '\u2028') : undefined), valid: true },
  { name: 'comment between Assertion children', apply: (x) => before(x, 'Conditions', '<!--c-->'), valid: true },
  {
    name: 'comment inside the NameID', core: true,
    apply: (x) => { const t = nameIdText(x); return t && t.length > 3 ? swap(x, `>${t}<`, `>${t.slice(0, 3)}<!---->${t.slice(3)}<`) : undefined; },
    valid: true,
  },
  { name: 'comment inside SignedInfo', core: true, apply: (x) => replaceOnce(x, '<ds:SignedInfo>', '<ds:SignedInfo><!--c-->'), valid: (b) => !b.withComments, code: 'InvalidIdentityToken' },
  {
    name: 'Assertion attributes reordered', core: true,
    apply: (x) => editStartTag(x, 'Assertion', (t) => { const id = / ID="[^"]*"/.exec(t)?.[0] ?? ''; return t.replace(id, '').replace(/(\/?>)$/, `${id}$1`); }),
    valid: true,
  },
  { name: 'single quotes around an attribute', apply: (x) => editStartTag(x, 'Assertion', (t) => t.replace('Version="2.0"', "Version='2.0'")), valid: true },
  { name: 'empty element written with an end tag', apply: (x) => replaceOnce(x, /<((?:[\w.-]+:)?SubjectConfirmationData)([^>]*?)\/>/, '<$1$2></$1>'), valid: true },
  { name: 'character reference in the NameID', apply: (x) => { const t = nameIdText(x); return t?.includes('@') ? swap(x, `>${t}<`, `>${t.replace('@', '&#64;')}<`) : undefined; }, valid: true },
  { name: 'NameID as CDATA', apply: (x) => { const t = nameIdText(x); return t && !t.includes('&') ? swap(x, `>${t}<`, `><![CDATA[${t}]]><`) : undefined; }, valid: true },
  { name: 'Recipient changed', core: true, apply: (x) => replaceOnce(x, 'Recipient="http://localhost:8080/saml"', 'Recipient="http://localhost:8080/samL"'), valid: false, code: 'InvalidIdentityToken' },
  { name: 'AttributeValue changed', apply: (x) => replaceOnce(x, 'role/ReadOnly', 'role/Admin'), valid: false, code: 'InvalidIdentityToken' },
  { name: 'attribute added to Subject', apply: (x) => editStartTag(x, 'Subject', (t) => t.replace(/>$/, ' Extra="1">')), valid: false, code: 'InvalidIdentityToken' },
  { name: 'AuthnStatement removed', apply: (x) => replaceOnce(x, /<(?:[\w.-]+:)?AuthnStatement[ >][\s\S]*?<\/(?:[\w.-]+:)?AuthnStatement>/, ''), valid: false, code: 'InvalidIdentityToken' },
  {
    name: 'Conditions moved before Subject',
    apply: (x) => {
      const conditions = /<(?:[\w.-]+:)?Conditions[ >][\s\S]*?<\/(?:[\w.-]+:)?Conditions>/.exec(x)?.[0];
      const subject = startTag(x, 'Subject');
      return conditions && subject ? swap(swap(x, conditions, ''), subject, conditions + subject) : undefined;
    },
    valid: false, code: 'InvalidIdentityToken',
  },
  {
    name: 'NameID re-prefixed (same namespace)',
    apply: (x) => replaceOnce(x, /<((?:[\w.-]+:)?)NameID([^>]*)>([^<]*)<\/\1NameID>/, `<x:NameID xmlns:x="${NS_SAML}"$2>$3</x:NameID>`),
    valid: false, code: 'InvalidIdentityToken',
  },
  {
    name: 'namespace redeclared (same URI) on Subject', core: true,
    apply: (x) => editStartTag(x, 'Subject', (t) => { const p = prefixOf(t); return t.replace(/>$/, p ? ` xmlns:${p}="${NS_SAML}">` : ` xmlns="${NS_SAML}">`); }),
    valid: true,
  },
  { name: 'unused namespace declared on the Assertion', apply: (x) => editStartTag(x, 'Assertion', (t) => t.replace(/>$/, ' xmlns:unused="urn:unused">')), valid: true },
  {
    name: 'Assertion namespace declaration dropped (inherited from the Response)',
    apply: (x) => { const t = startTag(x, 'Assertion'); return t?.includes(` xmlns:saml="${NS_SAML}"`) && startTag(x, 'Response')!.includes(`xmlns:saml="${NS_SAML}"`) ? swap(x, t, t.replace(` xmlns:saml="${NS_SAML}"`, '')) : undefined; },
    valid: true,
  },
  { name: 'Assertion moved to another namespace', apply: (x) => editStartTag(x, 'Assertion', (t) => t.replace(`"${NS_SAML}"`, '"urn:evil:assertion"')), valid: false, code: 'IDPRejectedClaim' },
  {
    name: 'DigestValue altered', core: true,
    apply: (x, b) => { const sig = outermost(x, b); const d = sig && /<ds:DigestValue>([^<]+)</.exec(sig)?.[1]; return d ? swap(x, `>${d}<`, `>${flip(d)}<`) : undefined; },
    valid: false, code: 'InvalidIdentityToken',
  },
  {
    name: 'SignatureValue altered', core: true,
    apply: (x, b) => { const sig = outermost(x, b); const v = sig && /<ds:SignatureValue>([^<]+)</.exec(sig)?.[1]; return v ? swap(x, `>${v}<`, `>${flip(v)}<`) : undefined; },
    valid: false, code: 'InvalidIdentityToken',
  },
  {
    name: 'SignatureValue re-wrapped with white space',
    apply: (x, b) => { const sig = outermost(x, b); const v = sig && /<ds:SignatureValue>([^<]+)</.exec(sig)?.[1]; return v ? swap(x, `>${v}<`, `>\n  ${v.replace(/\s+/g, '').replace(/(.{40})/g, '$1\n   ')}\n<`) : undefined; },
    valid: true,
  },
  { name: 'DigestMethod changed', apply: (x) => replaceOnce(x, 'xmlenc#sha256"', 'xmlenc#sha512"'), valid: false, code: 'InvalidIdentityToken' },
  {
    name: 'KeyInfo certificate of the outer signature swapped for the attacker\'s', core: true,
    apply: (x, b) => { const sig = outermost(x, b); const c = sig && /<ds:X509Certificate>([^<]+)</.exec(sig)?.[1]; return c ? swap(x, sig, sig.replace(c, keys.attacker.certBase64)) : undefined; },
    valid: true,
  },
  {
    name: 'KeyInfo of the Assertion swapped inside a signed Response',
    apply: (x, b) => { if (b.sign !== 'both') return undefined; const sig = signatures(x)[1]; const c = sig && /<ds:X509Certificate>([^<]+)</.exec(sig)?.[1]; return c ? swap(x, sig, sig.replace(c, keys.attacker.certBase64)) : undefined; },
    valid: false, code: 'InvalidIdentityToken',
  },
  { name: 'KeyInfo of the outer signature removed', apply: (x, b) => { const sig = outermost(x, b); return sig?.includes('<ds:KeyInfo>') ? swap(x, sig, sig.replace(/<ds:KeyInfo>[\s\S]*<\/ds:KeyInfo>/, '')) : undefined; }, valid: true },
  {
    name: 'outer Signature moved to the end of its element', core: true,
    apply: (x, b) => {
      const sig = outermost(x, b);
      if (!sig) return undefined;
      const closing = responseSigned(b) ? /<\/(?:[\w.-]+:)?Response>\s*$/ : /<\/(?:[\w.-]+:)?Assertion>/;
      const without = swap(x, sig, '');
      const end = closing.exec(without);
      return end ? swap(without, end[0], sig + end[0]) : undefined;
    },
    valid: true,
  },
  { name: 'Assertion ID changed', apply: (x) => editStartTag(x, 'Assertion', (t) => t.replace(/ ID="_/, ' ID="_x')), valid: false, code: (b) => (b.sign === 'response' ? 'InvalidIdentityToken' : 'IDPRejectedClaim') },
  {
    name: 'the Assertion ID also on Status',
    apply: (x) => { const id = / ID="([^"]+)"/.exec(startTag(x, 'Assertion') ?? '')?.[1]; return id ? editStartTag(x, 'Status', (t) => t.replace(/>$/, ` ID="${id}">`)) : undefined; },
    valid: false, code: 'IDPRejectedClaim',
  },
  {
    name: 'unsigned copy of the Assertion appended',
    apply: (x) => { const a = /<((?:[\w.-]+:)?)Assertion[ >][\s\S]*<\/\1Assertion>/.exec(x)?.[0]; return a ? x.replace(/(<\/(?:[\w.-]+:)?Response>\s*)$/, (end) => a.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '') + end) : undefined; },
    valid: false, code: 'IDPRejectedClaim',
  },
  {
    name: 'Subject cloned inside the Assertion',
    apply: (x) => { const s = /<((?:[\w.-]+:)?)Subject[ >][\s\S]*?<\/\1Subject>/.exec(x)?.[0]; return s ? swap(x, s, s + s.replace(/alice@example\.com|admin@evil\.com/, 'admin@victim.example')) : undefined; },
    valid: false, code: 'IDPRejectedClaim',
  },
  {
    name: 'Signature copied into Extensions',
    apply: (x, b) => { const sig = outermost(x, b); return sig ? before(x, 'Status', `<samlp:Extensions>${sig}</samlp:Extensions>`) : undefined; },
    valid: false, code: 'IDPRejectedClaim',
  },
  {
    name: 'evil Subject and attributes in unsigned Extensions',
    apply: (x) => before(x, 'Status', `<samlp:Extensions><saml:Subject xmlns:saml="${NS_SAML}"><saml:NameID>admin@victim.example</saml:NameID></saml:Subject><saml:AttributeStatement xmlns:saml="${NS_SAML}"><saml:Attribute Name="${AWS_ROLE}"><saml:AttributeValue>arn:aws:iam::${ACCOUNT}:role/Admin,${PROVIDER_ARN}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></samlp:Extensions>`),
    valid: (b) => !responseSigned(b),
  },
  ...(['XSW1', 'XSW2'] as const).map((v): Mutation => ({ name: v, core: true, apply: (x, b) => (responseSigned(b) && !b.sp ? xsw(x, v) : undefined), valid: false })),
  ...XSW_ASSERTION.map((v): Mutation => ({ name: v, core: true, apply: (x, b) => (b.sign !== 'response' && !b.sp ? xsw(x, v) : undefined), valid: false })),
  { name: 'attribute named xmlns… that declares nothing', apply: (x) => editStartTag(x, 'Subject', (t) => t.replace(/>$/, ' xmlnsEvil="1">')), valid: false, code: 'IDPRejectedClaim' },
  { name: 'processing instruction in the NameID', apply: (x) => { const t = nameIdText(x); return t ? swap(x, `>${t}<`, `>${t}<?pi x?><`) : undefined; }, valid: false, code: 'IDPRejectedClaim' },
  { name: 'tab character reference added to Recipient', apply: (x) => replaceOnce(x, 'Recipient="http://localhost:8080/saml"', 'Recipient="http://localhost:8080/saml&#9;"'), valid: false },
  { name: 'Destination changed', core: true, apply: (x) => editStartTag(x, 'Response', (t) => t.replace('Destination="http://localhost:8080/saml"', 'Destination="https://evil.example/acs"')), valid: false },
  { name: 'Response Issuer changed', apply: (x) => replaceOnce(x, /(<(?:[\w.-]+:)?Issuer>)https:\/\/idp\.example\.test\/metadata</, '$1https://evil.example/idp<'), valid: false },
  { name: 'truncated', core: true, apply: (x) => x.slice(0, Math.floor(x.length * 0.7)), valid: false, code: 'IDPRejectedClaim' },
  {
    name: 'EncryptedAssertion ciphertext altered',
    core: true,
    apply: (x, b) => { if (!b.sp) return undefined; const c = /<xenc:CipherValue>([^<]+)<\/xenc:CipherValue><\/xenc:CipherData><\/xenc:EncryptedData>/.exec(x)?.[1]; return c ? swap(x, c, flip(c, Math.floor(c.length / 2))) : undefined; },
    valid: false,
  },
];

/** Change one base64 character (at `at`, default the first) to another valid one. */
function flip(b64: string, at = 0): string {
  const i = b64.slice(at).search(/[A-Za-z0-9]/) + at;
  const c = b64[i]!;
  return b64.slice(0, i) + (c === 'A' ? 'B' : 'A') + b64.slice(i + 1);
}

// ---- whole cases ----------------------------------------------------------------------------------

export function mutatedCases(): Case[] {
  const out: Case[] = [];
  for (const b of bases()) {
    const { sign: _sign, withComments: _wc, keyInfo: _ki, full, ...shared } = b;
    for (const m of mutations) {
      if (!full && !m.core) continue;
      const xml = m.apply(b.xml, b);
      if (xml === undefined) continue;
      const valid = typeof m.valid === 'function' ? m.valid(b) : m.valid;
      const code = typeof m.code === 'function' ? m.code(b) : m.code;
      out.push({ ...shared, name: `${b.name} / ${m.name}`, xml, valid, ...(!valid && code ? { code } : {}) });
    }
  }
  return out;
}

/** Re-signed documents with signature shapes the broker refuses, and one case per security.md row. */
export function signatureShapeAndSecurityCases(): Case[] {
  const impostor = createTestIdp({ entityId: 'https://impostor.example/idp' });
  const now = Date.now();
  const rejected = (name: string, xml: string, code: string, extra: Partial<Case> = {}): Case => ({ name, xml, valid: false, code, ...extra });
  const accepted = (name: string, xml: string, extra: Partial<Case> = {}): Case => ({ name, xml, valid: true, ...extra });
  const role = (arn: string) => ({ attributes: { ...ATTRIBUTES, [AWS_ROLE]: [arn] } });
  return [
    // signature shapes (xmlsec1 signs them; the broker refuses them before verifying)
    rejected('Reference to the Response from the Assertion signature', customSigned({ assertion: {}, assertionUri: (ids) => `#${ids.r}` }), 'IDPRejectedClaim'),
    rejected('empty Reference URI (whole document)', customSigned({ assertion: {}, assertionUri: () => '' }), 'IDPRejectedClaim'),
    rejected('two References', customSigned({ assertion: { extraReference: '' } }), 'IDPRejectedClaim'),
    rejected('extra Transform', customSigned({ assertion: { transforms: [ENVELOPED, EXC, EXC] } }), 'IDPRejectedClaim'),
    rejected('enveloped-signature transform only (inclusive c14n implied)', customSigned({ assertion: { transforms: [ENVELOPED] } }), 'IDPRejectedClaim'),
    rejected('inclusive c14n transform', customSigned({ assertion: { transforms: [ENVELOPED, INCLUSIVE] } }), 'IDPRejectedClaim'),
    rejected('inclusive c14n of SignedInfo', customSigned({ assertion: { c14n: INCLUSIVE } }), 'IDPRejectedClaim'),
    rejected('ds:Object in the Signature', customSigned({ assertion: { object: true } }), 'IDPRejectedClaim'),
    rejected('InclusiveNamespaces #default', customSigned({ assertion: { transforms: [ENVELOPED, { algorithm: EXC, inner: inclusive('#default xs') }] } }), 'IDPRejectedClaim'),
    // security.md SAML rows
    rejected('row 1: nothing signed', idp.responseXml({ sign: 'none' }), 'IDPRejectedClaim'),
    rejected('row 1: only the Response signed, provider requires a signed Assertion', idp.responseXml({ sign: 'response' }), 'IDPRejectedClaim'),
    rejected('row 2: signed by a key not in the metadata', idp.responseXml({ signingKey: keys.attacker, keyInfo: keys.attacker }), 'InvalidIdentityToken'),
    rejected('row 2: signed by a key not in the metadata, IdP certificate in KeyInfo', idp.responseXml({ signingKey: keys.attacker, keyInfo: keys.idp }), 'InvalidIdentityToken'),
    rejected('row 2: both signed by a key not in the metadata', idp.responseXml({ signingKey: keys.attacker, sign: 'both' }), 'InvalidIdentityToken'),
    rejected('row 2: tampered and re-signed by another key', idp.responseXml({ signingKey: keys.attacker, ...role(`arn:aws:iam::${ACCOUNT}:role/Admin,${PROVIDER_ARN}`) }), 'InvalidIdentityToken'),
    rejected('row 2: ECDSA signature, RSA-only metadata', idp.responseXml({ signingKey: keys.ec, algorithm: 'ecdsa-sha256' }), 'InvalidIdentityToken', { libraryDiffers: 'algorithm' }),
    rejected('row 3: Issuer of another entity, signed by the provider key', impostor.responseXml(), 'IDPRejectedClaim'),
    rejected('row 3: Response Issuer of another entity', idp.responseXml({ responseIssuer: 'https://impostor.example/idp', sign: 'both' }), 'IDPRejectedClaim'),
    rejected('row 4: Destination not the ACS URL', idp.responseXml({ destination: 'https://evil.example/acs', sign: 'both' }), 'IDPRejectedClaim'),
    rejected('row 4: Recipient not the ACS URL', idp.responseXml({ recipient: 'https://evil.example/acs' }), 'IDPRejectedClaim'),
    rejected('row 6: white space around the signed NameID', idp.responseXml({ nameIdXml: ' admin@corp.example' }), 'IDPRejectedClaim'),
    rejected('row 6: element inside the signed NameID', idp.responseXml({ nameIdXml: 'admin<b>x</b>@corp.example' }), 'IDPRejectedClaim'),
    accepted('row 6: comment inside the signed NameID', idp.responseXml({ nameIdXml: 'admin<!---->@corp.example' })),
    rejected('row 7: RSA-SHA1 without allowSha1', idp.responseXml({ algorithm: 'rsa-sha1' }), 'IDPRejectedClaim'),
    rejected('row 7: SHA-1 digest without allowSha1', idp.responseXml({ digest: 'sha1' }), 'IDPRejectedClaim'),
    accepted('row 7: SHA-1 digest with allowSha1', idp.responseXml({ digest: 'sha1' }), { provider: { allowSha1: true } }),
    accepted('row 7: KeyInfo carrying an unknown certificate, signed by the metadata key', idp.responseXml({ keyInfo: keys.attacker })),
    rejected('row 8: DOCTYPE with entity expansion', billionLaughs(), 'IDPRejectedClaim'),
    rejected('row 8: external entity', externalEntity(), 'IDPRejectedClaim'),
    rejected('row 8: DOCTYPE before a signed Response', `<!DOCTYPE r>${idp.responseXml()}`, 'IDPRejectedClaim'),
    rejected('row 9: over the size limit', idp.responseXml(), 'RequestEntityTooLarge', { sp: { maxResponseBytes: 2048 } }),
    rejected('row 9: deep nesting', deeplyNested(200), 'IDPRejectedClaim'),
    rejected('row 10: expired', idp.responseXml({ notOnOrAfter: now - 600_000, subjectNotOnOrAfter: now - 600_000, notBefore: now - 900_000 }), 'ExpiredTokenException'),
    rejected('row 10: not yet valid', idp.responseXml({ notBefore: now + 600_000, notOnOrAfter: now + 900_000 }), 'IDPRejectedClaim'),
    rejected('row 11: Audience of another SP', idp.responseXml({ audience: 'https://other-sp.example/metadata' }), 'IDPRejectedClaim'),
    rejected('row 13: InResponseTo unknown', idp.responseXml({ inResponseTo: '_unknown', sign: 'both' }), 'IDPRejectedClaim', { options: { consumeRequestId: () => Promise.resolve(false) } }),
    accepted('row 13: InResponseTo known', idp.responseXml({ inResponseTo: '_known', sign: 'both' }), { options: { consumeRequestId: (id) => Promise.resolve(id === '_known') } }),
    accepted('row 14: Role of another provider and a malformed Role value (reported, not offered)', idp.responseXml(role(`arn:aws:iam::${ACCOUNT}:role/X,arn:aws:iam::${ACCOUNT}:saml-provider/Other`))),
    accepted('row 14: malformed Role value', idp.responseXml(role('not-an-arn'))),
    rejected('row 15: EncryptedAssertion, no SP key configured', idp.responseXml({ encryptTo: keys.sp }), 'IDPRejectedClaim', { xmlsecCannotVerify: 'assertion' }),
    rejected('row 15: EncryptedAssertion whose Assertion is unsigned', idp.responseXml({ encryptTo: keys.sp, sign: 'none' }), 'IDPRejectedClaim', { sp: { decryptionKeyPem: keys.sp.keyPem }, xmlsecCannotVerify: 'assertion' }),
    rejected('row 15: EncryptedAssertion signed by another key', idp.responseXml({ encryptTo: keys.sp, signingKey: keys.attacker }), 'InvalidIdentityToken', { sp: { decryptionKeyPem: keys.sp.keyPem }, xmlsecCannotVerify: 'assertion' }),
    accepted('attributes with markup characters', idp.responseXml({ attributes: { x: ['<&>"\'', escapeXml('&amp;')] } })),
  ];
}
