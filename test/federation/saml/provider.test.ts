import { describe, expect, it } from 'vitest';
import { IDPCommunicationError, IDPRejectedClaim } from '../../../src/errors.js';
import { checkProviderEnabled, identifyProvider } from '../../../src/federation/saml/checks/provider.js';
import { MetadataSource } from '../../../src/federation/saml/metadata.js';
import { createTestIdp } from '../../helpers/samlIdp.js';
import { expectThrow, providerFor } from './support.js';

const corp = providerFor(createTestIdp({ entityId: 'https://corp.example/idp' }), { name: 'Corp' });
const other = providerFor(createTestIdp({ entityId: 'https://other.example/idp' }), { name: 'Other' });

describe('identifyProvider', () => {
  it('picks the provider whose entity id is the Issuer', () => {
    expect(identifyProvider('https://other.example/idp', [corp, other]).name).toBe('Other');
  });

  it('refuses a missing Issuer and an unknown one', () => {
    expectThrow(() => identifyProvider(undefined, [corp]), IDPRejectedClaim, /no Issuer/);
    expectThrow(() => identifyProvider('https://evil.example', [corp, other]), IDPRejectedClaim, /not a configured identity provider/);
  });

  it('with a named provider, requires its entity id to be the Issuer (AWS message)', () => {
    expect(identifyProvider('https://corp.example/idp', [corp, other], 'Corp').name).toBe('Corp');
    expectThrow(() => identifyProvider('https://other.example/idp', [corp, other], 'Corp'), IDPRejectedClaim, /^Failed to assume role: Issuer not present in specified provider$/);
    expectThrow(() => identifyProvider('https://corp.example/idp', [corp, other], 'Nope'), IDPRejectedClaim, /not configured/);
  });

  it('needs a name when two providers share an entity id', () => {
    const twin = { ...corp, name: 'CorpTwin' };
    expectThrow(() => identifyProvider('https://corp.example/idp', [corp, twin]), IDPRejectedClaim, /several configured providers/);
    expect(identifyProvider('https://corp.example/idp', [corp, twin], 'CorpTwin').name).toBe('CorpTwin');
  });

  it('a disabled provider with the same entity id takes no part in the choice', () => {
    const retired = { ...corp, name: 'CorpOld', enabled: false };
    expect(identifyProvider('https://corp.example/idp', [retired, corp]).name).toBe('Corp');
    expect(identifyProvider('https://corp.example/idp', [corp, retired]).name).toBe('Corp');
    // Only disabled ones: one of them is returned, and checkProviderEnabled refuses it.
    const alsoRetired = { ...corp, name: 'CorpOlder', enabled: false };
    const picked = identifyProvider('https://corp.example/idp', [retired, alsoRetired]);
    expectThrow(() => checkProviderEnabled(picked), IDPRejectedClaim, /disabled/);
    // Named explicitly, a disabled provider is still the one checked (and refused).
    expect(identifyProvider('https://corp.example/idp', [retired, corp], 'CorpOld').name).toBe('CorpOld');
  });

  it('skips URL metadata never loaded, and answers IDPCommunicationError when that provider is named', () => {
    const pending = { ...corp, name: 'Pending', metadata: new MetadataSource({ url: 'http://127.0.0.1:9/never' }) };
    expect(identifyProvider('https://corp.example/idp', [pending, corp]).name).toBe('Corp');
    expectThrow(() => identifyProvider('https://corp.example/idp', [pending, corp], 'Pending'), IDPCommunicationError);
  });
});

describe('checkProviderEnabled', () => {
  it('passes an enabled provider and refuses a disabled one', () => {
    expect(() => checkProviderEnabled(corp)).not.toThrow();
    expectThrow(() => checkProviderEnabled({ ...corp, enabled: false }), IDPRejectedClaim, /disabled/);
  });
});
