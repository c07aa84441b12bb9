/**
 * Session tags as condition keys — the only way policy/ sees them (architecture.md):
 * - while a session is being made: `aws:RequestTag/{Key}`, `aws:TagKeys`, `sts:TransitiveTagKeys`
 *   (the tags this request sets), and the role's own tags as `iam:ResourceTag/{Key}` (and the global
 *   `aws:ResourceTag/{Key}`) when its trust policy is evaluated;
 * - in every later decision: `aws:PrincipalTag/{Key}`, the session's tags over the role's or user's
 *   own `tags:` with the same key (any case).
 */
import type { SessionTag, SessionTags } from '../../credentials/types.js';
import type { ContextValue } from '../../policy/types.js';

const NONE: Readonly<Record<string, ContextValue>> = Object.freeze({});

/** The request keys of a request that sets `tags` (nothing when it sets none). */
export function requestTagKeys(tags: SessionTags | undefined): Readonly<Record<string, ContextValue>> {
  if (tags === undefined || tags.tags.length === 0) return NONE;
  const keys: Record<string, ContextValue> = {};
  for (const t of tags.tags) keys[`aws:requesttag/${t.key.toLowerCase()}`] = t.value;
  keys['aws:tagkeys'] = Object.freeze(tags.tags.map((t) => t.key));
  if (tags.transitiveTagKeys.length > 0) keys['sts:transitivetagkeys'] = Object.freeze([...tags.transitiveTagKeys]);
  return keys;
}

/** A role's own tags, as the resource of its trust policy. */
export function roleResourceTagKeys(roleTags: readonly SessionTag[]): Readonly<Record<string, ContextValue>> {
  if (roleTags.length === 0) return NONE;
  const keys: Record<string, ContextValue> = {};
  for (const t of roleTags) {
    const lower = t.key.toLowerCase();
    keys[`iam:resourcetag/${lower}`] = t.value;
    keys[`aws:resourcetag/${lower}`] = t.value;
  }
  return keys;
}

/** The principal's effective tags: its own (`tags:` of the role or user), then the session's over them. */
export function effectivePrincipalTags(own: readonly SessionTag[], session: SessionTags | undefined): SessionTag[] {
  const sessionTags = session?.tags ?? [];
  if (sessionTags.length === 0) return [...own];
  const overridden = new Set(sessionTags.map((t) => t.key.toLowerCase()));
  return [...own.filter((t) => !overridden.has(t.key.toLowerCase())), ...sessionTags];
}

/** `aws:PrincipalTag/{Key}` for each effective tag. */
export function principalTagKeys(tags: readonly SessionTag[]): Readonly<Record<string, ContextValue>> {
  if (tags.length === 0) return NONE;
  const keys: Record<string, ContextValue> = {};
  for (const t of tags) keys[`aws:principaltag/${t.key.toLowerCase()}`] = t.value;
  return keys;
}

/** Tags as `{Key: value}` (audit events, pages, /authorize answers). */
export function tagObject(tags: readonly SessionTag[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const t of tags) out[t.key] = t.value;
  return out;
}
