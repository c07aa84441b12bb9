/**
 * DeleteVirtualMFADevice (guide G3949, G15380): deletes a device that is not enabled. Authorised as
 * iam:DeleteVirtualMFADevice on the device ARN (its serial number). An enabled device answers
 * DeleteConflict, so the guide's policies that allow deletion without MFA (TV-M11) stay safe
 * (seed-digest §10 row 24).
 */
import type { Broker } from '../../broker.js';
import { defineAction } from '../../protocol/action.js';
import { requireCaller } from '../common/signedCaller.js';
import { DEVICE_SERIAL_PARAM, authorizeIamCaller, mfaContext } from './iamCaller.js';

export function deleteVirtualMfaDevice(broker: Broker) {
  return defineAction({
    name: 'DeleteVirtualMFADevice',
    service: 'iam',
    auth: 'sigv4',
    // The MFA core writes the success event.
    audit: 'failures',
    params: {
      SerialNumber: { ...DEVICE_SERIAL_PARAM, required: true },
    },
    async handle({ params, caller: signed, request }) {
      const caller = requireCaller(signed);
      authorizeIamCaller(broker, caller, request, 'iam:DeleteVirtualMFADevice', params.SerialNumber);
      await broker.mfa.delete(params.SerialNumber, mfaContext(caller, request));
      return undefined;
    },
  });
}
