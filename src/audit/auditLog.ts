/**
 * The one writer of audit events: an append-only, hash-chained JSON-lines file (each line's `prevHash`
 * is the hex SHA-256 of the previous line's bytes; 64 zeros for the first line) mirrored to the store.
 * An event is durable (written to the file with a synchronous write, and committed to the store)
 * before `record` resolves, so a request is answered only after its audit event exists.
 *
 * Several writers may append to one file: a running broker and the operator's CLI commands (revoke,
 * keys rotate, mfa deactivate). Before each append the writer checks the file's size; when another
 * process appended since its own last line, it re-reads the last line's hash, so the chain continues
 * from whatever line really is last.
 */
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
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
  /** File size after this writer's last append (or when it opened the file). */
  private size = 0;

  constructor(
    private readonly file: string | null,
    private readonly store: Store | null,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    if (file !== null) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      // a+: appends always go to the end; reads (of the last line) are allowed too.
      this.fd = openSync(file, 'a+', 0o600);
      this.size = fstatSync(this.fd).size;
      this.prevHash = hashOfLastLine(this.fd, this.size);
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
    let size = this.size;
    if (this.fd !== null) {
      // Another process (an operator's CLI command) appended since our last line: chain from its line.
      size = fstatSync(this.fd).size;
      if (size !== this.size) this.prevHash = hashOfLastLine(this.fd, size);
    }
    const line = JSON.stringify({ ...event, prevHash: this.prevHash });
    if (this.fd !== null) {
      const bytes = Buffer.from(`${line}\n`, 'utf8');
      writeSync(this.fd, bytes);
      this.size = size + bytes.length;
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
