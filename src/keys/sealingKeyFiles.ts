/**
 * Master sealing keys on disk: `<keys.dir>/sealing/<kid>.json` = `{ kid, createdAt, key }` (key =
 * base64 of 32 random bytes), one file per key, mode 0600. The newest `createdAt` is the active key.
 */
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyRingError } from './keyRingError.js';
import { PRIVATE_FILE_MODE, ensurePrivateDir, readPrivateFile, writeNewFile } from './secureFiles.js';

export const SEALING_DIR = 'sealing';
export const MASTER_KEY_BYTES = 32;

/** kid: url-safe, short, and at most 255 bytes so it fits the sealed format's one-byte length. */
const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface SealingKeyMaterial {
  readonly kid: string;
  /** Epoch ms. */
  readonly createdAt: number;
  /** 32 bytes. */
  readonly key: Buffer;
}

export function isValidKid(kid: string): boolean {
  return KID_PATTERN.test(kid);
}

/** A new random master key (in memory only). */
export function generateSealingKey(createdAt: number = Date.now()): SealingKeyMaterial {
  return { kid: randomBytes(6).toString('base64url'), createdAt, key: randomBytes(MASTER_KEY_BYTES) };
}

/** Every sealing key in `dir/sealing`, newest first (ties broken by kid, so every instance agrees). */
export async function readSealingKeys(dir: string): Promise<SealingKeyMaterial[]> {
  const sealingDir = join(dir, SEALING_DIR);
  let names: string[];
  try {
    names = await readdir(sealingDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const keys: SealingKeyMaterial[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    keys.push(await readSealingKeyFile(join(sealingDir, name), name.slice(0, -'.json'.length)));
  }
  return sortNewestFirst(keys);
}

/** Persist a key as `sealing/<kid>.json` (0600). Throws if that file already exists. */
export async function writeSealingKey(dir: string, material: SealingKeyMaterial): Promise<void> {
  const sealingDir = join(dir, SEALING_DIR);
  await ensurePrivateDir(sealingDir);
  const body = JSON.stringify(
    { kid: material.kid, createdAt: new Date(material.createdAt).toISOString(), key: material.key.toString('base64') },
    null,
    2,
  );
  const path = join(sealingDir, `${material.kid}.json`);
  if (!(await writeNewFile(path, `${body}\n`, PRIVATE_FILE_MODE))) {
    throw new KeyRingError('bad-key-file', `Sealing key file '${path}' already exists`);
  }
}

export function sortNewestFirst(keys: SealingKeyMaterial[]): SealingKeyMaterial[] {
  return keys.sort((a, b) => b.createdAt - a.createdAt || (a.kid < b.kid ? 1 : a.kid > b.kid ? -1 : 0));
}

async function readSealingKeyFile(path: string, kidFromName: string): Promise<SealingKeyMaterial> {
  const text = (await readPrivateFile(path)).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new KeyRingError('bad-key-file', `Sealing key file '${path}' is not valid JSON`, { cause: e });
  }
  const fields = (parsed ?? {}) as { kid?: unknown; createdAt?: unknown; key?: unknown };
  const { kid, createdAt, key } = fields;
  if (typeof kid !== 'string' || !isValidKid(kid) || kid !== kidFromName) {
    throw new KeyRingError('bad-key-file', `Sealing key file '${path}' must hold a "kid" equal to its file name (letters, digits, - and _)`);
  }
  const created = typeof createdAt === 'string' ? Date.parse(createdAt) : Number.NaN;
  if (!Number.isFinite(created)) {
    throw new KeyRingError('bad-key-file', `Sealing key file '${path}' must hold "createdAt" as an ISO 8601 date`);
  }
  const material = typeof key === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(key) ? Buffer.from(key, 'base64') : undefined;
  if (material?.length !== MASTER_KEY_BYTES) {
    throw new KeyRingError('bad-key-file', `Sealing key file '${path}' must hold "key" as base64 of ${MASTER_KEY_BYTES} bytes`);
  }
  return { kid, createdAt: created, key: material };
}
