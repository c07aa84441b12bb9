/**
 * The accepted shapes of an EncryptedAssertion (checks/encryptedStructure.ts), end to end through the
 * validator: the key inline in the EncryptedData's KeyInfo (Okta, ADFS, xmlsec1), or as a peer of the
 * EncryptedData found through a RetrievalMethod (OpenSAML's "peer" placement). Anything else with the
 * names the decryption reads is refused (the hostile cases are in test/security/).
 */
import { describe, expect, it } from 'vitest';
import { IDPRejectedClaim } from '../../../src/errors.js';
import { createTestIdp, generateKeyPair } from '../../helpers/samlIdp.js';
import { AES256_GCM, DSIG, encryptContent, encryptedKey, newContentKey, responseWithEncrypted, signedAssertion, wrapKey, XENC } from '../../helpers/samlEncryption.js';
import { expectReject, setup } from './support.js';

const idp = createTestIdp();
const sp = generateKeyPair('sp-encryption');

/** EncryptedData whose KeyInfo points at a peer EncryptedKey (Id "k1"), followed by that key. */
function peerForm(nameId: string, extraKeyInfo = ''): string {
  const k = newContentKey();
  const key = encryptedKey(wrapKey(k, sp.certPem)).replace('<xenc:EncryptedKey ', '<xenc:EncryptedKey Id="k1" ');
  return (
    `<xenc:EncryptedData xmlns:xenc="${XENC}" Type="${XENC}Element"><xenc:EncryptionMethod Algorithm="${AES256_GCM}"/>` +
    `<ds:KeyInfo xmlns:ds="${DSIG}"><ds:RetrievalMethod URI="#k1" Type="${XENC}EncryptedKey"/>${extraKeyInfo}</ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${encryptContent(signedAssertion(idp, nameId), k)}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>` +
    key
  );
}

describe('EncryptedAssertion shapes', () => {
  it('accepts the key as a peer of the EncryptedData (RetrievalMethod)', async () => {
    const { validator, options } = setup(idp, {}, { decryptionKeyPem: sp.keyPem });
    expect((await validator.validate(responseWithEncrypted(idp, peerForm('peer@example.com')), options())).identity.subject).toBe('peer@example.com');
  });

  it('refuses a KeyInfo element that is not where the decryption looks for it', async () => {
    const { validator, options } = setup(idp, {}, { decryptionKeyPem: sp.keyPem });
    const stray = peerForm('peer@example.com', `<ds:KeyInfo><ds:KeyName>x</ds:KeyName></ds:KeyInfo>`);
    await expectReject(validator.validate(responseWithEncrypted(idp, stray), options()), IDPRejectedClaim, /unexpected <KeyInfo> element/);
  });

  it('refuses an EncryptedData whose parts are out of order', async () => {
    const { validator, options } = setup(idp, {}, { decryptionKeyPem: sp.keyPem });
    const swapped = peerForm('peer@example.com').replace(/(<xenc:EncryptionMethod Algorithm="[^"]+"\/>)(<ds:KeyInfo[\s\S]*?<\/ds:KeyInfo>)/, '$2$1');
    await expectReject(validator.validate(responseWithEncrypted(idp, swapped), options()), IDPRejectedClaim, /in this order/);
  });
});
