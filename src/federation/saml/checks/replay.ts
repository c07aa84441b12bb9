/**
 * checkReplay: an assertion is accepted once. Its key `<provider>|<Assertion ID>` is recorded until
 * NotOnOrAfter + clock skew (after that the assertion is refused as expired anyway), through the
 * shared store's claimOnce so every instance sees it.
 */
import { IDPRejectedClaim } from '../../../errors.js';

export const REPLAYED_ASSERTION = 'SAML response rejected: this assertion was already used (replay)';

export function replayKey(providerName: string, assertionId: string): string {
  return `${providerName}|${assertionId}`;
}

export async function checkReplay(
  providerName: string,
  assertionId: string,
  notOnOrAfter: number,
  clockSkewSeconds: number,
  claimAssertionId: (key: string, expiresAt: number) => Promise<boolean>,
): Promise<void> {
  const first = await claimAssertionId(replayKey(providerName, assertionId), notOnOrAfter + Math.max(0, clockSkewSeconds) * 1000);
  if (!first) throw new IDPRejectedClaim(REPLAYED_ASSERTION);
}
