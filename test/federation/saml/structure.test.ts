import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { IDPRejectedClaim } from '../../../src/errors.js';
import { checkDecryptedAssertionStructure, checkDocumentStructure } from '../../../src/federation/saml/checks/structure.js';
import { createTestIdp, replaceInXml } from '../../helpers/samlIdp.js';
import { assertionOf, expectThrow } from './support.js';

const idp = createTestIdp();
const SIG = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>';
const doc = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml');
const check = (xml: string) => checkDocumentStructure(doc(xml) as never);

describe('checkDocumentStructure', () => {
  it('returns the envelope of a well-formed Response', () => {
    const xml = idp.unsignedXml({ acsUrl: 'https://sp/acs', inResponseTo: '_req', assertionSignature: SIG, responseSignature: SIG });
    const envelope = check(xml);
    expect(envelope.destination).toBe('https://sp/acs');
    expect(envelope.inResponseTo).toBe('_req');
    expect(envelope.issuer).toBe(idp.entityId);
    expect(envelope.signature?.localName).toBe('Signature');
    expect(envelope.assertion?.localName).toBe('Assertion');
    expect(envelope.encryptedAssertion).toBeUndefined();
  });

  it('omits what the Response does not carry', () => {
    const envelope = check(idp.unsignedXml({ destination: null, responseIssuer: null }));
    expect(envelope.destination).toBeUndefined();
    expect(envelope.issuer).toBeUndefined();
    expect(envelope.signature).toBeUndefined();
  });

  it('refuses a root that is not samlp:Response', () => {
    expectThrow(() => check('<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1" Version="2.0"/>'), IDPRejectedClaim, /not a SAML 2.0 Response/);
    expectThrow(() => check(assertionOf(idp.unsignedXml()).toString()), IDPRejectedClaim, /not a SAML 2.0 Response/);
  });

  it('refuses a Response of another version or without ID', () => {
    expectThrow(() => check(replaceInXml(idp.unsignedXml(), 'Version="2.0"', 'Version="1.1"')), IDPRejectedClaim, /version 2.0/);
    expectThrow(() => check(idp.unsignedXml({ responseId: '' })), IDPRejectedClaim, /no ID/);
  });

  it('refuses a status other than Success, naming it', () => {
    expectThrow(() => check(idp.unsignedXml({ status: 'urn:oasis:names:tc:SAML:2.0:status:Responder' })), IDPRejectedClaim, /status Responder/);
  });

  it('refuses zero or two assertions', () => {
    const xml = idp.unsignedXml();
    const assertion = assertionOf(xml).toString();
    expectThrow(() => check(replaceInXml(xml, assertion, '')), IDPRejectedClaim, /exactly one Assertion/);
    expectThrow(() => check(replaceInXml(xml, assertion, assertion.replace(/ID="[^"]+"/, 'ID="_other"') + assertion)), IDPRejectedClaim, /exactly one Assertion/);
  });

  it('refuses unexpected children of the Response', () => {
    expectThrow(() => check(replaceInXml(idp.unsignedXml(), '<samlp:Status>', '<samlp:Foo/><samlp:Status>')), IDPRejectedClaim, /unexpected element <Foo>/);
    // the right local name in the wrong namespace
    expectThrow(() => check(replaceInXml(idp.unsignedXml(), '<samlp:Status>', '<x:Issuer xmlns:x="urn:x">e</x:Issuer><samlp:Status>')), IDPRejectedClaim, /unexpected element <Issuer>/);
  });

  it('refuses an Assertion, Signature or Response element anywhere else, in any namespace', () => {
    const base = idp.unsignedXml({ assertionSignature: SIG });
    const inExtensions = (inner: string) => replaceInXml(base, '<samlp:Status>', `<samlp:Extensions>${inner}</samlp:Extensions><samlp:Status>`);
    expectThrow(() => check(inExtensions('<saml:Assertion ID="_x"/>')), IDPRejectedClaim, /unexpected <Assertion>/);
    expectThrow(() => check(inExtensions('<e:Assertion xmlns:e="urn:evil" ID="_y"/>')), IDPRejectedClaim, /unexpected <Assertion>/);
    expectThrow(() => check(inExtensions(SIG)), IDPRejectedClaim, /unexpected <Signature>/);
    expectThrow(() => check(inExtensions('<samlp:Response/>')), IDPRejectedClaim, /unexpected <Response>/);
    // a Signature deeper inside the Assertion
    expectThrow(() => check(replaceInXml(base, '<saml:Subject>', `<saml:Subject>${SIG}`)), IDPRejectedClaim, /unexpected <Signature>/);
  });

  it('refuses processing instructions inside the Response (the XML declaration is fine)', () => {
    expect(() => check(`<?xml version="1.0"?>${idp.unsignedXml()}`)).not.toThrow();
    expectThrow(() => check(idp.unsignedXml({ nameIdXml: 'a<?pi?>b' })), IDPRejectedClaim, /processing instructions/);
  });

  it('refuses two signatures on one element', () => {
    expectThrow(() => check(idp.unsignedXml({ assertionSignature: SIG + SIG })), IDPRejectedClaim, /more than one Signature/);
    expectThrow(() => check(idp.unsignedXml({ responseSignature: SIG + SIG })), IDPRejectedClaim, /more than one Signature/);
  });

  it('refuses a cloned Subject or Conditions in the Assertion', () => {
    const xml = idp.unsignedXml();
    const subject = xml.slice(xml.indexOf('<saml:Subject>'), xml.indexOf('</saml:Subject>') + '</saml:Subject>'.length);
    expectThrow(() => check(replaceInXml(xml, subject, subject + subject)), IDPRejectedClaim, /more than one Subject/);
    const conditions = xml.slice(xml.indexOf('<saml:Conditions'), xml.indexOf('</saml:Conditions>') + '</saml:Conditions>'.length);
    expectThrow(() => check(replaceInXml(xml, conditions, conditions + conditions)), IDPRejectedClaim, /more than one Conditions/);
  });

  it('refuses an ID value used twice, whatever the ID attribute is called', () => {
    expectThrow(() => check(idp.unsignedXml({ assertionId: '_same', responseId: '_same' })), IDPRejectedClaim, /ID value appears more than once/);
    const xml = idp.unsignedXml({ assertionId: '_a1' });
    expectThrow(() => check(replaceInXml(xml, '<saml:Subject>', '<saml:Subject Id="_a1">')), IDPRejectedClaim, /more than once/);
  });

  it('refuses an attribute named xmlns… that is no namespace declaration (the canonical form leaves it out)', () => {
    const xml = idp.unsignedXml();
    expectThrow(() => check(replaceInXml(xml, '<saml:Subject>', '<saml:Subject xmlnsRecipient="x">')), IDPRejectedClaim, /starts with "xmlns"/);
    expect(() => check(replaceInXml(xml, '<saml:Subject>', '<saml:Subject xmlns:x="urn:x" xmlns="urn:y">'))).not.toThrow();
  });

  it('accepts one EncryptedAssertion instead of an Assertion', () => {
    const xml = idp.unsignedXml({ encrypted: true });
    const envelope = check(replaceInXml(xml, assertionOf(xml).toString(), '<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/>'));
    expect(envelope.assertion).toBeUndefined();
    expect(envelope.encryptedAssertion?.localName).toBe('EncryptedAssertion');
  });
});

describe('checkDecryptedAssertionStructure', () => {
  it('accepts a signed Assertion', () => {
    expect(() => checkDecryptedAssertionStructure(assertionOf(idp.unsignedXml({ assertionSignature: SIG })) as never)).not.toThrow();
  });

  it('refuses a root that is not an Assertion', () => {
    expectThrow(() => checkDecryptedAssertionStructure(doc(idp.unsignedXml()).documentElement as never), IDPRejectedClaim, /does not contain an Assertion/);
  });

  it('refuses a nested Assertion or a misplaced Signature', () => {
    const xml = idp.unsignedXml({ assertionSignature: SIG });
    expectThrow(() => checkDecryptedAssertionStructure(assertionOf(replaceInXml(xml, '<saml:Subject>', '<saml:Subject><saml:Assertion ID="_n"/>')) as never), IDPRejectedClaim, /unexpected <Assertion>/);
    expectThrow(() => checkDecryptedAssertionStructure(assertionOf(replaceInXml(xml, '<saml:Subject>', `<saml:Subject>${SIG}`)) as never), IDPRejectedClaim, /unexpected <Signature>/);
  });
});
