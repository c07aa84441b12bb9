/**
 * The one writer of audit events: the hash-chained JSON-lines file (auditFile.ts) mirrored to the
 * store.
 *
 * Durability: `record` resolves once the event's line is written to the file — as durable as the
 * SQLite WAL at `synchronous=NORMAL` (it survives a crash of the process) — so a request is answered
 * only after its audit event exists. Events recorded in the same turn of the event loop are written
 * together, right after it, in one write(2) (group commit). With `server.workers > 1` a worker's
 * batches go to the cluster's primary process, which writes the one file for all of them
 * (src/cluster/auditRelay.ts): `record` then resolves when the primary has written the line.
 * The store keeps a mirror (for queries across instances), filled in the background in batches 20 ms
 * after the first event waiting for it; during a store outage the mirror catches up when the store
 * returns (bounded queue).
 * Without a file (`audit.file: null`) the store is the record, written (in the same per-turn batches)
 * before the request is answered.
 */
import { isoSeconds } from '../time.js';
import type { AuditRecord, Store } from '../store/types.js';
import { AuditFile, chainLine, type AuditChainWriter } from './auditFile.js';
import { timeOrderedUuid } from '../keys/timeOrderedUuid.js';
import { serializeScrubbed, type AuditEvent } from './event.js';

/**
 * How long an event waits for its mirror batch. Short on purpose: an event still queued when the young
 * generation is collected twice is copied into the old one, and a busy broker collects every ~40 ms —
 * at 100 ms most events were promoted (~8 MB/s of old-space garbage, a full collection every ~10 s);
 * at 20 ms nearly all die young. A batch is one transaction (~30 µs), so 50 a second cost little.
 */
const MIRROR_DELAY_MS = 20;
/** After a failed batch (store outage), the next try. */
const MIRROR_RETRY_MS = 100;
/** The most events the mirror buffers during a store outage. */
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
  private readonly chain: AuditChainWriter | null;
  private pending: Pending[] = [];
  private flushScheduled = false;
  private writing: Promise<void> | null = null;
  private mirrorQueue: AuditRecord[] = [];
  private mirroring: Promise<void> | null = null;
  private mirrorTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private dropped = 0;

  constructor(
    /** The file, or a writer of it (a cluster worker's relay to the primary); null: the store is the record. */
    file: string | AuditChainWriter | null,
    private readonly store: Store | null,
    private readonly onError: (error: unknown) => void = () => {},
    /** `occasional`: an operator's command (takes the file lock); default: the broker (checks it). */
    writer: 'broker' | 'occasional' = 'broker',
  ) {
    this.chain = typeof file === 'string' ? new AuditFile(file, writer, onError) : file;
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
    if (this.chain === null && this.store === null) return Promise.resolve();
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
    this.writing = this.chain !== null ? this.writeBatch(this.chain, batch) : this.writeBatchToStore(batch);
    try {
      await this.writing;
    } finally {
      this.writing = null;
    }
    if (this.pending.length > 0) await this.flush();
  }

  private async writeBatch(chain: AuditChainWriter, batch: Pending[]): Promise<void> {
    try {
      const prevHashes = await chain.append(batch.map((p) => p.json));
      batch.forEach((p, i) => {
        if (this.store !== null) this.enqueueMirror(p.event, chainLine(p.json, prevHashes[i]!));
        p.resolve();
      });
    } catch (e) {
      // Not written: the requests that wait for these events fail rather than go unaudited.
      this.onError(e);
      for (const p of batch) p.reject(e);
    }
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
    this.scheduleMirror(MIRROR_DELAY_MS);
  }

  /** A timer only while events wait: an idle broker does not wake up for the mirror. */
  private scheduleMirror(delayMs: number): void {
    if (this.mirrorTimer !== undefined || this.closed) return;
    this.mirrorTimer = setTimeout(() => {
      this.mirrorTimer = undefined;
      void this.mirror();
    }, delayMs);
    this.mirrorTimer.unref();
  }

  /** Copies queued events to the store in batches; on failure they stay queued for the next round. */
  private mirror(): Promise<void> {
    if (this.mirroring !== null || this.store === null || this.mirrorQueue.length === 0) return this.mirroring ?? Promise.resolve();
    const store = this.store;
    this.mirroring = (async () => {
      let failed = false;
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
        failed = true;
        this.onError(e);
      } finally {
        this.mirroring = null;
        // Events that came while this ran (a store answering asynchronously), or a failed batch.
        if (this.mirrorQueue.length > 0) this.scheduleMirror(failed ? MIRROR_RETRY_MS : MIRROR_DELAY_MS);
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
    await this.drain();
    this.closed = true;
    clearTimeout(this.mirrorTimer);
    this.mirrorTimer = undefined;
    this.chain?.close();
  }
}
