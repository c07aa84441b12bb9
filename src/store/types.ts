/**
 * The one storage interface (in the spirit of Dex's `storage.Storage`): everything that must be shared
 * between broker instances and survive a restart goes through it. Backends: memory (tests), SQLite
 * (embedded default), PostgreSQL (several instances). Every backend passes test/store/conformance.ts.
 *
 * Times are epoch milliseconds. Every write is durable when its promise resolves.
 * Something is expired when its expiresAt <= now (the store's clock, Date.now(), where no `now` is passed).
 * When the backend cannot serve (database down, file locked too long) and after close(), methods
 * reject with ServiceUnavailable (src/errors.ts); the store recovers on its own when the backend returns.
 */

/** A revocation: sessions matching `scope`/`target` that were issued before `issuedBefore` are refused. */
export interface Revocation {
  /** Monotonic sequence number assigned by the store (used to poll for changes). */
  readonly seq: number;
  /**
   * - `role`: target is a role ARN; every session of that role issued before `issuedBefore` is revoked
   *   (AWS's "Revoke active sessions", aws:TokenIssueTime pattern).
   * - `session`: target is a temporary access key id.
   * - `subject`: target is `<provider>|<subject>`, a federated identity.
   */
  readonly scope: 'role' | 'session' | 'subject';
  readonly target: string;
  readonly issuedBefore: number;
  readonly createdAt: number;
  /** After this time the revocation can be forgotten (no session it covers can still be valid). */
  readonly expiresAt: number;
}

export type NewRevocation = Omit<Revocation, 'seq'>;

/** Who a virtual MFA device belongs to. */
export type MfaOwner =
  | { readonly kind: 'user'; readonly userName: string }
  | { readonly kind: 'federated'; readonly provider: string; readonly subject: string };

export interface MfaDevice {
  /** ARN: arn:aws:iam::ACCOUNT:mfa/NAME (or …:mfa/federated/<provider>/<subject-hash>). */
  readonly serial: string;
  /** The name given at creation (last part of the serial), with its path. */
  readonly name: string;
  readonly path: string;
  /** Stable string form of the owner, used for lookups: `user:<name>` or `federated:<provider>|<subject>`. */
  readonly ownerKey: string | null;
  readonly owner: MfaOwner | null;
  /** The TOTP seed, encrypted at rest by mfa/ (never the clear seed). */
  readonly seedCiphertext: string;
  readonly enabled: boolean;
  readonly createdAt: number;
  readonly enabledAt: number | null;
  /** Last accepted TOTP time step; codes at or before it are refused (one use per code). */
  readonly lastUsedStep: number;
  /** Consecutive failed codes. */
  readonly failures: number;
  /** Locked until this time (epoch ms); 0 when not locked. */
  readonly lockedUntil: number;
}

/**
 * A WebAuthn credential (passkey or security key) registered as a second factor (passkeys.md).
 * Several per owner, each named by its owner. Credential ids and public keys are not secrets.
 */
export interface WebauthnCredential {
  /** The credential id, base64url (unique across owners). */
  readonly id: string;
  readonly owner: MfaOwner;
  /** Stable string form of the owner (mfaOwnerKey), derived by the store from `owner`. */
  readonly ownerKey: string;
  /** The name its owner gave it ("Laptop", "YubiKey 5"). */
  readonly name: string;
  /** The COSE public key, base64url. */
  readonly publicKey: string;
  /** The authenticator's signature counter as last seen (0 when it keeps none). */
  readonly counter: number;
  /** Transports the authenticator reported (usb, nfc, internal, hybrid…), as hints for the browser. */
  readonly transports: readonly string[];
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

export interface AuditRecord {
  /** Unique event id (eventID). */
  readonly id: string;
  /** Event time, epoch ms. */
  readonly time: number;
  /** eventName, e.g. AssumeRoleWithWebIdentity. */
  readonly name: string;
  /** The whole event as JSON text, exactly as written to the audit file. */
  readonly json: string;
}

export interface Store {
  /** Backend name for logs and /readyz: memory | sqlite | postgres. */
  readonly kind: string;

  /** Cheap reachability check (for /readyz and recovery). Rejects when the backend is unavailable. */
  ping(): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;

  // ---- single-use keys (replay caches) --------------------------------------------------------

  /**
   * Record `key` in namespace `ns` until `expiresAt`. Resolves true when this call recorded it, false
   * when it was already recorded and has not expired. Atomic across instances sharing the backend.
   * Used for SAML assertion ids (replay), TOTP steps are handled by the MFA methods below.
   */
  claimOnce(ns: string, key: string, expiresAt: number): Promise<boolean>;

  // ---- short-lived items (SP-initiated request ids, sign-in tokens, login state) ---------------

  /** Store `value` under (`ns`, `key`) until `expiresAt`, replacing any previous value. */
  putItem(ns: string, key: string, value: string, expiresAt: number): Promise<void>;
  /** The value, or null when absent or expired. */
  getItem(ns: string, key: string): Promise<string | null>;
  /** Atomically read and delete: only one caller across all instances gets the value. */
  takeItem(ns: string, key: string): Promise<string | null>;
  /**
   * Compare-and-set, atomic across instances: when the item's current value is `expected` (null: the
   * item is absent or expired), store `value` until `expiresAt` and resolve true; otherwise change
   * nothing and resolve false. State machines (device authorizations, refresh-token families) are
   * built on it: read, compute the next value, replace — and read again when another writer won.
   */
  replaceItem(ns: string, key: string, expected: string | null, value: string, expiresAt: number): Promise<boolean>;

  // ---- stable identifiers ---------------------------------------------------------------------

  /**
   * The id recorded for (`kind`, `name`); when none is, records `candidate` and returns it. Every
   * instance gets the same answer (role ids AROA…, user ids AIDA…) until `retireId` forgets it.
   */
  getOrCreateId(kind: string, name: string, candidate: string): Promise<string>;
  /** Every id recorded for `kind` (any order). */
  listIds(kind: string): Promise<Array<{ readonly name: string; readonly id: string }>>;
  /**
   * Forget the id of (`kind`, `name`) when it is still `id` (the entity was deleted): the next
   * getOrCreateId records a new one. Resolves false when the recorded id is another one, or none.
   */
  retireId(kind: string, name: string, id: string): Promise<boolean>;

  // ---- revocations ----------------------------------------------------------------------------

  addRevocation(revocation: NewRevocation): Promise<Revocation>;
  /** Revocations with seq > `afterSeq` that have not expired at `now`, in seq order. */
  listRevocations(afterSeq: number, now: number): Promise<Revocation[]>;

  // ---- MFA devices ----------------------------------------------------------------------------

  /**
   * Rejects with EntityAlreadyExists (from src/errors.ts) when the serial exists. The stored ownerKey
   * is derived from `owner` (mfaOwnerKey in store/mfa-owner.ts), whatever `device.ownerKey` says.
   */
  createMfaDevice(device: MfaDevice): Promise<void>;
  getMfaDevice(serial: string): Promise<MfaDevice | null>;
  /** All devices, or those of one owner, ordered by serial. */
  listMfaDevices(filter?: { ownerKey?: string }): Promise<MfaDevice[]>;
  /** Set owner + enabled state (EnableMFADevice / DeactivateMFADevice). Resolves false if absent. */
  setMfaDeviceOwner(serial: string, owner: MfaOwner | null, enabled: boolean, enabledAt: number | null): Promise<boolean>;
  /**
   * Accept a TOTP step atomically: when `step` > lastUsedStep and the device is not locked at `now`,
   * set lastUsedStep = step, failures = 0, lockedUntil = 0 and resolve true; otherwise change nothing
   * and resolve false.
   */
  acceptMfaStep(serial: string, step: number, now: number): Promise<boolean>;
  /**
   * Count a failed code atomically: failures + 1; when that reaches `maxFailures`, lockedUntil =
   * now + lockoutMs and failures = 0. While the device is locked at `now` nothing changes (attempts
   * during a lockout neither count nor extend it). Resolves the state (null when the device does not exist).
   */
  recordMfaFailure(serial: string, now: number, maxFailures: number, lockoutMs: number): Promise<{ failures: number; lockedUntil: number } | null>;
  /**
   * Enable / resync, atomically: when `lastUsedStep` > the stored one, set it and clear failures and
   * lockout, and resolve true; otherwise (absent, or a code at least as new was used meanwhile)
   * change nothing and resolve false. Never moves backwards: a used code stays used.
   */
  resetMfaState(serial: string, lastUsedStep: number): Promise<boolean>;
  deleteMfaDevice(serial: string): Promise<boolean>;

  // ---- WebAuthn credentials ------------------------------------------------------------------

  /** Rejects with EntityAlreadyExists when the id exists (for any owner). ownerKey is derived from owner. */
  createWebauthnCredential(credential: WebauthnCredential): Promise<void>;
  getWebauthnCredential(id: string): Promise<WebauthnCredential | null>;
  /** All credentials, or those of one owner, ordered by creation time then id. */
  listWebauthnCredentials(filter?: { ownerKey?: string }): Promise<WebauthnCredential[]>;
  /**
   * Record a use, compare-and-set: when the stored counter is still `expected`, set it to `counter`
   * and lastUsedAt to `usedAt`, and resolve true; otherwise (absent, or another use won) change
   * nothing and resolve false. Two instances can never both accept the same counter value.
   */
  updateWebauthnCounter(id: string, expected: number, counter: number, usedAt: number): Promise<boolean>;
  deleteWebauthnCredential(id: string): Promise<boolean>;

  // ---- audit mirror ---------------------------------------------------------------------------

  /** A record whose id is already stored is kept once (a retried write is harmless). */
  /** One record, or a batch written together (one transaction). A record whose id exists is kept once. */
  appendAudit(records: AuditRecord | readonly AuditRecord[]): Promise<void>;
  /** Most recent first (by time, then by write order); at most `limit` records, 1000 when omitted. */
  listAudit(options?: { limit?: number; name?: string }): Promise<AuditRecord[]>;

  // ---- housekeeping ---------------------------------------------------------------------------

  /** Delete expired single-use keys, items and revocations. Resolves the number of rows removed. */
  sweep(now: number): Promise<number>;
}
