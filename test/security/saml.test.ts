/**
 * security.md, "SAML": one named test per row (and per attack the row names). Responses are made
 * and signed by an independent IdP (openssl + xmlsec1, test/helpers/samlIdp.ts); replay and
 * InResponseTo go through a real MemoryStore. Where a row says IDPRejectedClaim, api.md's codes
 * apply: a signature that does not verify is InvalidIdentityToken "Response signature invalid",
 * an expired assertion ExpiredTokenException "Response has expired".
 */
import { describe, expect, it } from 'vitest';
import { ExpiredToken, IDPRejectedClaim, InvalidIdentityToken, RequestEntityTooLarge } from '../../src/errors.js';
import { SamlValidator } from '../../src/federation/saml/validate.js';
import { MemoryStore } from '../../src/store/memory.js';
import {
  addResponseExtensions, AWS_ROLE, billionLaughs, createTestIdp, deeplyNested, externalEntity, generateKeyPair, injectIntoNameId,
  replaceInXml, toBase64, xsw,
} from '../helpers/samlIdp.js';
import type { XswVariant } from '../helpers/samlIdp.js';
import { ACCOUNT, expectReject, PROVIDER_ARN, providerFor, setup, SP } from '../federation/saml/support.js';

const idp = createTestIdp();
const attacker = generateKeyPair('attacker');
const ROLE_DEV = `${`arn:aws:iam::${ACCOUNT}:role/Developer`},${PROVIDER_ARN}`;
const SIGNATURE_INVALID = /^Response signature invalid$/;

/** A fast bound proving "no hang", not a performance assertion. */
async function settlesWithin<T>(ms: number, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await work();
  expect(Date.now() - started).toBeLessThan(ms);
  return result;
}

describe('security.md SAML: signatures', () => {
  it('Response or Assertion not signed → IDPRejectedClaim', async () => {
    const { validator, options } = setup(idp);
    await expectReject(validator.validate(idp.response({ sign: 'none' }), options()), IDPRejectedClaim, /neither the Response nor the Assertion is signed/);
    await expectReject(validator.validate(idp.response({ sign: 'response' }), options()), IDPRejectedClaim, /Assertion is not signed/);
    // a valid signature stripped off by an attacker
    const signed = idp.responseXml();
    const stripped = signed.slice(0, signed.indexOf('<ds:Signature')) + signed.slice(signed.indexOf('</ds:Signature>') + '</ds:Signature>'.length);
    await expectReject(validator.validate(toBase64(stripped), options()), IDPRejectedClaim, /neither the Response nor the Assertion is signed/);
    const relaxed = setup(idp, { requireSignedAssertion: false });
    await expectReject(relaxed.validator.validate(idp.response({ sign: 'none' }), relaxed.options()), IDPRejectedClaim, /neither/);
  });

  it('Signed by a key that is not in the provider metadata → InvalidIdentityToken "Response signature invalid"', async () => {
    const { validator, options } = setup(idp);
    await expectReject(validator.validate(idp.response({ signingKey: attacker }), options()), InvalidIdentityToken, SIGNATURE_INVALID);
    await expectReject(validator.validate(idp.response({ signingKey: attacker, sign: 'both' }), options()), InvalidIdentityToken, SIGNATURE_INVALID);
  });

  it('KeyInfo carrying an unknown certificate is never trusted: only metadata keys verify', async () => {
    const { validator, options } = setup(idp);
    // attacker's key and attacker's certificate in KeyInfo
    await expectReject(validator.validate(idp.response({ signingKey: attacker, keyInfo: attacker }), options()), InvalidIdentityToken, SIGNATURE_INVALID);
    // the IdP's own signature with the attacker's certificate swapped into KeyInfo (outside SignedInfo): the metadata key decides
    const swapped = idp.responseXml({ nameId: 'keyinfo-user' }).replace(/<ds:X509Certificate>[^<]*<\/ds:X509Certificate>/, `<ds:X509Certificate>${attacker.certBase64}</ds:X509Certificate>`);
    expect(swapped).toContain(attacker.certBase64);
    expect((await validator.validate(toBase64(swapped), options())).identity.subject).toBe('keyinfo-user');
  });

  it('SHA-1 signature or digest refused unless allowSha1: true', async () => {
    const { validator, options } = setup(idp);
    await expectReject(validator.validate(idp.response({ algorithm: 'rsa-sha1' }), options()), IDPRejectedClaim, /rsa-sha1 \(SHA-1\) is not accepted/);
    await expectReject(validator.validate(idp.response({ digest: 'sha1' }), options()), IDPRejectedClaim, /digest algorithm sha1 \(SHA-1\) is not accepted/);
    const legacy = setup(idp, { allowSha1: true });
    expect((await legacy.validator.validate(idp.response({ algorithm: 'rsa-sha1', nameId: 'legacy' }), legacy.options())).identity.subject).toBe('legacy');
  });

  it('Issuer not the provider entity id, even when signed by that provider key → IDPRejectedClaim', async () => {
    const impostor = createTestIdp({ entityId: 'https://impostor.example/idp' }); // same key label: the configured IdP's key
    const { validator, options } = setup(idp);
    await expectReject(validator.validate(impostor.response(), options()), IDPRejectedClaim, /Issuer is not a configured identity provider/);
    await expectReject(validator.validate(impostor.response(), options({ provider: 'ExampleCorp' })), IDPRejectedClaim, /^Failed to assume role: Issuer not present in specified provider$/);
    await expectReject(validator.validate(idp.response({ responseIssuer: 'https://impostor.example/idp' }), options()), IDPRejectedClaim, /Response Issuer is not the entity id/);
    // two providers: B's entity id in an assertion signed with A's key
    const other = createTestIdp({ entityId: 'https://other.example/idp', keyLabel: 'other-idp' });
    const store = new MemoryStore();
    const two = new SamlValidator(SP, [providerFor(idp), providerFor(other, { name: 'Other' })]);
    const forged = idp.response({ issuer: other.entityId });
    await expectReject(two.validate(forged, { claimAssertionId: (k, e) => store.claimOnce('saml', k, e) }), InvalidIdentityToken, SIGNATURE_INVALID);
  });

  it('CVE-2025-54369 regression: one character removed from the NameID does not pass', async () => {
    const { validator, options } = setup(idp);
    const xml = idp.responseXml({ nameId: 'admin@victim.example.com' });
    for (const edited of ['admin@victim.example.co', 'dmin@victim.example.com', 'admin@victimexample.com']) {
      const tampered = replaceInXml(xml, '>admin@victim.example.com<', `>${edited}<`);
      await expectReject(validator.validate(toBase64(tampered), options()), InvalidIdentityToken, SIGNATURE_INVALID);
    }
    const tamperedBoth = replaceInXml(idp.responseXml({ sign: 'both', nameId: 'admin@victim.example.com' }), '>admin@victim.example.com<', '>admin@victim.example.co<');
    await expectReject(validator.validate(toBase64(tamperedBoth), options()), InvalidIdentityToken, SIGNATURE_INVALID);
  });
});

describe('security.md SAML: signature wrapping (XSW1–XSW8)', () => {
  const assertionVariants: XswVariant[] = ['XSW3', 'XSW4', 'XSW5', 'XSW6', 'XSW7', 'XSW8'];

  it.each(['XSW1', 'XSW2'] as const)('%s (signed Response wrapped) → IDPRejectedClaim', async (variant) => {
    const relaxed = setup(idp, { requireSignedAssertion: false });
    const signed = idp.responseXml({ sign: 'response', nameId: 'attacker@evil.example' });
    await expectReject(relaxed.validator.validate(toBase64(xsw(signed, variant)), relaxed.options()), IDPRejectedClaim, /signature wrapping/);
    const strict = setup(idp);
    const both = idp.responseXml({ sign: 'both', nameId: 'attacker@evil.example' });
    await expectReject(strict.validator.validate(toBase64(xsw(both, variant)), strict.options()), IDPRejectedClaim);
  });

  it.each(assertionVariants)('%s (signed Assertion wrapped) → IDPRejectedClaim', async (variant) => {
    const { validator, options } = setup(idp);
    const signed = idp.responseXml({ nameId: 'attacker@evil.example', attributes: { [AWS_ROLE]: ROLE_DEV } });
    await expectReject(validator.validate(toBase64(xsw(signed, variant)), options()), IDPRejectedClaim, /signature wrapping|exactly one Assertion/);
  });

  it('a cloned Subject injected into the signed Assertion → IDPRejectedClaim', async () => {
    const { validator, options } = setup(idp);
    const xml = idp.responseXml({ nameId: 'attacker@evil.example' });
    const subject = xml.slice(xml.indexOf('<saml:Subject>'), xml.indexOf('</saml:Subject>') + '</saml:Subject>'.length);
    const cloned = replaceInXml(xml, subject, subject.replace('attacker@evil.example', 'admin@victim.example') + subject);
    await expectReject(validator.validate(toBase64(cloned), options()), IDPRejectedClaim, /more than one Subject/);
  });

  it('attributes and subject are read only from the signed node, never from unsigned parts of the message', async () => {
    const { validator, options } = setup(idp);
    const signed = idp.responseXml({ nameId: 'alice@example.com', attributes: { [AWS_ROLE]: ROLE_DEV } });
    const evil = `<saml:AttributeStatement><saml:Attribute Name="${AWS_ROLE}"><saml:AttributeValue>arn:aws:iam::${ACCOUNT}:role/Admin,${PROVIDER_ARN}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement><saml:Subject><saml:NameID>admin@victim.example</saml:NameID></saml:Subject>`;
    const result = await validator.validate(toBase64(addResponseExtensions(signed, evil)), options());
    expect(result.identity.subject).toBe('alice@example.com');
    expect(result.roleAttribute).toEqual([{ roleArn: `arn:aws:iam::${ACCOUNT}:role/Developer`, providerArn: PROVIDER_ARN }]);
    expect(result.attributes.get(AWS_ROLE)).toEqual([ROLE_DEV]);
  });
});

describe('security.md SAML: NameID comment and white-space tricks', () => {
  it('a comment signed by the IdP inside the NameID yields the whole canonical text', async () => {
    const { validator, options } = setup(idp);
    const result = await validator.validate(idp.response({ nameIdXml: 'admin@evil.com<!---->.victim.com' }), options());
    expect(result.identity.subject).toBe('admin@evil.com.victim.com');
    expect(result.identity.conditionKeys['saml:sub']).toBe('admin@evil.com.victim.com');
  });

  it('a comment or empty CDATA injected after signing (signature still valid) never truncates the subject', async () => {
    const { validator, options } = setup(idp);
    const signed = idp.responseXml({ nameId: 'user@victim.com.evil.com' });
    const comment = injectIntoNameId(signed, 'user@victim.com', '<!---->');
    expect((await validator.validate(toBase64(comment), options())).identity.subject).toBe('user@victim.com.evil.com');
    const cdata = injectIntoNameId(idp.responseXml({ nameId: 'user@victim.com.evil.com' }), 'user@victim.com', '<![CDATA[]]>');
    expect((await validator.validate(toBase64(cdata), options())).identity.subject).toBe('user@victim.com.evil.com');
  });

  it('white space around a NameID is refused; white space added after signing breaks the signature', async () => {
    const { validator, options } = setup(idp);
    await expectReject(validator.validate(idp.response({ nameIdXml: 'admin@corp.example ' }), options()), IDPRejectedClaim, /white space/);
    // a processing instruction survives canonicalisation (and canonicalisers disagree on it): refused
    await expectReject(validator.validate(idp.response({ nameIdXml: 'admin<?x y?>@corp.example' }), options()), IDPRejectedClaim, /processing instructions/);
    const padded = injectIntoNameId(idp.responseXml({ nameId: 'admin@corp.example' }), 'admin@corp.example', ' ');
    await expectReject(validator.validate(toBase64(padded), options()), InvalidIdentityToken, SIGNATURE_INVALID);
  });
});

describe('security.md SAML: hostile XML', () => {
  it('DOCTYPE, external entities and entity expansion (billion laughs) are rejected before DOM parsing, quickly', async () => {
    const { validator, options } = setup(idp);
    for (const xml of [billionLaughs(), externalEntity(), replaceInXml(idp.responseXml(), '<samlp:Response', '<!DOCTYPE samlp:Response><samlp:Response')]) {
      await settlesWithin(5_000, () => expectReject(validator.validate(toBase64(xml), options()), IDPRejectedClaim, /DOCTYPE or entity declarations/));
    }
  });

  it('a body over the size limit → RequestEntityTooLarge (413), quickly', async () => {
    const { validator, options } = setup(idp, {}, { maxResponseBytes: 16_384 });
    const big = idp.response({ attributes: { padding: 'x'.repeat(20_000) } });
    const error = await settlesWithin(5_000, () => expectReject(validator.validate(big, options()), RequestEntityTooLarge, /larger than 16384 bytes/));
    expect((error as RequestEntityTooLarge).httpStatus).toBe(413);
    await settlesWithin(5_000, () => expectReject(validator.validate('A'.repeat(50_000_000), options()), RequestEntityTooLarge));
  });

  it('deep nesting → IDPRejectedClaim before parsing, quickly', async () => {
    const { validator, options } = setup(idp, {}, { maxResponseBytes: 10_000_000 });
    await settlesWithin(5_000, () => expectReject(validator.validate(toBase64(deeplyNested(100_000)), options()), IDPRejectedClaim, /deeper than/));
  });
});

describe('security.md SAML: conditions', () => {
  it('Response Destination not the ACS URL → IDPRejectedClaim', async () => {
    const { validator, options } = setup(idp);
    await expectReject(validator.validate(idp.response({ destination: 'https://evil.example/saml' }), options()), IDPRejectedClaim, /Destination/);
    await expectReject(validator.validate(idp.response({ sign: 'both', destination: 'https://evil.example/saml' }), options()), IDPRejectedClaim, /Destination/);
  });

  it('SubjectConfirmationData Recipient not the ACS URL → IDPRejectedClaim', async () => {
    const { validator, options } = setup(idp);
    await expectReject(validator.validate(idp.response({ recipient: 'https://signin.aws.amazon.com/saml' }), options()), IDPRejectedClaim, /Recipient/);
  });

  it('Audience not the broker entity id → IDPRejectedClaim', async () => {
    const { validator, options } = setup(idp);
    await expectReject(validator.validate(idp.response({ audience: 'https://signin.aws.amazon.com/saml' }), options()), IDPRejectedClaim, /Audience is not this service provider/);
  });

  it('expired (NotOnOrAfter past, beyond clock skew) → ExpiredTokenException "Response has expired"', async () => {
    const { validator, options } = setup(idp);
    const past = Date.now() - 10 * 60_000;
    await expectReject(validator.validate(idp.response({ issueInstant: past - 60_000, notBefore: past - 60_000, notOnOrAfter: past }), options()), ExpiredToken, /^Response has expired$/);
    await expectReject(validator.validate(idp.response({ subjectNotOnOrAfter: past, notOnOrAfter: Date.now() + 60_000 }), options()), ExpiredToken, /^Response has expired$/);
    // within the skew it is still accepted
    await validator.validate(idp.response({ subjectNotOnOrAfter: Date.now() - 30_000, notOnOrAfter: Date.now() - 30_000 }), options());
  });

  it('not yet valid (NotBefore beyond clock skew) → IDPRejectedClaim', async () => {
    const { validator, options } = setup(idp);
    await expectReject(validator.validate(idp.response({ notBefore: Date.now() + 10 * 60_000, notOnOrAfter: Date.now() + 20 * 60_000 }), options()), IDPRejectedClaim, /not yet valid/);
  });

  it('the same assertion ID presented twice, to any instance → IDPRejectedClaim (replay)', async () => {
    const shared = new MemoryStore();
    const claim = { claimAssertionId: (k: string, e: number) => shared.claimOnce('saml-assertion', k, e) };
    const instanceA = new SamlValidator(SP, [providerFor(idp)]);
    const instanceB = new SamlValidator(SP, [providerFor(idp)]);
    const b64 = idp.response();
    await instanceA.validate(b64, claim);
    await expectReject(instanceA.validate(b64, claim), IDPRejectedClaim, /replay/);
    await expectReject(instanceB.validate(b64, claim), IDPRejectedClaim, /replay/);
    // a different encoding of the same assertion is the same assertion
    await expectReject(instanceB.validate(b64.replace(/(.{60})/g, '$1\n'), claim), IDPRejectedClaim, /replay/);
  });

  it('InResponseTo unknown or reused (SP-initiated) → IDPRejectedClaim', async () => {
    const { validator, options, store } = setup(idp, { allowIdpInitiated: false });
    await store.putItem('saml-request', '_known', '1', Date.now() + 60_000);
    const consumeRequestId = async (id: string) => (await store.takeItem('saml-request', id)) !== null;
    await expectReject(validator.validate(idp.response({ inResponseTo: '_unknown' }), options({ consumeRequestId })), IDPRejectedClaim, /outstanding request/);
    await validator.validate(idp.response({ inResponseTo: '_known' }), options({ consumeRequestId }));
    await expectReject(validator.validate(idp.response({ inResponseTo: '_known' }), options({ consumeRequestId })), IDPRejectedClaim, /outstanding request/);
    // InResponseTo only on an unsigned Response binds nothing
    await store.putItem('saml-request', '_late', '1', Date.now() + 60_000);
    await expectReject(validator.validate(idp.response({ inResponseTo: '_late', inResponseToOn: 'response' }), options({ consumeRequestId })), IDPRejectedClaim, /not covered by a signature/);
  });

  it('Role attribute: malformed values and pairs of another provider are reported, never dropped silently', async () => {
    const { validator, options } = setup(idp);
    const otherProvider = `arn:aws:iam::${ACCOUNT}:role/Dev,arn:aws:iam::${ACCOUNT}:saml-provider/Other`;
    const result = await validator.validate(idp.response({ attributes: { [AWS_ROLE]: [ROLE_DEV, otherProvider, 'arn:aws::iam::123456789012:role/demo'] } }), options());
    expect(result.roleAttribute.map((r) => r.providerArn)).toEqual([PROVIDER_ARN, `arn:aws:iam::${ACCOUNT}:saml-provider/Other`]);
    expect(result.identity.providerArn).toBe(PROVIDER_ARN);
    expect(result.malformedRoleValues).toEqual(['arn:aws::iam::123456789012:role/demo']);
  });
});

describe('security.md SAML: encrypted assertions', () => {
  const sp = generateKeyPair('sp-encryption');

  it('EncryptedAssertion decrypted with the SP key when configured', async () => {
    const { validator, options } = setup(idp, {}, { decryptionKeyPem: sp.keyPem, decryptionCertPem: sp.certPem });
    expect((await validator.validate(idp.response({ encryptTo: sp, nameId: 'enc@example.com' }), options())).identity.subject).toBe('enc@example.com');
  });

  it('EncryptedAssertion without an SP key configured → a clear IDPRejectedClaim', async () => {
    const { validator, options } = setup(idp);
    await expectReject(validator.validate(idp.response({ encryptTo: sp }), options()), IDPRejectedClaim, /EncryptedAssertion but no service provider decryption key is configured/);
  });

  it('EncryptedAssertion whose inner Assertion is unsigned or signed by another key is refused', async () => {
    const { validator, options } = setup(idp, {}, { decryptionKeyPem: sp.keyPem });
    await expectReject(validator.validate(idp.response({ encryptTo: sp, sign: 'none' }), options()), IDPRejectedClaim, /neither the Response nor the Assertion is signed/);
    await expectReject(validator.validate(idp.response({ encryptTo: sp, sign: 'response' }), options()), IDPRejectedClaim, /Assertion is not signed/);
    await expectReject(validator.validate(idp.response({ encryptTo: sp, signingKey: attacker }), options()), InvalidIdentityToken, SIGNATURE_INVALID);
  });
});
