import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory.js';
import { runStoreConformance } from './conformance.js';

runStoreConformance('memory', async () => new MemoryStore());

describe('MemoryStore', () => {
  it('uses the injected clock for expiry', async () => {
    let now = 1_000_000;
    const store = new MemoryStore({ now: () => now });
    expect(await store.claimOnce('ns', 'k', 2_000_000)).toBe(true);
    expect(await store.claimOnce('ns', 'k', 3_000_000)).toBe(false);
    await store.putItem('ns', 'item', 'v', 2_000_000);
    expect(await store.getItem('ns', 'item')).toBe('v');
    now = 2_000_000;
    expect(await store.getItem('ns', 'item')).toBeNull();
    expect(await store.claimOnce('ns', 'k', 3_000_000)).toBe(true);
  });

  it('sweeps expired entries by itself every N writes, so memory stays bounded', async () => {
    let now = 1_000;
    const store = new MemoryStore({ now: () => now, sweepEveryWrites: 10 });
    for (let i = 0; i < 5; i++) await store.claimOnce('ns', `old-${i}`, 2_000);
    now = 5_000;
    // The 10th write triggers the automatic sweep of the five expired claims.
    for (let i = 0; i < 5; i++) await store.putItem('ns', `live-${i}`, 'v', 10_000);
    expect(await store.sweep(now)).toBe(0);
    expect(await store.getItem('ns', 'live-4')).toBe('v');
  });

  it('keeps only the most recent maxAuditRecords audit records', async () => {
    const store = new MemoryStore({ maxAuditRecords: 3 });
    for (let i = 1; i <= 5; i++) await store.appendAudit({ id: `e${i}`, time: i, name: 'ConsoleLogin', json: '{}' });
    expect((await store.listAudit()).map((r) => r.id)).toEqual(['e5', 'e4', 'e3']);
  });

  it('returns copies: changing a returned device does not change the store', async () => {
    const store = new MemoryStore();
    const serial = 'arn:aws:iam::123456789012:mfa/a';
    await store.createMfaDevice({
      serial, name: 'a', path: '/', ownerKey: null, owner: null, seedCiphertext: 'c', enabled: false,
      createdAt: 1, enabledAt: null, lastUsedStep: 0, failures: 0, lockedUntil: 0,
    });
    const read = (await store.getMfaDevice(serial))!;
    (read as { failures: number }).failures = 99;
    expect((await store.getMfaDevice(serial))?.failures).toBe(0);
  });
});
