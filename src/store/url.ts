/**
 * The `store:` value of the configuration: which backend it names, checked without opening anything,
 * so the configuration schema (and with it `check-config`) refuses what `openStore` could not open.
 * Messages never quote the URL, which may hold a password.
 */
import { isAbsolute, resolve } from 'node:path';

export const ACCEPTED_STORE_FORMS = 'memory:, sqlite:RELATIVE/PATH.db, sqlite:///ABSOLUTE/PATH.db, postgres://user:password@host:5432/database';

export type StoreLocation =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string };

/** The backend a `store:` value names (relative SQLite paths against `baseDir`), or a problem. */
export function parseStoreUrl(url: string, baseDir: string): StoreLocation | { readonly problem: string } {
  const value = url.trim();
  if (value === 'memory:') return { kind: 'memory' };
  if (value.startsWith('sqlite:')) {
    const rest = value.slice('sqlite:'.length);
    if (rest.startsWith('///')) return { kind: 'sqlite', path: rest.slice(2) }; // sqlite:///abs/path → /abs/path
    // sqlite://x is ambiguous (host or path?).
    if (rest.startsWith('//') || rest === '') return { problem: `Unsupported sqlite store URL; accepted forms: ${ACCEPTED_STORE_FORMS}` };
    return { kind: 'sqlite', path: isAbsolute(rest) ? rest : resolve(baseDir, rest) };
  }
  if (value.startsWith('postgres://') || value.startsWith('postgresql://')) {
    try {
      new URL(value);
    } catch {
      return { problem: `The PostgreSQL store URL does not parse; accepted forms: ${ACCEPTED_STORE_FORMS}` };
    }
    return { kind: 'postgres', url: value };
  }
  const scheme = /^([a-z][a-z0-9+.-]{0,20}):/i.exec(value)?.[1];
  const named = scheme === undefined ? '' : ` "${scheme}:"`;
  return { problem: `Unsupported store${named}; accepted forms: ${ACCEPTED_STORE_FORMS}` };
}
