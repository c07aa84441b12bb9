/**
 * Where MFA comes from for a federated identity (semantics.md "MFA"): a TOTP code checked by the broker
 * against the identity's own device (SerialNumber + TokenCode — beyond AWS), or the identity provider
 * asserting it (OIDC amr ∩ mfaAmr, SAML AuthnContextClassRef ∈ mfaAuthnContexts).
 */
import type { Broker } from '../../broker.js';
import type { SessionClaims } from '../../credentials/types.js';
import { idpAssertedMfa, type AssertedIdentity } from '../../federation/identity.js';
import type { RequestInfo } from '../../protocol/action.js';
import { verifiedMfa } from './userMfa.js';

export async function federatedMfa(
  broker: Broker,
  identity: AssertedIdentity,
  serialNumber: string | undefined,
  tokenCode: string | undefined,
  request: RequestInfo,
): Promise<SessionClaims['mfa'] | undefined> {
  const checked = await verifiedMfa(broker, { kind: 'federated', provider: identity.provider, subject: identity.subject }, serialNumber, tokenCode, request);
  if (checked) return checked;
  return idpAssertedMfa(identity);
}
