/**
 * checkAudience: one Conditions element with at least one AudienceRestriction, and every
 * AudienceRestriction lists our entity id (restrictions are ANDed, audiences within one ORed: SAML
 * core §2.5.1.4). Returns the audience (our entity id).
 */
import type { Element } from '@xmldom/xmldom';
import { IDPRejectedClaim } from '../../../errors.js';
import { NS, childElements, textOnly } from '../xml.js';

export function checkAudience(assertion: Element, entityId: string): string {
  const conditions = childElements(assertion, NS.saml, 'Conditions');
  if (conditions.length !== 1) throw new IDPRejectedClaim('SAML response rejected: the Assertion must have exactly one Conditions element');
  const restrictions = childElements(conditions[0]!, NS.saml, 'AudienceRestriction');
  if (restrictions.length === 0) throw new IDPRejectedClaim('SAML response rejected: the Assertion has no AudienceRestriction');
  for (const restriction of restrictions) {
    const audiences = childElements(restriction, NS.saml, 'Audience').map((a) => textOnly(a)?.trim());
    if (!audiences.includes(entityId)) throw new IDPRejectedClaim('SAML response rejected: the Audience is not this service provider');
  }
  return entityId;
}
