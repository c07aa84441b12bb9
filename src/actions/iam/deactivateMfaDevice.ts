/**
 * DeactivateMFADevice (guide G3927): disassociates a device from its user and disables it; the device
 * entity remains until DeleteVirtualMFADevice. Authorised as iam:DeactivateMFADevice on the user's
 * ARN — the guide's policies allow it only with aws:MultiFactorAuthPresent, so a stolen access key
 * alone cannot strip MFA. UserName defaults to the calling IAM user (as AWS allows today).
 */
import type { Broker } from '../../broker.js';
import { defineAction } from '../../protocol/action.js';
import { requireCaller } from '../common/signedCaller.js';
import { DEVICE_SERIAL_PARAM, USER_NAME_PARAM, authorizeIamCaller, checkIamCredentials, existingUser, mfaContext, targetUser } from './iamCaller.js';

export function deactivateMfaDevice(broker: Broker) {
  return defineAction({
    name: 'DeactivateMFADevice',
    service: 'iam',
    auth: 'sigv4',
    // The MFA core writes the success event.
    audit: 'failures',
    params: {
      UserName: USER_NAME_PARAM,
      SerialNumber: { ...DEVICE_SERIAL_PARAM, required: true },
    },
    async handle({ params, caller: signed, request }) {
      const caller = requireCaller(signed);
      // Credentials that can never call IAM are refused before a missing UserName is reported.
      checkIamCredentials(caller, 'iam:DeactivateMFADevice');
      const target = targetUser(broker, caller, params.UserName);
      authorizeIamCaller(broker, caller, request, 'iam:DeactivateMFADevice', target.arn);
      const user = existingUser(target);
      await broker.mfa.deactivate(params.SerialNumber, { kind: 'user', userName: user.name }, mfaContext(caller, request));
      return undefined;
    },
  });
}
