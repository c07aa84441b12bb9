/**
 * GetSessionToken (guide G9583–G9646): an IAM user's long-term keys → temporary credentials of the
 * same user, 900..129600 s (default 43200). With SerialNumber + TokenCode the credentials carry MFA
 * (aws:MultiFactorAuthPresent = true, aws:MultiFactorAuthAge from the moment the code was checked).
 * No permission is needed to call it for oneself (G10223).
 */
import { getSessionTokenLifetime } from '../credentials/durations.js';
import { newAccessKeyId, newSecretAccessKey } from '../credentials/ids.js';
import type { SessionClaims } from '../credentials/types.js';
import type { Broker } from '../broker.js';
import { defineAction } from '../protocol/action.js';
import { SERIAL_NUMBER_PARAM, TOKEN_CODE_PARAM } from '../protocol/params.js';
import { credentialsResult, sealed } from '../sessions/roleSession.js';
import { userMfa } from './common/userMfa.js';
import { requireCaller, requireLongTermUser } from './common/signedCaller.js';

export function getSessionToken(broker: Broker) {
  return defineAction({
    name: 'GetSessionToken',
    service: 'sts',
    auth: 'sigv4',
    audit: 'always',
    params: {
      DurationSeconds: { type: 'integer', min: 900, max: 129600 },
      SerialNumber: SERIAL_NUMBER_PARAM,
      TokenCode: TOKEN_CODE_PARAM,
    },
    async handle({ params, caller: signed, request, audit }) {
      const caller = requireLongTermUser(requireCaller(signed), 'GetSessionToken');
      const lifetime = getSessionTokenLifetime(params.DurationSeconds, { nowMs: request.receivedAt });
      const mfa = await userMfa(broker, caller.userName, params.SerialNumber, params.TokenCode, request);
      const claims: SessionClaims = {
        accessKeyId: newAccessKeyId(),
        secretAccessKey: newSecretAccessKey(),
        issuedAt: lifetime.issuedAt,
        expiresAt: lifetime.expiresAt,
        account: broker.model.account,
        partition: broker.model.partition,
        issuer: 'GetSessionToken',
        principal: { kind: 'User', userName: caller.userName, userId: caller.userId, userPath: broker.model.users.get(caller.userName)?.path ?? '/' },
        ...(mfa ? { mfa } : {}),
      };
      const issued = sealed(broker.keyRing, claims);
      audit.requestParameters = {
        ...(params.DurationSeconds !== undefined ? { durationSeconds: params.DurationSeconds } : {}),
        ...(params.SerialNumber !== undefined ? { serialNumber: params.SerialNumber } : {}),
      };
      audit.responseElements = { credentials: { accessKeyId: issued.accessKeyId, expiration: issued.expiration.toISOString() } };
      if (mfa) audit.additionalEventData = { MFAUsed: 'Yes' };
      return { Credentials: credentialsResult(issued) };
    },
  });
}
