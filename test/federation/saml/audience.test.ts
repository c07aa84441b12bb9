import { describe, expect, it } from 'vitest';
import { IDPRejectedClaim } from '../../../src/errors.js';
import { checkAudience } from '../../../src/federation/saml/checks/audience.js';
import { createTestIdp, replaceInXml } from '../../helpers/samlIdp.js';
import { assertionOf, expectThrow } from './support.js';

const idp = createTestIdp();
const SP_ID = 'https://sp.example/metadata';
const run = (xml: string) => checkAudience(assertionOf(xml) as never, SP_ID);

describe('checkAudience', () => {
  it('accepts our entity id, alone or among others in one restriction', () => {
    expect(run(idp.unsignedXml({ audience: SP_ID }))).toBe(SP_ID);
    expect(run(idp.unsignedXml({ audience: ['urn:other', SP_ID] }))).toBe(SP_ID);
  });

  it('refuses another audience (and the AWS sign-in audiences are not ours)', () => {
    expectThrow(() => run(idp.unsignedXml({ audience: 'https://signin.aws.amazon.com/saml' })), IDPRejectedClaim, /Audience is not this service provider/);
    expectThrow(() => run(idp.unsignedXml({ audience: 'urn:amazon:webservices' })), IDPRejectedClaim, /Audience/);
  });

  it('requires every AudienceRestriction to include us', () => {
    const xml = idp.unsignedXml({ audience: SP_ID });
    const two = replaceInXml(xml, '</saml:Conditions>', '<saml:AudienceRestriction><saml:Audience>urn:other</saml:Audience></saml:AudienceRestriction></saml:Conditions>');
    expectThrow(() => run(two), IDPRejectedClaim, /Audience/);
  });

  it('refuses no restriction and no or several Conditions', () => {
    expectThrow(() => run(idp.unsignedXml({ audience: null })), IDPRejectedClaim, /no AudienceRestriction/);
    const xml = idp.unsignedXml({ audience: SP_ID });
    const conditions = xml.slice(xml.indexOf('<saml:Conditions'), xml.indexOf('</saml:Conditions>') + '</saml:Conditions>'.length);
    expectThrow(() => run(replaceInXml(xml, conditions, '')), IDPRejectedClaim, /exactly one Conditions/);
    expectThrow(() => run(replaceInXml(xml, conditions, conditions + conditions)), IDPRejectedClaim, /exactly one Conditions/);
  });
});
