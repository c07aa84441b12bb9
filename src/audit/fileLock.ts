/**
 * Coordination of the writers of one audit file: the running broker and the operator's CLI commands
 * (revoke, keys rotate, mfa deactivate) append to the same hash chain, and each must read the last
 * line and append after it without another append in between — otherwise two lines chain from the
 * same predecessor and `audit verify` reports a fork that is nobody's tampering.
 *
 * The rare writer (a CLI command) takes a lock file created exclusively (`O_EXCL`) next to the audit
 * file, waits a moment so that an append the broker began before seeing the lock has finished, then
 * reads the end and appends, and removes the lock. The broker — the hot writer, appending on every
 * request — only checks that no such lock exists before its append (one stat, ~1.5 µs, where
 * creating and removing a lock file costs ~18 µs per append) and waits while one does. A lock left by
 * a process that died (older than STALE_MS) is taken over. One broker per audit file.
 */
import { closeSync, existsSync, openSync, statSync, unlinkSync } from 'node:fs';

const STALE_MS = 10_000;
const GIVE_UP_MS = 5_000;
/** Longer than the broker's check-then-append, which is synchronous and takes microseconds. */
const GRACE_MS = 50;
const pause = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number) => Atomics.wait(pause, 0, 0, ms);

/** For the rare writer: holds the lock around `action`. */
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
      sleep(1);
    }
  }
  try {
    sleep(GRACE_MS);
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

/** For the hot writer: runs `action` once no rare writer holds the lock. */
export function whenUnlocked<T>(lockPath: string, action: () => T): T {
  const started = Date.now();
  while (existsSync(lockPath) && !isStale(lockPath)) {
    if (Date.now() - started > GIVE_UP_MS) throw new Error(`the audit file lock ${lockPath} is held by another process`);
    sleep(1);
  }
  return action();
}

function isStale(lockPath: string): boolean {
  try {
    return Date.now() - statSync(lockPath).mtimeMs > STALE_MS;
  } catch {
    return false; // gone meanwhile: try again
  }
}
