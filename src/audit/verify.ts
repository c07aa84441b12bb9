/**
 * `fedbroker audit verify`: walks the hash chain of audit files and reports the first line whose
 * `prevHash` does not match the previous line — any edit, deletion, insertion or reordering.
 */
import { readFileSync } from 'node:fs';
import { GENESIS_HASH, sha256Hex } from './auditLog.js';

export interface AuditVerification {
  readonly ok: boolean;
  readonly lines: number;
  /** First problem: file, 1-based line number and what is wrong. */
  readonly problem?: { readonly file: string; readonly line: number; readonly message: string };
}

/** Verifies one or several files that continue one chain, oldest first. */
export function verifyAuditFiles(files: readonly string[]): AuditVerification {
  let prev = GENESIS_HASH;
  let count = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return { ok: false, lines: count, problem: { file, line: i + 1, message: 'not a JSON object' } };
      }
      const prevHash = (parsed as { prevHash?: unknown }).prevHash;
      if (prevHash !== prev) {
        const before = i === 0 ? (prev === GENESIS_HASH ? 'the start of the chain' : 'the last line of the previous file') : `line ${i}`;
        return {
          ok: false,
          lines: count,
          problem: {
            file,
            line: i + 1,
            message: `prevHash ${String(prevHash)} does not match ${before} (${prev}): ${i === 0 ? 'lines were deleted before this one, or its prevHash was edited' : `line ${i} was edited, or lines were deleted, inserted or reordered here`}`,
          },
        };
      }
      prev = sha256Hex(line);
      count++;
    }
  }
  return { ok: true, lines: count };
}
