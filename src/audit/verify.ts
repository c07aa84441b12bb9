/**
 * `fedbroker audit verify`: walks the hash chain of audit files and reports the first line whose
 * `prevHash` does not match the previous line — any edit, deletion, insertion or reordering.
 *
 * Files are read in chunks and each line hashed as the bytes on disk, so a file of any size can be
 * checked (a busy broker's file outgrows the largest string V8 can hold). The chain cannot show an
 * edit or removal at its very end; the result gives the last line's hash (`head`) so an operator can
 * keep it elsewhere and compare later.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { GENESIS_HASH } from './auditFile.js';

export interface AuditVerification {
  readonly ok: boolean;
  readonly lines: number;
  /** Hash of the last verified line (the chain's head); the genesis hash for an empty chain. */
  readonly head: string;
  /** First problem: file, 1-based line number and what is wrong. */
  readonly problem?: { readonly file: string; readonly line: number; readonly message: string };
}

const CHUNK_BYTES = 1024 * 1024;

/** Every line of a file as raw bytes (without the newline), read a chunk at a time. */
function* linesOf(file: string): Generator<Buffer> {
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let carry: Buffer[] = [];
    for (;;) {
      const n = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl !== -1 && nl < n; nl = chunk.indexOf(10, start)) {
        const piece = chunk.subarray(start, nl);
        yield carry.length > 0 ? Buffer.concat([...carry, piece]) : Buffer.from(piece);
        carry = [];
        start = nl + 1;
      }
      if (start < n) carry.push(Buffer.from(chunk.subarray(start, n)));
    }
    // A last line without its newline (a write cut short) is still a line to check.
    if (carry.length > 0) yield Buffer.concat(carry);
  } finally {
    closeSync(fd);
  }
}

/** Verifies one or several files that continue one chain, oldest first. */
export function verifyAuditFiles(files: readonly string[]): AuditVerification {
  let prev = GENESIS_HASH;
  let count = 0;
  for (const file of files) {
    let i = 0;
    for (const bytes of linesOf(file)) {
      const line = bytes.toString('utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        return { ok: false, lines: count, head: prev, problem: { file, line: i + 1, message: 'not a JSON object' } };
      }
      const prevHash = (parsed as { prevHash?: unknown }).prevHash;
      if (prevHash !== prev) {
        const before = i === 0 ? (prev === GENESIS_HASH ? 'the start of the chain' : 'the last line of the previous file') : `line ${i}`;
        return {
          ok: false,
          lines: count,
          head: prev,
          problem: {
            file,
            line: i + 1,
            message: `prevHash ${String(prevHash)} does not match ${before} (${prev}): ${i === 0 ? 'lines were deleted before this one, or its prevHash was edited' : `line ${i} was edited, or lines were deleted, inserted or reordered here`}`,
          },
        };
      }
      prev = createHash('sha256').update(bytes).digest('hex');
      count++;
      i++;
    }
  }
  return { ok: true, lines: count, head: prev };
}
