/**
 * parseSignedAssertion: the one DOM every check after the signature reads — built from the XML the
 * verifier returned (the signed bytes), never from the original document.
 */
import type { Element } from '@xmldom/xmldom';
import { IDPRejectedClaim } from '../../../errors.js';
import { NS, is, parseXml } from '../xml.js';

export function parseSignedAssertion(xml: string): Element {
  let root: Element | null;
  try {
    root = parseXml(xml).documentElement;
  } catch {
    throw new IDPRejectedClaim('SAML response rejected: the signed Assertion does not parse');
  }
  if (!root || !is(root, NS.saml, 'Assertion')) throw new IDPRejectedClaim('SAML response rejected: the signed element is not an Assertion');
  return root;
}
