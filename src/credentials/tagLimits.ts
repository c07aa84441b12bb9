/**
 * Session tag limits (aws-reference.md §1.2, the STS model's `Tag`): at most 50 tags and 50 transitive
 * keys; a key is 1–128 and a value 0–256 characters of `[\p{L}\p{Z}\p{N}_.:/=+\-@]`. The same limits
 * apply to the `tags:` of roles and users in the configuration.
 */
export const MAX_SESSION_TAGS = 50;
export const MAX_TRANSITIVE_TAG_KEYS = 50;

export const TAG_KEY_SPEC = { min: 1, max: 128, pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+' } as const;
export const TAG_VALUE_SPEC = { min: 0, max: 256, pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*' } as const;

export const isValidTagKey = (key: string): boolean => key.length >= 1 && key.length <= TAG_KEY_SPEC.max && TAG_KEY_SPEC.pattern.test(key);
export const isValidTagValue = (value: string): boolean => value.length <= TAG_VALUE_SPEC.max && TAG_VALUE_SPEC.pattern.test(value);
