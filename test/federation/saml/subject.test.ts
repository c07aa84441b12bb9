import { describe, expect, it } from 'vitest';
import { AccessDenied, IDPRejectedClaim } from '../../../src/errors.js';
import { readSubject } from '../../../src/federation/saml/checks/subject.js';
import { createTestIdp, NAMEID_EMAIL, NAMEID_TRANSIENT, replaceInXml } from '../../helpers/samlIdp.js';
import type { ResponseOptions } from '../../helpers/samlIdp.js';
import { assertionOf, expectThrow } from './support.js';

const idp = createTestIdp();
const read = (options: ResponseOptions) => readSubject(assertionOf(idp.unsignedXml(options)) as never);

describe('readSubject', () => {
  it('reads the NameID byte for byte with its type (persistent, transient, or the Format URI)', () => {
    expect(read({ nameId: 'cbb88bf52c2510eabe00c1642d4643f41430fe25e3' })).toEqual({
      nameId: 'cbb88bf52c2510eabe00c1642d4643f41430fe25e3',
      format: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
      subjectType: 'persistent',
    });
    expect(read({ nameIdFormat: NAMEID_TRANSIENT }).subjectType).toBe('transient');
    expect(read({ nameIdFormat: NAMEID_EMAIL }).subjectType).toBe(NAMEID_EMAIL);
    expect(read({ nameIdFormat: null }).subjectType).toBe('urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified');
  });

  it('joins text around comments and CDATA: never a truncated subject', () => {
    expect(read({ nameIdXml: 'admin@evil.com<!---->.victim.com' }).nameId).toBe('admin@evil.com.victim.com');
    expect(read({ nameIdXml: 'admin<![CDATA[@corp]]>.example' }).nameId).toBe('admin@corp.example');
    expect(read({ nameIdXml: '&#97;dmin' }).nameId).toBe('admin');
  });

  it('refuses markup, surrounding white space and control characters', () => {
    expectThrow(() => read({ nameIdXml: 'admin<b/>@corp' }), IDPRejectedClaim, /markup/);
    expectThrow(() => read({ nameIdXml: 'admin<?pi x?>@corp' }), IDPRejectedClaim, /markup/);
    expectThrow(() => read({ nameIdXml: ' admin@corp' }), IDPRejectedClaim, /white space/);
    expectThrow(() => read({ nameIdXml: 'admin@corp\n' }), IDPRejectedClaim, /white space/);
    expectThrow(() => read({ nameIdXml: 'admin&#x1;@corp' }), IDPRejectedClaim, /control characters/);
  });

  it('answers AWS AccessDenied when there is no NameID', () => {
    const e = expectThrow(() => read({ nameIdXml: null }), AccessDenied, /^Not authorized to perform sts:AssumeRoleWithSAML$/) as AccessDenied;
    expect(e.explanation).toEqual({ reason: 'SAML response does not include a Subject containing a NameID' });
    expectThrow(() => read({ nameIdXml: '' }), AccessDenied);
  });

  it('refuses two NameIDs and an encrypted NameID', () => {
    expectThrow(() => read({ nameIdXml: 'a</saml:NameID><saml:NameID>b' }), IDPRejectedClaim, /more than one NameID/);
    const encryptedId = replaceInXml(idp.unsignedXml({ nameIdXml: null }), '<saml:Subject>', '<saml:Subject><saml:EncryptedID/>');
    expectThrow(() => readSubject(assertionOf(encryptedId) as never), IDPRejectedClaim, /EncryptedID/);
  });
});
