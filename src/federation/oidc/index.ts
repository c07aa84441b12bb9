/** OpenID Connect federation: verifying ID tokens presented to AssumeRoleWithWebIdentity. */
export { OidcFederation } from './oidcFederation.js';
export type { OidcFederationOptions, OidcFederationStats } from './oidcFederation.js';
export type { VerifyIdTokenOptions } from './verifyIdToken.js';
export type { VerifiedWebIdentity } from './types.js';
export type { KeySourceStats } from './keySource.js';
export {
  oidcProviderName,
  SAFE_ALGORITHMS,
  validateIssuerUrl,
  validateJwksUrl,
  validateOidcProviderSettings,
  validateProviderName,
} from './providerSettings.js';
export type { OidcProviderSettings } from './providerSettings.js';
export { KEY_UNAVAILABLE_MESSAGE } from './keyErrors.js';
