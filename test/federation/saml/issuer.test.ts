import { describe, expect, it } from 'vitest';
import { IDPRejectedClaim } from '../../../src/errors.js';
import { checkIssuer } from '../../../src/federation/saml/checks/issuer.js';
import { createTestIdp, replaceInXml } from '../../helpers/samlIdp.js';
import { assertionOf, expectThrow } from './support.js';

const idp = createTestIdp();
const E = idp.entityId;

describe('checkIssuer', () => {
  it('returns the Issuer when it is the provider entity id (Response Issuer absent or equal)', () => {
    expect(checkIssuer(assertionOf(idp.unsignedXml()) as never, undefined, E)).toBe(E);
    expect(checkIssuer(assertionOf(idp.unsignedXml()) as never, E, E)).toBe(E);
  });

  it('refuses an Assertion Issuer that is not the entity id', () => {
    expectThrow(() => checkIssuer(assertionOf(idp.unsignedXml({ issuer: 'https://evil.example' })) as never, undefined, E), IDPRejectedClaim, /Assertion Issuer is not the entity id/);
  });

  it('refuses a Response Issuer that disagrees', () => {
    expectThrow(() => checkIssuer(assertionOf(idp.unsignedXml()) as never, 'https://evil.example', E), IDPRejectedClaim, /Response Issuer/);
  });

  it('refuses a missing Issuer, two Issuers, or a non-entity format', () => {
    const xml = idp.unsignedXml();
    const issuerXml = `<saml:Issuer>${E}</saml:Issuer>`;
    expectThrow(() => checkIssuer(assertionOf(replaceInXml(replaceInXml(xml, issuerXml, ''), issuerXml, '')) as never, undefined, E), IDPRejectedClaim, /exactly one Issuer/);
    const a = assertionOf(xml).toString();
    expectThrow(() => checkIssuer(assertionOf(a.replace(issuerXml, issuerXml + issuerXml)) as never, undefined, E), IDPRejectedClaim, /exactly one Issuer/);
    expectThrow(
      () => checkIssuer(assertionOf(a.replace(issuerXml, `<saml:Issuer Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${E}</saml:Issuer>`)) as never, undefined, E),
      IDPRejectedClaim,
      /format/,
    );
  });
});
