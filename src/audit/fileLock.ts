/**
 * A cross-process lock around each append to the audit file: the running broker and the operator's
 * CLI commands (revoke, keys rotate, mfa deactivate) write the same hash chain, and each must read
 * the last line and append after it without another append in between — otherwise two lines chain
 * from the same predecessor and `audit verify` reports a fork that is nobody's tampering.
 *
 * The lock is a file created exclusively (`O_EXCL`) next to the audit file and removed after the
 * append, which takes microseconds. Waiting is synchronous (the broker's appends are, on purpose —
 * see AuditLog). A lock left by a process that died (older than STALE_MS) is taken over.
 */
import { closeSync, openSync, statSync, unlinkSync } from 'node:fs';

const STALE_MS = 10_000;
const GIVE_UP_MS = 5_000;
const pause = new Int32Array(new SharedArrayBuffer(4));

export function withFileLock<T>(lockPath: string, action: () => T): T {
  const started = Date.now();
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = openSync(lockPath, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (isStale(lockPath)) {
        try {
          unlinkSync(lockPath);
        } catch {
          /* another process took it over first */
        }
        continue;
      }
      if (Date.now() - started > GIVE_UP_MS) throw new Error(`the audit file lock ${lockPath} is held by another process`);
      Atomics.wait(pause, 0, 0, 1);
    }
  }
  try {
    return action();
  } finally {
    closeSync(fd);
    try {
      unlinkSync(lockPath);
    } catch {
      /* already gone */
    }
  }
}

function isStale(lockPath: string): boolean {
  try {
    return Date.now() - statSync(lockPath).mtimeMs > STALE_MS;
  } catch {
    return false; // gone meanwhile: try again
  }
}
