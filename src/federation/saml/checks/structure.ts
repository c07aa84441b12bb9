/**
 * checkDocumentStructure: the shape of the Response before any signature is looked at. One
 * Response, one Assertion (or EncryptedAssertion) directly under it, signatures only directly on
 * those two, no other element anywhere named Response/Assertion/EncryptedAssertion/Signature (in
 * any namespace: the signature library matches by local name), and every ID-like attribute unique.
 * This refuses the whole XML-signature-wrapping family (XSW1–XSW8) before verification, so the
 * node the signature covers is necessarily the node every later check reads.
 */
import type { Document, Element } from '@xmldom/xmldom';
import { IDPRejectedClaim } from '../../../errors.js';
import { NS, allElements, attr, childElements, is, singleChild, textOnly } from '../xml.js';

/** The parts of the (possibly unsigned) Response envelope the pipeline needs. */
export interface ResponseEnvelope {
  readonly response: Element;
  /** Response@Destination, when present (read only to reject; never trusted to accept). */
  readonly destination?: string;
  /** Response@InResponseTo, when present. */
  readonly inResponseTo?: string;
  /** Response <Issuer> text, when present. */
  readonly issuer?: string;
  readonly signature?: Element;
  /** Exactly one of assertion / encryptedAssertion is set. */
  readonly assertion?: Element;
  readonly encryptedAssertion?: Element;
}

const PROCESSING_INSTRUCTION_NODE = 7;
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
/** Local names the signature library finds by local-name() alone. */
const SENSITIVE = new Set(['Response', 'Assertion', 'EncryptedAssertion', 'Signature']);
/** Attribute local names xml-crypto treats as IDs. */
const ID_ATTRIBUTES = new Set(['ID', 'Id', 'id']);
/** What may appear directly in a Response (SAML core §3.2.2), by local name → namespace. */
const RESPONSE_CHILDREN = new Map<string, string>([
  ['Issuer', NS.saml], ['Signature', NS.ds], ['Extensions', NS.samlp], ['Status', NS.samlp],
  ['Assertion', NS.saml], ['EncryptedAssertion', NS.saml],
]);

const reject = (why: string) => new IDPRejectedClaim(`SAML response rejected: ${why}`);

export function checkDocumentStructure(doc: Document): ResponseEnvelope {
  const response = doc.documentElement!;
  if (!is(response, NS.samlp, 'Response')) throw reject('the document is not a SAML 2.0 Response');
  if (attr(response, 'Version') !== '2.0') throw reject('the Response is not SAML version 2.0');
  if (!attr(response, 'ID')) throw reject('the Response has no ID');

  for (const child of childElements(response)) {
    if (RESPONSE_CHILDREN.get(child.localName ?? '') !== child.namespaceURI) {
      const wrapping = SENSITIVE.has(child.localName ?? '') ? ' (possible signature wrapping)' : '';
      throw reject(`unexpected element <${child.localName ?? '?'}> in the Response${wrapping}`);
    }
  }
  const many = (what: string) => () => reject(`more than one ${what} in the Response`);
  const issuerEl = singleChild(response, NS.saml, 'Issuer', many('Issuer'));
  const signature = singleChild(response, NS.ds, 'Signature', many('Signature'));
  singleChild(response, NS.samlp, 'Extensions', many('Extensions'));
  checkStatus(singleChild(response, NS.samlp, 'Status', many('Status')));

  const assertions = childElements(response, NS.saml, 'Assertion');
  const encrypted = childElements(response, NS.saml, 'EncryptedAssertion');
  if (assertions.length + encrypted.length !== 1) throw reject('the Response must contain exactly one Assertion');
  const assertion = assertions[0];
  const encryptedAssertion = encrypted[0];
  if (assertion) checkAssertionShape(assertion);

  const placed = new Set<Element>([response, ...(assertion ? [assertion] : []), ...(encryptedAssertion ? [encryptedAssertion] : [])]);
  if (signature) placed.add(signature);
  const assertionSignature = assertion ? childElements(assertion, NS.ds, 'Signature')[0] : undefined;
  if (assertionSignature) placed.add(assertionSignature);
  checkSensitiveElements(response, placed);

  const issuer = issuerEl ? textOnly(issuerEl)?.trim() : undefined;
  const destination = attr(response, 'Destination');
  const inResponseTo = attr(response, 'InResponseTo');
  return {
    response,
    ...(destination !== undefined ? { destination } : {}),
    ...(inResponseTo !== undefined ? { inResponseTo } : {}),
    ...(issuer !== undefined ? { issuer } : {}),
    ...(signature ? { signature } : {}),
    ...(assertion ? { assertion } : {}),
    ...(encryptedAssertion ? { encryptedAssertion } : {}),
  };
}

/**
 * The structure rules for a decrypted Assertion (the plaintext of an EncryptedAssertion): an
 * Assertion root with an ID, at most one Signature and only directly on it, unique IDs.
 */
export function checkDecryptedAssertionStructure(assertion: Element): void {
  if (!is(assertion, NS.saml, 'Assertion')) throw reject('the EncryptedAssertion does not contain an Assertion');
  checkAssertionShape(assertion);
  const signature = childElements(assertion, NS.ds, 'Signature')[0];
  checkSensitiveElements(assertion, new Set(signature ? [assertion, signature] : [assertion]));
}

/**
 * An Assertion has an ID and at most one Signature, Subject and Conditions (SAML core §2.3.3): a
 * cloned Subject or Conditions is refused before anyone could read the wrong one.
 */
function checkAssertionShape(assertion: Element): void {
  if (!attr(assertion, 'ID')) throw reject('the Assertion has no ID');
  for (const [ns, name] of [[NS.ds, 'Signature'], [NS.saml, 'Subject'], [NS.saml, 'Conditions']] as const) {
    singleChild(assertion, ns, name, () => reject(`more than one ${name} in the Assertion`));
  }
}

/**
 * Every Response/Assertion/EncryptedAssertion/Signature element must be one of `placed`; IDs unique;
 * no processing instructions (canonicalisers disagree about them, and SAML has no use for them); no
 * attribute the canonical form would leave out (so everything read later is covered by a digest).
 */
function checkSensitiveElements(root: Element, placed: ReadonlySet<Element>): void {
  const ids = new Set<string>();
  for (const el of allElements(root)) {
    if (SENSITIVE.has(el.localName ?? '') && !placed.has(el)) {
      throw reject(`unexpected <${el.localName}> element (possible signature wrapping)`);
    }
    for (let n = el.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === PROCESSING_INSTRUCTION_NODE) throw reject('processing instructions are not allowed');
    }
    const attributes = el.attributes;
    for (let i = 0; i < attributes.length; i++) {
      const a = attributes.item(i);
      // The canonicaliser drops every attribute named xmlns…: only real declarations may be so named.
      if (a && a.name.startsWith('xmlns') && a.name !== 'xmlns' && !a.name.startsWith('xmlns:')) throw reject('an attribute name starts with "xmlns" but is no namespace declaration');
      if (!a || !ID_ATTRIBUTES.has(a.localName ?? a.name)) continue;
      if (ids.has(a.value)) throw reject('an ID value appears more than once (possible signature wrapping)');
      ids.add(a.value);
    }
  }
}

/** checkStatus: the IdP must report Success; otherwise say which top-level status it sent. */
function checkStatus(status: Element | undefined): void {
  if (!status) throw reject('the Response has no Status');
  const code = childElements(status, NS.samlp, 'StatusCode')[0];
  const value = code ? attr(code, 'Value') : undefined;
  if (value === SUCCESS) return;
  const name = /(?:^|:)([A-Za-z]{1,40})$/.exec(value ?? '')?.[1] ?? 'unknown';
  throw new IDPRejectedClaim(`The identity provider returned status ${name}, not Success`);
}
