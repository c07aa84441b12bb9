/**
 * Where session tags come from, as AWS takes them (tags.md "As AWS does"):
 * - SAML: attributes `https://aws.amazon.com/SAML/Attributes/PrincipalTag:{Key}` (one value each) and
 *   `https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys` (several values);
 * - OIDC: the claim `https://aws.amazon.com/tags` =
 *   `{"principal_tags": {"Key": ["value"]}, "transitive_tag_keys": ["Key"]}`;
 * - AssumeRole / GetFederationToken: the Query parameters (read by the parameter schema).
 * Each reader returns the raw tags; the limits are checked by the caller (one place for every source).
 */
import { IDPRejectedClaim, InvalidIdentityToken } from '../../errors.js';
import type { SessionTag } from '../../credentials/types.js';
import type { TagNaming } from './limits.js';

export const SAML_PRINCIPAL_TAG_PREFIX = 'https://aws.amazon.com/SAML/Attributes/PrincipalTag:';
export const SAML_TRANSITIVE_TAG_KEYS = 'https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys';
export const OIDC_TAGS_CLAIM = 'https://aws.amazon.com/tags';

export interface RawTags {
  readonly tags: readonly SessionTag[];
  readonly transitiveTagKeys: readonly string[];
}

const NO_TAGS: RawTags = { tags: [], transitiveTagKeys: [] };

export const SAML_TAG_NAMING: TagNaming = {
  tags: `${SAML_PRINCIPAL_TAG_PREFIX}*`,
  tagKey: (_i, key) => `${SAML_PRINCIPAL_TAG_PREFIX}${key}`,
  tagValue: (_i, key) => `${SAML_PRINCIPAL_TAG_PREFIX}${key}`,
  transitiveTagKeys: SAML_TRANSITIVE_TAG_KEYS,
  transitiveKey: () => SAML_TRANSITIVE_TAG_KEYS,
};

export const OIDC_TAG_NAMING: TagNaming = {
  tags: `${OIDC_TAGS_CLAIM}.principal_tags`,
  tagKey: (_i, key) => `${OIDC_TAGS_CLAIM}.principal_tags.${key}`,
  tagValue: (_i, key) => `${OIDC_TAGS_CLAIM}.principal_tags.${key}`,
  transitiveTagKeys: `${OIDC_TAGS_CLAIM}.transitive_tag_keys`,
  transitiveKey: (i) => `${OIDC_TAGS_CLAIM}.transitive_tag_keys.${i + 1}`,
};

export const QUERY_TAG_NAMING: TagNaming = {
  tags: 'tags',
  tagKey: (i) => `tags.${i + 1}.member.key`,
  tagValue: (i) => `tags.${i + 1}.member.value`,
  transitiveTagKeys: 'transitiveTagKeys',
  transitiveKey: (i) => `transitiveTagKeys.${i + 1}.member`,
};

/** Tags from a validated assertion's attributes (Name → values, in document order). */
export function samlTags(attributes: ReadonlyMap<string, readonly string[]>): RawTags {
  const tags: SessionTag[] = [];
  let transitiveTagKeys: readonly string[] = [];
  for (const [name, values] of attributes) {
    if (name === SAML_TRANSITIVE_TAG_KEYS) {
      transitiveTagKeys = values.map((v) => v.trim());
      continue;
    }
    if (!name.startsWith(SAML_PRINCIPAL_TAG_PREFIX)) continue;
    if (values.length !== 1) {
      throw new IDPRejectedClaim(`SAML response rejected: the attribute ${name} must have exactly one value (a session tag holds one value)`);
    }
    tags.push({ key: name.slice(SAML_PRINCIPAL_TAG_PREFIX.length), value: values[0]! });
  }
  return tags.length === 0 && transitiveTagKeys.length === 0 ? NO_TAGS : { tags, transitiveTagKeys };
}

/** Tags from a verified ID token's claims; a malformed claim is an InvalidIdentityToken. */
export function oidcTags(claims: Readonly<Record<string, unknown>>): RawTags {
  const claim = claims[OIDC_TAGS_CLAIM];
  if (claim === undefined) return NO_TAGS;
  const bad = (why: string) => new InvalidIdentityToken(`The ${OIDC_TAGS_CLAIM} claim is malformed: ${why}`);
  if (claim === null || typeof claim !== 'object' || Array.isArray(claim)) throw bad('it must be an object');
  const { principal_tags: principalTags, transitive_tag_keys: transitive } = claim as Record<string, unknown>;
  const tags: SessionTag[] = [];
  if (principalTags !== undefined) {
    if (principalTags === null || typeof principalTags !== 'object' || Array.isArray(principalTags)) throw bad('principal_tags must be an object');
    for (const [key, value] of Object.entries(principalTags)) {
      // AWS's shape is a one-element list; a plain string is taken as well.
      const one = Array.isArray(value) && value.length === 1 ? value[0] : value;
      if (typeof one !== 'string') throw bad(`principal_tags.${key} must be a list holding one string`);
      tags.push({ key, value: one });
    }
  }
  let transitiveTagKeys: string[] = [];
  if (transitive !== undefined) {
    if (!Array.isArray(transitive) || !transitive.every((k): k is string => typeof k === 'string')) throw bad('transitive_tag_keys must be a list of strings');
    transitiveTagKeys = transitive;
  }
  return { tags, transitiveTagKeys };
}
