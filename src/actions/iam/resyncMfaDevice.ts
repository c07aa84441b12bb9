/**
 * ResyncMFADevice (guide G3941–G4070): re-synchronises a user's enabled device from its next two
 * consecutive codes (searched ±5 minutes around now), clearing failures and any lockout. Authorised as
 * iam:ResyncMFADevice on the user's ARN. On any failure the device stays as it was.
 */
import type { Broker } from '../../broker.js';
import { defineAction } from '../../protocol/action.js';
import { requireCaller } from '../common/signedCaller.js';
import { recordedBy } from './mfaAudited.js';
import { AUTHENTICATION_CODE_PARAM, DEVICE_SERIAL_PARAM, USER_NAME_PARAM, authorizeIamCaller, existingUser, mfaContext, targetUser } from './iamCaller.js';

export function resyncMfaDevice(broker: Broker) {
  return defineAction({
    name: 'ResyncMFADevice',
    service: 'iam',
    auth: 'sigv4',
    // The MFA core writes the success event (and the event of a rejected code pair).
    audit: 'failures',
    params: {
      UserName: { ...USER_NAME_PARAM, required: true },
      SerialNumber: { ...DEVICE_SERIAL_PARAM, required: true },
      AuthenticationCode1: { ...AUTHENTICATION_CODE_PARAM, required: true },
      AuthenticationCode2: { ...AUTHENTICATION_CODE_PARAM, required: true },
    },
    async handle({ params, caller: signed, request, audit }) {
      const caller = requireCaller(signed);
      const target = targetUser(broker, caller, params.UserName);
      authorizeIamCaller(broker, caller, request, 'iam:ResyncMFADevice', target.arn);
      const user = existingUser(target);
      await recordedBy(audit, broker.mfa.resync(
        params.SerialNumber,
        { kind: 'user', userName: user.name },
        params.AuthenticationCode1,
        params.AuthenticationCode2,
        mfaContext(caller, request),
      ));
      return undefined;
    },
  });
}
