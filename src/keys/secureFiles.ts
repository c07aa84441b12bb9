/**
 * File helpers for key material: directories 0700, secret files 0600 written exclusively (never
 * overwriting), and ssh-style refusal to read a private file that group or others can read.
 */
import { constants as fsConstants } from 'node:fs';
import { chmod, mkdir, open, readFile, stat } from 'node:fs/promises';
import { KeyRingError } from './keyRingError.js';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
export const PUBLIC_FILE_MODE = 0o644;

/** POSIX permission bits are meaningless on Windows; there the ACLs of the directory decide. */
const checksModes = process.platform !== 'win32';

/** Create `dir` (and parents) with mode 0700 when absent. An existing directory is left as it is. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Write `data` to a new file with `mode`. Resolves false (and writes nothing) when the file already
 * exists, so two processes starting at once never overwrite each other's keys.
 */
export async function writeNewFile(path: string, data: string | Buffer, mode: number): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  // The umask can only remove bits; chmod makes the mode exact (e.g. 0644 under umask 077).
  if (checksModes) await chmod(path, mode);
  return true;
}

/** Throw when a private file can be read or written by group or others (as ssh refuses such keys). */
export async function assertPrivateFile(path: string): Promise<void> {
  if (!checksModes) return;
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    throw new KeyRingError(
      'bad-key-file',
      `Permissions ${mode} for '${path}' are too open: private key files must not be accessible by group or others. Run: chmod 600 '${path}'`,
    );
  }
}

/** Read a private file after checking its permissions. */
export async function readPrivateFile(path: string): Promise<Buffer> {
  await assertPrivateFile(path);
  return readFile(path);
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
