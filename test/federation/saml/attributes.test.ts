import { describe, expect, it } from 'vitest';
import { IDPRejectedClaim } from '../../../src/errors.js';
import { isMfaAtIdp, parseRoleValue, readAttributes, readAuthnStatement, readAwsAttributes } from '../../../src/federation/saml/checks/attributes.js';
import { AWS_ROLE, AWS_ROLE_SESSION_NAME, AWS_SESSION_DURATION, AWS_SOURCE_IDENTITY, createTestIdp, replaceInXml } from '../../helpers/samlIdp.js';
import { assertionOf, expectThrow } from './support.js';

const idp = createTestIdp();
const ROLE = 'arn:aws:iam::123456789012:role/Dev';
const PROVIDER = 'arn:aws:iam::123456789012:saml-provider/ExampleCorp';

describe('readAttributes', () => {
  it('maps every Attribute Name to its values, in order, merging repeated names', () => {
    const xml = idp.unsignedXml({ attributes: { groups: ['a', 'b'], mail: 'alice@example.com' } });
    const merged = replaceInXml(xml, '</saml:AttributeStatement>', '</saml:AttributeStatement><saml:AttributeStatement><saml:Attribute Name="groups"><saml:AttributeValue>c</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>');
    const attributes = readAttributes(assertionOf(merged) as never);
    expect([...attributes.entries()]).toEqual([['groups', ['a', 'b', 'c']], ['mail', ['alice@example.com']]]);
  });

  it('skips xsi:nil values and nameless attributes, reads no nested statement', () => {
    const xml = idp.unsignedXml({ attributes: { a: 'x' } });
    const edited = replaceInXml(
      xml,
      '</saml:Attribute>',
      '<saml:AttributeValue xsi:nil="true"/></saml:Attribute><saml:Attribute><saml:AttributeValue>nameless</saml:AttributeValue></saml:Attribute>',
    );
    const hidden = replaceInXml(edited, '<saml:Subject>', '<saml:Subject><saml:AttributeStatement><saml:Attribute Name="b"><saml:AttributeValue>y</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>');
    expect([...readAttributes(assertionOf(hidden) as never)]).toEqual([['a', ['x']]]);
  });
});

describe('parseRoleValue', () => {
  it('accepts role,provider and provider,role with white space', () => {
    expect(parseRoleValue(`${ROLE},${PROVIDER}`)).toEqual({ roleArn: ROLE, providerArn: PROVIDER });
    expect(parseRoleValue(` ${PROVIDER} , ${ROLE} `)).toEqual({ roleArn: ROLE, providerArn: PROVIDER });
  });

  it('handles role names with commas and paths', () => {
    const role = 'arn:aws:iam::123456789012:role/team/a,b';
    expect(parseRoleValue(`${role},${PROVIDER}`)).toEqual({ roleArn: role, providerArn: PROVIDER });
    expect(parseRoleValue(`${PROVIDER},${role}`)).toEqual({ roleArn: role, providerArn: PROVIDER });
  });

  it('accepts every provider name a configuration accepts ([\\w.-], up to 128 characters)', () => {
    for (const name of ['Corp.EU_1-x', 'x'.repeat(128)]) {
      const provider = `arn:aws:iam::123456789012:saml-provider/${name}`;
      expect(parseRoleValue(`${ROLE},${provider}`), name).toEqual({ roleArn: ROLE, providerArn: provider });
    }
    expect(parseRoleValue(`${ROLE},arn:aws:iam::123456789012:saml-provider/Corp+EU`)).toBeUndefined();
  });

  it('refuses anything else', () => {
    expect(parseRoleValue(ROLE)).toBeUndefined();
    expect(parseRoleValue(`${ROLE},${ROLE}`)).toBeUndefined();
    expect(parseRoleValue(`${PROVIDER},${PROVIDER}`)).toBeUndefined();
    expect(parseRoleValue('arn:aws::iam::123456789012:role/demo,' + PROVIDER)).toBeUndefined();
    expect(parseRoleValue(`${ROLE},${PROVIDER},extra`)).toBeUndefined();
  });
});

describe('readAwsAttributes', () => {
  it('reads Role pairs (malformed ones reported), RoleSessionName, SessionDuration and SourceIdentity', () => {
    const aws = readAwsAttributes(new Map([
      [AWS_ROLE, [`${ROLE},${PROVIDER}`, 'garbage']],
      [AWS_ROLE_SESSION_NAME, ['alice@example.com']],
      [AWS_SESSION_DURATION, ['7200']],
      [AWS_SOURCE_IDENTITY, ['alice']],
    ]));
    expect(aws).toEqual({
      roleAttribute: [{ roleArn: ROLE, providerArn: PROVIDER }],
      malformedRoleValues: ['garbage'],
      roleSessionName: 'alice@example.com',
      sessionDuration: 7200,
      sourceIdentity: 'alice',
    });
  });

  it('treats attribute names case-sensitively (another case is absent)', () => {
    const aws = readAwsAttributes(new Map([['https://aws.amazon.com/saml/attributes/role', [`${ROLE},${PROVIDER}`]]]));
    expect(aws.roleAttribute).toEqual([]);
  });

  it('refuses a non-integer SessionDuration and several session names', () => {
    expectThrow(() => readAwsAttributes(new Map([[AWS_SESSION_DURATION, ['1h']]])), IDPRejectedClaim, /SessionDuration/);
    expectThrow(() => readAwsAttributes(new Map([[AWS_SESSION_DURATION, ['3600.5']]])), IDPRejectedClaim, /SessionDuration/);
    expectThrow(() => readAwsAttributes(new Map([[AWS_ROLE_SESSION_NAME, ['a', 'b']]])), IDPRejectedClaim, /exactly one value/);
  });
});

describe('readAuthnStatement and isMfaAtIdp', () => {
  it('reads class refs, AuthnInstant (seconds) and SessionNotOnOrAfter (ms)', () => {
    const xml = idp.unsignedXml({ authnContextClassRef: 'urn:mfa', authnInstant: '2030-01-01T00:00:00.900Z', sessionNotOnOrAfter: '2030-01-01T08:00:00Z' });
    expect(readAuthnStatement(assertionOf(xml) as never)).toEqual({
      classRefs: ['urn:mfa'],
      authenticatedAt: Date.parse('2030-01-01T00:00:00Z') / 1000,
      sessionNotOnOrAfter: Date.parse('2030-01-01T08:00:00Z'),
    });
  });

  it('refuses a malformed SessionNotOnOrAfter', () => {
    expectThrow(() => readAuthnStatement(assertionOf(idp.unsignedXml({ sessionNotOnOrAfter: 'never' })) as never), IDPRejectedClaim, /SessionNotOnOrAfter/);
  });

  it('MFA only when every class ref is configured as MFA', () => {
    expect(isMfaAtIdp(['urn:mfa'], ['urn:mfa', 'urn:otp'])).toBe(true);
    expect(isMfaAtIdp(['urn:mfa', 'urn:password'], ['urn:mfa'])).toBe(false);
    expect(isMfaAtIdp([], ['urn:mfa'])).toBe(false);
    expect(isMfaAtIdp(['urn:mfa'], [])).toBe(false);
  });
});
