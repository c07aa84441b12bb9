/**
 * Checks on the raw input, before any XML parser sees it: size, base64, UTF-8, no DTD, bounded depth.
 * All textual and linear-time, so hostile input is refused quickly and cheaply.
 */
import { IDPRejectedClaim, RequestEntityTooLarge } from '../../../errors.js';
import { hasDoctypeOrEntity } from '../xml.js';

/** Deeper than any real SAML message (about 8 levels); recursion in canonicalisers stays bounded. */
export const MAX_XML_DEPTH = 40;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * checkSize + decode: base64 (white space allowed, as some clients wrap lines) of UTF-8 XML no larger
 * than `maxBytes` once decoded. Returns the text and its exact bytes (the bytes the signature
 * library is given, so both see the same document).
 */
export function decodeResponse(base64: string, maxBytes: number): { xml: string; bytes: Buffer } {
  if (typeof base64 !== 'string' || base64.length === 0) throw new IDPRejectedClaim('SAML response is empty');
  // Cheap bound before any work: base64 is 4/3 of the bytes, plus generous room for line breaks.
  if (base64.length > Math.ceil(maxBytes / 3) * 4 * 1.1 + 64) throw tooLarge(maxBytes);
  const compact = base64.replace(/[\r\n\t ]+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 === 1) throw new IDPRejectedClaim('SAML response is not valid base64');
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length > maxBytes) throw tooLarge(maxBytes);
  let xml: string;
  try {
    xml = utf8.decode(bytes);
  } catch {
    throw new IDPRejectedClaim('SAML response is not UTF-8 encoded XML');
  }
  return { xml, bytes };
}

function tooLarge(maxBytes: number): RequestEntityTooLarge {
  return new RequestEntityTooLarge(`SAML response is larger than ${maxBytes} bytes`);
}

/** checkNoDoctype: refuse DTDs and entity declarations before parsing (XXE, billion laughs). */
export function checkNoDoctype(xml: string): void {
  if (hasDoctypeOrEntity(xml)) throw new IDPRejectedClaim('SAML response must not contain a DOCTYPE or entity declarations');
}

/**
 * checkNesting: refuse element nesting deeper than `maxDepth`, by a linear scan of the markup
 * (comments, CDATA, processing instructions and quoted attribute values are skipped).
 */
export function checkNesting(xml: string, maxDepth = MAX_XML_DEPTH): void {
  let depth = 0;
  let i = 0;
  const n = xml.length;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) break;
    const next = xml.charCodeAt(lt + 1);
    if (xml.startsWith('<!--', lt)) {
      i = skipPast(xml, lt + 4, '-->');
    } else if (xml.startsWith('<![CDATA[', lt)) {
      i = skipPast(xml, lt + 9, ']]>');
    } else if (next === 0x3f /* ? */) {
      i = skipPast(xml, lt + 2, '?>');
    } else if (next === 0x21 /* ! */) {
      i = skipPast(xml, lt + 2, '>');
    } else if (next === 0x2f /* / */) {
      depth--;
      i = skipPast(xml, lt + 2, '>');
    } else {
      const end = endOfTag(xml, lt + 1);
      if (xml.charCodeAt(end - 1) !== 0x2f /* self-closing */) {
        depth++;
        if (depth > maxDepth) throw new IDPRejectedClaim(`SAML response nests elements deeper than ${maxDepth} levels`);
      }
      i = end + 1;
    }
  }
}

function skipPast(xml: string, from: number, terminator: string): number {
  const at = xml.indexOf(terminator, from);
  return at < 0 ? xml.length : at + terminator.length;
}

/** Index of the `>` that ends a start tag, skipping quoted attribute values. */
function endOfTag(xml: string, from: number): number {
  let quote = 0;
  for (let i = from; i < xml.length; i++) {
    const c = xml.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) {
      quote = c;
    } else if (c === 0x3e) {
      return i;
    }
  }
  return xml.length;
}
