/**
 * readSubject: the NameID of the signed Assertion, as its canonical text. Comments cannot truncate it
 * (the signed bytes are canonicalised without comments, and text is joined around any that remain);
 * element children, surrounding white space or control characters refuse it rather than guess.
 * A missing NameID is AWS's AccessDenied "Not authorized to perform sts:AssumeRoleWithSAML".
 */
import type { Element } from '@xmldom/xmldom';
import { AccessDenied, IDPRejectedClaim } from '../../../errors.js';
import { NS, attr, childElements, textOnly } from '../xml.js';

export const NAMEID_FORMAT = {
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  transient: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
} as const;

export const NOT_AUTHORIZED_MESSAGE = 'Not authorized to perform sts:AssumeRoleWithSAML';

export interface Subject {
  /** NameID text: saml:sub and the Subject of AssumeRoleWithSAML's answer. */
  readonly nameId: string;
  /** NameID Format (unspecified when absent). */
  readonly format: string;
  /** saml:sub_type: `persistent`, `transient`, or the full Format URI. */
  readonly subjectType: string;
}

/** Longest NameID accepted (AWS bounds SubjectFromWebIdentityToken at 255; SAML subjects get the same room). */
export const MAX_NAME_ID_CHARS = 256;

export function readSubject(assertion: Element): Subject {
  const subjects = childElements(assertion, NS.saml, 'Subject');
  const nameIds = subjects.length === 1 ? childElements(subjects[0]!, NS.saml, 'NameID') : [];
  if (subjects.length === 1 && nameIds.length === 0 && childElements(subjects[0]!, NS.saml, 'EncryptedID').length > 0) {
    throw new IDPRejectedClaim('SAML response rejected: an encrypted NameID (EncryptedID) is not supported');
  }
  if (nameIds.length > 1) throw new IDPRejectedClaim('SAML response rejected: the Subject has more than one NameID');
  const nameIdEl = nameIds[0];
  const text = nameIdEl ? textOnly(nameIdEl) : '';
  if (text === undefined) throw new IDPRejectedClaim('SAML response rejected: the NameID contains markup');
  if (text === '') {
    throw new AccessDenied(NOT_AUTHORIZED_MESSAGE, { explanation: { reason: 'SAML response does not include a Subject containing a NameID' } });
  }
  if (text.trim() !== text) throw new IDPRejectedClaim('SAML response rejected: the NameID has leading or trailing white space');
  // Bounded so that a subject fits the session token and the console cookie (and audit lines) comfortably.
  if (text.length > MAX_NAME_ID_CHARS) throw new IDPRejectedClaim(`SAML response rejected: the NameID is longer than ${MAX_NAME_ID_CHARS} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new IDPRejectedClaim('SAML response rejected: the NameID contains control characters');

  const format = (nameIdEl && attr(nameIdEl, 'Format')) || NAMEID_FORMAT.unspecified;
  const subjectType = format === NAMEID_FORMAT.persistent ? 'persistent' : format === NAMEID_FORMAT.transient ? 'transient' : format;
  return { nameId: text, format, subjectType };
}
