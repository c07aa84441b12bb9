/**
 * Session tags (tags.md): parsed from SAML attributes, the OIDC claim, Query parameters and the
 * per-provider mapping; AWS's limits and messages; chaining; the per-role key guard; condition keys.
 * Policy evaluation only ever sees them as condition keys.
 */
export { DUPLICATE_TAG_KEYS, TRANSITIVE_KEY_CONFLICT, TRANSITIVE_KEY_NOT_A_TAG, checkTagSet, checkTagModel } from './limits.js';
export { OIDC_TAGS_CLAIM, SAML_PRINCIPAL_TAG_PREFIX, SAML_TRANSITIVE_TAG_KEYS } from './sources.js';
export { compileSessionTagMapping, type SessionTagMapping, type TagSourceIdentity } from './mapping.js';
export { chainSessionTags, federatedSessionTags, requestedSessionTags, type ChainedTags } from './sessionTags.js';
export { effectivePrincipalTags, principalTagKeys, requestTagKeys, roleResourceTagKeys, tagObject } from './conditionKeys.js';
export { refusedTagKey, refusedTagKeyMessage, requireAllowedTagKeys } from './guard.js';
export { callerPrincipalTags } from './principalTags.js';
export { tagAuditParameters } from './audit.js';
export { oidcSessionTags, samlSessionTags } from './federated.js';
export { statementsUsingTags, type TagUse } from './usage.js';
