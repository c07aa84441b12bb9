/**
 * One-use enrolment links for `mfa.federatedEnrollment: admin-only` (passkeys.md "Administrators"):
 * `fedbroker mfa enrol --provider NAME --subject SUBJECT` records a grant for that person's stable
 * MFA owner, valid 15 minutes; the person opens the link, signs in through that provider as that
 * subject, and may enrol one TOTP device or passkey. The grant is spent by the enrolment (atomic
 * take: one use across instances); anyone else signing in with the link gets nothing from it.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/types.js';
import { mfaOwnerKey } from '../store/mfa-owner.js';
import type { FederatedMfaOwner } from './federatedOwner.js';

const NS = 'mfa-enrol-grant';
export const ENROLMENT_GRANT_TTL_MS = 15 * 60_000;
/** The query parameter of the portal that carries a grant: {publicUrl}/start?enrol=… */
export const ENROLMENT_GRANT_PARAM = 'enrol';

export async function createEnrolmentGrant(store: Store, owner: FederatedMfaOwner, now = Date.now()): Promise<{ token: string; expiresAt: number }> {
  const token = randomBytes(24).toString('base64url');
  const expiresAt = now + ENROLMENT_GRANT_TTL_MS;
  await store.putItem(NS, token, mfaOwnerKey(owner)!, expiresAt);
  return { token, expiresAt };
}

/** Is `token` an unspent grant for this owner? */
export async function enrolmentGrantValid(store: Store, token: string | undefined, owner: FederatedMfaOwner): Promise<boolean> {
  if (token === undefined || token === '' || token.length > 64) return false;
  return (await store.getItem(NS, token)) === mfaOwnerKey(owner);
}

/** Spends the grant for this owner; true only once. */
export async function spendEnrolmentGrant(store: Store, token: string | undefined, owner: FederatedMfaOwner): Promise<boolean> {
  if (!(await enrolmentGrantValid(store, token, owner))) return false;
  return (await store.takeItem(NS, token!)) === mfaOwnerKey(owner);
}
