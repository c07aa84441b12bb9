import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AccessDenied, ExpiredToken, IDPRejectedClaim, InvalidIdentityToken, isAwsError } from '../../../src/errors.js';
import { MetadataSource, parseMetadata } from '../../../src/federation/saml/metadata.js';
import { SamlValidator } from '../../../src/federation/saml/validate.js';
import { MemoryStore } from '../../../src/store/memory.js';
import {
  AWS_ROLE, AWS_ROLE_SESSION_NAME, AWS_SESSION_DURATION, AWS_SOURCE_IDENTITY, createTestIdp, generateKeyPair, NAMEID_TRANSIENT, toBase64,
} from '../../helpers/samlIdp.js';
import { ACCOUNT, expectReject, PROVIDER_ARN, PROVIDER_NAME, providerFor, setup, SP } from './support.js';

const idp = createTestIdp();
const ROLE = `arn:aws:iam::${ACCOUNT}:role/Developer`;

describe('SamlValidator: end to end with xmlsec1-signed responses', () => {
  it('accepts an assertion-only signed response and returns everything the actions need', async () => {
    const { validator, options } = setup(idp, { mfaAuthnContexts: ['urn:example:mfa'] });
    const now = Date.now();
    const b64 = idp.response({
      nameId: 'alice@example.com',
      nameIdFormat: NAMEID_TRANSIENT,
      assertionId: '_assert1',
      subjectNotOnOrAfter: now + 240_000,
      notOnOrAfter: now + 300_000,
      authnInstant: '2020-01-01T00:00:05Z',
      sessionNotOnOrAfter: now + 3_600_000,
      authnContextClassRef: 'urn:example:mfa',
      attributes: {
        [AWS_ROLE]: [`${ROLE},${PROVIDER_ARN}`, `  ${PROVIDER_ARN} , arn:aws:iam::${ACCOUNT}:role/ReadOnly `, 'not-a-pair'],
        [AWS_ROLE_SESSION_NAME]: 'alice@example.com',
        [AWS_SESSION_DURATION]: '7200',
        [AWS_SOURCE_IDENTITY]: 'alice',
        'urn:oid:1.3.6.1.4.1.5923.1.1.1.1': ['staff', 'member'],
      },
    });
    const result = await validator.validate(b64, options());
    expect(result.provider).toBe(PROVIDER_NAME);
    expect(result.identity).toMatchObject({
      type: 'saml',
      provider: PROVIDER_NAME,
      providerArn: PROVIDER_ARN,
      subject: 'alice@example.com',
      issuer: idp.entityId,
      mfaAtIdp: true,
      authenticatedAt: Date.parse('2020-01-01T00:00:05Z') / 1000,
    });
    expect(result.subjectType).toBe('transient');
    expect(result.audience).toBe(SP.acsUrl);
    expect(result.assertionId).toBe('_assert1');
    expect(Math.abs(result.notOnOrAfter - (now + 240_000))).toBeLessThan(1000);
    expect(Math.abs(result.sessionNotOnOrAfter! - (now + 3_600_000))).toBeLessThan(1000);
    expect(result.roleAttribute).toEqual([
      { roleArn: ROLE, providerArn: PROVIDER_ARN },
      { roleArn: `arn:aws:iam::${ACCOUNT}:role/ReadOnly`, providerArn: PROVIDER_ARN },
    ]);
    expect(result.malformedRoleValues).toEqual(['not-a-pair']);
    expect(result.roleSessionName).toBe('alice@example.com');
    expect(result.sessionDuration).toBe(7200);
    expect(result.sourceIdentity).toBe('alice');
    expect(result.inResponseTo).toBeUndefined();
    expect(result.attributes.get('urn:oid:1.3.6.1.4.1.5923.1.1.1.1')).toEqual(['staff', 'member']);
    const keys = result.identity.conditionKeys;
    expect(keys['saml:aud']).toBe(SP.acsUrl);
    expect(keys['saml:iss']).toBe(idp.entityId);
    expect(keys['saml:sub']).toBe('alice@example.com');
    expect(keys['saml:sub_type']).toBe('transient');
    expect(keys['saml:doc']).toBe(`${ACCOUNT}/${PROVIDER_NAME}`);
    expect(keys['saml:namequalifier']).toBe(result.nameQualifier);
    expect(keys['saml:edupersonaffiliation']).toEqual(['staff', 'member']);
  });

  it('accepts a Response-only signature only when requireSignedAssertion is false', async () => {
    const b64 = idp.response({ sign: 'response', nameId: 'bob' });
    await expectReject(setup(idp).validator.validate(b64, setup(idp).options()), IDPRejectedClaim, /Assertion is not signed/);
    const relaxed = setup(idp, { requireSignedAssertion: false });
    expect((await relaxed.validator.validate(b64, relaxed.options())).identity.subject).toBe('bob');
  });

  it('accepts Response and Assertion both signed', async () => {
    const { validator, options } = setup(idp);
    expect((await validator.validate(idp.response({ sign: 'both', nameId: 'carol' }), options())).identity.subject).toBe('carol');
  });

  it('accepts RSA-SHA512 signatures', async () => {
    const { validator, options } = setup(idp);
    expect((await validator.validate(idp.response({ algorithm: 'rsa-sha512', nameId: 'sha512' }), options())).identity.subject).toBe('sha512');
  });

  it('accepts assertions signed by either of two metadata keys (rotation)', async () => {
    const next = generateKeyPair('rotation-next');
    const { validator, options } = setup(idp, { metadata: parseMetadata(idp.metadataXml({ signingKeys: [idp.keys, next] })) });
    await validator.validate(idp.response({ signingKey: next }), options());
    await validator.validate(idp.response(), options());
  });

  it('follows a MetadataSource through a key rotation', async () => {
    const next = generateKeyPair('rotation-next');
    let metadataXml = idp.metadataXml();
    const server = createServer((_req, res) => res.end(metadataXml));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const source = new MetadataSource({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/md` });
      await source.start();
      const { validator, options } = setup(idp, { metadata: source });
      await expectReject(validator.validate(idp.response({ signingKey: next }), options()), InvalidIdentityToken, /^Response signature invalid$/);
      metadataXml = idp.metadataXml({ signingKeys: [next] });
      await source.refresh();
      await validator.validate(idp.response({ signingKey: next }), options());
      await expectReject(validator.validate(idp.response(), options()), InvalidIdentityToken);
      source.stop();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('completes an SP-initiated login once (InResponseTo consumed in the store)', async () => {
    const { validator, options, store } = setup(idp, { allowIdpInitiated: false });
    await store.putItem('saml-request', '_req42', 'pending', Date.now() + 60_000);
    const consumeRequestId = async (id: string) => (await store.takeItem('saml-request', id)) !== null;
    const result = await validator.validate(idp.response({ inResponseTo: '_req42' }), options({ consumeRequestId }));
    expect(result.inResponseTo).toBe('_req42');
    await expectReject(validator.validate(idp.response({ inResponseTo: '_req42' }), options({ consumeRequestId })), IDPRejectedClaim, /outstanding request/);
    await expectReject(validator.validate(idp.response(), options({ consumeRequestId })), IDPRejectedClaim, /IdP-initiated/);
  });

  it('checks a named provider (PrincipalArn) against the Issuer', async () => {
    const other = createTestIdp({ entityId: 'https://other.example/idp', keyLabel: 'other-idp' });
    const store = new MemoryStore();
    const validator = new SamlValidator(SP, [providerFor(idp), providerFor(other, { name: 'Other' })]);
    const options = { claimAssertionId: (k: string, e: number) => store.claimOnce('saml', k, e) };
    expect((await validator.validate(other.response(), { ...options, provider: 'Other' })).provider).toBe('Other');
    expect((await validator.validate(other.response(), options)).identity.providerArn).toBe(`arn:aws:iam::${ACCOUNT}:saml-provider/Other`);
    await expectReject(validator.validate(idp.response(), { ...options, provider: 'Other' }), IDPRejectedClaim, /Issuer not present in specified provider/);
  });

  it('refuses a disabled or removed provider as soon as the providers are replaced', async () => {
    const { validator, options } = setup(idp);
    await validator.validate(idp.response(), options());
    validator.setProviders([providerFor(idp, { enabled: false })]);
    await expectReject(validator.validate(idp.response(), options()), IDPRejectedClaim, /disabled/);
    validator.setProviders([]);
    await expectReject(validator.validate(idp.response(), options()), IDPRejectedClaim, /not a configured identity provider/);
    expect(() => validator.setProviders([providerFor(idp), providerFor(idp)])).toThrow(/duplicate/);
  });

  it('uses options.now for its own time checks', async () => {
    const { validator, options } = setup(idp);
    await expectReject(validator.validate(idp.response(), options({ now: Date.now() + 3_600_000 })), ExpiredToken, /^Response has expired$/);
  });

  it('answers AccessDenied for a response without NameID', async () => {
    const { validator, options } = setup(idp);
    await expectReject(validator.validate(idp.response({ nameIdXml: null }), options()), AccessDenied, /^Not authorized to perform sts:AssumeRoleWithSAML$/);
  });

  it('decrypts an EncryptedAssertion with the SP key, inside a signed Response too', async () => {
    const sp = generateKeyPair('sp-encryption');
    const { validator, options } = setup(idp, {}, { decryptionKeyPem: sp.keyPem, decryptionCertPem: sp.certPem });
    expect((await validator.validate(idp.response({ encryptTo: sp, nameId: 'secret-user' }), options())).identity.subject).toBe('secret-user');
    expect((await validator.validate(idp.response({ encryptTo: sp, sign: 'both', nameId: 'both-user' }), options())).identity.subject).toBe('both-user');
  });

  it('never answers anything but an AWS error for truncated or corrupted input', async () => {
    const { validator, options } = setup(idp);
    const xml = idp.responseXml({ sign: 'both', attributes: { [AWS_ROLE]: `${ROLE},${PROVIDER_ARN}` } });
    const inputs = [
      ...Array.from({ length: 40 }, (_, i) => toBase64(xml.slice(0, Math.floor((xml.length * (i + 1)) / 41)))),
      ...Array.from({ length: 20 }, (_, i) => {
        const at = Math.floor((xml.length * (i + 1)) / 21);
        return toBase64(xml.slice(0, at) + '\u0000<>&"' + xml.slice(at + 5));
      }),
      toBase64(''), toBase64('<'), toBase64('<samlp:Response/>'), 'not base64 at all', toBase64('\u00ff\u00fe'),
    ];
    for (const input of inputs) {
      const error = await validator.validate(input, options()).then(() => undefined, (e: unknown) => e);
      expect(isAwsError(error), String(error)).toBe(true);
      expect((error as { httpStatus: number }).httpStatus).toBeLessThan(500);
    }
  });
});

describe('SamlValidator: store failures', () => {
  it('passes a failing store error through unchanged (a server fault, not a rejection)', async () => {
    const validator = new SamlValidator(SP, [providerFor(idp)]);
    const down = new Error('store unavailable');
    const error = await validator.validate(idp.response(), { claimAssertionId: async () => { throw down; } }).then(() => undefined, (e: unknown) => e);
    expect(error).toBe(down);
    const consumeError = await validator
      .validate(idp.response({ inResponseTo: '_r' }), { claimAssertionId: async () => true, consumeRequestId: () => { throw down; } })
      .then(() => undefined, (e: unknown) => e);
    expect(consumeError).toBe(down);
  });
});
