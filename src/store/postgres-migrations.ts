import type pg from 'pg';

/**
 * PostgreSQL schema, one entry per version (index 0 = version 1). Append new versions; never edit a
 * released one. Times are epoch milliseconds in bigint columns.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE fb_claims (
    ns text NOT NULL,
    key text NOT NULL,
    expires_at bigint NOT NULL,
    PRIMARY KEY (ns, key)
  );
  CREATE INDEX fb_claims_expires_at ON fb_claims (expires_at);

  CREATE TABLE fb_items (
    ns text NOT NULL,
    key text NOT NULL,
    value text NOT NULL,
    expires_at bigint NOT NULL,
    PRIMARY KEY (ns, key)
  );
  CREATE INDEX fb_items_expires_at ON fb_items (expires_at);

  CREATE TABLE fb_ids (
    kind text NOT NULL,
    name text NOT NULL,
    id text NOT NULL,
    PRIMARY KEY (kind, name)
  );

  CREATE TABLE fb_revocations (
    seq bigserial PRIMARY KEY,
    scope text NOT NULL CHECK (scope IN ('role', 'session', 'subject')),
    target text NOT NULL,
    issued_before bigint NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL
  );
  CREATE INDEX fb_revocations_expires_at ON fb_revocations (expires_at);

  CREATE TABLE fb_mfa_devices (
    serial text COLLATE "C" PRIMARY KEY,
    name text NOT NULL,
    path text NOT NULL,
    owner_key text,
    owner_json text,
    seed_ciphertext text NOT NULL,
    enabled boolean NOT NULL,
    created_at bigint NOT NULL,
    enabled_at bigint,
    last_used_step bigint NOT NULL,
    failures integer NOT NULL,
    locked_until bigint NOT NULL
  );
  CREATE INDEX fb_mfa_devices_owner ON fb_mfa_devices (owner_key, serial);

  CREATE TABLE fb_audit (
    seq bigserial PRIMARY KEY,
    id text NOT NULL UNIQUE,
    time bigint NOT NULL,
    name text NOT NULL,
    json text NOT NULL
  );
  CREATE INDEX fb_audit_time ON fb_audit (time, seq);
  CREATE INDEX fb_audit_name_time ON fb_audit (name, time, seq);
  `,
  // 2: WebAuthn credentials (passkeys.md).
  `
  CREATE TABLE fb_webauthn_credentials (
    id text PRIMARY KEY,
    owner_key text NOT NULL,
    owner_json text NOT NULL,
    name text NOT NULL,
    public_key text NOT NULL,
    counter bigint NOT NULL,
    transports text NOT NULL,
    created_at bigint NOT NULL,
    last_used_at bigint
  );
  CREATE INDEX fb_webauthn_credentials_owner ON fb_webauthn_credentials (owner_key, created_at);
  `,
];

/** Arbitrary constant: the advisory lock that serialises fedbroker migrations on one database. */
const MIGRATION_LOCK_KEY = 0x66620001;

/**
 * Brings the schema up to date in one transaction. The transaction-scoped advisory lock makes
 * instances that start together wait for each other (DDL is transactional in PostgreSQL, so a
 * failed migration leaves nothing behind).
 */
export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  let failed: unknown;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query('CREATE TABLE IF NOT EXISTS fb_schema_version (id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL)');
    const result = await client.query<{ version: number }>('SELECT version FROM fb_schema_version WHERE id = 1');
    const current = result.rows[0]?.version ?? 0;
    if (current > POSTGRES_MIGRATIONS.length) {
      throw new Error(
        `PostgreSQL store schema version ${current} is newer than this fedbroker supports (${POSTGRES_MIGRATIONS.length}); upgrade fedbroker`,
      );
    }
    for (let version = current + 1; version <= POSTGRES_MIGRATIONS.length; version++) {
      await client.query(POSTGRES_MIGRATIONS[version - 1]!);
    }
    if (current < POSTGRES_MIGRATIONS.length) {
      await client.query(
        'INSERT INTO fb_schema_version (id, version) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version',
        [POSTGRES_MIGRATIONS.length],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    failed = error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    // A client that failed mid-transaction is discarded rather than reused.
    client.release(failed instanceof Error ? failed : undefined);
  }
}
