import { describe, expect, it } from 'vitest';
import { createEnrolmentGrant, enrolmentGrantValid, holdEnrolmentGrant } from '../../src/mfa/enrolmentGrants.js';
import type { FederatedMfaOwner } from '../../src/mfa/federatedOwner.js';
import { MemoryStore } from '../../src/store/memory.js';

const bob: FederatedMfaOwner = { kind: 'federated', provider: 'Okta', subject: 'bob' };
const carol: FederatedMfaOwner = { kind: 'federated', provider: 'Okta', subject: 'carol' };

describe('enrolment links (admin-only MFA enrolment)', () => {
  it('two enrolments racing on one link: one holds it, the other gets nothing', async () => {
    const store = new MemoryStore();
    const { token } = await createEnrolmentGrant(store, bob);
    const [first, second] = await Promise.all([holdEnrolmentGrant(store, token, bob), holdEnrolmentGrant(store, token, bob)]);
    expect([first, second].filter((h) => h !== undefined)).toHaveLength(1);
    expect(await enrolmentGrantValid(store, token, bob)).toBe(false);
  });

  it('a failed enrolment puts the link back, with its own expiry; a successful one uses it up', async () => {
    const store = new MemoryStore();
    const { token } = await createEnrolmentGrant(store, bob);
    const held = await holdEnrolmentGrant(store, token, bob);
    expect(held).toBeDefined();
    await held!.release();
    expect(await enrolmentGrantValid(store, token, bob)).toBe(true);
    expect(await holdEnrolmentGrant(store, token, bob)).toBeDefined();
    // Taken and not released: spent.
    expect(await holdEnrolmentGrant(store, token, bob)).toBeUndefined();

    // A link with 300 ms left is put back with 300 ms left, not a fresh 15 minutes.
    const ending = await createEnrolmentGrant(store, bob, Date.now() - 15 * 60_000 + 300);
    await (await holdEnrolmentGrant(store, ending.token, bob))!.release();
    expect(await enrolmentGrantValid(store, ending.token, bob)).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    expect(await enrolmentGrantValid(store, ending.token, bob)).toBe(false);
  });

  it('is for its person only: anyone else neither uses nor takes it', async () => {
    const store = new MemoryStore();
    const { token } = await createEnrolmentGrant(store, bob);
    expect(await enrolmentGrantValid(store, token, carol)).toBe(false);
    expect(await holdEnrolmentGrant(store, token, carol)).toBeUndefined();
    expect(await enrolmentGrantValid(store, token, bob)).toBe(true);
    expect(await holdEnrolmentGrant(store, undefined, bob)).toBeUndefined();
    expect(await holdEnrolmentGrant(store, 'x'.repeat(65), bob)).toBeUndefined();
  });

  it('a link made before expiries were kept in it (the owner alone) still works', async () => {
    const store = new MemoryStore();
    await store.putItem('mfa-enrol-grant', 'legacy', 'federated:Okta|bob', Date.now() + 60_000);
    expect(await enrolmentGrantValid(store, 'legacy', bob)).toBe(true);
    const held = await holdEnrolmentGrant(store, 'legacy', bob);
    expect(held).toBeDefined();
    await held!.release();
    expect(await enrolmentGrantValid(store, 'legacy', bob)).toBe(true);
  });
});
