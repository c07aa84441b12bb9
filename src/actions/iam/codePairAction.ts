/**
 * The shape EnableMFADevice and ResyncMFADevice share: a user's device proven by two consecutive
 * codes. Authorised as `iam:<Action>` on the user's ARN; the user must exist in the configuration; the
 * MFA core writes the success event (and the event of a rejected code pair), the protocol the others.
 */
import type { Broker } from '../../broker.js';
import type { MfaOwner } from '../../store/types.js';
import type { MfaRequestContext } from '../../mfa/mfaAudit.js';
import { defineAction } from '../../protocol/action.js';
import { requireCaller } from '../common/signedCaller.js';
import { recordedBy } from './mfaAudited.js';
import { AUTHENTICATION_CODE_PARAM, DEVICE_SERIAL_PARAM, USER_NAME_PARAM, authorizeIamCaller, existingUser, mfaContext, targetUser } from './iamCaller.js';

export type CodePairOperation = (serial: string, owner: MfaOwner, code1: string, code2: string, context: MfaRequestContext) => Promise<unknown>;

export function defineCodePairAction(broker: Broker, name: 'EnableMFADevice' | 'ResyncMFADevice', operation: CodePairOperation) {
  return defineAction({
    name,
    service: 'iam',
    auth: 'sigv4',
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
      authorizeIamCaller(broker, caller, request, `iam:${name}`, target.arn);
      const user = existingUser(target);
      await recordedBy(
        audit,
        operation(params.SerialNumber, { kind: 'user', userName: user.name }, params.AuthenticationCode1, params.AuthenticationCode2, mfaContext(caller, request)),
      );
      return undefined;
    },
  });
}
