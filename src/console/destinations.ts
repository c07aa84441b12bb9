import { personDestinationEntries } from './personSignin.js';

/**
 * The redirect allow-list (console.destinations): RelayState and sign-in Destination values must match
 * an entry exactly, or its prefix — on the same origin — when the entry ends with `*`. Only absolute http(s) URLs qualify —
 * `javascript:`, `data:`, protocol-relative `//host` and anything with control characters never do,
 * whatever the list says. The console itself ({publicUrl}/console…) is always allowed.
 */
export function isAllowedDestination(target: string, allowList: readonly string[], publicUrl: string): boolean {
  // The verdict depends on these three only; portals send the same few destinations again and again.
  let known = verdicts.get(allowList);
  if (known === undefined) verdicts.set(allowList, (known = new Map()));
  const key = `${publicUrl} ${target}`;
  let verdict = known.get(key);
  if (verdict === undefined) {
    verdict = decide(target, allowList, publicUrl);
    if (known.size >= MAX_REMEMBERED_VERDICTS) known.clear();
    known.set(key, verdict);
  }
  return verdict;
}

/** Verdicts per allow-list (one per loaded configuration), by `publicUrl target` (publicUrl, a checked URL, holds no space). */
const verdicts = new WeakMap<readonly string[], Map<string, boolean>>();
const MAX_REMEMBERED_VERDICTS = 1024;

function decide(target: string, allowList: readonly string[], publicUrl: string): boolean {
  if (target.length === 0 || target.length > 2048) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(target)) return false;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.username !== '' || url.password !== '') return false;
  // The broker's own pages: the console, and the access portal and approval pages (personSignin.ts).
  const entries = [...allowList, `${publicUrl}/console*`, ...personDestinationEntries(publicUrl)];
  return entries.some((entry) => (entry.endsWith('*') ? matchesPrefix(target, url.origin, entry.slice(0, -1)) : target === entry));
}

/**
 * A trailing-`*` entry matches URLs that start with it AND have its origin: `https://app.example.com*`
 * means any path on that host, never `https://app.example.com.evil.net/…` or another port.
 */
function matchesPrefix(target: string, targetOrigin: string, prefix: string): boolean {
  if (!target.startsWith(prefix)) return false;
  try {
    return new URL(prefix).origin === targetOrigin;
  } catch {
    return false;
  }
}

/** A RelayState may also be a path on this broker (`/console/…`); it is resolved against publicUrl. */
export function resolveRelayState(relayState: string | undefined, publicUrl: string): string | undefined {
  if (relayState === undefined || relayState === '') return undefined;
  if (relayState.startsWith('/') && !relayState.startsWith('//')) return `${publicUrl}${relayState}`;
  return relayState;
}
