/**
 * Table rows of the SQL backends (the same tables in SQLite and PostgreSQL) and their mapping to the
 * Store's types, in one place. PostgreSQL hands BIGINT over as a string and BOOLEAN as a boolean;
 * SQLite gives numbers for both. Every value stored is an epoch-ms or a counter below 2^53.
 */
import { decodeMfaOwner } from './mfa-owner.js';
import type { AuditRecord, MfaDevice, Revocation, WebauthnCredential } from './types.js';

/** A BIGINT column: a number (SQLite) or a decimal string (PostgreSQL). */
export type Int8 = string | number;

export interface RevocationRow {
  seq: Int8;
  scope: Revocation['scope'];
  target: string;
  issued_before: Int8;
  created_at: Int8;
  expires_at: Int8;
}

export interface MfaDeviceRow {
  serial: string;
  name: string;
  path: string;
  owner_key: string | null;
  owner_json: string | null;
  seed_ciphertext: string;
  /** BOOLEAN (PostgreSQL) or 0/1 (SQLite). */
  enabled: boolean | number;
  created_at: Int8;
  enabled_at: Int8 | null;
  last_used_step: Int8;
  failures: number;
  locked_until: Int8;
}

export interface WebauthnRow {
  id: string;
  owner_key: string;
  owner_json: string;
  name: string;
  public_key: string;
  counter: Int8;
  /** JSON array of strings. */
  transports: string;
  created_at: Int8;
  last_used_at: Int8 | null;
}

export interface AuditRow {
  id: string;
  time: Int8;
  name: string;
  json: string;
}

export function toRevocation(row: RevocationRow): Revocation {
  return {
    seq: Number(row.seq),
    scope: row.scope,
    target: row.target,
    issuedBefore: Number(row.issued_before),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}

export function toMfaDevice(row: MfaDeviceRow): MfaDevice {
  return {
    serial: row.serial,
    name: row.name,
    path: row.path,
    ownerKey: row.owner_key,
    owner: decodeMfaOwner(row.owner_json),
    seedCiphertext: row.seed_ciphertext,
    enabled: row.enabled === true || row.enabled === 1,
    createdAt: Number(row.created_at),
    enabledAt: row.enabled_at === null ? null : Number(row.enabled_at),
    lastUsedStep: Number(row.last_used_step),
    failures: row.failures,
    lockedUntil: Number(row.locked_until),
  };
}

export function toAuditRecord(row: AuditRow): AuditRecord {
  return { id: row.id, time: Number(row.time), name: row.name, json: row.json };
}

export function toWebauthnCredential(row: WebauthnRow): WebauthnCredential {
  const owner = decodeMfaOwner(row.owner_json);
  if (owner === null) throw new Error('stored WebAuthn credential has no owner');
  const transports: unknown = JSON.parse(row.transports);
  return {
    id: row.id,
    owner,
    ownerKey: row.owner_key,
    name: row.name,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports: Array.isArray(transports) ? transports.filter((t): t is string => typeof t === 'string') : [],
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}
