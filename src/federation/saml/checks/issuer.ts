/**
 * checkIssuer: the signed Assertion's Issuer must be the provider's entity id (node-saml does not check
 * this: a provider's key could otherwise vouch for another entity). The Response's Issuer, when
 * present, must agree too.
 */
import type { Element } from '@xmldom/xmldom';
import { IDPRejectedClaim } from '../../../errors.js';
import { NS, attr, childElements, textOnly } from '../xml.js';

const ENTITY_FORMAT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity';

/** Returns the issuer. */
export function checkIssuer(assertion: Element, responseIssuer: string | undefined, entityId: string): string {
  const issuers = childElements(assertion, NS.saml, 'Issuer');
  if (issuers.length !== 1) throw new IDPRejectedClaim('SAML response rejected: the Assertion must have exactly one Issuer');
  const issuerEl = issuers[0]!;
  const format = attr(issuerEl, 'Format');
  if (format !== undefined && format !== ENTITY_FORMAT) throw new IDPRejectedClaim('SAML response rejected: the Issuer format is not an entity id');
  const issuer = textOnly(issuerEl)?.trim();
  if (issuer !== entityId) throw new IDPRejectedClaim('SAML response rejected: the Assertion Issuer is not the entity id of this provider');
  if (responseIssuer !== undefined && responseIssuer !== entityId) {
    throw new IDPRejectedClaim('SAML response rejected: the Response Issuer is not the entity id of this provider');
  }
  return issuer;
}
