/**
 * The one writer of audit events: an append-only, hash-chained JSON-lines file (each line's `prevHash`
 * is the hex SHA-256 of the previous line's bytes; 64 zeros for the first line) mirrored to the store.
 *
 * Durability: `record` resolves once the event's line is written to the file — as durable as the
 * SQLite WAL at `synchronous=NORMAL` (it survives a crash of the process) — so a request is answered
 * only after its audit event exists. Events recorded in the same turn of the event loop are written
 * together, right after it, in one write(2) (group commit). The write is synchronous on purpose: it
 * lands in the page cache in a few µs, where an asynchronous fs.write costs a thread-pool round trip
 * (two context switches on a busy core) per batch — measured ~10 % of an AssumeRoleWithWebIdentity.
 * The price: a file system that stalls (a hung network mount) stalls the broker — keep the audit
 * file on local disk.
 * The store keeps a mirror (for queries across instances), filled in the background in batches every
 * 100 ms; during a store outage the mirror catches up when the store returns (bounded queue).
 * Without a file (`audit.file: null`) the store is the record, written (in the same per-turn batches)
 * before the request is answered.
 *
 * Several writers may append to one file: a running broker and the operator's CLI commands (revoke,
 * keys rotate, mfa deactivate). A command holds a lock file around its append, the broker waits while
 * one is held (fileLock.ts); when another process appended since this writer's own last line, the
 * chain continues from whatever line really is last (after checking that it still follows ours —
 * a file changed behind the writers' back is reported). A line a crash left half-written is cut off.
 */
import { isoSeconds } from '../time.js';
import { hash } from 'node:crypto';
import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { whenUnlocked, withFileLock } from './fileLock.js';
import { dirname } from 'node:path';
import type { AuditRecord, Store } from '../store/types.js';
import { timeOrderedUuid } from './eventId.js';
import { serializeScrubbed, type AuditEvent } from './event.js';

export const GENESIS_HASH = '0'.repeat(64);
/** `size` before this writer has appended anything. */
const UNKNOWN_SIZE = -1;

/** How often the store mirror is written, and the most events it buffers during a store outage. */
const MIRROR_INTERVAL_MS = 100;
const MIRROR_MAX_QUEUE = 100_000;
const MIRROR_BATCH = 500;

export type AuditEventInput = Omit<AuditEvent, 'eventVersion' | 'eventID' | 'eventTime' | 'awsRegion'> & {
  readonly eventTime?: string;
  readonly awsRegion?: string;
};

export interface AuditSink {
  record(event: AuditEventInput): Promise<void>;
}

interface Pending {
  readonly event: AuditEvent;
  /** The event as JSON, secrets removed, without prevHash (added when the chain position is known). */
  readonly json: string;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export class AuditLog implements AuditSink {
  private fd: number | null = null;
  private prevHash = GENESIS_HASH;
  /** File size after this writer's last append (or when it opened the file). */
  private size = 0;
  private pending: Pending[] = [];
  private flushScheduled = false;
  private writing: Promise<void> | null = null;
  private mirrorQueue: AuditRecord[] = [];
  private mirroring: Promise<void> | null = null;
  private readonly mirrorTimer: NodeJS.Timeout | undefined;
  private dropped = 0;

  constructor(
    private readonly file: string | null,
    private readonly store: Store | null,
    private readonly onError: (error: unknown) => void = () => {},
    /** `occasional`: an operator's command (takes the file lock); default: the broker (checks it). */
    private readonly writer: 'broker' | 'occasional' = 'broker',
  ) {
    if (file !== null) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      // a+: appends always go to the end; reads (of the last line) are allowed too.
      this.fd = openSync(file, 'a+', 0o600);
      // Unknown until the first append, which reads the file's real end under the lock (and cuts
      // off a line a crash left half-written).
      this.size = UNKNOWN_SIZE;
    }
    if (store !== null) {
      this.mirrorTimer = setInterval(() => void this.mirror(), MIRROR_INTERVAL_MS);
      this.mirrorTimer.unref();
    }
  }

  record(input: AuditEventInput): Promise<void> {
    const now = Date.now();
    const event: AuditEvent = {
      eventVersion: '1.08',
      eventID: timeOrderedUuid(now),
      eventTime: input.eventTime ?? isoSeconds(now),
      awsRegion: input.awsRegion ?? 'us-east-1',
      ...input,
    };
    const json = serializeScrubbed(event);
    if (this.fd === null && this.store === null) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ event, json, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          void this.flush();
        });
      }
    });
  }

  /** Writes every pending event, in order, one write per batch; batches never overlap. */
  private async flush(): Promise<void> {
    while (this.writing !== null) await this.writing;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.writing = this.fd !== null ? this.writeBatch(this.fd, batch) : this.writeBatchToStore(batch);
    try {
      await this.writing;
    } finally {
      this.writing = null;
    }
    if (this.pending.length > 0) await this.flush();
  }

  private async writeBatch(fd: number, batch: Pending[]): Promise<void> {
    try {
      const lock = `${this.file!}.lock`;
      const append = () => this.appendUnderLock(fd, batch);
      const lines = this.writer === 'occasional' ? withFileLock(lock, append) : whenUnlocked(lock, append);
      batch.forEach((p, i) => {
        this.enqueueMirror(p.event, lines[i]!);
        p.resolve();
      });
    } catch (e) {
      // Not written: the requests that wait for these events fail rather than go unaudited.
      this.onError(e);
      for (const p of batch) p.reject(e);
    }
  }

  /** Chains `batch` after the file's real last line and appends it in one write; the lines written. */
  private appendUnderLock(fd: number, batch: Pending[]): string[] {
    let size = fstatSync(fd).size;
    if (size !== this.size) {
      // Another process (an operator's CLI command) appended since our last line: chain from its line —
      // after checking that what follows our last line still chains from it.
      if (this.size !== UNKNOWN_SIZE) this.checkContinuation(fd, size);
      size = this.dropPartialLastLine(fd, size);
      this.prevHash = hashOfLastLine(fd, size);
    }
    let prev = this.prevHash;
    const lines: string[] = [];
    for (const { json } of batch) {
      // `prevHash` is the last member, as JSON.stringify({ ...event, prevHash }) would put it.
      const line = `${json.slice(0, -1)},"prevHash":"${prev}"}`;
      lines.push(line);
      prev = sha256Hex(line);
    }
    const bytes = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    writeAll(fd, bytes);
    this.size = size + bytes.length;
    this.prevHash = prev;
    return lines;
  }

  /**
   * The file shrank, or the line after our last one does not chain from it: the file was changed
   * behind the writers' back. Reported (the chain then continues from the real last line, and
   * `audit verify` names the spot).
   */
  private checkContinuation(fd: number, size: number): void {
    if (size < this.size) {
      this.onError(new Error(`the audit file ${this.file!} shrank from ${this.size} to ${size} bytes behind the broker's back (edited or truncated)`));
      return;
    }
    const head = Buffer.alloc(Math.min(size - this.size, 64 * 1024));
    readSync(fd, head, 0, head.length, this.size);
    const text = head.toString('utf8');
    const nl = text.indexOf('\n');
    const first = nl < 0 ? text : text.slice(0, nl);
    let prevHash: unknown;
    try {
      prevHash = (JSON.parse(first) as { prevHash?: unknown }).prevHash;
    } catch {
      prevHash = undefined;
    }
    if (prevHash !== this.prevHash) {
      this.onError(new Error(`the audit file ${this.file!} was changed behind the broker's back: the line after its last one does not chain from it`));
    }
  }

  /**
   * A file that does not end with a newline ends in a write that was cut short (a crash, a full disk):
   * that line was never acknowledged. It is cut off (and reported) so the chain goes on from a whole
   * line instead of gluing the next event onto the fragment.
   */
  private dropPartialLastLine(fd: number, size: number): number {
    if (size === 0) return 0;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] === 0x0a) return size;
    let end = size;
    const chunk = Buffer.alloc(64 * 1024);
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const n = readSync(fd, chunk, 0, end - start, start);
      const nl = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (nl >= 0) {
        end = start + nl + 1;
        break;
      }
      end = start;
    }
    ftruncateSync(fd, end);
    this.onError(new Error(`the audit file ${this.file!} ended in a partial line (a write cut short); removed its ${size - end} bytes`));
    return end;
  }

  /** Without an audit file the store is the record: the events are written to it before anyone is answered. */
  private async writeBatchToStore(batch: Pending[]): Promise<void> {
    try {
      await this.store!.appendAudit(
        batch.map(({ event, json }) => ({ id: event.eventID, time: Date.parse(event.eventTime), name: event.eventName, json })),
      );
      for (const p of batch) p.resolve();
    } catch (e) {
      this.onError(e);
      for (const p of batch) p.reject(e);
    }
  }

  private enqueueMirror(event: AuditEvent, json: string): void {
    if (this.store === null) return;
    if (this.mirrorQueue.length >= MIRROR_MAX_QUEUE) {
      this.mirrorQueue.shift();
      this.dropped++;
    }
    this.mirrorQueue.push({ id: event.eventID, time: Date.parse(event.eventTime), name: event.eventName, json });
  }

  /** Copies queued events to the store in batches; on failure they stay queued for the next round. */
  private mirror(): Promise<void> {
    if (this.mirroring !== null || this.store === null || this.mirrorQueue.length === 0) return this.mirroring ?? Promise.resolve();
    const store = this.store;
    this.mirroring = (async () => {
      try {
        while (this.mirrorQueue.length > 0) {
          const batch = this.mirrorQueue.slice(0, MIRROR_BATCH);
          await store.appendAudit(batch);
          this.mirrorQueue.splice(0, batch.length);
        }
        if (this.dropped > 0) {
          this.onError(new Error(`the audit mirror dropped ${this.dropped} events during a store outage (the audit file has them)`));
          this.dropped = 0;
        }
      } catch (e) {
        // The file is the source of truth; the mirror catches up when the store returns.
        this.onError(e);
      } finally {
        this.mirroring = null;
      }
    })();
    return this.mirroring;
  }

  /** Waits for every recorded event to be written (file) and mirrored (store, when reachable). */
  async drain(): Promise<void> {
    await this.flush();
    await this.mirror();
  }

  async close(): Promise<void> {
    if (this.mirrorTimer) clearInterval(this.mirrorTimer);
    await this.drain();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

export function sha256Hex(line: string): string {
  return hash('sha256', line, 'hex');
}

/** Hash of the last line of an open file of `size` bytes (reads only its tail); genesis when empty. */
function hashOfLastLine(fd: number, size: number): string {
  if (size === 0) return GENESIS_HASH;
  let chunk = 64 * 1024;
  for (;;) {
    const start = Math.max(0, size - chunk);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    const text = buf.toString('utf8').replace(/\n+$/, '');
    const nl = text.lastIndexOf('\n');
    if (nl >= 0 || start === 0) return text === '' ? GENESIS_HASH : sha256Hex(nl >= 0 ? text.slice(nl + 1) : text);
    chunk *= 4;
  }
}
