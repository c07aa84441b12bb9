/**
 * One-use enrolment links for `mfa.federatedEnrollment: admin-only` (passkeys.md "Administrators"):
 * `fedbroker mfa enrol --provider NAME --subject SUBJECT` records a grant for that person's stable
 * MFA owner, valid 15 minutes; the person opens the link, signs in through that provider as that
 * subject, and may enrol one TOTP device or passkey. The grant is taken when the enrolment starts
 * (atomic: of two racing enrolments one gets it, across instances) and kept when it succeeds, put
 * back when it fails; anyone else signing in with the link gets nothing from it.
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
  await store.putItem(NS, token, encodeGrant(mfaOwnerKey(owner)!, expiresAt), expiresAt);
  return { token, expiresAt };
}

/** Is `token` an unspent grant for this owner? */
export async function enrolmentGrantValid(store: Store, token: string | undefined, owner: FederatedMfaOwner): Promise<boolean> {
  if (token === undefined || token === '' || token.length > 64) return false;
  const value = await store.getItem(NS, token);
  return value !== null && decodeGrant(value).ownerKey === mfaOwnerKey(owner);
}

/** A grant taken for one enrolment: kept when it succeeds, put back by `release` when it fails. */
export interface HeldEnrolmentGrant {
  release(): Promise<void>;
}

/**
 * Takes this owner's grant for the enrolment about to be made — atomically, so of two enrolments racing
 * on one link (two tabs, two instances) only one holds it; undefined when there is none to take.
 * The enrolment then succeeds (the grant stays spent) or fails (`release`: a mistyped code does not
 * use up the link), and the link keeps its own expiry.
 */
export async function holdEnrolmentGrant(store: Store, token: string | undefined, owner: FederatedMfaOwner, now = Date.now()): Promise<HeldEnrolmentGrant | undefined> {
  // Checked before taking: a grant of someone else is never taken, not even for a moment.
  if (!(await enrolmentGrantValid(store, token, owner))) return undefined;
  const value = await store.takeItem(NS, token!);
  if (value === null) return undefined;
  const { ownerKey, expiresAt } = decodeGrant(value);
  // Only a grant changed in between (never, as grants are written once) could be someone else's.
  if (ownerKey !== mfaOwnerKey(owner)) return undefined;
  const until = expiresAt ?? now + ENROLMENT_GRANT_TTL_MS;
  return { release: () => (until > Date.now() ? store.putItem(NS, token!, value, until) : Promise.resolve()) };
}

/**
 * The stored value: `expiresAt owner-key`, so a released grant keeps its expiry. Grants written before
 * it hold the owner key alone (no expiry; a released one gets a fresh 15 minutes).
 */
function encodeGrant(ownerKey: string, expiresAt: number): string {
  return `${expiresAt} ${ownerKey}`;
}

function decodeGrant(value: string): { ownerKey: string; expiresAt?: number } {
  const match = /^(\d{13,15}) ([\s\S]+)$/.exec(value);
  return match === null ? { ownerKey: value } : { ownerKey: match[2]!, expiresAt: Number(match[1]) };
}
