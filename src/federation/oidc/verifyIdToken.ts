/**
 * Verifying an ID token for AssumeRoleWithWebIdentity: the whole pipeline, in order, in one place.
 * Each check is a small function in ./checks/ with its own tests; each throws the AWS error a caller
 * gets (InvalidIdentityToken, ExpiredTokenException, IDPCommunicationError, AccessDenied).
 */
import { buildIdentity } from './checks/buildIdentity.js';
import { checkAlgorithm } from './checks/checkAlgorithm.js';
import { checkAudience } from './checks/checkAudience.js';
import { checkSubject } from './checks/checkSubject.js';
import { checkTimes } from './checks/checkTimes.js';
import { checkTokenShape } from './checks/checkTokenShape.js';
import { selectProvider } from './checks/selectProvider.js';
import { verifySignature } from './checks/verifySignature.js';
import type { OidcProviderRegistry, VerifiedWebIdentity } from './types.js';

export interface VerifyIdTokenOptions {
  /** AssumeRoleWithWebIdentity's ProviderId: when given, must name the token's provider. */
  readonly providerId?: string;
  /** Current time, epoch milliseconds (default Date.now()). */
  readonly now?: number;
}

export async function verifyIdToken(
  token: string,
  providers: OidcProviderRegistry,
  options: VerifyIdTokenOptions = {},
): Promise<VerifiedWebIdentity> {
  const now = options.now ?? Date.now();
  const decoded = checkTokenShape(token); //                   size, segments, base64url, JSON — no crypto
  const provider = selectProvider(decoded.payload, providers, options.providerId); // by iss, enabled only
  checkAlgorithm(decoded.header, provider); //                 asymmetric allow-list: never none or HS*
  const claims = await verifySignature(decoded, provider); //  provider's keys, issuer pinned, crit refused
  checkTimes(claims, provider, now); //                        exp, nbf, iat with clock skew
  const audience = checkAudience(claims, provider); //         aud ∩ clientIds, or azp ∈ clientIds
  const subject = checkSubject(claims); //                     sub: 1..255 characters
  return buildIdentity(claims, provider, audience, subject);
}
