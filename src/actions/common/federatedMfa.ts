/**
 * Where MFA comes from for a federated identity (semantics.md "MFA"): a TOTP code checked by the broker
 * against the identity's own device (SerialNumber + TokenCode — beyond AWS), or the identity provider
 * asserting it (OIDC amr ∩ mfaAmr, SAML AuthnContextClassRef ∈ mfaAuthnContexts). The device's owner
 * is the identity's stable identifier (mfa/federatedOwner.ts), as in the browser sign-in.
 */
import type { Broker } from '../../broker.js';
import type { SessionClaims } from '../../credentials/types.js';
import { AccessDenied } from '../../errors.js';
import { idpAssertedMfa, type AssertedIdentity } from '../../federation/identity.js';
import { mfaOwnershipIn } from '../../mfa/federatedOwner.js';
import type { RequestInfo } from '../../protocol/action.js';
import { verifiedMfa } from './userMfa.js';

export async function federatedMfa(
  broker: Broker,
  identity: AssertedIdentity,
  serialNumber: string | undefined,
  tokenCode: string | undefined,
  request: RequestInfo,
): Promise<SessionClaims['mfa'] | undefined> {
  const ownership = mfaOwnershipIn(broker.model, identity);
  if ('unstable' in ownership && serialNumber !== undefined && tokenCode !== undefined) {
    throw new AccessDenied(`MultiFactorAuthentication failed, unable to validate MFA code: ${ownership.unstable}`);
  }
  const checked = await verifiedMfa(broker, 'owner' in ownership ? ownership.owner : undefined, serialNumber, tokenCode, request);
  if (checked) return checked;
  return idpAssertedMfa(identity);
}
