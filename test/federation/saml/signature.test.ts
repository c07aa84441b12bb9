import { describe, expect, it } from 'vitest';
import { ExpiredToken, IDPRejectedClaim, InvalidIdentityToken } from '../../../src/errors.js';
import { mapVerifierError, SignatureVerifier } from '../../../src/federation/saml/checks/signature.js';
import { parseMetadata } from '../../../src/federation/saml/metadata.js';
import { createTestIdp, generateKeyPair, replaceInXml, xmlsecVerify } from '../../helpers/samlIdp.js';
import { expectReject, SP } from './support.js';

const idp = createTestIdp();
const metadata = parseMetadata(idp.metadataXml());
const verifier = new SignatureVerifier(SP);
const bytes = (xml: string) => Buffer.from(xml, 'utf8');
const ASSERTION_ONLY = { responseSigned: false, assertionSigned: true };

describe('SignatureVerifier', () => {
  it('returns the signed Assertion (canonical: comments gone, text whole) for an assertion-signed response', async () => {
    const xml = idp.responseXml({ nameIdXml: 'admin@evil.com<!---->.victim.com' });
    expect(xmlsecVerify(xml, idp.keys, "//*[local-name()='Assertion']/*[local-name()='Signature']")).toBe(true);
    const signed = await verifier.verify(metadata, bytes(xml), ASSERTION_ONLY, true);
    expect(signed).toMatch(/^<saml:Assertion /);
    expect(signed).toContain('>admin@evil.com.victim.com</saml:NameID>');
    expect(signed).not.toContain('<!---->');
  });

  it('returns the Assertion from inside a signed Response when only the Response is signed', async () => {
    const xml = idp.responseXml({ sign: 'response', nameId: 'bob' });
    const signed = await verifier.verify(metadata, bytes(xml), { responseSigned: true, assertionSigned: false }, false);
    expect(signed).toContain('>bob</saml:NameID>');
  });

  it('verifies both signatures when both are present', async () => {
    const xml = idp.responseXml({ sign: 'both', nameId: 'carol' });
    expect(await verifier.verify(metadata, bytes(xml), { responseSigned: true, assertionSigned: true }, true)).toContain('>carol</saml:NameID>');
    // an invalid Response signature fails even though the Assertion's is fine
    const broken = replaceInXml(xml, '<samlp:StatusCode', '<samlp:StatusCode a="b"');
    await expectReject(verifier.verify(metadata, bytes(broken), { responseSigned: true, assertionSigned: true }, true), InvalidIdentityToken, /^Response signature invalid$/);
  });

  it('answers "Response signature invalid" for a key not in the metadata, even with its certificate in KeyInfo', async () => {
    const attacker = generateKeyPair('attacker');
    const xml = idp.responseXml({ signingKey: attacker, keyInfo: attacker });
    await expectReject(verifier.verify(metadata, bytes(xml), ASSERTION_ONLY, true), InvalidIdentityToken, /^Response signature invalid$/);
  });

  it('answers "Response signature invalid" for content changed after signing', async () => {
    const xml = idp.responseXml({ nameId: 'alice@example.com' });
    await expectReject(verifier.verify(metadata, bytes(replaceInXml(xml, 'alice@example.com', 'alice@example.co')), ASSERTION_ONLY, true), InvalidIdentityToken);
  });

  it('verifies with any of several metadata keys (rotation)', async () => {
    const next = generateKeyPair('rotation-next');
    const both = parseMetadata(idp.metadataXml({ signingKeys: [idp.keys, next] }));
    await verifier.verify(both, bytes(idp.responseXml({ signingKey: next })), ASSERTION_ONLY, true);
    await verifier.verify(both, bytes(idp.responseXml()), ASSERTION_ONLY, true);
  });
});

describe('mapVerifierError', () => {
  it.each([
    ['Invalid document signature', InvalidIdentityToken, /^Response signature invalid$/],
    ['Invalid signature', InvalidIdentityToken, /^Response signature invalid$/],
    ['Invalid signature from encrypted assertion', InvalidIdentityToken, /^Response signature invalid$/],
    ['SAML assertion expired: clocks skewed too much', ExpiredToken, /^Response has expired$/],
    ['SAML assertion not yet valid', IDPRejectedClaim, /not yet valid/],
    ['SAML assertion audience mismatch. Expected: a Received: b', IDPRejectedClaim, /Audience is not this service provider$/],
    ['SAML assertion has no AudienceRestriction', IDPRejectedClaim, /Audience/],
    ["Error parsing NotOnOrAfter: 'x' is not a valid date", IDPRejectedClaim, /not a valid date/],
    ['Invalid signature: multiple assertions', IDPRejectedClaim, /signature wrapping/],
    ['Invalid signature: ID cannot refer to more than one element', IDPRejectedClaim, /signature wrapping/],
    ["Cannot read properties of null (reading 'AudienceRestriction')", IDPRejectedClaim, /could not be validated/],
  ] as const)('%s', (message, type, expected) => {
    const mapped = mapVerifierError(new Error(message));
    expect(mapped).toBeInstanceOf(type);
    expect(mapped.message).toMatch(expected);
    // never echoes document content
    expect(mapped.message).not.toContain('Received');
  });
});
