/**
 * A refused MFA code, as the API answers it (AccessDenied with AWS's message), carrying what the
 * browser pages need to say something more useful than AWS does: why (a reused code: wait for the
 * next one), and until when a locked device stays locked.
 */
import { AccessDenied } from '../errors.js';

export type MfaFailureReason = 'unknown-device' | 'locked' | 'invalid' | 'reused';

export class MfaCodeRefused extends AccessDenied {
  constructor(
    message: string,
    readonly reason: MfaFailureReason,
    /** Epoch milliseconds the device stays locked until, when it is (or just became) locked. */
    readonly lockedUntil?: number,
  ) {
    super(message);
  }
}
