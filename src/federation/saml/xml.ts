/**
 * The few XML primitives every SAML module shares: namespaces, a strict parser, and child lookups
 * by (namespace, local name). Lookups walk direct children only — never `//` searches — so a node
 * injected elsewhere in a document is never picked up by accident (signature-wrapping defence).
 */
import { DOMParser, onWarningStopParsing } from '@xmldom/xmldom';
import type { Document, Element, Node } from '@xmldom/xmldom';
import { installXmldomRegexCache } from './xmldomRegexCache.js';

installXmldomRegexCache();

export const NS = {
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  xenc: 'http://www.w3.org/2001/04/xmlenc#',
} as const;

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const COMMENT_NODE = 8;

/** Thrown by parseXml; the message never quotes the document. */
export class XmlParseError extends Error {}

/**
 * Parse XML strictly: any warning or error stops parsing. Callers must have refused DOCTYPE before
 * (see checks/input.ts); this parser never fetches or expands anything beyond the XML built-ins.
 */
export function parseXml(xml: string): Document {
  let doc: Document;
  try {
    doc = new DOMParser({ locator: false, onError: onWarningStopParsing, normalizeLineEndings: xml10LineEndings }).parseFromString(xml, 'text/xml');
  } catch {
    throw new XmlParseError('not well-formed XML');
  }
  if (!doc.documentElement) throw new XmlParseError('no document element');
  return doc;
}

/**
 * XML 1.0 §2.11: CR LF and lone CR become LF. (xmldom's default applies XML 1.1's rule, which also
 * turns U+0085, U+2028 and U+2029 into LF: an IdP's canonical form keeps them, so a signature over such
 * text would not verify.)
 */
function xml10LineEndings(source: string): string {
  return source.replace(/\r\n?/g, '\n');
}

export function isElement(node: Node | null | undefined): node is Element {
  return node != null && node.nodeType === ELEMENT_NODE;
}

export function is(el: Element, ns: string, localName: string): boolean {
  return el.namespaceURI === ns && el.localName === localName;
}

/** Direct element children, optionally filtered by namespace and local name. */
export function childElements(parent: Element, ns?: string, localName?: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (!isElement(n)) continue;
    if (ns !== undefined && n.namespaceURI !== ns) continue;
    if (localName !== undefined && n.localName !== localName) continue;
    out.push(n);
  }
  return out;
}

/** The single direct child (ns, localName); undefined when absent; throws `tooMany()` when several. */
export function singleChild(parent: Element, ns: string, localName: string, tooMany: () => Error): Element | undefined {
  const found = childElements(parent, ns, localName);
  if (found.length > 1) throw tooMany();
  return found[0];
}

/**
 * Text of an element that may hold only text (and CDATA): element children or processing
 * instructions make it undefined, so a `<NameID>a<x/>b</NameID>` is never read as "ab" or "a".
 * Comments are skipped and the text around them joined: they never truncate.
 */
export function textOnly(el: Element): string | undefined {
  let text = '';
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === TEXT_NODE || n.nodeType === CDATA_SECTION_NODE) text += n.nodeValue ?? '';
    else if (n.nodeType !== COMMENT_NODE) return undefined;
  }
  return text;
}

/** An attribute value, or undefined when the attribute is absent (xmldom returns null or ''). */
export function attr(el: Element, name: string): string | undefined {
  return el.hasAttribute(name) ? (el.getAttribute(name) ?? undefined) : undefined;
}

/** Every element of the tree in document order (iterative: no recursion on hostile depth). */
export function* allElements(root: Element): Generator<Element> {
  const stack: Element[] = [root];
  while (stack.length > 0) {
    const el = stack.pop()!;
    yield el;
    const kids = childElements(el);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
}

/** Escape text for XML element content and attribute values. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/**
 * True when the text declares a DTD or an entity. Textual, so it runs before any parser: DTDs are
 * how external entities and entity expansion (billion laughs) get in, and SAML never needs one.
 */
export function hasDoctypeOrEntity(xml: string): boolean {
  return /<!\s*(?:DOCTYPE|ENTITY)/i.test(xml);
}
