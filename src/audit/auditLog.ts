/**
 * The one writer of audit events: an append-only, hash-chained JSON-lines file (each line's `prevHash`
 * is the hex SHA-256 of the previous line's bytes; 64 zeros for the first line) mirrored to the store.
 * An event is durable (written to the file with a synchronous write, and committed to the store)
 * before `record` resolves, so a request is answered only after its audit event exists.
 */
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store } from '../store/types.js';
import { scrubSecrets, type AuditEvent } from './event.js';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditEventInput = Omit<AuditEvent, 'eventVersion' | 'eventID' | 'eventTime' | 'awsRegion'> & {
  readonly eventTime?: string;
  readonly awsRegion?: string;
};

export interface AuditSink {
  record(event: AuditEventInput): Promise<void>;
}

export class AuditLog implements AuditSink {
  private fd: number | null = null;
  private prevHash = GENESIS_HASH;

  constructor(
    private readonly file: string | null,
    private readonly store: Store | null,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    if (file !== null) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      this.prevHash = existsSync(file) ? hashOfLastLine(file) : GENESIS_HASH;
      this.fd = openSync(file, 'a', 0o600);
    }
  }

  async record(input: AuditEventInput): Promise<void> {
    const event: AuditEvent = scrubSecrets({
      eventVersion: '1.08',
      eventID: randomUUID(),
      eventTime: input.eventTime ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      awsRegion: input.awsRegion ?? 'us-east-1',
      ...input,
    });
    // Serialised synchronously: concurrent requests cannot interleave and break the chain.
    const line = JSON.stringify({ ...event, prevHash: this.prevHash });
    if (this.fd !== null) {
      writeSync(this.fd, `${line}\n`);
      this.prevHash = sha256Hex(line);
    }
    if (this.store !== null) {
      try {
        await this.store.appendAudit({ id: event.eventID, time: Date.parse(event.eventTime), name: event.eventName, json: line });
      } catch (e) {
        // The file is the source of truth; a store outage must not turn an answered request into a 500.
        this.onError(e);
      }
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

export function sha256Hex(line: string): string {
  return createHash('sha256').update(line, 'utf8').digest('hex');
}

/** Hash of the last complete line of a file (reads only its tail). */
function hashOfLastLine(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return GENESIS_HASH;
    let chunk = 64 * 1024;
    for (;;) {
      const start = Math.max(0, size - chunk);
      const buf = Buffer.alloc(size - start);
      readSync(fd, buf, 0, buf.length, start);
      const text = buf.toString('utf8').replace(/\n+$/, '');
      const nl = text.lastIndexOf('\n');
      if (nl >= 0 || start === 0) return sha256Hex(nl >= 0 ? text.slice(nl + 1) : text);
      chunk *= 4;
    }
  } finally {
    closeSync(fd);
  }
}
