import pg from 'pg';
import { EntityAlreadyExists, ServiceUnavailable } from '../errors.js';
import { auditLimit } from './audit-limit.js';
import { encodeMfaOwner, mfaOwnerKey } from './mfa-owner.js';
import { toAuditRecord, toMfaDevice, toRevocation, toWebauthnCredential, type AuditRow, type Int8, type MfaDeviceRow, type RevocationRow, type WebauthnRow } from './rows.js';
import { migratePostgres } from './postgres-migrations.js';
import { toStoreError } from './postgres-errors.js';
import type { AuditRecord, MfaDevice, MfaOwner, NewRevocation, Revocation, Store, WebauthnCredential } from './types.js';

export interface PostgresStoreOptions {
  /** Connections per instance (default 10). */
  readonly poolSize?: number;
}

/** A dead or hung database must fail a request within seconds, never hang it. */
const CONNECT_TIMEOUT_MS = 3000;
const STATEMENT_TIMEOUT_MS = 5000;
/** Client-side bound for when the server stops answering altogether (a bit above the server's). */
const QUERY_TIMEOUT_MS = 6000;

/** Transaction-scoped advisory lock serialising revocation inserts (see addRevocation). */
const REVOCATION_LOCK_KEY = 0x66620002;

const REVOCATION_COLUMNS = 'seq, scope, target, issued_before, created_at, expires_at';
const DEVICE_COLUMNS =
  'serial, name, path, owner_key, owner_json, seed_ciphertext, enabled, created_at, enabled_at, last_used_step, failures, locked_until';
const WEBAUTHN_COLUMNS = 'id, owner_key, owner_json, name, public_key, counter, transports, created_at, last_used_at';

/**
 * Named statements: node-postgres prepares each once per connection and then only binds values.
 * Every read-modify-write is a single statement, so it is atomic across instances.
 */
const SQL = {
  ping: { name: 'fb_ping', text: 'SELECT 1' },
  // Inserts, or takes over a row whose claim has expired; no row back = already claimed.
  claim: {
    name: 'fb_claim',
    text: `INSERT INTO fb_claims (ns, key, expires_at) VALUES ($1, $2, $3)
           ON CONFLICT (ns, key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE fb_claims.expires_at <= $4
           RETURNING 1`,
  },
  putItem: {
    name: 'fb_put_item',
    text: `INSERT INTO fb_items (ns, key, value, expires_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (ns, key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
  },
  getItem: { name: 'fb_get_item', text: 'SELECT value FROM fb_items WHERE ns = $1 AND key = $2 AND expires_at > $3' },
  takeItem: { name: 'fb_take_item', text: 'DELETE FROM fb_items WHERE ns = $1 AND key = $2 RETURNING value, expires_at' },
  insertItemIfAbsent: {
    name: 'fb_insert_item_if_absent',
    text: `INSERT INTO fb_items (ns, key, value, expires_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (ns, key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at WHERE fb_items.expires_at <= $5`,
  },
  replaceItem: {
    name: 'fb_replace_item',
    text: 'UPDATE fb_items SET value = $1, expires_at = $2 WHERE ns = $3 AND key = $4 AND value = $5 AND expires_at > $6',
  },
  getId: { name: 'fb_get_id', text: 'SELECT id FROM fb_ids WHERE kind = $1 AND name = $2' },
  listIds: { name: 'fb_list_ids', text: 'SELECT name, id FROM fb_ids WHERE kind = $1' },
  retireId: { name: 'fb_retire_id', text: 'DELETE FROM fb_ids WHERE kind = $1 AND name = $2 AND id = $3' },
  insertId: {
    name: 'fb_insert_id',
    text: 'INSERT INTO fb_ids (kind, name, id) VALUES ($1, $2, $3) ON CONFLICT (kind, name) DO NOTHING RETURNING id',
  },
  addRevocation: {
    name: 'fb_add_revocation',
    text: `INSERT INTO fb_revocations (scope, target, issued_before, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
           RETURNING ${REVOCATION_COLUMNS}`,
  },
  listRevocations: {
    name: 'fb_list_revocations',
    text: `SELECT ${REVOCATION_COLUMNS} FROM fb_revocations WHERE seq > $1 AND expires_at > $2 ORDER BY seq`,
  },
  createDevice: {
    name: 'fb_create_device',
    text: `INSERT INTO fb_mfa_devices (${DEVICE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (serial) DO NOTHING RETURNING serial`,
  },
  getDevice: { name: 'fb_get_device', text: `SELECT ${DEVICE_COLUMNS} FROM fb_mfa_devices WHERE serial = $1` },
  listDevices: { name: 'fb_list_devices', text: `SELECT ${DEVICE_COLUMNS} FROM fb_mfa_devices ORDER BY serial` },
  listDevicesByOwner: {
    name: 'fb_list_devices_by_owner',
    text: `SELECT ${DEVICE_COLUMNS} FROM fb_mfa_devices WHERE owner_key = $1 ORDER BY serial`,
  },
  setOwner: {
    name: 'fb_set_owner',
    text: 'UPDATE fb_mfa_devices SET owner_key = $2, owner_json = $3, enabled = $4, enabled_at = $5 WHERE serial = $1',
  },
  acceptStep: {
    name: 'fb_accept_step',
    text: `UPDATE fb_mfa_devices SET last_used_step = $2, failures = 0, locked_until = 0
           WHERE serial = $1 AND last_used_step < $2 AND locked_until <= $3`,
  },
  // $2 = maxFailures, $3 = now + lockoutMs. SET expressions read the row as it was.
  recordFailure: {
    name: 'fb_record_failure',
    text: `UPDATE fb_mfa_devices SET
             failures = CASE WHEN locked_until > $4 THEN failures WHEN failures + 1 >= $2 THEN 0 ELSE failures + 1 END,
             locked_until = CASE WHEN locked_until > $4 THEN locked_until WHEN failures + 1 >= $2 THEN $3 ELSE locked_until END
           WHERE serial = $1
           RETURNING failures, locked_until`,
  },
  resetState: {
    name: 'fb_reset_state',
    text: 'UPDATE fb_mfa_devices SET last_used_step = $2, failures = 0, locked_until = 0 WHERE serial = $1 AND last_used_step < $2',
  },
  deleteDevice: { name: 'fb_delete_device', text: 'DELETE FROM fb_mfa_devices WHERE serial = $1' },
  createWebauthn: {
    name: 'fb_create_webauthn',
    text: `INSERT INTO fb_webauthn_credentials (${WEBAUTHN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (id) DO NOTHING RETURNING id`,
  },
  getWebauthn: { name: 'fb_get_webauthn', text: `SELECT ${WEBAUTHN_COLUMNS} FROM fb_webauthn_credentials WHERE id = $1` },
  listWebauthn: { name: 'fb_list_webauthn', text: `SELECT ${WEBAUTHN_COLUMNS} FROM fb_webauthn_credentials ORDER BY created_at, id` },
  listWebauthnByOwner: {
    name: 'fb_list_webauthn_by_owner',
    text: `SELECT ${WEBAUTHN_COLUMNS} FROM fb_webauthn_credentials WHERE owner_key = $1 ORDER BY created_at, id`,
  },
  updateWebauthnCounter: {
    name: 'fb_update_webauthn_counter',
    text: 'UPDATE fb_webauthn_credentials SET counter = $3, last_used_at = $4 WHERE id = $1 AND counter = $2',
  },
  deleteWebauthn: { name: 'fb_delete_webauthn', text: 'DELETE FROM fb_webauthn_credentials WHERE id = $1' },
  appendAudit: {
    name: 'fb_append_audit',
    text: 'INSERT INTO fb_audit (id, time, name, json) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING',
  },
  appendAuditBatch: {
    name: 'fb_append_audit_batch',
    text: `INSERT INTO fb_audit (id, time, name, json)
           SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) ON CONFLICT (id) DO NOTHING`,
  },
  listAudit: {
    name: 'fb_list_audit',
    text: 'SELECT id, time, name, json FROM fb_audit ORDER BY time DESC, seq DESC LIMIT $1',
  },
  listAuditByName: {
    name: 'fb_list_audit_by_name',
    text: 'SELECT id, time, name, json FROM fb_audit WHERE name = $1 ORDER BY time DESC, seq DESC LIMIT $2',
  },
  sweep: {
    name: 'fb_sweep',
    text: `WITH c AS (DELETE FROM fb_claims WHERE expires_at <= $1 RETURNING 1),
                i AS (DELETE FROM fb_items WHERE expires_at <= $1 RETURNING 1),
                r AS (DELETE FROM fb_revocations WHERE expires_at <= $1 RETURNING 1)
           SELECT (SELECT count(*) FROM c) + (SELECT count(*) FROM i) + (SELECT count(*) FROM r) AS removed`,
  },
} as const;

type NamedSql = (typeof SQL)[keyof typeof SQL];

/** Times go to bigint columns, which refuse fractional ms (a caller computing now + 1.5 s * 1000). */
function ms(time: number): number {
  return Math.floor(time);
}

function isPostgresUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
  } catch {
    return false;
  }
}

/**
 * The Store for several broker instances: one PostgreSQL database shared by all. Create it with
 * `PostgresStore.open()` (or the constructor followed by `init()`), which runs the migrations.
 *
 * While the database is unreachable every method rejects with ServiceUnavailable within a few
 * seconds; the pool drops broken connections and opens new ones, so the store recovers on its own
 * when the database returns.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres';

  private readonly pool: pg.Pool;
  private closed = false;

  static async open(connectionString: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const store = new PostgresStore(connectionString, options);
    try {
      await store.init();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** Throws a plain Error (never echoing the connection string) when it is not a postgres:// URL. */
  constructor(connectionString: string, options: PostgresStoreOptions = {}) {
    // Checked here because pg parses it lazily, and the URL parser's error quotes the input
    // (password included) in a property that loggers print.
    if (!isPostgresUrl(connectionString)) {
      throw new Error('Invalid PostgreSQL connection string for the store (expected postgres://user:password@host:port/database)');
    }
    this.pool = new pg.Pool({
      connectionString,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      lock_timeout: STATEMENT_TIMEOUT_MS,
      idle_in_transaction_session_timeout: 2 * STATEMENT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      application_name: 'fedbroker',
    });
    // A connection dying (server restart, network cut) emits 'error' events; unheard, they would
    // crash the process. Idle ones reach the pool's 'error' (pg has already dropped the client and
    // the next query opens a new one); a checked-out client emits on itself, and its pending query
    // is rejected anyway, which is where the failure is reported (as ServiceUnavailable).
    this.pool.on('error', () => undefined);
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  /** Runs pending migrations (idempotent; safe when several instances start together). */
  async init(): Promise<void> {
    this.assertOpen();
    try {
      await migratePostgres(this.pool);
    } catch (error) {
      throw toStoreError(error);
    }
  }

  async ping(): Promise<void> {
    await this.query(SQL.ping, []);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  async claimOnce(ns: string, key: string, expiresAt: number): Promise<boolean> {
    const result = await this.query(SQL.claim, [ns, key, ms(expiresAt), Date.now()]);
    return result.rowCount === 1;
  }

  async putItem(ns: string, key: string, value: string, expiresAt: number): Promise<void> {
    await this.query(SQL.putItem, [ns, key, value, ms(expiresAt)]);
  }

  async getItem(ns: string, key: string): Promise<string | null> {
    const result = await this.query<{ value: string }>(SQL.getItem, [ns, key, Date.now()]);
    return result.rows[0]?.value ?? null;
  }

  async takeItem(ns: string, key: string): Promise<string | null> {
    const result = await this.query<{ value: string; expires_at: Int8 }>(SQL.takeItem, [ns, key]);
    const row = result.rows[0];
    return row !== undefined && Number(row.expires_at) > Date.now() ? row.value : null;
  }

  async replaceItem(ns: string, key: string, expected: string | null, value: string, expiresAt: number): Promise<boolean> {
    const result =
      expected === null
        ? await this.query(SQL.insertItemIfAbsent, [ns, key, value, ms(expiresAt), Date.now()])
        : await this.query(SQL.replaceItem, [value, ms(expiresAt), ns, key, expected, Date.now()]);
    return result.rowCount === 1;
  }

  async getOrCreateId(kind: string, name: string, candidate: string): Promise<string> {
    const existing = await this.query<{ id: string }>(SQL.getId, [kind, name]);
    if (existing.rows[0] !== undefined) return existing.rows[0].id;
    const inserted = await this.query<{ id: string }>(SQL.insertId, [kind, name, candidate]);
    if (inserted.rows[0] !== undefined) return inserted.rows[0].id;
    // Another instance inserted it between our two statements; this new statement sees its row.
    const winner = await this.query<{ id: string }>(SQL.getId, [kind, name]);
    if (winner.rows[0] === undefined) throw new Error(`stable id for ${kind} ${name} vanished`);
    return winner.rows[0].id;
  }

  async listIds(kind: string): Promise<Array<{ name: string; id: string }>> {
    const result = await this.query<{ name: string; id: string }>(SQL.listIds, [kind]);
    return result.rows.map((r) => ({ name: r.name, id: r.id }));
  }

  async retireId(kind: string, name: string, id: string): Promise<boolean> {
    const result = await this.query(SQL.retireId, [kind, name, id]);
    return result.rowCount === 1;
  }

  /**
   * Inserts under a transaction-scoped advisory lock so revocations commit in seq order: without
   * it, seq 6 could commit before seq 5 and a poller that already saw 6 would never see 5.
   */
  async addRevocation(revocation: NewRevocation): Promise<Revocation> {
    const { scope, target, issuedBefore, createdAt, expiresAt } = revocation;
    const row = await this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [REVOCATION_LOCK_KEY]);
      const result = await client.query<RevocationRow>({ ...SQL.addRevocation, values: [scope, target, ms(issuedBefore), ms(createdAt), ms(expiresAt)] });
      return result.rows[0]!;
    });
    return toRevocation(row);
  }

  async listRevocations(afterSeq: number, now: number): Promise<Revocation[]> {
    const result = await this.query<RevocationRow>(SQL.listRevocations, [afterSeq, ms(now)]);
    return result.rows.map(toRevocation);
  }

  async createMfaDevice(device: MfaDevice): Promise<void> {
    const result = await this.query(SQL.createDevice, [
      device.serial,
      device.name,
      device.path,
      mfaOwnerKey(device.owner),
      encodeMfaOwner(device.owner),
      device.seedCiphertext,
      device.enabled,
      ms(device.createdAt),
      device.enabledAt === null ? null : ms(device.enabledAt),
      device.lastUsedStep,
      device.failures,
      ms(device.lockedUntil),
    ]);
    if (result.rowCount !== 1) throw new EntityAlreadyExists(`MFA device ${device.serial} already exists.`);
  }

  async getMfaDevice(serial: string): Promise<MfaDevice | null> {
    const result = await this.query<MfaDeviceRow>(SQL.getDevice, [serial]);
    const row = result.rows[0];
    return row === undefined ? null : toMfaDevice(row);
  }

  async listMfaDevices(filter?: { ownerKey?: string }): Promise<MfaDevice[]> {
    const ownerKey = filter?.ownerKey;
    const result =
      ownerKey === undefined
        ? await this.query<MfaDeviceRow>(SQL.listDevices, [])
        : await this.query<MfaDeviceRow>(SQL.listDevicesByOwner, [ownerKey]);
    return result.rows.map(toMfaDevice);
  }

  async setMfaDeviceOwner(serial: string, owner: MfaOwner | null, enabled: boolean, enabledAt: number | null): Promise<boolean> {
    const result = await this.query(SQL.setOwner, [serial, mfaOwnerKey(owner), encodeMfaOwner(owner), enabled, enabledAt === null ? null : ms(enabledAt)]);
    return result.rowCount === 1;
  }

  async acceptMfaStep(serial: string, step: number, now: number): Promise<boolean> {
    const result = await this.query(SQL.acceptStep, [serial, step, ms(now)]);
    return result.rowCount === 1;
  }

  async recordMfaFailure(serial: string, now: number, maxFailures: number, lockoutMs: number): Promise<{ failures: number; lockedUntil: number } | null> {
    const result = await this.query<{ failures: number; locked_until: Int8 }>(SQL.recordFailure, [serial, maxFailures, ms(now + lockoutMs), ms(now)]);
    const row = result.rows[0];
    return row === undefined ? null : { failures: row.failures, lockedUntil: Number(row.locked_until) };
  }

  async resetMfaState(serial: string, lastUsedStep: number): Promise<boolean> {
    const result = await this.query(SQL.resetState, [serial, lastUsedStep]);
    return result.rowCount === 1;
  }

  async deleteMfaDevice(serial: string): Promise<boolean> {
    const result = await this.query(SQL.deleteDevice, [serial]);
    return result.rowCount === 1;
  }

  async createWebauthnCredential(c: WebauthnCredential): Promise<void> {
    const result = await this.query(SQL.createWebauthn, [
      c.id, mfaOwnerKey(c.owner), encodeMfaOwner(c.owner), c.name, c.publicKey, c.counter, JSON.stringify(c.transports), ms(c.createdAt), c.lastUsedAt === null ? null : ms(c.lastUsedAt),
    ]);
    if (result.rowCount !== 1) throw new EntityAlreadyExists('This passkey is already registered.');
  }

  async getWebauthnCredential(id: string): Promise<WebauthnCredential | null> {
    const row = (await this.query<WebauthnRow>(SQL.getWebauthn, [id])).rows[0];
    return row === undefined ? null : toWebauthnCredential(row);
  }

  async listWebauthnCredentials(filter?: { ownerKey?: string }): Promise<WebauthnCredential[]> {
    const ownerKey = filter?.ownerKey;
    const result = ownerKey === undefined ? await this.query<WebauthnRow>(SQL.listWebauthn, []) : await this.query<WebauthnRow>(SQL.listWebauthnByOwner, [ownerKey]);
    return result.rows.map(toWebauthnCredential);
  }

  async updateWebauthnCounter(id: string, expected: number, counter: number, usedAt: number): Promise<boolean> {
    return (await this.query(SQL.updateWebauthnCounter, [id, expected, counter, ms(usedAt)])).rowCount === 1;
  }

  async deleteWebauthnCredential(id: string): Promise<boolean> {
    return (await this.query(SQL.deleteWebauthn, [id])).rowCount === 1;
  }

  async appendAudit(records: AuditRecord | readonly AuditRecord[]): Promise<void> {
    if (!Array.isArray(records)) {
      const record = records as AuditRecord;
      await this.query(SQL.appendAudit, [record.id, ms(record.time), record.name, record.json]);
      return;
    }
    const list = records as readonly AuditRecord[];
    if (list.length === 0) return;
    // One statement for the whole batch (an id twice in one batch is kept once, as ON CONFLICT needs).
    const unique = [...new Map(list.map((r) => [r.id, r])).values()];
    await this.query(SQL.appendAuditBatch, [unique.map((r) => r.id), unique.map((r) => ms(r.time)), unique.map((r) => r.name), unique.map((r) => r.json)]);
  }

  async listAudit(options: { limit?: number; name?: string } = {}): Promise<AuditRecord[]> {
    const limit = auditLimit(options.limit);
    const { name } = options;
    const result =
      name === undefined
        ? await this.query<AuditRow>(SQL.listAudit, [limit])
        : await this.query<AuditRow>(SQL.listAuditByName, [name, limit]);
    return result.rows.map(toAuditRecord);
  }

  async sweep(now: number): Promise<number> {
    const result = await this.query<{ removed: Int8 }>(SQL.sweep, [ms(now)]);
    return Number(result.rows[0]?.removed ?? 0);
  }

  private async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: NamedSql, values: unknown[]): Promise<pg.QueryResult<R>> {
    this.assertOpen();
    try {
      return await this.pool.query<R>({ name: sql.name, text: sql.text, values });
    } catch (error) {
      throw toStoreError(error);
    }
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    this.assertOpen();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw toStoreError(error);
    }
    let failed: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      failed = error instanceof Error ? error : new Error('transaction failed');
      await client.query('ROLLBACK').catch(() => undefined);
      throw toStoreError(error);
    } finally {
      // Passing the error discards the connection instead of returning it to the pool.
      client.release(failed);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new ServiceUnavailable('The store is closed.');
  }
}
