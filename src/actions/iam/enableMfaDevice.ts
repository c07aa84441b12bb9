/**
 * EnableMFADevice (guide G3914, G3692): associates a virtual device with an IAM user once two
 * consecutive codes from it prove the seed. Authorised as iam:EnableMFADevice on the user's ARN; the
 * user must exist in the configuration. Neither code can be used afterwards; on any failure the
 * device stays as it was.
 */
import type { Broker } from '../../broker.js';
import { defineAction } from '../../protocol/action.js';
import { requireCaller } from '../common/signedCaller.js';
import { recordedBy } from './mfaAudited.js';
import { AUTHENTICATION_CODE_PARAM, DEVICE_SERIAL_PARAM, USER_NAME_PARAM, authorizeIamCaller, existingUser, mfaContext, targetUser } from './iamCaller.js';

export function enableMfaDevice(broker: Broker) {
  return defineAction({
    name: 'EnableMFADevice',
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
      authorizeIamCaller(broker, caller, request, 'iam:EnableMFADevice', target.arn);
      const user = existingUser(target);
      await recordedBy(audit, broker.mfa.enable(
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
