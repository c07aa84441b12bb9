import { MemoryStore } from './memory.js';
import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './types.js';
import { parseStoreUrl } from './url.js';

export interface OpenStoreOptions {
  /** Folder that relative `sqlite:` paths are resolved against (the config file's folder); default cwd. */
  readonly baseDir?: string;
  /** SQLite: whether this process runs the WAL checkpoints (false in cluster workers; the primary does). */
  readonly sqliteCheckpoints?: boolean;
}

/**
 * Opens the store named by the config's `store:` value. PostgreSQL stores are migrated before this
 * resolves (rejects with ServiceUnavailable when the database cannot be reached). Errors never
 * quote the URL, which may hold a password.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const location = parseStoreUrl(url, options.baseDir ?? process.cwd());
  if ('problem' in location) throw new Error(location.problem);
  if (location.kind === 'memory') return new MemoryStore();
  if (location.kind === 'sqlite') return new SqliteStore(location.path, options.sqliteCheckpoints === false ? { checkpoints: false } : {});
  return PostgresStore.open(location.url);
}
