import { describe, expect, it } from 'vitest';
import { IDPRejectedClaim } from '../../../src/errors.js';
import { checkDestination } from '../../../src/federation/saml/checks/destination.js';
import { expectThrow } from './support.js';

describe('checkDestination', () => {
  it('accepts our ACS URL or no Destination', () => {
    expect(() => checkDestination('https://sp/saml', 'https://sp/saml')).not.toThrow();
    expect(() => checkDestination(undefined, 'https://sp/saml')).not.toThrow();
  });

  it('refuses any other Destination, exactly compared', () => {
    expectThrow(() => checkDestination('https://evil/saml', 'https://sp/saml'), IDPRejectedClaim, /Destination/);
    expectThrow(() => checkDestination('https://sp/saml/', 'https://sp/saml'), IDPRejectedClaim, /Destination/);
    expectThrow(() => checkDestination('', 'https://sp/saml'), IDPRejectedClaim, /Destination/);
  });
});
