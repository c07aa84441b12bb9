import { describe, expect, it } from 'vitest';
import { buildConditionKeys, computeNameQualifier, SAML_ATTRIBUTE_KEYS } from '../../../src/federation/saml/conditionKeys.js';

const base = {
  issuer: 'https://example.com/saml',
  subject: 'cbb88bf52c2510eabe00c1642d4643f41430fe25e3',
  subjectType: 'persistent',
  recipient: 'http://localhost:8080/saml',
  account: '123456789012',
  providerName: 'MySAMLIdP',
};
const keysFor = (attributes: Record<string, string[]>) => buildConditionKeys({ ...base, attributes: new Map(Object.entries(attributes)) });

describe('computeNameQualifier', () => {
  it('TV-S7: Base64(SHA1(issuer + account + "/" + provider))', () => {
    expect(computeNameQualifier('https://example.com/saml', '123456789012', 'MySAMLIdP')).toBe('1uAJanUnBc2XeUkHURMht+xam2c=');
  });

  it('TV-S8: never the hash with a slash after the issuer', () => {
    expect(computeNameQualifier('https://example.com/saml', '123456789012', 'MySAMLIdP')).not.toBe('ZJ7bLrcd9SJlBOE+5OiooapD4hQ=');
  });

  it('changes with the provider name', () => {
    expect(computeNameQualifier('https://example.com/saml', '123456789012', 'Other')).not.toBe('1uAJanUnBc2XeUkHURMht+xam2c=');
  });
});

describe('buildConditionKeys', () => {
  it('sets the assertion keys (saml:aud is the Recipient)', () => {
    const keys = keysFor({});
    expect(keys).toEqual({
      'saml:aud': 'http://localhost:8080/saml',
      'saml:iss': 'https://example.com/saml',
      'saml:sub': 'cbb88bf52c2510eabe00c1642d4643f41430fe25e3',
      'saml:sub_type': 'persistent',
      'saml:namequalifier': '1uAJanUnBc2XeUkHURMht+xam2c=',
      'saml:doc': '123456789012/MySAMLIdP',
    });
  });

  it('maps eduPerson lists and strings from their OID names (TV-S2: saml:edupersonorgdn)', () => {
    const keys = keysFor({
      'urn:oid:1.3.6.1.4.1.5923.1.1.1.1': ['staff', 'member'],
      'urn:oid:1.3.6.1.4.1.5923.1.1.1.3': ['ExampleOrg'],
      'urn:oid:1.3.6.1.4.1.5923.1.1.1.6': ['alice@example.org'],
      'urn:oid:2.5.4.3': ['Alice', 'A. Smith'],
    });
    expect(keys['saml:edupersonaffiliation']).toEqual(['staff', 'member']);
    expect(keys['saml:edupersonorgdn']).toBe('ExampleOrg');
    expect(keys['saml:edupersonprincipalname']).toBe('alice@example.org');
    expect(keys['saml:cn']).toEqual(['Alice', 'A. Smith']);
  });

  it('accepts both spellings of the eduOrg authN-policy key', () => {
    const keys = keysFor({ 'urn:oid:1.3.6.1.4.1.5923.1.2.1.3': ['https://policy'] });
    expect(keys['saml:eduorgidentityauthnpolicyuri']).toEqual(['https://policy']);
    expect(keys['saml:eduorgidentityauthnpolicy']).toEqual(['https://policy']);
  });

  it('maps Active Directory and X.500 names (guide typos and real OIDs), first value, table order wins', () => {
    expect(keysFor({ 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': ['a@x', 'b@x'] })['saml:mail']).toBe('a@x');
    expect(keysFor({ '2.4.5.42': ['Alice'] })['saml:givenname']).toBe('Alice');
    expect(keysFor({ '2.5.4.42': ['Alice'] })['saml:givenname']).toBe('Alice');
    expect(keysFor({ '0.9.2342.19200300100.1.1': ['alice'] })['saml:uid']).toBe('alice');
    expect(keysFor({ '0.9.2342.19200300.100.1.45': ['active'] })['saml:organizationstatus']).toBe('active');
    expect(keysFor({ '2.5.4.3': ['Alice Smith'] })['saml:commonname']).toBe('Alice Smith');
    expect(keysFor({ 'urn:oid:0.9.2342.19200300.100.1.3': ['u@x'] })['saml:mail']).toBe('u@x');
    // AD comes before X.500 in the table
    expect(keysFor({ '0.9.2342.19200300.100.1.3': ['x500@x'], 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': ['ad@x'] })['saml:mail']).toBe('ad@x');
  });

  it('exposes every attribute as a lower-case saml:attr/<Name> list', () => {
    const keys = keysFor({ 'https://aws.amazon.com/SAML/Attributes/Role': ['r1', 'r2'], groups: ['g'], Groups: ['G'] });
    expect(keys['saml:attr/https://aws.amazon.com/saml/attributes/role']).toEqual(['r1', 'r2']);
    expect(keys['saml:attr/groups']).toEqual(['g', 'G']);
  });

  it('never lets an attribute replace an assertion key', () => {
    expect(keysFor({ 'saml:sub': ['evil'], aud: ['evil'] })['saml:sub']).toBe(base.subject);
  });

  it('has lower-case keys in its table, each with a saml: prefix', () => {
    for (const row of SAML_ATTRIBUTE_KEYS) for (const key of row.keys) expect(key).toMatch(/^saml:[a-z0-9_]+$/);
  });
});
