/**
 * The Store conformance suite (in the spirit of Dex's storage/conformance): every backend must pass
 * it unchanged. Each backend's test file calls runStoreConformance.
 *
 * Contract for the factories:
 * - `open()` returns a store on a fresh, empty backend (new file, new database…).
 * - `openSecond()`, when given, returns another instance on the backend of the latest `open()`
 *   (same file, same database, another pool): the cross-instance and persistence tests use it.
 *   Without it (memory), "two instances" degrade to the same instance twice and the persistence
 *   tests are skipped.
 *
 * Expiry is tested with explicit times in the past and future, never by sleeping.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EntityAlreadyExists, ServiceUnavailable } from '../../src/errors.js';
import { mfaOwnerKey } from '../../src/store/mfa-owner.js';
import type { AuditRecord, MfaDevice, MfaOwner, NewRevocation, Store, WebauthnCredential } from '../../src/store/types.js';

export type OpenStore = () => Promise<Store>;

const HOUR = 3_600_000;
const ACCOUNT = '123456789012';

const alice: MfaOwner = { kind: 'user', userName: 'alice' };
const bob: MfaOwner = { kind: 'user', userName: 'bob' };
const federatedCarol: MfaOwner = { kind: 'federated', provider: 'accounts.example.com', subject: 'auth0|carol' };

function device(name: string, owner: MfaOwner | null, overrides: Partial<MfaDevice> = {}): MfaDevice {
  return {
    serial: `arn:aws:iam::${ACCOUNT}:mfa/${name}`,
    name,
    path: '/',
    ownerKey: mfaOwnerKey(owner),
    owner,
    seedCiphertext: `v1.ciphertext-of-${name}`,
    enabled: owner !== null,
    createdAt: 1_700_000_000_000,
    enabledAt: owner !== null ? 1_700_000_100_000 : null,
    lastUsedStep: 0,
    failures: 0,
    lockedUntil: 0,
    ...overrides,
  };
}

function passkey(id: string, owner: MfaOwner, overrides: Partial<WebauthnCredential> = {}): WebauthnCredential {
  return {
    id,
    owner,
    ownerKey: mfaOwnerKey(owner)!,
    name: `Key ${id}`,
    publicKey: `pQECAyYgASFYI-${id}`,
    counter: 0,
    transports: ['internal', 'hybrid'],
    createdAt: 1_700_000_000_000,
    lastUsedAt: null,
    ...overrides,
  };
}

function revocation(target: string, expiresAt: number, scope: NewRevocation['scope'] = 'role'): NewRevocation {
  return { scope, target, issuedBefore: expiresAt - 2 * HOUR, createdAt: expiresAt - HOUR, expiresAt };
}

function audit(id: string, time: number, name: string): AuditRecord {
  return { id, time, name, json: JSON.stringify({ eventID: id, eventTime: new Date(time).toISOString(), eventName: name }) };
}

/** Outcomes of `calls` concurrent calls, alternated between two instances. */
async function raceOn<T>(stores: readonly [Store, Store], calls: number, call: (store: Store, i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: calls }, (_, i) => call(stores[i % 2]!, i)));
}

export function runStoreConformance(name: string, open: OpenStore, openSecond?: OpenStore): void {
  describe(`Store conformance: ${name}`, () => {
    let opened: Store[] = [];
    let store: Store;

    const track = async (pending: Promise<Store>): Promise<Store> => {
      const s = await pending;
      opened.push(s);
      return s;
    };
    /** Another instance on the same backend, or the same instance when the backend cannot share. */
    const second = async (): Promise<Store> => (openSecond ? track(openSecond()) : store);
    const pair = async (): Promise<[Store, Store]> => [store, await second()];

    beforeEach(async () => {
      store = await track(open());
    });

    afterEach(async () => {
      const toClose = opened;
      opened = [];
      await Promise.all(toClose.map((s) => s.close()));
    });

    describe('lifecycle', () => {
      it('names its backend', () => {
        expect(['memory', 'sqlite', 'postgres']).toContain(store.kind);
      });

      it('ping resolves on an open store', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('after close, calls reject with ServiceUnavailable, and close is idempotent', async () => {
        await store.close();
        await store.close();
        await expect(store.ping()).rejects.toBeInstanceOf(ServiceUnavailable);
        await expect(store.claimOnce('ns', 'k', Date.now() + HOUR)).rejects.toBeInstanceOf(ServiceUnavailable);
        await expect(store.getItem('ns', 'k')).rejects.toBeInstanceOf(ServiceUnavailable);
      });
    });

    describe('claimOnce', () => {
      it('records a key once: first call true, later calls false while it has not expired', async () => {
        const expiresAt = Date.now() + HOUR;
        expect(await store.claimOnce('saml', 'id-1', expiresAt)).toBe(true);
        expect(await store.claimOnce('saml', 'id-1', expiresAt)).toBe(false);
        expect(await store.claimOnce('saml', 'id-1', expiresAt + HOUR)).toBe(false);
      });

      it('keeps namespaces and keys apart', async () => {
        const expiresAt = Date.now() + HOUR;
        expect(await store.claimOnce('saml', 'id-1', expiresAt)).toBe(true);
        expect(await store.claimOnce('saml-api', 'id-1', expiresAt)).toBe(true);
        expect(await store.claimOnce('saml', 'id-2', expiresAt)).toBe(true);
        // Separator-like characters must not make two different pairs collide.
        expect(await store.claimOnce('a|b', 'c', expiresAt)).toBe(true);
        expect(await store.claimOnce('a', 'b|c', expiresAt)).toBe(true);
      });

      it('treats keys as data, whatever characters they hold', async () => {
        const key = `'; DROP TABLE fb_claims; -- ünïcødé 🔑 ${'x'.repeat(500)}`;
        expect(await store.claimOnce('ns', key, Date.now() + HOUR)).toBe(true);
        expect(await store.claimOnce('ns', key, Date.now() + HOUR)).toBe(false);
      });

      it('accepts times with fractional milliseconds', async () => {
        expect(await store.claimOnce('ns', 'fraction', Date.now() + HOUR + 0.5)).toBe(true);
        expect(await store.claimOnce('ns', 'fraction', Date.now() + HOUR + 0.5)).toBe(false);
        await store.putItem('ns', 'fraction', 'v', Date.now() + HOUR + 0.25);
        expect(await store.getItem('ns', 'fraction')).toBe('v');
      });

      it('lets an expired claim be claimed again', async () => {
        expect(await store.claimOnce('saml', 'old', Date.now() - 1000)).toBe(true);
        expect(await store.claimOnce('saml', 'old', Date.now() + HOUR)).toBe(true);
        expect(await store.claimOnce('saml', 'old', Date.now() + HOUR)).toBe(false);
      });

      it('has exactly one winner among 50 concurrent calls on two instances', async () => {
        const stores = await pair();
        const expiresAt = Date.now() + HOUR;
        const outcomes = await raceOn(stores, 50, (s) => s.claimOnce('race', 'same-key', expiresAt));
        expect(outcomes.filter((won) => won)).toHaveLength(1);
      });

      it('has exactly one winner when 50 concurrent calls take over the same expired claim', async () => {
        const stores = await pair();
        expect(await store.claimOnce('race', 'expired-key', Date.now() - 1000)).toBe(true);
        const expiresAt = Date.now() + HOUR;
        const outcomes = await raceOn(stores, 50, (s) => s.claimOnce('race', 'expired-key', expiresAt));
        expect(outcomes.filter((won) => won)).toHaveLength(1);
      });

      it('a claim made on one instance holds on the other', async () => {
        const other = await second();
        expect(await store.claimOnce('saml', 'shared', Date.now() + HOUR)).toBe(true);
        expect(await other.claimOnce('saml', 'shared', Date.now() + HOUR)).toBe(false);
      });
    });

    describe('items', () => {
      it('puts and gets a value; absent keys give null', async () => {
        await store.putItem('signin', 'tok-1', '{"session":"s1"}', Date.now() + HOUR);
        expect(await store.getItem('signin', 'tok-1')).toBe('{"session":"s1"}');
        expect(await store.getItem('signin', 'tok-2')).toBeNull();
        expect(await store.getItem('other-ns', 'tok-1')).toBeNull();
      });

      it('put replaces the previous value and expiry', async () => {
        await store.putItem('login', 'state', 'first', Date.now() - 1000);
        await store.putItem('login', 'state', 'second', Date.now() + HOUR);
        expect(await store.getItem('login', 'state')).toBe('second');
        await store.putItem('login', 'state', 'third', Date.now() - 1000);
        expect(await store.getItem('login', 'state')).toBeNull();
      });

      it('an expired item is not returned by get or take', async () => {
        await store.putItem('signin', 'old', 'value', Date.now() - 1000);
        expect(await store.getItem('signin', 'old')).toBeNull();
        expect(await store.takeItem('signin', 'old')).toBeNull();
      });

      it('take returns the value once and removes it', async () => {
        await store.putItem('authn', 'req-1', 'relay', Date.now() + HOUR);
        expect(await store.takeItem('authn', 'req-1')).toBe('relay');
        expect(await store.takeItem('authn', 'req-1')).toBeNull();
        expect(await store.getItem('authn', 'req-1')).toBeNull();
        await store.putItem('authn', 'req-1', 'again', Date.now() + HOUR);
        expect(await store.getItem('authn', 'req-1')).toBe('again');
      });

      it('stores values byte for byte', async () => {
        const value = JSON.stringify({ text: 'ünïcødé 🔑\n\t"quoted"\\', big: 'y'.repeat(64 * 1024) });
        await store.putItem('ns', 'k', value, Date.now() + HOUR);
        expect(await store.getItem('ns', 'k')).toBe(value);
      });

      it('gives the value to exactly one of 50 concurrent takes on two instances', async () => {
        const stores = await pair();
        await store.putItem('signin', 'one-time', 'token', Date.now() + HOUR);
        const outcomes = await raceOn(stores, 50, (s) => s.takeItem('signin', 'one-time'));
        expect(outcomes.filter((v) => v === 'token')).toHaveLength(1);
        expect(outcomes.filter((v) => v === null)).toHaveLength(49);
      });

      it('an item put on one instance is read and taken on the other', async () => {
        const other = await second();
        await store.putItem('signin', 'shared', 'v', Date.now() + HOUR);
        expect(await other.getItem('signin', 'shared')).toBe('v');
        expect(await other.takeItem('signin', 'shared')).toBe('v');
        expect(await store.getItem('signin', 'shared')).toBeNull();
      });
    });

    describe('replaceItem (compare-and-set)', () => {
      it('with expected null: creates an absent item, refuses an existing one', async () => {
        expect(await store.replaceItem('device', 'd1', null, 'pending', Date.now() + HOUR)).toBe(true);
        expect(await store.getItem('device', 'd1')).toBe('pending');
        expect(await store.replaceItem('device', 'd1', null, 'other', Date.now() + HOUR)).toBe(false);
        expect(await store.getItem('device', 'd1')).toBe('pending');
      });

      it('with expected null: takes over an expired item', async () => {
        await store.putItem('device', 'old', 'stale', Date.now() - 1000);
        expect(await store.replaceItem('device', 'old', null, 'fresh', Date.now() + HOUR)).toBe(true);
        expect(await store.getItem('device', 'old')).toBe('fresh');
      });

      it('replaces only when the current value is the expected one, and sets the new expiry', async () => {
        await store.putItem('family', 'f1', '{"g":1}', Date.now() + HOUR);
        expect(await store.replaceItem('family', 'f1', '{"g":0}', '{"g":2}', Date.now() + HOUR)).toBe(false);
        expect(await store.replaceItem('family', 'f1', '{"g":1}', '{"g":2}', Date.now() + 2 * HOUR)).toBe(true);
        expect(await store.getItem('family', 'f1')).toBe('{"g":2}');
        expect(await store.replaceItem('family', 'f1', '{"g":2}', '{"g":3}', Date.now() - 1000)).toBe(true);
        expect(await store.getItem('family', 'f1')).toBeNull();
      });

      it('never replaces an expired or absent item by value', async () => {
        await store.putItem('family', 'gone', 'v', Date.now() - 1000);
        expect(await store.replaceItem('family', 'gone', 'v', 'w', Date.now() + HOUR)).toBe(false);
        expect(await store.replaceItem('family', 'never', 'v', 'w', Date.now() + HOUR)).toBe(false);
        expect(await store.getItem('family', 'never')).toBeNull();
      });

      it('keeps namespaces apart and compares values byte for byte', async () => {
        const value = `{"t":"ünïcødé 🔑","big":"${'z'.repeat(16 * 1024)}"}`;
        await store.putItem('a', 'k', value, Date.now() + HOUR);
        expect(await store.replaceItem('b', 'k', value, 'x', Date.now() + HOUR)).toBe(false);
        expect(await store.replaceItem('a', 'k', `${value} `, 'x', Date.now() + HOUR)).toBe(false);
        expect(await store.replaceItem('a', 'k', value, 'x', Date.now() + HOUR)).toBe(true);
        expect(await store.getItem('b', 'k')).toBeNull();
      });

      it('has exactly one winner among 50 concurrent replacements of the same value on two instances', async () => {
        const stores = await pair();
        await store.putItem('family', 'race', 'generation-1', Date.now() + HOUR);
        const outcomes = await raceOn(stores, 50, (s, i) => s.replaceItem('family', 'race', 'generation-1', `generation-2-by-${i}`, Date.now() + HOUR));
        expect(outcomes.filter(Boolean)).toHaveLength(1);
        const winner = outcomes.indexOf(true);
        expect(await store.getItem('family', 'race')).toBe(`generation-2-by-${winner}`);
      });

      it('has exactly one creator among 50 concurrent creations on two instances', async () => {
        const stores = await pair();
        const outcomes = await raceOn(stores, 50, (s, i) => s.replaceItem('user-code', 'BCDFGHJK', null, `device-${i}`, Date.now() + HOUR));
        expect(outcomes.filter(Boolean)).toHaveLength(1);
        expect(await (await second()).getItem('user-code', 'BCDFGHJK')).toBe(`device-${outcomes.indexOf(true)}`);
      });

      it('a value replaced on one instance is what the other compares against', async () => {
        const other = await second();
        await store.putItem('family', 'shared', 'one', Date.now() + HOUR);
        expect(await other.replaceItem('family', 'shared', 'one', 'two', Date.now() + HOUR)).toBe(true);
        expect(await store.replaceItem('family', 'shared', 'one', 'three', Date.now() + HOUR)).toBe(false);
        expect(await store.replaceItem('family', 'shared', 'two', 'three', Date.now() + HOUR)).toBe(true);
        expect(await other.getItem('family', 'shared')).toBe('three');
      });
    });

    describe('getOrCreateId', () => {
      it('records the first candidate and returns it forever', async () => {
        expect(await store.getOrCreateId('role', 'arn:aws:iam::123456789012:role/Admin', 'AROAFIRST')).toBe('AROAFIRST');
        expect(await store.getOrCreateId('role', 'arn:aws:iam::123456789012:role/Admin', 'AROASECOND')).toBe('AROAFIRST');
      });

      it('keeps kinds and names apart', async () => {
        expect(await store.getOrCreateId('role', 'x', 'AROAX')).toBe('AROAX');
        expect(await store.getOrCreateId('user', 'x', 'AIDAX')).toBe('AIDAX');
        expect(await store.getOrCreateId('role', 'y', 'AROAY')).toBe('AROAY');
      });

      it('gives every concurrent caller on two instances the same id', async () => {
        const stores = await pair();
        const ids = await raceOn(stores, 20, (s, i) => s.getOrCreateId('role', 'Racy', `AROA${i}`));
        expect(new Set(ids).size).toBe(1);
        expect(ids[0]).toMatch(/^AROA\d+$/);
        expect(await (await second()).getOrCreateId('role', 'Racy', 'AROALATE')).toBe(ids[0]);
      });

      it('lists the recorded ids of one kind', async () => {
        await store.getOrCreateId('role', 'arn:r1', 'AROA1');
        await store.getOrCreateId('role', 'arn:r2', 'AROA2');
        await store.getOrCreateId('user', 'arn:u1', 'AIDA1');
        const roles = await (await second()).listIds('role');
        expect([...roles].sort((a, b) => a.name.localeCompare(b.name))).toEqual([{ name: 'arn:r1', id: 'AROA1' }, { name: 'arn:r2', id: 'AROA2' }]);
        expect(await store.listIds('user')).toEqual([{ name: 'arn:u1', id: 'AIDA1' }]);
        expect(await store.listIds('nothing')).toEqual([]);
      });

      it('retireId forgets an id (only the one named): the next getOrCreateId records a new one, on every instance', async () => {
        const other = await second();
        await store.getOrCreateId('role', 'arn:gone', 'AROAOLD');
        expect(await store.retireId('role', 'arn:gone', 'AROAWRONG')).toBe(false);
        expect(await other.getOrCreateId('role', 'arn:gone', 'AROAX')).toBe('AROAOLD');
        expect(await other.retireId('role', 'arn:gone', 'AROAOLD')).toBe(true);
        expect(await store.retireId('role', 'arn:gone', 'AROAOLD')).toBe(false);
        expect(await store.listIds('role')).toEqual([]);
        expect(await store.getOrCreateId('role', 'arn:gone', 'AROANEW')).toBe('AROANEW');
        expect(await other.getOrCreateId('role', 'arn:gone', 'AROAOTHER')).toBe('AROANEW');
        // A retirement of the old id that arrives late leaves the new one alone.
        expect(await other.retireId('role', 'arn:gone', 'AROAOLD')).toBe(false);
        expect(await store.getOrCreateId('role', 'arn:gone', 'AROALATE')).toBe('AROANEW');
      });

      it('an id survives a reopen, and so does its retirement', async () => {
        if (!openSecond) return;
        await store.getOrCreateId('user', 'arn:kept', 'AIDAKEPT');
        await store.getOrCreateId('user', 'arn:retired', 'AIDARETIRED');
        await store.retireId('user', 'arn:retired', 'AIDARETIRED');
        const reopened = await second();
        expect(await reopened.getOrCreateId('user', 'arn:kept', 'AIDAX')).toBe('AIDAKEPT');
        expect(await reopened.getOrCreateId('user', 'arn:retired', 'AIDAFRESH')).toBe('AIDAFRESH');
      });
    });

    describe('revocations', () => {
      it('assigns increasing seqs and returns what was stored', async () => {
        const future = Date.now() + HOUR;
        const first = await store.addRevocation(revocation('arn:aws:iam::123456789012:role/A', future));
        const middle = await store.addRevocation(revocation('ASIAEXAMPLE', future, 'session'));
        const third = await store.addRevocation(revocation('accounts.example.com|auth0|carol', future, 'subject'));
        expect(first).toEqual({ seq: first.seq, ...revocation('arn:aws:iam::123456789012:role/A', future) });
        expect(Number.isInteger(first.seq)).toBe(true);
        expect(middle.seq).toBeGreaterThan(first.seq);
        expect(third.seq).toBeGreaterThan(middle.seq);
        expect(await store.listRevocations(0, Date.now())).toEqual([first, middle, third]);
      });

      it('lists only seqs after afterSeq, in seq order', async () => {
        const future = Date.now() + HOUR;
        const added = [];
        for (const target of ['r1', 'r2', 'r3', 'r4']) added.push(await store.addRevocation(revocation(target, future)));
        expect(await store.listRevocations(added[1]!.seq, Date.now())).toEqual(added.slice(2));
        expect(await store.listRevocations(added[3]!.seq, Date.now())).toEqual([]);
      });

      it('leaves out revocations that have expired at `now`', async () => {
        const now = Date.now();
        const live = await store.addRevocation(revocation('live', now + HOUR));
        await store.addRevocation(revocation('expired', now - 1));
        await store.addRevocation(revocation('expires-exactly-now', now));
        expect(await store.listRevocations(0, now)).toEqual([live]);
        expect(await store.listRevocations(0, now - 10)).toHaveLength(3);
      });

      it('never reuses a seq, even after the newest revocation was swept', async () => {
        const now = Date.now();
        const old = await store.addRevocation(revocation('soon-gone', now - 1));
        expect(await store.sweep(now)).toBe(1);
        const next = await store.addRevocation(revocation('next', now + HOUR));
        expect(next.seq).toBeGreaterThan(old.seq);
      });

      it('gives unique, ordered seqs to concurrent adds on two instances, and both list the same', async () => {
        const stores = await pair();
        const future = Date.now() + HOUR;
        const added = await raceOn(stores, 20, (s, i) => s.addRevocation(revocation(`t${i}`, future)));
        const seqs = added.map((r) => r.seq);
        expect(new Set(seqs).size).toBe(20);
        const listed = await stores[1].listRevocations(0, Date.now());
        expect(listed.map((r) => r.seq)).toEqual([...seqs].sort((a, b) => a - b));
        expect(await stores[0].listRevocations(0, Date.now())).toEqual(listed);
      });
    });

    describe('MFA devices', () => {
      it('creates and reads back every field, for each kind of owner', async () => {
        const devices = [
          device('alice', alice, { path: '/engineering/', lastUsedStep: 56_666_666, failures: 2, lockedUntil: 1_700_000_500_000 }),
          device('federated/accounts.example.com/5f3a', federatedCarol),
          device('unassigned', null),
        ];
        for (const d of devices) await store.createMfaDevice(d);
        for (const d of devices) expect(await store.getMfaDevice(d.serial)).toEqual(d);
      });

      it('derives ownerKey from the owner', async () => {
        await store.createMfaDevice({ ...device('x', federatedCarol), ownerKey: 'something-else' });
        const read = await store.getMfaDevice(device('x', null).serial);
        expect(read?.ownerKey).toBe('federated:accounts.example.com|auth0|carol');
      });

      it('refuses a second device with the same serial (EntityAlreadyExists) and keeps the first', async () => {
        const original = device('alice', alice);
        await store.createMfaDevice(original);
        await expect(store.createMfaDevice(device('alice', bob, { seedCiphertext: 'other' }))).rejects.toBeInstanceOf(EntityAlreadyExists);
        expect(await store.getMfaDevice(original.serial)).toEqual(original);
      });

      it('getMfaDevice of an unknown serial is null', async () => {
        expect(await store.getMfaDevice('arn:aws:iam::123456789012:mfa/nobody')).toBeNull();
      });

      it('lists all devices, or one owner\'s, ordered by serial', async () => {
        for (const d of [device('zed', alice), device('beta', bob), device('alpha', alice), device('mid', null)]) {
          await store.createMfaDevice(d);
        }
        expect((await store.listMfaDevices()).map((d) => d.name)).toEqual(['alpha', 'beta', 'mid', 'zed']);
        expect((await store.listMfaDevices({})).map((d) => d.name)).toEqual(['alpha', 'beta', 'mid', 'zed']);
        expect((await store.listMfaDevices({ ownerKey: 'user:alice' })).map((d) => d.name)).toEqual(['alpha', 'zed']);
        expect((await store.listMfaDevices({ ownerKey: 'user:bob' }))[0]).toEqual(device('beta', bob));
        expect(await store.listMfaDevices({ ownerKey: 'user:nobody' })).toEqual([]);
      });

      it('setMfaDeviceOwner changes owner and enabled state, and the owner lookup follows', async () => {
        const d = device('dev', null);
        await store.createMfaDevice(d);
        expect(await store.setMfaDeviceOwner(d.serial, federatedCarol, true, 1_700_000_900_000)).toBe(true);
        expect(await store.getMfaDevice(d.serial)).toEqual({
          ...d,
          owner: federatedCarol,
          ownerKey: 'federated:accounts.example.com|auth0|carol',
          enabled: true,
          enabledAt: 1_700_000_900_000,
        });
        expect(await store.listMfaDevices({ ownerKey: 'federated:accounts.example.com|auth0|carol' })).toHaveLength(1);

        expect(await store.setMfaDeviceOwner(d.serial, null, false, null)).toBe(true);
        expect(await store.getMfaDevice(d.serial)).toEqual(d);
        expect(await store.listMfaDevices({ ownerKey: 'federated:accounts.example.com|auth0|carol' })).toEqual([]);
      });

      it('setMfaDeviceOwner of an unknown serial resolves false', async () => {
        expect(await store.setMfaDeviceOwner('arn:aws:iam::123456789012:mfa/none', alice, true, 1)).toBe(false);
      });

      it('acceptMfaStep accepts only steps after the last used one', async () => {
        const d = device('totp', alice, { lastUsedStep: 100 });
        await store.createMfaDevice(d);
        expect(await store.acceptMfaStep(d.serial, 100, Date.now())).toBe(false);
        expect(await store.acceptMfaStep(d.serial, 99, Date.now())).toBe(false);
        expect(await store.acceptMfaStep(d.serial, 101, Date.now())).toBe(true);
        expect((await store.getMfaDevice(d.serial))?.lastUsedStep).toBe(101);
        expect(await store.acceptMfaStep(d.serial, 101, Date.now())).toBe(false);
        expect(await store.acceptMfaStep(d.serial, 103, Date.now())).toBe(true);
        expect(await store.acceptMfaStep(d.serial, 102, Date.now())).toBe(false);
        expect((await store.getMfaDevice(d.serial))?.lastUsedStep).toBe(103);
      });

      it('acceptMfaStep of an unknown serial resolves false', async () => {
        expect(await store.acceptMfaStep('arn:aws:iam::123456789012:mfa/none', 5, Date.now())).toBe(false);
      });

      it('a correct code clears the failure count', async () => {
        const d = device('totp', alice);
        await store.createMfaDevice(d);
        await store.recordMfaFailure(d.serial, 1000, 5, 60_000);
        await store.recordMfaFailure(d.serial, 1000, 5, 60_000);
        expect((await store.getMfaDevice(d.serial))?.failures).toBe(2);
        expect(await store.acceptMfaStep(d.serial, 1, 2000)).toBe(true);
        expect(await store.getMfaDevice(d.serial)).toMatchObject({ failures: 0, lockedUntil: 0, lastUsedStep: 1 });
      });

      it('recordMfaFailure counts, and reaching maxFailures locks the device and resets the count', async () => {
        const d = device('totp', alice);
        await store.createMfaDevice(d);
        const now = 1_800_000_000_000;
        expect(await store.recordMfaFailure(d.serial, now, 3, 300_000)).toEqual({ failures: 1, lockedUntil: 0 });
        expect(await store.recordMfaFailure(d.serial, now + 1, 3, 300_000)).toEqual({ failures: 2, lockedUntil: 0 });
        expect(await store.recordMfaFailure(d.serial, now + 2, 3, 300_000)).toEqual({ failures: 0, lockedUntil: now + 2 + 300_000 });
        expect(await store.getMfaDevice(d.serial)).toMatchObject({ failures: 0, lockedUntil: now + 2 + 300_000 });
        // During the lockout, failures neither count nor extend it (attempts in flight when it began).
        for (let i = 0; i < 5; i++) {
          expect(await store.recordMfaFailure(d.serial, now + 1000 + i, 3, 300_000)).toEqual({ failures: 0, lockedUntil: now + 2 + 300_000 });
        }
        // After it, they count again.
        expect(await store.recordMfaFailure(d.serial, now + 2 + 300_000, 3, 300_000)).toEqual({ failures: 1, lockedUntil: now + 2 + 300_000 });
      });

      it('during a lockout even a correct (new) step is refused and nothing changes; after it, accepted', async () => {
        const d = device('totp', alice, { lastUsedStep: 10 });
        await store.createMfaDevice(d);
        const now = 1_800_000_000_000;
        const locked = await store.recordMfaFailure(d.serial, now, 1, 60_000);
        expect(locked).toEqual({ failures: 0, lockedUntil: now + 60_000 });
        expect(await store.acceptMfaStep(d.serial, 11, now + 59_999)).toBe(false);
        expect(await store.getMfaDevice(d.serial)).toMatchObject({ lastUsedStep: 10, lockedUntil: now + 60_000 });
        expect(await store.acceptMfaStep(d.serial, 11, now + 60_000)).toBe(true);
        expect(await store.getMfaDevice(d.serial)).toMatchObject({ lastUsedStep: 11, lockedUntil: 0, failures: 0 });
      });

      it('recordMfaFailure of an unknown serial resolves null', async () => {
        expect(await store.recordMfaFailure('arn:aws:iam::123456789012:mfa/none', 1, 3, 1000)).toBeNull();
      });

      it('resetMfaState moves the last step forward only, clearing failures and lock; never backwards', async () => {
        const d = device('totp', alice, { lastUsedStep: 500 });
        await store.createMfaDevice(d);
        await store.recordMfaFailure(d.serial, 1_800_000_000_000, 1, 60_000);
        // Backwards or equal: a used code must stay used — nothing changes.
        expect(await store.resetMfaState(d.serial, 42)).toBe(false);
        expect(await store.resetMfaState(d.serial, 500)).toBe(false);
        expect((await store.getMfaDevice(d.serial))!.lastUsedStep).toBe(500);
        expect(await store.resetMfaState(d.serial, 502)).toBe(true);
        expect(await store.getMfaDevice(d.serial)).toEqual({ ...d, lastUsedStep: 502, failures: 0, lockedUntil: 0 });
        expect(await store.resetMfaState('arn:aws:iam::123456789012:mfa/none', 1)).toBe(false);
      });

      it('deleteMfaDevice removes it once', async () => {
        const d = device('gone', alice);
        await store.createMfaDevice(d);
        expect(await store.deleteMfaDevice(d.serial)).toBe(true);
        expect(await store.deleteMfaDevice(d.serial)).toBe(false);
        expect(await store.getMfaDevice(d.serial)).toBeNull();
        expect(await store.listMfaDevices({ ownerKey: 'user:alice' })).toEqual([]);
        await store.createMfaDevice(d);
        expect(await store.getMfaDevice(d.serial)).toEqual(d);
      });

      it('accepts one TOTP step exactly once among 20 concurrent calls on two instances', async () => {
        const stores = await pair();
        const d = device('totp', alice, { lastUsedStep: 1 });
        await store.createMfaDevice(d);
        const outcomes = await raceOn(stores, 20, (s) => s.acceptMfaStep(d.serial, 2, Date.now()));
        expect(outcomes.filter((ok) => ok)).toHaveLength(1);
      });

      it('9 concurrent failures on two instances (maxFailures 3): each counts once up to one lockout, the rest change nothing', async () => {
        const stores = await pair();
        const d = device('totp', alice);
        await store.createMfaDevice(d);
        const now = 1_800_000_000_000;
        const states = await raceOn(stores, 9, (s) => s.recordMfaFailure(d.serial, now, 3, 60_000));
        const failureCounts = states.map((st) => st!.failures).sort();
        expect(failureCounts).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 2]);
        const lock = { failures: 0, lockedUntil: now + 60_000 };
        expect(states.filter((st) => st!.failures === 0)).toEqual(Array.from({ length: 7 }, () => lock));
        expect(await stores[1].getMfaDevice(d.serial)).toMatchObject({ failures: 0, lockedUntil: now + 60_000 });
      });

      it('a step accepted on one instance is refused on the other', async () => {
        const other = await second();
        const d = device('totp', alice);
        await store.createMfaDevice(d);
        expect(await store.acceptMfaStep(d.serial, 7, Date.now())).toBe(true);
        expect(await other.acceptMfaStep(d.serial, 7, Date.now())).toBe(false);
        expect(await other.getMfaDevice(d.serial)).toMatchObject({ lastUsedStep: 7 });
      });
    });

    describe('WebAuthn credentials', () => {
      it('creates and reads back every field; several per owner, listed by creation time', async () => {
        const first = passkey('cred-b', federatedCarol, { counter: 5, lastUsedAt: 1_700_000_900_000 });
        const second = passkey('cred-a', federatedCarol, { createdAt: 1_700_000_500_000, transports: [] });
        const other = passkey('cred-c', alice, { createdAt: 1_600_000_000_000 });
        for (const c of [first, second, other]) await store.createWebauthnCredential(c);
        expect(await store.getWebauthnCredential('cred-b')).toEqual(first);
        expect(await store.listWebauthnCredentials({ ownerKey: mfaOwnerKey(federatedCarol)! })).toEqual([first, second]);
        expect(await store.listWebauthnCredentials()).toEqual([other, first, second]);
        expect(await store.listWebauthnCredentials({ ownerKey: mfaOwnerKey(bob)! })).toEqual([]);
        expect(await store.getWebauthnCredential('absent')).toBeNull();
      });

      it('derives ownerKey from the owner and refuses a second credential with the same id', async () => {
        await store.createWebauthnCredential({ ...passkey('dup', federatedCarol), ownerKey: 'something-else' });
        expect((await store.getWebauthnCredential('dup'))?.ownerKey).toBe('federated:accounts.example.com|auth0|carol');
        await expect(store.createWebauthnCredential(passkey('dup', bob))).rejects.toBeInstanceOf(EntityAlreadyExists);
        expect((await store.getWebauthnCredential('dup'))?.owner).toEqual(federatedCarol);
      });

      it('updates the counter only from the expected value (compare-and-set)', async () => {
        await store.createWebauthnCredential(passkey('ctr', alice, { counter: 3 }));
        expect(await store.updateWebauthnCounter('ctr', 2, 4, 1_800_000_000_000)).toBe(false);
        expect(await store.updateWebauthnCounter('ctr', 3, 4, 1_800_000_000_000)).toBe(true);
        expect(await store.updateWebauthnCounter('ctr', 3, 5, 1_800_000_000_001)).toBe(false);
        expect(await store.getWebauthnCredential('ctr')).toMatchObject({ counter: 4, lastUsedAt: 1_800_000_000_000 });
        expect(await store.updateWebauthnCounter('absent', 0, 1, 1)).toBe(false);
      });

      it('one use wins when instances race on the same counter', async () => {
        const stores = await pair();
        await store.createWebauthnCredential(passkey('race', alice, { counter: 10 }));
        const results = await raceOn(stores, 8, (s, i) => s.updateWebauthnCounter('race', 10, 11, 1_800_000_000_000 + i));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await stores[1].getWebauthnCredential('race')).toMatchObject({ counter: 11 });
      });

      it('deletes once', async () => {
        await store.createWebauthnCredential(passkey('gone', alice));
        expect(await store.deleteWebauthnCredential('gone')).toBe(true);
        expect(await store.deleteWebauthnCredential('gone')).toBe(false);
        expect(await store.getWebauthnCredential('gone')).toBeNull();
      });
    });

    describe('audit', () => {
      it('lists most recent first, same-time records newest-written first', async () => {
        await store.appendAudit(audit('e1', 1000, 'AssumeRoleWithSAML'));
        await store.appendAudit(audit('e3', 3000, 'AssumeRoleWithWebIdentity'));
        await store.appendAudit(audit('e2', 2000, 'ConsoleLogin'));
        await store.appendAudit(audit('e3b', 3000, 'ConsoleLogin'));
        expect((await store.listAudit()).map((r) => r.id)).toEqual(['e3b', 'e3', 'e2', 'e1']);
      });

      it('returns records exactly as written', async () => {
        const record: AuditRecord = {
          id: 'ev-1',
          time: 1_800_000_000_123,
          name: 'AssumeRoleWithSAML',
          json: '{"eventName":"AssumeRoleWithSAML","note":"ünïcødé 🔑 \\"quoted\\"","prevHash":"00"}',
        };
        await store.appendAudit(record);
        expect(await store.listAudit()).toEqual([record]);
      });

      it('filters by event name and honours the limit', async () => {
        for (let i = 1; i <= 6; i++) await store.appendAudit(audit(`e${i}`, i * 1000, i % 2 === 0 ? 'ConsoleLogin' : 'GetFederationToken'));
        expect((await store.listAudit({ name: 'ConsoleLogin' })).map((r) => r.id)).toEqual(['e6', 'e4', 'e2']);
        expect((await store.listAudit({ limit: 2 })).map((r) => r.id)).toEqual(['e6', 'e5']);
        expect((await store.listAudit({ name: 'GetFederationToken', limit: 1 })).map((r) => r.id)).toEqual(['e5']);
        expect(await store.listAudit({ limit: 0 })).toEqual([]);
        expect(await store.listAudit({ name: 'NoSuchEvent' })).toEqual([]);
      });

      it('keeps a record written twice with the same id once', async () => {
        await store.appendAudit(audit('dup', 1000, 'ConsoleLogin'));
        await store.appendAudit(audit('dup', 1000, 'ConsoleLogin'));
        expect(await store.listAudit()).toHaveLength(1);
      });

      it('records written on two instances appear on both', async () => {
        const other = await second();
        await store.appendAudit(audit('a', 1000, 'ConsoleLogin'));
        await other.appendAudit(audit('b', 2000, 'ConsoleLogin'));
        expect((await store.listAudit()).map((r) => r.id)).toEqual(['b', 'a']);
        expect((await other.listAudit()).map((r) => r.id)).toEqual(['b', 'a']);
      });
    });

    describe('sweep', () => {
      it('removes expired keys, items and revocations (expiry at `now` included) and counts them', async () => {
        const now = Date.now();
        await store.claimOnce('saml', 'expired-1', now - 5000);
        await store.claimOnce('saml', 'expired-2', now);
        await store.claimOnce('saml', 'live', now + HOUR);
        await store.putItem('signin', 'expired', 'v', now - 1);
        await store.putItem('signin', 'live', 'v', now + HOUR);
        await store.addRevocation(revocation('expired', now - 1));
        const liveRevocation = await store.addRevocation(revocation('live', now + HOUR));
        await store.createMfaDevice(device('kept', alice));
        await store.getOrCreateId('role', 'kept', 'AROAKEPT');
        await store.appendAudit(audit('kept', 1, 'ConsoleLogin'));

        expect(await store.sweep(now)).toBe(4);
        expect(await store.sweep(now)).toBe(0);

        expect(await store.claimOnce('saml', 'live', now + HOUR)).toBe(false);
        expect(await store.getItem('signin', 'live')).toBe('v');
        expect(await store.listRevocations(0, 0)).toEqual([liveRevocation]);
        expect(await store.getMfaDevice(device('kept', alice).serial)).not.toBeNull();
        expect(await store.getOrCreateId('role', 'kept', 'AROAOTHER')).toBe('AROAKEPT');
        expect(await store.listAudit()).toHaveLength(1);
      });

      it('on an empty store removes nothing', async () => {
        expect(await store.sweep(Date.now())).toBe(0);
      });
    });

    // The memory backend keeps nothing across instances by design: it has no durability test.
    if (openSecond !== undefined) {
      describe('durability', () => {
        it('everything written survives closing and reopening', async () => {
          const future = Date.now() + HOUR;
          await store.claimOnce('saml', 'assertion-1', future);
          await store.putItem('signin', 'tok', 'value', future);
          await store.getOrCreateId('role', 'Admin', 'AROADURABLE');
          const rev = await store.addRevocation(revocation('arn:aws:iam::123456789012:role/Admin', future));
          const d = device('alice', alice, { lastUsedStep: 77 });
          await store.createMfaDevice(d);
          await store.recordMfaFailure(d.serial, 1_800_000_000_000, 5, 60_000);
          const key = passkey('durable', federatedCarol, { counter: 9 });
          await store.createWebauthnCredential(key);
          const record = audit('ev', 1000, 'ConsoleLogin');
          await store.appendAudit(record);
          await store.close();

          const reopened = await second();
          expect(await reopened.claimOnce('saml', 'assertion-1', future)).toBe(false);
          expect(await reopened.getItem('signin', 'tok')).toBe('value');
          expect(await reopened.getOrCreateId('role', 'Admin', 'AROAOTHER')).toBe('AROADURABLE');
          expect(await reopened.listRevocations(0, Date.now())).toEqual([rev]);
          expect(await reopened.getMfaDevice(d.serial)).toEqual({ ...d, failures: 1 });
          expect(await reopened.getWebauthnCredential('durable')).toEqual(key);
          expect(await reopened.listAudit()).toEqual([record]);
          const next = await reopened.addRevocation(revocation('next', future));
          expect(next.seq).toBeGreaterThan(rev.seq);
        });
      });
    }
  });
}
