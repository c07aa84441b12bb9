/** Shared pieces of the sso/ unit tests: a key ring, a memory store, a person, a registered client. */
import { generateSealingKey, KeyRing } from '../../src/keys/keyRing.js';
import { RevocationCache } from '../../src/sessions/revocations.js';
import { authenticateClient, registerClient, type Client } from '../../src/sso/clients.js';
import type { Person } from '../../src/sso/person.js';
import type { MemoryStore } from '../../src/store/memory.js';

/** "Now" of the tests: the store compares expiries with its own clock, so it is the real time. */
export const NOW = Date.now();

export function ring(): KeyRing {
  return new KeyRing({ sealingKeys: [generateSealingKey()] });
}

export function person(overrides: Partial<Person> = {}): Person {
  const now = Math.floor(NOW / 1000);
  return {
    type: 'saml',
    provider: 'ExampleCorp',
    providerArn: 'arn:aws:iam::123456789012:saml-provider/ExampleCorp',
    subject: 'alice@example.com',
    issuer: 'https://idp.example.com',
    conditionKeys: { 'saml:sub': 'alice@example.com', 'saml:attr/groups': ['eng'] },
    sessionName: 'alice@example.com',
    signedInAt: now,
    sessionEnd: now + 8 * 3600,
    ...overrides,
  };
}

export function client(keyRing: KeyRing, grantTypes?: string[], redirectUris?: string[]): Client {
  const r = registerClient(keyRing, { clientName: 'test-cli', clientType: 'public', ...(grantTypes ? { grantTypes } : {}), ...(redirectUris ? { redirectUris } : {}) }, NOW);
  return authenticateClient(keyRing, r.clientId, r.clientSecret, NOW);
}

export async function revocationsOn(store: MemoryStore): Promise<RevocationCache> {
  const cache = new RevocationCache(store, { pollMs: 60_000 });
  await cache.start();
  return cache;
}
