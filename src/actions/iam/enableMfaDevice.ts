/**
 * EnableMFADevice (guide G3914, G3692): associates a virtual device with an IAM user once two
 * consecutive codes from it prove the seed. Authorised as iam:EnableMFADevice on the user's ARN; the
 * user must exist in the configuration. Neither code can be used afterwards; on any failure the
 * device stays as it was.
 */
import type { Broker } from '../../broker.js';
import { defineCodePairAction } from './codePairAction.js';

export function enableMfaDevice(broker: Broker) {
  return defineCodePairAction(broker, 'EnableMFADevice', (...args) => broker.mfa.enable(...args));
}
