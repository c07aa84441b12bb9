import { describe, expect, it } from 'vitest';
import { IDPRejectedClaim } from '../../../src/errors.js';
import { checkSubjectConfirmation } from '../../../src/federation/saml/checks/subjectConfirmation.js';
import { createTestIdp } from '../../helpers/samlIdp.js';
import type { ResponseOptions } from '../../helpers/samlIdp.js';
import { assertionOf, expectThrow } from './support.js';

const idp = createTestIdp();
const ACS = 'https://sp.example/saml';
const run = (options: ResponseOptions) => checkSubjectConfirmation(assertionOf(idp.unsignedXml({ acsUrl: ACS, ...options })) as never, ACS);

describe('checkSubjectConfirmation', () => {
  it('returns Recipient, NotOnOrAfter and InResponseTo of the one bearer confirmation', () => {
    const c = run({ subjectNotOnOrAfter: '2030-01-01T00:00:00Z', inResponseTo: '_r1' });
    expect(c).toEqual({ recipient: ACS, notOnOrAfter: '2030-01-01T00:00:00Z', inResponseTo: '_r1' });
  });

  it('refuses a Recipient other than the ACS URL, or none', () => {
    expectThrow(() => run({ recipient: 'https://evil.example/saml' }), IDPRejectedClaim, /Recipient is not/);
    expectThrow(() => run({ recipient: null }), IDPRejectedClaim, /no Recipient/);
  });

  it('requires NotOnOrAfter', () => {
    expectThrow(() => run({ subjectNotOnOrAfter: null, notOnOrAfter: null }), IDPRejectedClaim, /no NotOnOrAfter/);
  });

  it('requires exactly one SubjectConfirmation, with the bearer method', () => {
    expectThrow(() => run({ subjectConfirmations: 2 }), IDPRejectedClaim, /exactly one SubjectConfirmation/);
    expectThrow(() => run({ subjectConfirmations: 0 }), IDPRejectedClaim, /exactly one SubjectConfirmation/);
    expectThrow(() => run({ confirmationMethod: 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key' }), IDPRejectedClaim, /not bearer/);
  });
});
