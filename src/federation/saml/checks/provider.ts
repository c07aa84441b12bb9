/**
 * identifyProvider + checkProviderEnabled: which configured provider this response claims to come
 * from. The Issuer read here is not yet trusted — it only selects whose metadata keys will verify the
 * signature; checkIssuer compares the signed Issuer with that provider afterwards.
 */
import { IDPRejectedClaim } from '../../../errors.js';
import { MetadataSource } from '../metadata.js';
import type { SamlProviderSettings } from '../settings.js';

/** Entity id of a provider, or undefined when its URL metadata has never loaded. */
function entityIdOf(provider: SamlProviderSettings): string | undefined {
  return provider.metadata instanceof MetadataSource ? provider.metadata.metadata?.entityId : provider.metadata.entityId;
}

/**
 * The provider whose entity id is `issuer`. When the caller names a provider (AssumeRoleWithSAML's
 * PrincipalArn), that provider must exist and have this entity id — AWS's "Issuer not present in
 * specified provider". Without a name, the issuer must match exactly one provider.
 */
export function identifyProvider<P extends SamlProviderSettings>(issuer: string | undefined, providers: readonly P[], named?: string): P {
  if (!issuer) throw new IDPRejectedClaim('SAML response rejected: the Assertion has no Issuer');
  if (named !== undefined) {
    const provider = providers.find((p) => p.name === named);
    if (!provider) throw new IDPRejectedClaim('The SAML provider named in the request is not configured');
    // A URL source not loaded yet: current() throws IDPCommunicationError, the right answer.
    const entityId = provider.metadata instanceof MetadataSource ? provider.metadata.current().entityId : provider.metadata.entityId;
    if (entityId !== issuer) throw new IDPRejectedClaim('Failed to assume role: Issuer not present in specified provider');
    return provider;
  }
  const matches = providers.filter((p) => entityIdOf(p) === issuer);
  if (matches.length === 0) throw new IDPRejectedClaim('SAML response rejected: the Issuer is not a configured identity provider');
  if (matches.length === 1) return matches[0]!;
  // A disabled provider stays configured (e.g. the old entry while an IdP is moved to a new one) but
  // takes no part in the choice; when every match is disabled, checkProviderEnabled says so.
  const enabled = matches.filter((p) => p.enabled);
  if (enabled.length === 0) return matches[0]!;
  if (enabled.length > 1) throw new IDPRejectedClaim('SAML response rejected: several configured providers have this Issuer; name the provider');
  return enabled[0]!;
}

/** checkProviderEnabled: `enabled: false` refuses everything from that provider. */
export function checkProviderEnabled(provider: SamlProviderSettings): void {
  if (!provider.enabled) throw new IDPRejectedClaim('SAML response rejected: this identity provider is disabled');
}
