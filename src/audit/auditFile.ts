/**
 * The hash-chained audit file: appends events (as JSON without `prevHash`) after the file's real last
 * line, each line carrying the hex SHA-256 of the line before it (64 zeros for the first line).
 *
 * One process writes a given file on the hot path: the broker, or — with `server.workers > 1` — the
 * cluster's primary process on behalf of all workers (src/cluster/auditRelay.ts), so the chain never
 * forks. The operator's CLI commands (revoke, keys rotate, mfa deactivate) append now and then under a
 * lock file, which the hot writer waits for (fileLock.ts); when another process appended since this
 * writer's own last line, the chain continues from whatever line really is last (after checking that
 * it still follows ours — a file changed behind the writers' back is reported). A line a crash left
 * half-written is cut off.
 *
 * The write is synchronous on purpose: it lands in the page cache in a few µs, where an asynchronous
 * fs.write costs a thread-pool round trip (two context switches on a busy core) per batch — measured
 * ~10 % of an AssumeRoleWithWebIdentity. The price: a file system that stalls (a hung network mount)
 * stalls the writer — keep the audit file on local disk.
 */
import { hash } from 'node:crypto';
import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { whenUnlocked, withFileLock } from './fileLock.js';

export const GENESIS_HASH = '0'.repeat(64);
/** `size` before this writer has appended anything. */
const UNKNOWN_SIZE = -1;

/** Where the chained lines of a batch go: this process's file, or the cluster primary's. */
export interface AuditChainWriter {
  /**
   * Appends the events (JSON objects without `prevHash`, secrets removed) in order, in one write;
   * resolves with the `prevHash` each line got. Throws (rejects) when nothing was written.
   */
  append(jsons: readonly string[]): string[] | Promise<string[]>;
  close(): void;
}

/** The line written for an event: `prevHash` is the last member, as JSON.stringify({ ...event, prevHash }) puts it. */
export function chainLine(json: string, prevHash: string): string {
  return `${json.slice(0, -1)},"prevHash":"${prevHash}"}`;
}

export function sha256Hex(line: string): string {
  return hash('sha256', line, 'hex');
}

export class AuditFile implements AuditChainWriter {
  private fd: number | null;
  private prevHash = GENESIS_HASH;
  /** File size after this writer's last append; unknown until the first append, which reads the real end. */
  private size = UNKNOWN_SIZE;

  constructor(
    private readonly file: string,
    /** `occasional`: an operator's command (takes the file lock); `broker`: the hot writer (checks it). */
    private readonly writer: 'broker' | 'occasional',
    private readonly onError: (error: unknown) => void,
  ) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // a+: appends always go to the end; reads (of the last line) are allowed too.
    this.fd = openSync(file, 'a+', 0o600);
  }

  append(jsons: readonly string[]): string[] {
    const fd = this.fd;
    if (fd === null) throw new Error(`the audit file ${this.file} is closed`);
    const lock = `${this.file}.lock`;
    const append = () => this.appendUnderLock(fd, jsons);
    return this.writer === 'occasional' ? withFileLock(lock, append) : whenUnlocked(lock, append);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** Chains `jsons` after the file's real last line and appends them in one write; their prevHashes. */
  private appendUnderLock(fd: number, jsons: readonly string[]): string[] {
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
    const prevHashes: string[] = [];
    for (const json of jsons) {
      const line = chainLine(json, prev);
      lines.push(line);
      prevHashes.push(prev);
      prev = sha256Hex(line);
    }
    const bytes = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    writeAll(fd, bytes);
    this.size = size + bytes.length;
    this.prevHash = prev;
    return prevHashes;
  }

  /**
   * The file shrank, or the line after our last one does not chain from it: the file was changed
   * behind the writers' back. Reported (the chain then continues from the real last line, and
   * `audit verify` names the spot).
   */
  private checkContinuation(fd: number, size: number): void {
    if (size < this.size) {
      this.onError(new Error(`the audit file ${this.file} shrank from ${this.size} to ${size} bytes behind the broker's back (edited or truncated)`));
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
      this.onError(new Error(`the audit file ${this.file} was changed behind the broker's back: the line after its last one does not chain from it`));
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
    this.onError(new Error(`the audit file ${this.file} ended in a partial line (a write cut short); removed its ${size - end} bytes`));
    return end;
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
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
