import { EntityAlreadyExists, ServiceUnavailable } from '../errors.js';
import { auditLimit } from './audit-limit.js';
import { mfaOwnerKey } from './mfa-owner.js';
import type { AuditRecord, MfaDevice, MfaOwner, NewRevocation, Revocation, Store, WebauthnCredential } from './types.js';

export interface MemoryStoreOptions {
  /** Clock used for expiry checks (default Date.now); lets unit tests move time without sleeping. */
  readonly now?: () => number;
  /** Audit records kept (oldest dropped first); the persistent backends keep everything. */
  readonly maxAuditRecords?: number;
  /** Expired keys and items are swept automatically after this many writes (keeps memory bounded). */
  readonly sweepEveryWrites?: number;
}

interface Item {
  readonly value: string;
  readonly expiresAt: number;
}

interface StoredAudit {
  readonly record: AuditRecord;
  /** Insertion order, to order records with the same time. */
  readonly order: number;
}

/** Composite map key; NUL cannot appear in a namespace written by the broker. */
function compositeKey(a: string, b: string): string {
  return `${a}\u0000${b}`;
}

/**
 * A Store held in process memory, for unit tests and single-process experiments: nothing survives
 * the process and nothing is shared between processes. Same semantics as the other backends.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory';

  private readonly now: () => number;
  private readonly maxAuditRecords: number;
  private readonly sweepEveryWrites: number;
  private writesSinceSweep = 0;
  private closed = false;

  private readonly claims = new Map<string, number>();
  private readonly items = new Map<string, Item>();
  private readonly ids = new Map<string, string>();
  private revocations: Revocation[] = [];
  private nextRevocationSeq = 1;
  private readonly devices = new Map<string, MfaDevice>();
  private readonly webauthn = new Map<string, WebauthnCredential>();
  private readonly auditById = new Map<string, StoredAudit>();
  private auditOrder = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxAuditRecords = options.maxAuditRecords ?? 100_000;
    this.sweepEveryWrites = options.sweepEveryWrites ?? 10_000;
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.claims.clear();
    this.items.clear();
    this.ids.clear();
    this.revocations = [];
    this.devices.clear();
    this.auditById.clear();
  }

  async claimOnce(ns: string, key: string, expiresAt: number): Promise<boolean> {
    this.assertOpen();
    const k = compositeKey(ns, key);
    const existing = this.claims.get(k);
    if (existing !== undefined && existing > this.now()) return false;
    this.claims.set(k, expiresAt);
    this.countWrite();
    return true;
  }

  async putItem(ns: string, key: string, value: string, expiresAt: number): Promise<void> {
    this.assertOpen();
    this.items.set(compositeKey(ns, key), { value, expiresAt });
    this.countWrite();
  }

  async getItem(ns: string, key: string): Promise<string | null> {
    this.assertOpen();
    const item = this.items.get(compositeKey(ns, key));
    return item !== undefined && item.expiresAt > this.now() ? item.value : null;
  }

  async takeItem(ns: string, key: string): Promise<string | null> {
    this.assertOpen();
    const k = compositeKey(ns, key);
    const item = this.items.get(k);
    if (item === undefined) return null;
    this.items.delete(k);
    return item.expiresAt > this.now() ? item.value : null;
  }

  async replaceItem(ns: string, key: string, expected: string | null, value: string, expiresAt: number): Promise<boolean> {
    this.assertOpen();
    const k = compositeKey(ns, key);
    const item = this.items.get(k);
    const current = item !== undefined && item.expiresAt > this.now() ? item.value : null;
    if (current !== expected) return false;
    this.items.set(k, { value, expiresAt });
    this.countWrite();
    return true;
  }

  async getOrCreateId(kind: string, name: string, candidate: string): Promise<string> {
    this.assertOpen();
    const k = compositeKey(kind, name);
    const existing = this.ids.get(k);
    if (existing !== undefined) return existing;
    this.ids.set(k, candidate);
    return candidate;
  }

  async listIds(kind: string): Promise<Array<{ name: string; id: string }>> {
    this.assertOpen();
    const prefix = compositeKey(kind, '');
    return [...this.ids].filter(([k]) => k.startsWith(prefix)).map(([k, id]) => ({ name: k.slice(prefix.length), id }));
  }

  async retireId(kind: string, name: string, id: string): Promise<boolean> {
    this.assertOpen();
    const k = compositeKey(kind, name);
    if (this.ids.get(k) !== id) return false;
    this.ids.delete(k);
    return true;
  }

  async addRevocation(revocation: NewRevocation): Promise<Revocation> {
    this.assertOpen();
    const stored: Revocation = { ...revocation, seq: this.nextRevocationSeq++ };
    this.revocations.push(stored);
    return { ...stored };
  }

  async listRevocations(afterSeq: number, now: number): Promise<Revocation[]> {
    this.assertOpen();
    // Kept in seq order by construction (appended with increasing seq).
    return this.revocations.filter((r) => r.seq > afterSeq && r.expiresAt > now).map((r) => ({ ...r }));
  }

  async createMfaDevice(device: MfaDevice): Promise<void> {
    this.assertOpen();
    if (this.devices.has(device.serial)) {
      throw new EntityAlreadyExists(`MFA device ${device.serial} already exists.`);
    }
    this.devices.set(device.serial, { ...device, ownerKey: mfaOwnerKey(device.owner) });
  }

  async getMfaDevice(serial: string): Promise<MfaDevice | null> {
    this.assertOpen();
    const device = this.devices.get(serial);
    return device === undefined ? null : { ...device };
  }

  async listMfaDevices(filter?: { ownerKey?: string }): Promise<MfaDevice[]> {
    this.assertOpen();
    const ownerKey = filter?.ownerKey;
    return [...this.devices.values()]
      .filter((d) => ownerKey === undefined || d.ownerKey === ownerKey)
      .sort((a, b) => (a.serial < b.serial ? -1 : a.serial > b.serial ? 1 : 0))
      .map((d) => ({ ...d }));
  }

  async setMfaDeviceOwner(serial: string, owner: MfaOwner | null, enabled: boolean, enabledAt: number | null): Promise<boolean> {
    return this.updateDevice(serial, () => ({ owner, ownerKey: mfaOwnerKey(owner), enabled, enabledAt }));
  }

  async acceptMfaStep(serial: string, step: number, now: number): Promise<boolean> {
    return this.updateDevice(serial, (d) =>
      step > d.lastUsedStep && d.lockedUntil <= now ? { lastUsedStep: step, failures: 0, lockedUntil: 0 } : null,
    );
  }

  async recordMfaFailure(serial: string, now: number, maxFailures: number, lockoutMs: number): Promise<{ failures: number; lockedUntil: number } | null> {
    this.assertOpen();
    const device = this.devices.get(serial);
    if (device === undefined) return null;
    if (device.lockedUntil > now) return { failures: device.failures, lockedUntil: device.lockedUntil };
    const counted = device.failures + 1;
    const state = counted >= maxFailures ? { failures: 0, lockedUntil: now + lockoutMs } : { failures: counted, lockedUntil: device.lockedUntil };
    this.devices.set(serial, { ...device, ...state });
    return state;
  }

  async resetMfaState(serial: string, lastUsedStep: number): Promise<boolean> {
    return this.updateDevice(serial, (d) => (lastUsedStep > d.lastUsedStep ? { lastUsedStep, failures: 0, lockedUntil: 0 } : null));
  }

  async deleteMfaDevice(serial: string): Promise<boolean> {
    this.assertOpen();
    return this.devices.delete(serial);
  }

  async createWebauthnCredential(credential: WebauthnCredential): Promise<void> {
    this.assertOpen();
    if (this.webauthn.has(credential.id)) throw new EntityAlreadyExists('This passkey is already registered.');
    this.webauthn.set(credential.id, { ...credential, ownerKey: mfaOwnerKey(credential.owner)!, transports: [...credential.transports] });
  }

  async getWebauthnCredential(id: string): Promise<WebauthnCredential | null> {
    this.assertOpen();
    const found = this.webauthn.get(id);
    return found === undefined ? null : { ...found };
  }

  async listWebauthnCredentials(filter?: { ownerKey?: string }): Promise<WebauthnCredential[]> {
    this.assertOpen();
    const ownerKey = filter?.ownerKey;
    return [...this.webauthn.values()]
      .filter((c) => ownerKey === undefined || c.ownerKey === ownerKey)
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((c) => ({ ...c }));
  }

  async updateWebauthnCounter(id: string, expected: number, counter: number, usedAt: number): Promise<boolean> {
    this.assertOpen();
    const found = this.webauthn.get(id);
    if (found === undefined || found.counter !== expected) return false;
    this.webauthn.set(id, { ...found, counter, lastUsedAt: usedAt });
    return true;
  }

  async deleteWebauthnCredential(id: string): Promise<boolean> {
    this.assertOpen();
    return this.webauthn.delete(id);
  }

  async appendAudit(records: AuditRecord | readonly AuditRecord[]): Promise<void> {
    this.assertOpen();
    for (const record of Array.isArray(records) ? (records as readonly AuditRecord[]) : [records as AuditRecord]) {
      // Same id twice (a retried write) is kept once, as in the persistent backends.
      if (this.auditById.has(record.id)) continue;
      this.auditById.set(record.id, { record: { ...record }, order: this.auditOrder++ });
      if (this.auditById.size > this.maxAuditRecords) {
        // Maps iterate in insertion order: the first key is the oldest record.
        const oldest = this.auditById.keys().next();
        if (oldest.done !== true) this.auditById.delete(oldest.value);
      }
    }
  }

  async listAudit(options: { limit?: number; name?: string } = {}): Promise<AuditRecord[]> {
    this.assertOpen();
    const { name } = options;
    return [...this.auditById.values()]
      .filter((a) => name === undefined || a.record.name === name)
      .sort((a, b) => b.record.time - a.record.time || b.order - a.order)
      .slice(0, auditLimit(options.limit))
      .map((a) => ({ ...a.record }));
  }

  async sweep(now: number): Promise<number> {
    this.assertOpen();
    return this.sweepExpired(now);
  }

  private sweepExpired(now: number): number {
    let removed = 0;
    for (const [k, expiresAt] of this.claims) {
      if (expiresAt <= now) {
        this.claims.delete(k);
        removed++;
      }
    }
    for (const [k, item] of this.items) {
      if (item.expiresAt <= now) {
        this.items.delete(k);
        removed++;
      }
    }
    const kept = this.revocations.filter((r) => r.expiresAt > now);
    removed += this.revocations.length - kept.length;
    this.revocations = kept;
    return removed;
  }

  /** Sweeps on its own every N writes so a long-running test process stays bounded. */
  private countWrite(): void {
    if (++this.writesSinceSweep >= this.sweepEveryWrites) {
      this.writesSinceSweep = 0;
      this.sweepExpired(this.now());
    }
  }

  /** Applies `change` (null = leave as is) to a device; false when absent or unchanged. */
  private updateDevice(serial: string, change: (device: MfaDevice) => Partial<MfaDevice> | null): boolean {
    this.assertOpen();
    const device = this.devices.get(serial);
    if (device === undefined) return false;
    const patch = change(device);
    if (patch === null) return false;
    this.devices.set(serial, { ...device, ...patch });
    return true;
  }

  private assertOpen(): void {
    if (this.closed) throw new ServiceUnavailable('The store is closed.');
  }
}
