/**
 * Shared set-up for the SAML tests: the SP settings, a provider factory, a validator over a real
 * MemoryStore, and a way to get the Assertion element of a test document without our validator.
 */
import { DOMParser } from '@xmldom/xmldom';
import type { Element } from '@xmldom/xmldom';
import { expect } from 'vitest';
import { parseMetadata } from '../../../src/federation/saml/metadata.js';
import type { ParsedMetadata } from '../../../src/federation/saml/metadata.js';
import type { SamlProviderSettings, SamlServiceProviderSettings } from '../../../src/federation/saml/settings.js';
import { SamlValidator } from '../../../src/federation/saml/validate.js';
import type { ValidateOptions } from '../../../src/federation/saml/validate.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { DEFAULT_ACS_URL, DEFAULT_SP_ENTITY_ID } from '../../helpers/samlIdp.js';
import type { TestIdp } from '../../helpers/samlIdp.js';

export const ACCOUNT = '123456789012';
export const PROVIDER_NAME = 'ExampleCorp';
export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/${PROVIDER_NAME}`;

export const SP: SamlServiceProviderSettings = {
  entityId: DEFAULT_SP_ENTITY_ID,
  acsUrl: DEFAULT_ACS_URL,
  clockSkewSeconds: 120,
  account: ACCOUNT,
  partition: 'aws',
  maxResponseBytes: 262_144,
};

export function providerFor(idp: TestIdp | ParsedMetadata, overrides: Partial<SamlProviderSettings> = {}): SamlProviderSettings {
  const metadata = 'signingKeys' in idp ? idp : parseMetadata(idp.metadataXml());
  return {
    name: PROVIDER_NAME,
    metadata,
    enabled: true,
    allowIdpInitiated: true,
    requireSignedAssertion: true,
    allowSha1: false,
    mfaAuthnContexts: [],
    ...overrides,
  };
}

/** A validator for one provider, and validate() options backed by a real MemoryStore. */
export function setup(idp: TestIdp, overrides: Partial<SamlProviderSettings> = {}, sp: Partial<SamlServiceProviderSettings> = {}) {
  const store = new MemoryStore();
  const validator = new SamlValidator({ ...SP, ...sp }, [providerFor(idp, overrides)]);
  const options = (extra: Partial<ValidateOptions> = {}): ValidateOptions => ({
    claimAssertionId: (key, expiresAt) => store.claimOnce('saml-assertion', key, expiresAt),
    ...extra,
  });
  return { store, validator, options };
}

/** The (first) Assertion of a Response, parsed independently of src/. */
export function assertionOf(xml: string): Element {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const el = doc.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Assertion')[0];
  if (!el) throw new Error('no Assertion in test document');
  return el;
}

/** Expect a rejection of class `type` whose message matches `message`. */
export async function expectReject(promise: Promise<unknown>, type: abstract new (...args: never[]) => Error, message?: RegExp): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a rejection').toBeInstanceOf(type);
  if (message) expect((error as Error).message).toMatch(message);
  return error as Error;
}

export function expectThrow(fn: () => unknown, type: abstract new (...args: never[]) => Error, message?: RegExp): Error {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a throw').toBeInstanceOf(type);
  if (message) expect((error as Error).message).toMatch(message);
  return error as Error;
}
