/**
 * Single-use WebAuthn challenges (passkeys.md: "single use and bound to the sign-in state, store, 5
 * minutes"). A challenge is a random 32-byte value kept in the store with what it was issued for —
 * the ceremony, the owner, and the binding (the sealed sign-in state's or the portal session's own
 * nonce) — and taken (read and deleted atomically, on any instance) by the one answer that uses it.
 * A replayed answer finds nothing; an answer for another person or sign-in finds a mismatch.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../../store/types.js';

const NS = 'webauthn-challenge';
export const CHALLENGE_TTL_MS = 5 * 60_000;

export type Ceremony = 'register' | 'authenticate';

interface Issued {
  readonly ceremony: Ceremony;
  readonly ownerKey: string;
  readonly binding: string;
}

/** A fresh challenge (base64url), recorded for `ceremony` of `ownerKey` within `binding`. */
export async function issueChallenge(store: Store, issued: Issued, now: number): Promise<string> {
  const challenge = randomBytes(32).toString('base64url');
  await store.putItem(NS, challenge, JSON.stringify(issued), now + CHALLENGE_TTL_MS);
  return challenge;
}

/** Spends the challenge; true only the first time, and only for what it was issued for. */
export async function spendChallenge(store: Store, challenge: string, expected: Issued): Promise<boolean> {
  if (challenge === '' || challenge.length > 128) return false;
  const value = await store.takeItem(NS, challenge);
  if (value === null) return false;
  const issued = JSON.parse(value) as Issued;
  return issued.ceremony === expected.ceremony && issued.ownerKey === expected.ownerKey && issued.binding === expected.binding;
}
