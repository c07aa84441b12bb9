import { describe, expect, it } from 'vitest';
import { ExpiredToken, IDPRejectedClaim } from '../../../src/errors.js';
import { checkTimes, parseDateTime } from '../../../src/federation/saml/checks/times.js';
import type { SubjectConfirmation } from '../../../src/federation/saml/checks/subjectConfirmation.js';
import { createTestIdp } from '../../helpers/samlIdp.js';
import type { ResponseOptions } from '../../helpers/samlIdp.js';
import { assertionOf, expectThrow } from './support.js';

const idp = createTestIdp();
const T0 = Date.parse('2030-01-01T12:00:00Z');
const SKEW = 120;
const confirmation = (notOnOrAfter: number, notBefore?: number): SubjectConfirmation => ({
  recipient: 'x',
  notOnOrAfter: new Date(notOnOrAfter).toISOString(),
  ...(notBefore !== undefined ? { notBefore: new Date(notBefore).toISOString() } : {}),
});
const assertion = (options: ResponseOptions) => assertionOf(idp.unsignedXml({ issueInstant: T0, notBefore: T0 - 30_000, notOnOrAfter: T0 + 300_000, ...options })) as never;

describe('parseDateTime', () => {
  it('parses UTC and offset date-times, with any fraction', () => {
    expect(parseDateTime('2030-01-01T12:00:00Z')).toBe(T0);
    expect(parseDateTime('2030-01-01T12:00:00.1234567Z')).toBe(T0 + 123);
    expect(parseDateTime('2030-01-01T13:00:00+01:00')).toBe(T0);
  });

  it('refuses dates without a time zone or malformed', () => {
    expect(parseDateTime('2030-01-01T12:00:00')).toBeUndefined();
    expect(parseDateTime('tomorrow')).toBeUndefined();
    expect(parseDateTime('2030-13-45T12:00:00Z')).toBeUndefined();
  });
});

describe('checkTimes', () => {
  it('returns the earliest NotOnOrAfter and the IssueInstant', () => {
    const w = checkTimes(assertion({}), confirmation(T0 + 200_000), T0, SKEW);
    expect(w).toEqual({ notOnOrAfter: T0 + 200_000, issuedAt: T0 });
    expect(checkTimes(assertion({}), confirmation(T0 + 900_000), T0, SKEW).notOnOrAfter).toBe(T0 + 300_000);
  });

  it('answers ExpiredTokenException "Response has expired" past NotOnOrAfter + skew', () => {
    const a = assertion({});
    expect(() => checkTimes(a, confirmation(T0 + 300_000), T0 + 300_000 + SKEW * 1000 - 1, SKEW)).not.toThrow();
    expectThrow(() => checkTimes(a, confirmation(T0 + 300_000), T0 + 300_000 + SKEW * 1000, SKEW), ExpiredToken, /^Response has expired$/);
  });

  it('applies Conditions NotOnOrAfter too', () => {
    expectThrow(() => checkTimes(assertion({ notOnOrAfter: T0 - 200_000 }), confirmation(T0 + 300_000), T0, SKEW), ExpiredToken);
  });

  it('refuses not-yet-valid (Conditions or SubjectConfirmationData NotBefore) beyond the skew with IDPRejectedClaim', () => {
    expect(() => checkTimes(assertion({ notBefore: T0 + 100_000 }), confirmation(T0 + 300_000), T0, SKEW)).not.toThrow();
    expectThrow(() => checkTimes(assertion({ notBefore: T0 + 130_000 }), confirmation(T0 + 300_000), T0, SKEW), IDPRejectedClaim, /not yet valid/);
    expectThrow(() => checkTimes(assertion({}), confirmation(T0 + 300_000, T0 + 130_000), T0, SKEW), IDPRejectedClaim, /not yet valid/);
  });

  it('refuses an IssueInstant in the future', () => {
    expectThrow(() => checkTimes(assertion({ issueInstant: T0 + 600_000 }), confirmation(T0 + 900_000), T0, SKEW), IDPRejectedClaim, /issued in the future/);
  });

  it('refuses malformed times', () => {
    expectThrow(() => checkTimes(assertion({ notBefore: 'soon' }), confirmation(T0 + 300_000), T0, SKEW), IDPRejectedClaim, /Conditions NotBefore/);
    expectThrow(() => checkTimes(assertion({}), { recipient: 'x', notOnOrAfter: 'later' }, T0, SKEW), IDPRejectedClaim, /SubjectConfirmationData NotOnOrAfter/);
  });
});
