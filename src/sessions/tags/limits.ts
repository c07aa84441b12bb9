/**
 * The checks every set of session tags passes, wherever it came from (Query parameters, a SAML
 * assertion, an ID token, the configuration mapping): AWS's model limits with AWS's messages, then
 * keys unique ignoring case and transitive keys among the tags.
 */
import { InvalidParameterValue, ValidationError } from '../../errors.js';
import { MAX_SESSION_TAGS, MAX_TRANSITIVE_TAG_KEYS, TAG_KEY_SPEC, TAG_VALUE_SPEC } from '../../credentials/tagLimits.js';
import type { SessionTag, SessionTags } from '../../credentials/types.js';
import { checkString } from '../../protocol/params.js';

export const DUPLICATE_TAG_KEYS = 'Duplicate tag keys found. Please note that Tag keys are case insensitive.';
export const TRANSITIVE_KEY_NOT_A_TAG = 'The specified transitive tag key must be included in the requested tags.';
export const TRANSITIVE_KEY_CONFLICT = "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.";

/** How an input names its tags in a validation message (Query members, SAML attributes, the OIDC claim). */
export interface TagNaming {
  readonly tags: string;
  tagKey(index: number, key: string): string;
  tagValue(index: number, key: string): string;
  readonly transitiveTagKeys: string;
  transitiveKey(index: number): string;
}

/**
 * The model limits (count, lengths, characters) for tags that did not arrive as Query parameters —
 * those are checked by the parameter schema with the same constraints. ValidationError as AWS words it.
 */
export function checkTagModel(tags: readonly SessionTag[], transitiveTagKeys: readonly string[], naming: TagNaming): void {
  const problems: string[] = [];
  if (tags.length > MAX_SESSION_TAGS) {
    problems.push(`Value at '${naming.tags}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SESSION_TAGS}`);
  } else {
    tags.forEach((t, i) => {
      checkString(naming.tagKey(i, t.key), t.key, TAG_KEY_SPEC, problems);
      checkString(naming.tagValue(i, t.key), t.value, TAG_VALUE_SPEC, problems);
    });
  }
  if (transitiveTagKeys.length > MAX_TRANSITIVE_TAG_KEYS) {
    problems.push(`Value at '${naming.transitiveTagKeys}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TRANSITIVE_TAG_KEYS}`);
  } else {
    transitiveTagKeys.forEach((k, i) => checkString(naming.transitiveKey(i), k, TAG_KEY_SPEC, problems));
  }
  if (problems.length > 0) {
    throw new ValidationError(`${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`);
  }
}

/**
 * Keys unique ignoring case (InvalidParameterValue), every transitive key among the tags
 * (InvalidParameterValue). Returns the set with transitive keys spelled as their tags and deduplicated.
 */
export function checkTagSet(tags: readonly SessionTag[], transitiveTagKeys: readonly string[]): SessionTags {
  const byLower = new Map<string, string>();
  for (const t of tags) {
    const lower = t.key.toLowerCase();
    if (byLower.has(lower)) throw new InvalidParameterValue(DUPLICATE_TAG_KEYS);
    byLower.set(lower, t.key);
  }
  const transitive: string[] = [];
  for (const k of transitiveTagKeys) {
    const key = byLower.get(k.toLowerCase());
    if (key === undefined) throw new InvalidParameterValue(TRANSITIVE_KEY_NOT_A_TAG);
    if (!transitive.includes(key)) transitive.push(key);
  }
  return { tags: [...tags], transitiveTagKeys: transitive };
}

/** Is `key` (any case) one of `keys`? */
export function hasKey(keys: Iterable<string>, key: string): boolean {
  const lower = key.toLowerCase();
  for (const k of keys) if (k.toLowerCase() === lower) return true;
  return false;
}

export const EMPTY_TAGS: SessionTags = Object.freeze({ tags: Object.freeze([]), transitiveTagKeys: Object.freeze([]) }) as SessionTags;

/** undefined for an empty set: sessions without tags carry none. */
export function nonEmpty(tags: SessionTags | undefined): SessionTags | undefined {
  return tags !== undefined && tags.tags.length > 0 ? tags : undefined;
}
