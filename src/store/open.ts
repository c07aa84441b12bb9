import { isAbsolute, resolve } from 'node:path';
import { MemoryStore } from './memory.js';
import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './types.js';

export interface OpenStoreOptions {
  /** Folder that relative `sqlite:` paths are resolved against (the config file's folder); default cwd. */
  readonly baseDir?: string;
}

const ACCEPTED_FORMS = 'memory:, sqlite:RELATIVE/PATH.db, sqlite:///ABSOLUTE/PATH.db, postgres://user:password@host:5432/database';

/** The file path of a `sqlite:` URL; null when the form is not one we accept. */
function sqlitePath(rest: string, baseDir: string): string | null {
  if (rest.startsWith('///')) return rest.slice(2); // sqlite:///abs/path → /abs/path
  if (rest.startsWith('//') || rest === '') return null; // sqlite://x is ambiguous (host or path?)
  return isAbsolute(rest) ? rest : resolve(baseDir, rest);
}

/**
 * Opens the store named by the config's `store:` value. PostgreSQL stores are migrated before this
 * resolves (rejects with ServiceUnavailable when the database cannot be reached). Errors never
 * quote the URL, which may hold a password.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const value = url.trim();
  if (value === 'memory:') return new MemoryStore();
  if (value.startsWith('sqlite:')) {
    const path = sqlitePath(value.slice('sqlite:'.length), options.baseDir ?? process.cwd());
    if (path === null) throw new Error(`Unsupported sqlite store URL; accepted forms: ${ACCEPTED_FORMS}`);
    return new SqliteStore(path);
  }
  if (value.startsWith('postgres://') || value.startsWith('postgresql://')) return PostgresStore.open(value);
  const scheme = /^([a-z][a-z0-9+.-]{0,20}):/i.exec(value)?.[1];
  const named = scheme === undefined ? '' : ` "${scheme}:"`;
  throw new Error(`Unsupported store${named}; accepted forms: ${ACCEPTED_FORMS}`);
}
