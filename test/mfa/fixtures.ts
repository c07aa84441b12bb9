/**
 * Shared pieces of the MFA tests: a real AES-256-GCM Sealer (the KeyRing's contract, not a
 * pass-through), real stores (memory, SQLite on temp files), the real hash-chained AuditLog on a
 * temp file, a movable clock, and codes computed by otplib the way an authenticator app would.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { AuditLog } from '../../src/audit/auditLog.js';
import { Metrics } from '../../src/http/metrics.js';
import { MfaService } from '../../src/mfa/mfaService.js';
import type { MfaServiceOptions } from '../../src/mfa/mfaService.js';
import type { Sealer } from '../../src/mfa/seedCipher.js';
import { MemoryStore, SqliteStore } from '../../src/store/index.js';
import type { MfaOwner, Store } from '../../src/store/index.js';

export const ACCOUNT = '123456789012';
export const STEP_MS = 30_000;
/** The middle of a 30 s step, so ±1 step is never ambiguous. */
export const T0 = 56_666_667 * STEP_MS + 15_000;
export const STEP0 = 56_666_667;

export const alice: MfaOwner = { kind: 'user', userName: 'alice' };
export const bob: MfaOwner = { kind: 'user', userName: 'bob' };
export const carol: Extract<MfaOwner, { kind: 'federated' }> = { kind: 'federated', provider: 'accounts.example.com', subject: 'auth0|carol' };

/** AES-256-GCM, 12-byte IV, purpose as AAD: sealed = iv | ciphertext | tag. */
export class TestSealer implements Sealer {
  constructor(readonly key: Buffer = randomBytes(32)) {}

  seal(purpose: string, plaintext: Buffer): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(purpose, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]);
  }

  open(purpose: string, sealed: Buffer): Buffer {
    if (sealed.length < 12 + 16) throw new Error('sealed data too short');
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, 12));
    decipher.setAAD(Buffer.from(purpose, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
  }
}

/** The code an authenticator app shows at `ms` (otplib, independent of the verifier under test). */
export function codeAt(seedBase32: string, ms: number): Promise<string> {
  return generate({ secret: seedBase32, epoch: Math.floor(ms / 1000) });
}

/** The code of time step `step` (generated one second into the step). */
export function codeOfStep(seedBase32: string, step: number): Promise<string> {
  return codeAt(seedBase32, step * STEP_MS + 1000);
}

/** A six-digit code different from `code`. */
export function otherCode(code: string): string {
  return String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
}

export class Clock {
  constructor(public ms: number = T0) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface Harness {
  readonly service: MfaService;
  readonly store: Store;
  readonly clock: Clock;
  readonly sealer: TestSealer;
  readonly metrics: Metrics;
  readonly auditFile: string;
  /** Every audit event written so far, parsed. */
  auditEvents(): Array<Record<string, unknown>>;
  /** The audit file's text. */
  auditText(): string;
}

const dirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fb-mfa-test-'));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export type StoreKind = 'memory' | 'sqlite';

export function openStore(kind: StoreKind, file?: string): Store {
  return kind === 'memory' ? new MemoryStore() : new SqliteStore(file ?? join(tempDir(), 'broker.db'));
}

export function harness(
  store: Store,
  options: Partial<Omit<MfaServiceOptions, 'store' | 'audit' | 'sealer' | 'now'>> & { sealer?: TestSealer; clock?: Clock } = {},
): Harness {
  const clock = options.clock ?? new Clock();
  const sealer = options.sealer ?? new TestSealer();
  const metrics = new Metrics();
  const auditFile = join(tempDir(), 'audit.jsonl');
  const audit = new AuditLog(auditFile, null);
  const service = new MfaService({
    store,
    sealer,
    audit,
    metrics,
    account: ACCOUNT,
    partition: 'aws',
    issuer: 'fedbroker',
    window: 1,
    maxFailures: 5,
    lockoutSeconds: 300,
    ...options,
    now: clock.now,
  });
  const auditText = () => {
    try {
      return readFileSync(auditFile, 'utf8');
    } catch {
      return '';
    }
  };
  return {
    service,
    store,
    clock,
    sealer,
    metrics,
    auditFile,
    auditText,
    auditEvents: () =>
      auditText()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** Creates `alice-phone` and enables it for `owner` with the codes of steps STEP0-1 and STEP0 (clock at T0). */
export async function enrolled(h: Harness, owner: MfaOwner = alice, name = 'alice-phone'): Promise<{ serial: string; seedBase32: string }> {
  const { device, seedBase32 } = await h.service.createVirtualDevice({ name });
  await h.service.enable(device.serial, owner, await codeOfStep(seedBase32, STEP0 - 1), await codeOfStep(seedBase32, STEP0));
  return { serial: device.serial, seedBase32 };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Error,
  );
}
