import type Database from 'better-sqlite3';

/**
 * SQLite schema, one entry per version (index 0 = version 1). Append new versions; never edit a
 * released one. Times are epoch milliseconds in INTEGER columns.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE fb_claims (
    ns TEXT NOT NULL,
    key TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (ns, key)
  ) WITHOUT ROWID;
  CREATE INDEX fb_claims_expires_at ON fb_claims (expires_at);

  CREATE TABLE fb_items (
    ns TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (ns, key)
  );
  CREATE INDEX fb_items_expires_at ON fb_items (expires_at);

  CREATE TABLE fb_ids (
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (kind, name)
  ) WITHOUT ROWID;

  -- AUTOINCREMENT: a seq is never reused, even after the newest row was swept (pollers rely on it).
  CREATE TABLE fb_revocations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    scope TEXT NOT NULL CHECK (scope IN ('role', 'session', 'subject')),
    target TEXT NOT NULL,
    issued_before INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX fb_revocations_expires_at ON fb_revocations (expires_at);

  CREATE TABLE fb_mfa_devices (
    serial TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    owner_key TEXT,
    owner_json TEXT,
    seed_ciphertext TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    enabled_at INTEGER,
    last_used_step INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    locked_until INTEGER NOT NULL
  );
  CREATE INDEX fb_mfa_devices_owner ON fb_mfa_devices (owner_key, serial);

  CREATE TABLE fb_audit (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    time INTEGER NOT NULL,
    name TEXT NOT NULL,
    json TEXT NOT NULL
  );
  CREATE INDEX fb_audit_time ON fb_audit (time, seq);
  CREATE INDEX fb_audit_name_time ON fb_audit (name, time, seq);
  `,
  // 2: WebAuthn credentials (passkeys.md).
  `
  CREATE TABLE fb_webauthn_credentials (
    id TEXT PRIMARY KEY,
    owner_key TEXT NOT NULL,
    owner_json TEXT NOT NULL,
    name TEXT NOT NULL,
    public_key TEXT NOT NULL,
    counter INTEGER NOT NULL,
    transports TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
  );
  CREATE INDEX fb_webauthn_credentials_owner ON fb_webauthn_credentials (owner_key, created_at);
  `,
];

/**
 * Brings the schema up to date. BEGIN IMMEDIATE takes the write lock before reading the version,
 * so processes opening the same file together apply each migration exactly once.
 */
export function migrateSqlite(db: Database.Database): void {
  const migrate = db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS fb_schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)');
    const row = db.prepare('SELECT version FROM fb_schema_version WHERE id = 1').get() as { version: number } | undefined;
    const current = row?.version ?? 0;
    if (current > SQLITE_MIGRATIONS.length) {
      throw new Error(`SQLite store schema version ${current} is newer than this fedbroker supports (${SQLITE_MIGRATIONS.length}); upgrade fedbroker`);
    }
    if (current === SQLITE_MIGRATIONS.length) return;
    for (let version = current + 1; version <= SQLITE_MIGRATIONS.length; version++) {
      db.exec(SQLITE_MIGRATIONS[version - 1]!);
    }
    db.prepare('INSERT INTO fb_schema_version (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version').run(
      SQLITE_MIGRATIONS.length,
    );
  });
  migrate.immediate();
}
