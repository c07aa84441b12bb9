/**
 * checkTimes: the validity window, from the signed Assertion, with the configured clock skew.
 * Conditions NotBefore/NotOnOrAfter and SubjectConfirmationData NotBefore/NotOnOrAfter all apply;
 * IssueInstant must not be in the future. Expired → ExpiredTokenException "Response has expired"
 * (AWS's answer); not yet valid → IDPRejectedClaim.
 */
import type { Element } from '@xmldom/xmldom';
import { ExpiredToken, IDPRejectedClaim } from '../../../errors.js';
import { NS, attr, childElements } from '../xml.js';
import type { SubjectConfirmation } from './subjectConfirmation.js';
import { EXPIRED_MESSAGE } from './signature.js';

export interface ValidityWindow {
  /** Earliest NotOnOrAfter (epoch ms): the assertion is usable before this instant. */
  readonly notOnOrAfter: number;
  /** IssueInstant, epoch ms. */
  readonly issuedAt: number;
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Parse an xs:dateTime that carries a time zone (SAML requires UTC); undefined when malformed. */
export function parseDateTime(text: string): number | undefined {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const millis = (m[2] ?? '').padEnd(3, '0').slice(0, 3);
  const ms = Date.parse(`${m[1]}.${millis}${m[3]}`);
  return Number.isFinite(ms) ? ms : undefined;
}

function required(text: string | undefined, what: string): number {
  const ms = text === undefined ? undefined : parseDateTime(text);
  if (ms === undefined) throw new IDPRejectedClaim(`SAML response rejected: ${what} is missing or not a valid UTC date-time`);
  return ms;
}

function optional(text: string | undefined, what: string): number | undefined {
  return text === undefined ? undefined : required(text, what);
}

export function checkTimes(assertion: Element, confirmation: SubjectConfirmation, now: number, clockSkewSeconds: number): ValidityWindow {
  const skew = Math.max(0, clockSkewSeconds) * 1000;
  const conditions = childElements(assertion, NS.saml, 'Conditions')[0];
  const issuedAt = required(attr(assertion, 'IssueInstant'), 'the Assertion IssueInstant');
  const notBefore = [
    optional(conditions ? attr(conditions, 'NotBefore') : undefined, 'Conditions NotBefore'),
    optional(confirmation.notBefore, 'SubjectConfirmationData NotBefore'),
  ].filter((t): t is number => t !== undefined);
  const notOnOrAfter = Math.min(
    required(confirmation.notOnOrAfter, 'SubjectConfirmationData NotOnOrAfter'),
    optional(conditions ? attr(conditions, 'NotOnOrAfter') : undefined, 'Conditions NotOnOrAfter') ?? Infinity,
  );

  if (now - skew >= notOnOrAfter) throw new ExpiredToken(EXPIRED_MESSAGE);
  if (notBefore.some((t) => now + skew < t)) throw new IDPRejectedClaim('SAML response rejected: the assertion is not yet valid (NotBefore)');
  if (now + skew < issuedAt) throw new IDPRejectedClaim('SAML response rejected: the assertion was issued in the future (IssueInstant)');
  return { notOnOrAfter, issuedAt };
}
