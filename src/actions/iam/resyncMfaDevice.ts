/**
 * ResyncMFADevice (guide G3941–G4070): re-synchronises a user's enabled device from its next two
 * consecutive codes (searched ±5 minutes around now), clearing failures and any lockout. Authorised as
 * iam:ResyncMFADevice on the user's ARN. On any failure the device stays as it was.
 */
import type { Broker } from '../../broker.js';
import { defineCodePairAction } from './codePairAction.js';

export function resyncMfaDevice(broker: Broker) {
  return defineCodePairAction(broker, 'ResyncMFADevice', (...args) => broker.mfa.resync(...args));
}
