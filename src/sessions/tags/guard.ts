/**
 * Beyond AWS (tags.md): a role's `allowedSessionTagKeys` refuses any other tag key — also transitive
 * ones arriving by chaining — so a misconfigured IdP cannot plant a tag some downstream policy trusts.
 */
import { AccessDenied } from '../../errors.js';
import type { SessionTags } from '../../credentials/types.js';

export interface TagGuardedRole {
  readonly name: string;
  /** Lower-cased keys; undefined: any key. */
  readonly allowedSessionTagKeys?: ReadonlySet<string>;
}

/** The first tag key the role does not accept, if any. */
export function refusedTagKey(role: TagGuardedRole, tags: SessionTags | undefined): string | undefined {
  const allowed = role.allowedSessionTagKeys;
  if (allowed === undefined || tags === undefined) return undefined;
  return tags.tags.find((t) => !allowed.has(t.key.toLowerCase()))?.key;
}

export function refusedTagKeyMessage(role: TagGuardedRole, key: string): string {
  return `Not authorized to perform sts:TagSession: role ${role.name} does not accept the session tag key ${key} (allowedSessionTagKeys)`;
}

/** Throws AccessDenied naming the key when the role does not accept one of the tags. */
export function requireAllowedTagKeys(role: TagGuardedRole, tags: SessionTags | undefined): void {
  const key = refusedTagKey(role, tags);
  if (key !== undefined) throw new AccessDenied(refusedTagKeyMessage(role, key));
}
