export type { AuditRecord, MfaDevice, MfaOwner, NewRevocation, Revocation, Store } from './types.js';
export { MemoryStore, type MemoryStoreOptions } from './memory.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite.js';
export { PostgresStore, type PostgresStoreOptions } from './postgres.js';
export { openStore, type OpenStoreOptions } from './open.js';
export { mfaOwnerKey } from './mfa-owner.js';
export { DEFAULT_AUDIT_LIMIT } from './audit-limit.js';
