/**
 * A lock file in keys.dir so that processes starting together (cluster workers, several instances
 * on one shared directory) create the keys once and all load the same ones, instead of each
 * generating its own active key and being unable to open the others' tokens.
 */
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyRingError } from './keyRingError.js';
import { PRIVATE_FILE_MODE, writeNewFile } from './secureFiles.js';

const LOCK_FILE = '.create.lock';
/** A lock older than this was left by a crashed process. Key generation takes well under a second. */
const STALE_AFTER_MS = 30_000;
const WAIT_AT_MOST_MS = 15_000;
const POLL_MS = 25;

export async function withCreationLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const lockPath = join(dir, LOCK_FILE);
  const deadline = Date.now() + WAIT_AT_MOST_MS;
  while (!(await writeNewFile(lockPath, `${process.pid}\n`, PRIVATE_FILE_MODE))) {
    const age = await lockAge(lockPath);
    if (age !== undefined && age > STALE_AFTER_MS) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new KeyRingError('bad-key-file', `Timed out waiting for '${lockPath}'; remove it if no other fedbroker process is creating keys`);
    }
    await sleep(POLL_MS);
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function lockAge(path: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
