/**
 * The SAML identity-provider side of the broker: metadata, response validation, SP metadata and
 * SP-initiated AuthnRequests. Import from here; the checks/ modules are internal.
 */
export { SamlValidator } from './validate.js';
export type { ValidatedAssertion, ValidateOptions } from './validate.js';
export type { SamlProviderSettings, SamlServiceProviderSettings } from './settings.js';
export { loadMetadata, MetadataSource, parseMetadata, SamlMetadataError, currentMetadata } from './metadata.js';
export type { MetadataSourceOptions, MetadataSourceStats, ParsedMetadata, SigningKey } from './metadata.js';
export { buildSpMetadata } from './spMetadata.js';
export type { SpMetadataOptions } from './spMetadata.js';
export { buildAuthnRequest } from './authnRequest.js';
export type { AuthnRequest, AuthnRequestOptions } from './authnRequest.js';
export { ATTRIBUTE_KEY_PREFIX, buildConditionKeys, computeNameQualifier, SAML_ASSERTION_KEYS, SAML_ATTRIBUTE_KEYS } from './conditionKeys.js';
export type { SamlAttributeKey } from './conditionKeys.js';
export { AWS_ATTRIBUTE, parseRoleValue } from './checks/attributes.js';
export type { RolePair } from './checks/attributes.js';
export { replayKey } from './checks/replay.js';
