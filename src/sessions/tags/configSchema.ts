/**
 * Configuration keys of session tags (validated at the edge, zod): `tags:` of roles and users,
 * `allowedSessionTagKeys` of roles, and `sessionTags` / `sessionTagsOverride` of identity providers.
 */
import { z } from 'zod';
import { MAX_SESSION_TAGS, TAG_KEY_SPEC, TAG_VALUE_SPEC } from '../../credentials/tagLimits.js';
import { sessionTagMappingSchema } from './mapping.js';

const tagKey = z.string().min(1).max(TAG_KEY_SPEC.max).regex(TAG_KEY_SPEC.pattern, `must be 1-128 characters of ${TAG_KEY_SPEC.patternText}`);
const tagValue = z.string().max(TAG_VALUE_SPEC.max).regex(TAG_VALUE_SPEC.pattern, `must be 0-256 characters of ${TAG_VALUE_SPEC.patternText}`);

/** `tags: { Department: Engineering }` of a role or user (IAM's limits: 50 tags, keys unique ignoring case). */
export const entityTagsSchema = z
  .record(tagKey, z.union([tagValue, z.number().transform(String), z.boolean().transform(String)]))
  .superRefine((tags, ctx) => {
    const keys = Object.keys(tags);
    if (keys.length > MAX_SESSION_TAGS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_SESSION_TAGS} tags` });
    const lowers = new Set<string>();
    for (const k of keys) {
      if (lowers.has(k.toLowerCase())) ctx.addIssue({ code: 'custom', path: [k], message: 'names a tag key twice (tag keys are case-insensitive)' });
      lowers.add(k.toLowerCase());
    }
  });

/** `allowedSessionTagKeys: [Department, Team]` of a role. */
export const allowedSessionTagKeysSchema = z.array(tagKey).max(MAX_SESSION_TAGS);

export { sessionTagMappingSchema };
