/**
 * A refused passkey ceremony. The page says something useful; the audit event carries `reason`.
 * Refusals never name the credential id in full (passkeys.md: not secret, but never logged in full).
 */
import { AccessDenied } from '../../errors.js';

export type PasskeyFailureReason =
  /** The challenge is unknown, expired, already used, or bound to another sign-in or person. */
  | 'challenge'
  /** The response does not verify: wrong origin or rpId, bad signature, malformed. */
  | 'verification'
  /** The credential is not (or no longer) registered to this person. */
  | 'unknown-credential'
  /** The signature counter did not move forward: possibly a cloned authenticator. */
  | 'counter'
  /** Another use of the same credential was recorded at the same time. */
  | 'concurrent-use';

export class PasskeyRefused extends AccessDenied {
  constructor(
    message: string,
    readonly reason: PasskeyFailureReason,
  ) {
    super(message);
  }
}

/** A credential id as it may appear in logs and audit events: the first characters only. */
export function credentialLabel(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}
