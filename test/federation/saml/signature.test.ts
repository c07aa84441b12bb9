import { describe, expect, it } from 'vitest';
import { InvalidIdentityToken } from '../../../src/errors.js';
import { XmlDsigVerifier } from '../../../src/federation/saml/checks/signature.js';
import type { VerificationRequest } from '../../../src/federation/saml/checks/signature.js';
import { checkDocumentStructure } from '../../../src/federation/saml/checks/structure.js';
import { checkSignatureAlgorithms } from '../../../src/federation/saml/checks/signaturePolicy.js';
import { parseMetadata } from '../../../src/federation/saml/metadata.js';
import type { ParsedMetadata } from '../../../src/federation/saml/metadata.js';
import { NS, childElements, parseXml } from '../../../src/federation/saml/xml.js';
import { createTestIdp, generateKeyPair, replaceInXml, xmlsecVerify } from '../../helpers/samlIdp.js';
import { expectReject } from './support.js';

const idp = createTestIdp();
const metadata = parseMetadata(idp.metadataXml());
const verifier = new XmlDsigVerifier();
const ASSERTION_SIGNATURE = "/*[local-name()='Response']/*[local-name()='Assertion']/*[local-name()='Signature']";

/** What the pipeline hands the verifier for `xml` (structure and algorithm checks included). */
function request(xml: string, md: ParsedMetadata = metadata, requireSignedAssertion = true): VerificationRequest {
  const envelope = checkDocumentStructure(parseXml(xml));
  const assertion = envelope.assertion!;
  const assertionSignature = childElements(assertion, NS.ds, 'Signature')[0];
  return {
    metadata: md,
    bytes: Buffer.from(xml),
    envelope,
    assertion,
    ...(envelope.signature ? { responseSignature: checkSignatureAlgorithms(envelope.signature, envelope.response, true) } : {}),
    ...(assertionSignature ? { assertionSignature: checkSignatureAlgorithms(assertionSignature, assertion, true) } : {}),
    requireSignedAssertion,
  };
}

describe('XmlDsigVerifier', () => {
  it('returns the very Assertion node it verified, comments and all (readers skip them)', async () => {
    const xml = idp.responseXml({ nameIdXml: 'admin@evil.com<!---->.victim.com' });
    expect(xmlsecVerify(xml, idp.keys, ASSERTION_SIGNATURE)).toBe(true);
    const r = request(xml);
    expect(await verifier.verify(r)).toBe(r.assertion);
  });

  it('verifies a Response-only signature, and both when both are present', async () => {
    const responseOnly = request(idp.responseXml({ sign: 'response' }), metadata, false);
    expect(await verifier.verify(responseOnly)).toBe(responseOnly.assertion);
    const both = idp.responseXml({ sign: 'both' });
    await verifier.verify(request(both));
    // an invalid Response signature fails even though the Assertion's is fine
    const broken = replaceInXml(both, '<samlp:StatusCode', '<samlp:StatusCode a="b"');
    await expectReject(verifier.verify(request(broken)), InvalidIdentityToken, /^Response signature invalid$/);
  });

  it('answers "Response signature invalid" for a key not in the metadata, even with its certificate in KeyInfo', async () => {
    const attacker = generateKeyPair('attacker');
    await expectReject(verifier.verify(request(idp.responseXml({ signingKey: attacker, keyInfo: attacker }))), InvalidIdentityToken, /^Response signature invalid$/);
  });

  it('answers "Response signature invalid" for content, digest or SignedInfo changed after signing', async () => {
    const xml = idp.responseXml({ nameId: 'alice@example.com' });
    await expectReject(verifier.verify(request(replaceInXml(xml, 'alice@example.com', 'alice@example.co'))), InvalidIdentityToken);
    const digest = /<ds:DigestValue>([^<]+)</.exec(xml)![1]!;
    const otherDigest = Buffer.from(Buffer.from(digest, 'base64').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64');
    await expectReject(verifier.verify(request(replaceInXml(xml, digest, otherDigest))), InvalidIdentityToken);
    await expectReject(verifier.verify(request(replaceInXml(xml, 'xmlenc#sha256', 'xmlenc#sha512'))), InvalidIdentityToken);
  });

  it('verifies with any of several metadata keys (rotation), and ECDSA with an EC key', async () => {
    const next = generateKeyPair('rotation-next');
    const ec = generateKeyPair('ec-idp', 'ec:P-256');
    const all = parseMetadata(idp.metadataXml({ signingKeys: [idp.keys, next, ec] }));
    await verifier.verify(request(idp.responseXml({ signingKey: next }), all));
    await verifier.verify(request(idp.responseXml(), all));
    const ecdsa = idp.responseXml({ signingKey: ec, algorithm: 'ecdsa-sha256' });
    expect(xmlsecVerify(ecdsa, ec, ASSERTION_SIGNATURE)).toBe(true);
    await verifier.verify(request(ecdsa, all));
    // an RSA-only metadata never verifies an ECDSA signature
    await expectReject(verifier.verify(request(ecdsa)), InvalidIdentityToken);
  });
});
