/** A federated sign-in's session tags: what its IdP sent plus the provider's configured mapping. */
import type { BrokerModel } from '../../config/model.js';
import type { SessionTags } from '../../credentials/types.js';
import { federatedSessionTags } from './sessionTags.js';

/** For a validated SAML assertion of provider `provider` (NameID `nameId`). */
export function samlSessionTags(model: BrokerModel, provider: string, nameId: string, attributes: ReadonlyMap<string, readonly string[]>): SessionTags | undefined {
  const mapping = model.samlProviders.find((p) => p.settings.name === provider)?.sessionTags;
  return federatedSessionTags({ type: 'saml', nameId, attributes }, mapping);
}

/** For a verified ID token of provider `provider`. */
export function oidcSessionTags(model: BrokerModel, provider: string, subject: string, claims: Readonly<Record<string, unknown>>): SessionTags | undefined {
  const mapping = model.oidcProviders.find((p) => p.settings.name === provider)?.sessionTags;
  return federatedSessionTags({ type: 'oidc', subject, claims }, mapping);
}
