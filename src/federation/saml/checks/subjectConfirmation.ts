/**
 * checkSubjectConfirmation: exactly one SubjectConfirmation (as AWS requires), with the bearer method,
 * whose SubjectConfirmationData has Recipient = our ACS URL and a NotOnOrAfter (SAML profiles §4.1.4.2;
 * node-saml checks neither).
 */
import type { Element } from '@xmldom/xmldom';
import { IDPRejectedClaim } from '../../../errors.js';
import { NS, attr, childElements } from '../xml.js';

const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

export interface SubjectConfirmation {
  /** Recipient (= the ACS URL): saml:aud and the Audience of AssumeRoleWithSAML's answer. */
  readonly recipient: string;
  /** Raw xs:dateTime texts, checked by checkTimes. */
  readonly notOnOrAfter: string;
  readonly notBefore?: string;
  readonly inResponseTo?: string;
}

const reject = (why: string) => new IDPRejectedClaim(`SAML response rejected: ${why}`);

export function checkSubjectConfirmation(assertion: Element, acsUrl: string): SubjectConfirmation {
  const subjects = childElements(assertion, NS.saml, 'Subject');
  if (subjects.length !== 1) throw reject('the Assertion must have exactly one Subject');
  const confirmations = childElements(subjects[0]!, NS.saml, 'SubjectConfirmation');
  if (confirmations.length !== 1) throw reject('the Subject must have exactly one SubjectConfirmation');
  const confirmation = confirmations[0]!;
  if (attr(confirmation, 'Method') !== BEARER) throw reject('the SubjectConfirmation method is not bearer');
  const data = childElements(confirmation, NS.saml, 'SubjectConfirmationData');
  if (data.length !== 1) throw reject('the SubjectConfirmation must have exactly one SubjectConfirmationData');
  const scd = data[0]!;
  const recipient = attr(scd, 'Recipient');
  if (recipient === undefined) throw reject('the SubjectConfirmationData has no Recipient');
  if (recipient !== acsUrl) throw reject('the SubjectConfirmationData Recipient is not this service provider\'s ACS URL');
  const notOnOrAfter = attr(scd, 'NotOnOrAfter');
  if (notOnOrAfter === undefined) throw reject('the SubjectConfirmationData has no NotOnOrAfter');
  const notBefore = attr(scd, 'NotBefore');
  const inResponseTo = attr(scd, 'InResponseTo');
  return {
    recipient,
    notOnOrAfter,
    ...(notBefore !== undefined ? { notBefore } : {}),
    ...(inResponseTo !== undefined ? { inResponseTo } : {}),
  };
}
