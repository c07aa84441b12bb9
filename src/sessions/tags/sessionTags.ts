/**
 * The tags a new session carries, from each way in: the IdP's (SAML attributes, the OIDC claim)
 * merged with the provider's configured mapping, the Query parameters of AssumeRole and
 * GetFederationToken, and — when chaining — the calling session's transitive tags.
 */
import type { SessionTag, SessionTags } from '../../credentials/types.js';
import { InvalidParameterValue } from '../../errors.js';
import { checkTagModel, checkTagSet, hasKey, nonEmpty, TRANSITIVE_KEY_CONFLICT, type TagNaming } from './limits.js';
import { applySessionTagMapping, mergeMappedTags, type SessionTagMapping, type TagSourceIdentity } from './mapping.js';
import { OIDC_TAG_NAMING, oidcTags, SAML_TAG_NAMING, samlTags } from './sources.js';

const CONFIG_TAG_NAMING: TagNaming = {
  tags: 'sessionTags',
  tagKey: (_i, key) => `sessionTags.${key}`,
  tagValue: (_i, key) => `sessionTags.${key}`,
  transitiveTagKeys: 'sessionTags.transitive',
  transitiveKey: (i) => `sessionTags.transitive[${i}]`,
};

/**
 * A federated identity's tags: what the IdP sent plus the provider's mapping, every limit checked
 * (ValidationError / InvalidParameterValue with AWS's messages; IDPRejectedClaim or
 * InvalidIdentityToken for a malformed attribute or claim). undefined when there are none.
 */
export function federatedSessionTags(identity: TagSourceIdentity, mapping: SessionTagMapping | undefined): SessionTags | undefined {
  const idp = identity.type === 'saml' ? samlTags(identity.attributes) : oidcTags(identity.claims);
  checkTagModel(idp.tags, idp.transitiveTagKeys, identity.type === 'saml' ? SAML_TAG_NAMING : OIDC_TAG_NAMING);
  let merged = idp;
  if (mapping !== undefined) {
    const configured = applySessionTagMapping(mapping, identity);
    checkTagModel(configured.tags, configured.transitiveTagKeys, CONFIG_TAG_NAMING);
    merged = mergeMappedTags(idp, configured, mapping.override);
    checkTagModel(merged.tags, merged.transitiveTagKeys, CONFIG_TAG_NAMING);
  }
  return nonEmpty(checkTagSet(merged.tags, merged.transitiveTagKeys));
}

/** Tags passed as Query parameters (their model limits were checked by the parameter schema). */
export function requestedSessionTags(tags: readonly SessionTag[], transitiveTagKeys: readonly string[] = []): SessionTags | undefined {
  if (tags.length === 0 && transitiveTagKeys.length === 0) return undefined;
  return nonEmpty(checkTagSet(tags, transitiveTagKeys));
}

export interface ChainedTags {
  /** The new session's tags: the calling session's transitive tags, then the requested ones. */
  readonly tags: SessionTags | undefined;
  /** The calling session's transitive tags (CloudTrail's incomingTransitiveTags). */
  readonly incoming: readonly SessionTag[];
}

/**
 * Role chaining (tags.md "Chaining"): the calling session's transitive tags pass into the new
 * session and stay transitive; its other tags do not pass. A requested tag or transitive key that
 * names an incoming transitive key (any case) is refused with AWS's InvalidParameterValue.
 */
export function chainSessionTags(calling: SessionTags | undefined, requested: SessionTags | undefined): ChainedTags {
  const incomingKeys = calling?.transitiveTagKeys ?? [];
  const incoming = (calling?.tags ?? []).filter((t) => hasKey(incomingKeys, t.key));
  if (incoming.length === 0) return { tags: requested, incoming };
  if (requested !== undefined && (requested.tags.some((t) => hasKey(incomingKeys, t.key)) || requested.transitiveTagKeys.some((k) => hasKey(incomingKeys, k)))) {
    throw new InvalidParameterValue(TRANSITIVE_KEY_CONFLICT);
  }
  return {
    tags: {
      tags: [...incoming, ...(requested?.tags ?? [])],
      transitiveTagKeys: [...incoming.map((t) => t.key), ...(requested?.transitiveTagKeys ?? [])],
    },
    incoming,
  };
}
