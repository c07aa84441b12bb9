import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { WalCheckpointer } from './sqliteCheckpointer.js';
import { EntityAlreadyExists, ServiceUnavailable } from '../errors.js';
import { auditLimit } from './audit-limit.js';
import { encodeMfaOwner, mfaOwnerKey } from './mfa-owner.js';
import { toAuditRecord, toMfaDevice, toRevocation, toWebauthnCredential, type AuditRow, type MfaDeviceRow, type RevocationRow, type WebauthnRow } from './rows.js';
import { migrateSqlite } from './sqlite-migrations.js';
import type { AuditRecord, MfaDevice, MfaOwner, NewRevocation, Revocation, Store, WebauthnCredential } from './types.js';

export interface SqliteStoreOptions {
  /** How long a statement waits for another process's write lock before failing (default 5000 ms). */
  readonly busyTimeoutMs?: number;
  /**
   * Whether this connection runs the WAL checkpoints (default true). Of several processes sharing the
   * file, one does (the cluster's primary): one checkpointer per file, not one per worker.
   */
  readonly checkpoints?: boolean;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;
/** Audit mirror rows per INSERT statement (SQLite allows 32,766 parameters; 4 per row). */
const AUDIT_ROWS_PER_INSERT = 32;
/** What is left of the WAL file after the log is rewound (see WalCheckpointer). */
const WAL_SIZE_LIMIT_BYTES = 32 * 1024 * 1024;

interface PendingClaim {
  readonly ns: string;
  readonly key: string;
  readonly expiresAt: number;
  readonly resolve: (claimed: boolean) => void;
  readonly reject: (e: unknown) => void;
}

/** SQLite result codes that mean "the database cannot serve now", not "this call is wrong". */
function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|PROTOCOL|NOLFS)/.test(code);
}

/** Creates the database file (and its folder) readable by the owner only, before SQLite opens it. */
function createPrivateFile(filePath: string): void {
  mkdirSync(dirname(filePath), { recursive: true, mode: 0o700 });
  // 'a' never truncates an existing file; the mode only applies when the file is created.
  closeSync(openSync(filePath, 'a', 0o600));
}

/**
 * The embedded default Store: one SQLite file in WAL mode, shared safely by several processes on the
 * same host (server.workers > 1). better-sqlite3 is synchronous, so a write is committed (durable
 * against a process crash; synchronous=NORMAL) before the returned promise resolves.
 *
 * Cross-process atomicity: every read-modify-write is one UPSERT/UPDATE/DELETE … RETURNING
 * statement. An autocommit write statement takes SQLite's write lock before it reads (what BEGIN
 * IMMEDIATE does), so two processes can never both see "not claimed yet"; multi-statement work
 * (getOrCreateId, sweep, migrations) runs in BEGIN IMMEDIATE transactions. Never holds a
 * transaction across an await.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';

  private readonly db: Database.Database;
  private closed = false;

  private readonly stmt;
  private readonly getOrCreateIdTx;
  private readonly appendAuditTx;
  private readonly sweepTx;
  private readonly claimTx: (batch: PendingClaim[], claim: (c: PendingClaim) => boolean) => boolean[];
  private readonly checkpointer: WalCheckpointer | undefined;

  /** Creates the file (mode 0600) and its folder when missing, and migrates the schema. */
  constructor(filePath: string, options: SqliteStoreOptions = {}) {
    const busyTimeoutMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS));
    createPrivateFile(filePath);
    this.db = new Database(filePath, { timeout: busyTimeoutMs });
    try {
      this.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      // Checkpoints run in a worker thread (WalCheckpointer), never inside a request's write.
      this.db.pragma('wal_autocheckpoint = 0');
      // When the checkpointer rewinds the log, the file is cut back to this size (bytes).
      this.db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
      migrateSqlite(this.db);
    } catch (error) {
      this.db.close();
      throw error;
    }

    this.checkpointer = options.checkpoints === false ? undefined : new WalCheckpointer(filePath);
    const db = this.db;
    // Prepared once; every call below only binds and steps.
    this.stmt = {
      ping: db.prepare<[], unknown>('SELECT 1'),
      // One row changed: claimed now (new, or the old claim had expired); none: claimed before and still
      // held. (`changes` rather than RETURNING: ~25 % cheaper a claim, nothing to read back.)
      claim: db.prepare<[string, string, number, number], unknown>(
        `INSERT INTO fb_claims (ns, key, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (ns, key) DO UPDATE SET expires_at = excluded.expires_at WHERE fb_claims.expires_at <= ?`,
      ),
      putItem: db.prepare<[string, string, string, number], unknown>(
        `INSERT INTO fb_items (ns, key, value, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
      ),
      getItem: db.prepare<[string, string, number], { value: string }>(
        'SELECT value FROM fb_items WHERE ns = ? AND key = ? AND expires_at > ?',
      ),
      takeItem: db.prepare<[string, string], { value: string; expires_at: number }>(
        'DELETE FROM fb_items WHERE ns = ? AND key = ? RETURNING value, expires_at',
      ),
      insertItemIfAbsent: db.prepare<[string, string, string, number, number], unknown>(
        `INSERT INTO fb_items (ns, key, value, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at WHERE fb_items.expires_at <= ?`,
      ),
      replaceItem: db.prepare<[string, number, string, string, string, number], unknown>(
        'UPDATE fb_items SET value = ?, expires_at = ? WHERE ns = ? AND key = ? AND value = ? AND expires_at > ?',
      ),
      getId: db.prepare<[string, string], { id: string }>('SELECT id FROM fb_ids WHERE kind = ? AND name = ?'),
      listIds: db.prepare<[string], { name: string; id: string }>('SELECT name, id FROM fb_ids WHERE kind = ?'),
      retireId: db.prepare<[string, string, string], unknown>('DELETE FROM fb_ids WHERE kind = ? AND name = ? AND id = ?'),
      insertId: db.prepare<[string, string, string], unknown>(
        'INSERT INTO fb_ids (kind, name, id) VALUES (?, ?, ?) ON CONFLICT (kind, name) DO NOTHING',
      ),
      addRevocation: db.prepare<[string, string, number, number, number], RevocationRow>(
        `INSERT INTO fb_revocations (scope, target, issued_before, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
         RETURNING seq, scope, target, issued_before, created_at, expires_at`,
      ),
      listRevocations: db.prepare<[number, number], RevocationRow>(
        `SELECT seq, scope, target, issued_before, created_at, expires_at FROM fb_revocations
         WHERE seq > ? AND expires_at > ? ORDER BY seq`,
      ),
      createDevice: db.prepare<
        [string, string, string, string | null, string | null, string, number, number, number | null, number, number, number],
        unknown
      >(
        `INSERT INTO fb_mfa_devices (serial, name, path, owner_key, owner_json, seed_ciphertext, enabled, created_at,
           enabled_at, last_used_step, failures, locked_until)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (serial) DO NOTHING`,
      ),
      getDevice: db.prepare<[string], MfaDeviceRow>('SELECT * FROM fb_mfa_devices WHERE serial = ?'),
      listDevices: db.prepare<[], MfaDeviceRow>('SELECT * FROM fb_mfa_devices ORDER BY serial'),
      listDevicesByOwner: db.prepare<[string], MfaDeviceRow>('SELECT * FROM fb_mfa_devices WHERE owner_key = ? ORDER BY serial'),
      setOwner: db.prepare<[string | null, string | null, number, number | null, string], unknown>(
        'UPDATE fb_mfa_devices SET owner_key = ?, owner_json = ?, enabled = ?, enabled_at = ? WHERE serial = ?',
      ),
      acceptStep: db.prepare<{ serial: string; step: number; now: number }, unknown>(
        `UPDATE fb_mfa_devices SET last_used_step = @step, failures = 0, locked_until = 0
         WHERE serial = @serial AND last_used_step < @step AND locked_until <= @now`,
      ),
      recordFailure: db.prepare<
        { serial: string; maxFailures: number; lockedUntil: number; now: number },
        { failures: number; locked_until: number }
      >(
        // SET expressions read the row as it was before this update; a locked device is left as it is.
        `UPDATE fb_mfa_devices SET
           failures = CASE WHEN locked_until > @now THEN failures WHEN failures + 1 >= @maxFailures THEN 0 ELSE failures + 1 END,
           locked_until = CASE WHEN locked_until > @now THEN locked_until WHEN failures + 1 >= @maxFailures THEN @lockedUntil ELSE locked_until END
         WHERE serial = @serial
         RETURNING failures, locked_until`,
      ),
      resetState: db.prepare<[number, string, number], unknown>(
        'UPDATE fb_mfa_devices SET last_used_step = ?, failures = 0, locked_until = 0 WHERE serial = ? AND last_used_step < ?',
      ),
      deleteDevice: db.prepare<[string], unknown>('DELETE FROM fb_mfa_devices WHERE serial = ?'),
      createWebauthn: db.prepare<[string, string, string, string, string, number, string, number, number | null], unknown>(
        `INSERT INTO fb_webauthn_credentials (id, owner_key, owner_json, name, public_key, counter, transports, created_at, last_used_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      ),
      getWebauthn: db.prepare<[string], WebauthnRow>('SELECT * FROM fb_webauthn_credentials WHERE id = ?'),
      listWebauthn: db.prepare<[], WebauthnRow>('SELECT * FROM fb_webauthn_credentials ORDER BY created_at, id'),
      listWebauthnByOwner: db.prepare<[string], WebauthnRow>('SELECT * FROM fb_webauthn_credentials WHERE owner_key = ? ORDER BY created_at, id'),
      updateWebauthnCounter: db.prepare<[number, number, string, number], unknown>(
        'UPDATE fb_webauthn_credentials SET counter = ?, last_used_at = ? WHERE id = ? AND counter = ?',
      ),
      deleteWebauthn: db.prepare<[string], unknown>('DELETE FROM fb_webauthn_credentials WHERE id = ?'),
      appendAudit: db.prepare<[string, number, string, string], unknown>(
        'INSERT INTO fb_audit (id, time, name, json) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
      ),
      listAudit: db.prepare<[number], AuditRow>('SELECT id, time, name, json FROM fb_audit ORDER BY time DESC, seq DESC LIMIT ?'),
      listAuditByName: db.prepare<[string, number], AuditRow>(
        'SELECT id, time, name, json FROM fb_audit WHERE name = ? ORDER BY time DESC, seq DESC LIMIT ?',
      ),
      sweepClaims: db.prepare<[number], unknown>('DELETE FROM fb_claims WHERE expires_at <= ?'),
      sweepItems: db.prepare<[number], unknown>('DELETE FROM fb_items WHERE expires_at <= ?'),
      sweepRevocations: db.prepare<[number], unknown>('DELETE FROM fb_revocations WHERE expires_at <= ?'),
    };

    const stmt = this.stmt;
    // One transaction per batch (~15 µs a row instead of ~45 µs with a commit each), rows inserted
    // AUDIT_ROWS_PER_INSERT at a time (one statement step per group instead of per row).
    const appendAuditGroup = db.prepare<Array<string | number>, unknown>(
      `INSERT INTO fb_audit (id, time, name, json) VALUES ${Array(AUDIT_ROWS_PER_INSERT).fill('(?, ?, ?, ?)').join(', ')} ON CONFLICT (id) DO NOTHING`,
    );
    this.appendAuditTx = db.transaction((list: readonly AuditRecord[]) => {
      let i = 0;
      for (; i + AUDIT_ROWS_PER_INSERT <= list.length; i += AUDIT_ROWS_PER_INSERT) {
        const values: Array<string | number> = [];
        for (let j = i; j < i + AUDIT_ROWS_PER_INSERT; j++) {
          const r = list[j]!;
          values.push(r.id, r.time, r.name, r.json);
        }
        appendAuditGroup.run(...values);
      }
      for (; i < list.length; i++) {
        const r = list[i]!;
        stmt.appendAudit.run(r.id, r.time, r.name, r.json);
      }
    });
    this.getOrCreateIdTx = db.transaction((kind: string, name: string, candidate: string): string => {
      stmt.insertId.run(kind, name, candidate);
      return stmt.getId.get(kind, name)!.id;
    }).immediate;
    this.sweepTx = db.transaction(
      (now: number): number =>
        stmt.sweepClaims.run(now).changes + stmt.sweepItems.run(now).changes + stmt.sweepRevocations.run(now).changes,
    ).immediate;
    this.claimTx = db.transaction((batch: PendingClaim[], claim: (c: PendingClaim) => boolean): boolean[] => batch.map(claim)).immediate;
  }

  async ping(): Promise<void> {
    this.run(() => this.stmt.ping.get());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.checkpointer?.stop();
    // Leave a checkpointed file behind (the WAL is folded into the database on close).
    this.db.close();
  }

  /**
   * Claims made in the same run of JavaScript (one event-loop task: the requests of one turn, started
   * together) are committed together, in one IMMEDIATE transaction right after it: one WAL commit
   * instead of one per claim. Each claim is the same single UPSERT as alone, so a key claimed twice
   * in a batch is claimed once, and nothing resolves before the commit.
   */
  claimOnce(ns: string, key: string, expiresAt: number): Promise<boolean> {
    if (this.closed) return Promise.reject(new ServiceUnavailable('The store is closed.'));
    return new Promise((resolve, reject) => {
      if (this.pendingClaims.length === 0) queueMicrotask(() => this.commitClaims());
      this.pendingClaims.push({ ns, key, expiresAt, resolve, reject });
    });
  }

  private pendingClaims: PendingClaim[] = [];

  private commitClaims(): void {
    const batch = this.pendingClaims;
    this.pendingClaims = [];
    let results: boolean[];
    try {
      const now = Date.now();
      const claim = (c: PendingClaim) => this.stmt.claim.run(c.ns, c.key, c.expiresAt, now).changes === 1;
      results = this.run(() => (batch.length === 1 ? [claim(batch[0]!)] : this.claimTx(batch, claim)));
    } catch (e) {
      for (const c of batch) c.reject(e);
      return;
    }
    batch.forEach((c, i) => c.resolve(results[i]!));
  }

  async putItem(ns: string, key: string, value: string, expiresAt: number): Promise<void> {
    this.run(() => this.stmt.putItem.run(ns, key, value, expiresAt));
  }

  async getItem(ns: string, key: string): Promise<string | null> {
    return this.run(() => this.stmt.getItem.get(ns, key, Date.now())?.value ?? null);
  }

  async takeItem(ns: string, key: string): Promise<string | null> {
    return this.run(() => {
      const row = this.stmt.takeItem.get(ns, key);
      return row !== undefined && row.expires_at > Date.now() ? row.value : null;
    });
  }

  async replaceItem(ns: string, key: string, expected: string | null, value: string, expiresAt: number): Promise<boolean> {
    return this.run(() =>
      expected === null
        ? this.stmt.insertItemIfAbsent.run(ns, key, value, expiresAt, Date.now()).changes === 1
        : this.stmt.replaceItem.run(value, expiresAt, ns, key, expected, Date.now()).changes === 1,
    );
  }

  async getOrCreateId(kind: string, name: string, candidate: string): Promise<string> {
    return this.run(() => {
      // Read first: after the first call this never needs the write lock.
      const existing = this.stmt.getId.get(kind, name);
      return existing !== undefined ? existing.id : this.getOrCreateIdTx(kind, name, candidate);
    });
  }

  async listIds(kind: string): Promise<Array<{ name: string; id: string }>> {
    return this.run(() => this.stmt.listIds.all(kind).map((r) => ({ name: r.name, id: r.id })));
  }

  async retireId(kind: string, name: string, id: string): Promise<boolean> {
    return this.run(() => this.stmt.retireId.run(kind, name, id).changes === 1);
  }

  async addRevocation(revocation: NewRevocation): Promise<Revocation> {
    return this.run(() => {
      const { scope, target, issuedBefore, createdAt, expiresAt } = revocation;
      return toRevocation(this.stmt.addRevocation.get(scope, target, issuedBefore, createdAt, expiresAt)!);
    });
  }

  async listRevocations(afterSeq: number, now: number): Promise<Revocation[]> {
    return this.run(() => this.stmt.listRevocations.all(afterSeq, now).map(toRevocation));
  }

  async createMfaDevice(device: MfaDevice): Promise<void> {
    const created = this.run(
      () =>
        this.stmt.createDevice.run(
          device.serial,
          device.name,
          device.path,
          mfaOwnerKey(device.owner),
          encodeMfaOwner(device.owner),
          device.seedCiphertext,
          device.enabled ? 1 : 0,
          device.createdAt,
          device.enabledAt,
          device.lastUsedStep,
          device.failures,
          device.lockedUntil,
        ).changes === 1,
    );
    if (!created) throw new EntityAlreadyExists(`MFA device ${device.serial} already exists.`);
  }

  async getMfaDevice(serial: string): Promise<MfaDevice | null> {
    return this.run(() => {
      const row = this.stmt.getDevice.get(serial);
      return row === undefined ? null : toMfaDevice(row);
    });
  }

  async listMfaDevices(filter?: { ownerKey?: string }): Promise<MfaDevice[]> {
    const ownerKey = filter?.ownerKey;
    return this.run(() =>
      (ownerKey === undefined ? this.stmt.listDevices.all() : this.stmt.listDevicesByOwner.all(ownerKey)).map(toMfaDevice),
    );
  }

  async setMfaDeviceOwner(serial: string, owner: MfaOwner | null, enabled: boolean, enabledAt: number | null): Promise<boolean> {
    return this.run(
      () => this.stmt.setOwner.run(mfaOwnerKey(owner), encodeMfaOwner(owner), enabled ? 1 : 0, enabledAt, serial).changes === 1,
    );
  }

  async acceptMfaStep(serial: string, step: number, now: number): Promise<boolean> {
    return this.run(() => this.stmt.acceptStep.run({ serial, step, now }).changes === 1);
  }

  async recordMfaFailure(serial: string, now: number, maxFailures: number, lockoutMs: number): Promise<{ failures: number; lockedUntil: number } | null> {
    return this.run(() => {
      const row = this.stmt.recordFailure.get({ serial, maxFailures, lockedUntil: now + lockoutMs, now });
      return row === undefined ? null : { failures: row.failures, lockedUntil: row.locked_until };
    });
  }

  async resetMfaState(serial: string, lastUsedStep: number): Promise<boolean> {
    return this.run(() => this.stmt.resetState.run(lastUsedStep, serial, lastUsedStep).changes === 1);
  }

  async deleteMfaDevice(serial: string): Promise<boolean> {
    return this.run(() => this.stmt.deleteDevice.run(serial).changes === 1);
  }

  async createWebauthnCredential(c: WebauthnCredential): Promise<void> {
    const created = this.run(
      () =>
        this.stmt.createWebauthn.run(c.id, mfaOwnerKey(c.owner)!, encodeMfaOwner(c.owner)!, c.name, c.publicKey, c.counter, JSON.stringify(c.transports), c.createdAt, c.lastUsedAt)
          .changes === 1,
    );
    if (!created) throw new EntityAlreadyExists('This passkey is already registered.');
  }

  async getWebauthnCredential(id: string): Promise<WebauthnCredential | null> {
    return this.run(() => {
      const row = this.stmt.getWebauthn.get(id);
      return row === undefined ? null : toWebauthnCredential(row);
    });
  }

  async listWebauthnCredentials(filter?: { ownerKey?: string }): Promise<WebauthnCredential[]> {
    const ownerKey = filter?.ownerKey;
    return this.run(() => (ownerKey === undefined ? this.stmt.listWebauthn.all() : this.stmt.listWebauthnByOwner.all(ownerKey)).map(toWebauthnCredential));
  }

  async updateWebauthnCounter(id: string, expected: number, counter: number, usedAt: number): Promise<boolean> {
    return this.run(() => this.stmt.updateWebauthnCounter.run(counter, usedAt, id, expected).changes === 1);
  }

  async deleteWebauthnCredential(id: string): Promise<boolean> {
    return this.run(() => this.stmt.deleteWebauthn.run(id).changes === 1);
  }

  async appendAudit(records: AuditRecord | readonly AuditRecord[]): Promise<void> {
    const list = Array.isArray(records) ? (records as readonly AuditRecord[]) : [records as AuditRecord];
    this.run(() => this.appendAuditTx(list));
  }

  async listAudit(options: { limit?: number; name?: string } = {}): Promise<AuditRecord[]> {
    const limit = auditLimit(options.limit);
    const { name } = options;
    return this.run(() => {
      const rows = name === undefined ? this.stmt.listAudit.all(limit) : this.stmt.listAuditByName.all(name, limit);
      return rows.map(toAuditRecord);
    });
  }

  async sweep(now: number): Promise<number> {
    return this.run(() => this.sweepTx(now));
  }

  /** Runs one synchronous database call, turning "database cannot serve" into ServiceUnavailable. */
  private run<T>(work: () => T): T {
    if (this.closed) throw new ServiceUnavailable('The store is closed.');
    try {
      return work();
    } catch (error) {
      if (isUnavailable(error)) throw new ServiceUnavailable(undefined, { cause: error });
      throw error;
    }
  }
}
