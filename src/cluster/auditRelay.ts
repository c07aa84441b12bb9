/**
 * One hash chain for all workers: with `server.workers > 1` the cluster's primary process is the only
 * writer of the audit file, and each worker hands it its batches (one IPC message per batch of an
 * event-loop turn, the events already serialised without `prevHash`). The primary appends them with
 * the ordinary AuditFile — the same group commit, the same lock the operator's commands take — and
 * answers with the `prevHash` each line got; the worker's `record` resolves then, so a worker answers
 * a request only after its event is in the file, exactly as a single process does. Two writers never
 * chain from the same line, so `audit verify` sees one unbroken chain.
 */
import type { Worker } from 'node:cluster';
import type { AuditChainWriter, AuditFile } from '../audit/auditFile.js';
import { answer, type PrimaryChannel } from './ipc.js';

const KIND = 'audit-append';

/** The worker's writer: appends through the primary. */
export class AuditRelay implements AuditChainWriter {
  constructor(private readonly primary: PrimaryChannel) {}

  append(jsons: readonly string[]): Promise<string[]> {
    return this.primary.request<string[]>(KIND, jsons);
  }

  close(): void {
    // The primary owns the file.
  }
}

/** The primary's side: true when `message` was an append (answered). */
export function answerAuditAppend(file: AuditFile, worker: Worker, message: unknown): boolean {
  return answer(worker, message, KIND, (payload) => {
    if (!Array.isArray(payload) || !payload.every((j) => typeof j === 'string' && j.startsWith('{') && j.endsWith('}'))) {
      throw new Error('malformed audit append');
    }
    return file.append(payload as string[]);
  });
}
