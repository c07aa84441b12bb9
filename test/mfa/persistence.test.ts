/**
 * What must hold across broker instances and restarts: one use per code on every instance sharing a
 * store, seeds sealed in the database file, and devices that keep working after a restart.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AccessDenied } from '../../src/errors.js';
import { decryptSeed } from '../../src/mfa/seedCipher.js';
import { SqliteStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { alice, Clock, codeAt, enrolled, harness, rejection, removeTempDirs, STEP_MS, tempDir, TestSealer } from './fixtures.js';

const INVALID_CODE = 'MultiFactorAuthentication failed with invalid MFA one time pass code.';

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  removeTempDirs();
});

function sqlite(file: string): SqliteStore {
  const store = new SqliteStore(file);
  stores.push(store);
  return store;
}

describe('MFA across instances and restarts (SQLite)', () => {
  it('a code accepted by one instance is refused by another instance on the same database', async () => {
    const file = join(tempDir(), 'broker.db');
    const sealer = new TestSealer();
    const clock = new Clock();
    const a = harness(sqlite(file), { sealer, clock });
    const b = harness(sqlite(file), { sealer, clock });
    const { serial, seedBase32 } = await enrolled(a);
    clock.advance(STEP_MS);
    const code = await codeAt(seedBase32, clock.ms);

    await expect(a.service.verifyCode(serial, code, alice)).resolves.toBeDefined();
    const replay = await rejection(b.service.verifyCode(serial, code, alice));
    expect(replay).toBeInstanceOf(AccessDenied);
    expect(replay.message).toBe(INVALID_CODE);
  });

  it('when both instances check the same fresh code at once, exactly one accepts it', async () => {
    const file = join(tempDir(), 'broker.db');
    const sealer = new TestSealer();
    const clock = new Clock();
    const a = harness(sqlite(file), { sealer, clock });
    const b = harness(sqlite(file), { sealer, clock });
    const { serial, seedBase32 } = await enrolled(a);
    clock.advance(STEP_MS);
    const code = await codeAt(seedBase32, clock.ms);
    const results = await Promise.allSettled([a.service.verifyCode(serial, code, alice), b.service.verifyCode(serial, code, alice)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  });

  it('failures counted on different instances add up to one lockout', async () => {
    const file = join(tempDir(), 'broker.db');
    const sealer = new TestSealer();
    const clock = new Clock();
    const a = harness(sqlite(file), { sealer, clock, maxFailures: 4 });
    const b = harness(sqlite(file), { sealer, clock, maxFailures: 4 });
    const { serial, seedBase32 } = await enrolled(a);
    clock.advance(STEP_MS);
    const good = await codeAt(seedBase32, clock.ms);
    const wrong = String((Number(good) + 1) % 1_000_000).padStart(6, '0');
    for (const h of [a, b, a, b]) await expect(h.service.verifyCode(serial, wrong, alice)).rejects.toBeInstanceOf(AccessDenied);
    await expect(a.service.verifyCode(serial, good, alice)).rejects.toThrow(/temporarily locked/);
    await expect(b.service.verifyCode(serial, good, alice)).rejects.toThrow(/temporarily locked/);
  });

  it('a device enrolled before a restart verifies the next code after it, and old codes stay used', async () => {
    const file = join(tempDir(), 'broker.db');
    const sealer = new TestSealer();
    const clock = new Clock();
    const first = harness(new SqliteStore(file), { sealer, clock });
    const { serial, seedBase32 } = await enrolled(first);
    clock.advance(STEP_MS);
    const used = await codeAt(seedBase32, clock.ms);
    await first.service.verifyCode(serial, used, alice);
    await first.store.close();

    // A new process: new store handle, new service, the same sealing key (from keys.dir).
    const second = harness(sqlite(file), { sealer: new TestSealer(sealer.key), clock });
    expect((await rejection(second.service.verifyCode(serial, used, alice))).message).toBe(INVALID_CODE);
    clock.advance(STEP_MS);
    await expect(second.service.verifyCode(serial, await codeAt(seedBase32, clock.ms), alice)).resolves.toEqual({
      authenticatedAt: Math.floor(clock.ms / 1000),
    });
  });

  it('stores the seed sealed: neither the row nor the database files contain it', async () => {
    const dir = tempDir();
    const file = join(dir, 'broker.db');
    const h = harness(sqlite(file));
    const { device, seedBase32 } = await h.service.createVirtualDevice({ name: 'alice-phone' });
    const rawSeed = base32Decode(seedBase32);
    const forms = [seedBase32, seedBase32.toLowerCase(), rawSeed.toString('hex'), rawSeed.toString('base64'), rawSeed.toString('base64url')];

    const db = new Database(file, { readonly: true });
    const row = db.prepare('SELECT * FROM fb_mfa_devices WHERE serial = ?').get(device.serial) as Record<string, unknown>;
    db.close();
    expect(row).toBeDefined();
    const rowText = JSON.stringify(row);
    for (const form of forms) expect(rowText).not.toContain(form);

    const files = readdirSync(dir).map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));
    // The scan is not vacuous: the device row is in these files.
    expect(files.some((f) => f.bytes.includes(Buffer.from(device.serial)))).toBe(true);
    for (const { name, bytes } of files) {
      expect(bytes.includes(rawSeed), name).toBe(false);
      for (const form of forms) expect(bytes.includes(Buffer.from(form)), `${name}: ${form.length}`).toBe(false);
    }
    // And the stored text opens with the sealing key to the same seed.
    const stored = await h.store.getMfaDevice(device.serial);
    expect(decryptSeed(h.sealer, stored!.seedCiphertext).equals(rawSeed)).toBe(true);
  });
});

/** RFC 4648 base32 decoding, written here so the test does not rely on the code under test. */
function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of text) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}
