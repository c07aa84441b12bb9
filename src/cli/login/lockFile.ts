/**
 * One `fedbroker login` at a time per start URL: when ten processes want credentials at once (a
 * script, a build, an IDE), one holds the lock and does the device flow or the refresh; the others
 * wait and then find its result in the cache. The lock is a file created exclusively (O_EXCL); its
 * holder touches it every few seconds, so a lock whose holder died is recognised by its age and
 * taken over.
 */
import { closeSync, fstatSync, mkdirSync, openSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const HEARTBEAT_MS = 5_000;
const STALE_MS = 30_000;
const POLL_MS = 100;

export async function withLock<T>(path: string, waitAtMostMs: number, work: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + waitAtMostMs;
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (isStale(path)) {
        takeOver(path);
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another fedbroker login holds ${path}; try again, or remove the file if no login is running`);
      await sleep(POLL_MS);
    }
  }
  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      /* removed under us: nothing to keep fresh */
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    // Ours only: a holder that stalled past STALE_MS was taken over, and the lock is now another's.
    if (sameFile(fd, path)) {
      try {
        unlinkSync(path);
      } catch {
        /* already gone */
      }
    }
    closeSync(fd);
  }
}

/**
 * Removes a stale lock under a guard file, judging it stale again inside: two waiters that both saw
 * the old lock stale must not remove it and then the lock the first of them just took.
 */
function takeOver(path: string): void {
  const guard = `${path}.takeover`;
  let fd: number;
  try {
    fd = openSync(guard, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    // A waiter that died inside the few microseconds of a takeover: its guard goes stale too.
    if (isStale(guard)) unlinkQuietly(guard);
    return;
  }
  try {
    if (isStale(path)) unlinkQuietly(path);
  } finally {
    closeSync(fd);
    unlinkQuietly(guard);
  }
}

function sameFile(fd: number, path: string): boolean {
  try {
    const [held, named] = [fstatSync(fd), statSync(path)];
    return held.ino === named.ino && held.dev === named.dev;
  } catch {
    return false;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* gone already */
  }
}

function isStale(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > STALE_MS;
  } catch {
    return false;
  }
}
