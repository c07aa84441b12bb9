/**
 * ListMFADevices: the MFA devices enabled for a user (at most one), `{ UserName, SerialNumber,
 * EnableDate }`. UserName defaults to the calling IAM user; other callers must name one. Authorised as
 * iam:ListMFADevices on the user's ARN (the guide's policies grant it on `user/${aws:username}`).
 */
import type { Broker } from '../../broker.js';
import { defineAction } from '../../protocol/action.js';
import { requireCaller } from '../common/signedCaller.js';
import { MARKER_PARAM, MAX_ITEMS_PARAM, USER_NAME_PARAM, authorizeIamCaller, checkIamCredentials, existingUser, paginate, targetUser } from './iamCaller.js';

export function listMfaDevices(broker: Broker) {
  return defineAction({
    name: 'ListMFADevices',
    service: 'iam',
    auth: 'sigv4',
    // CloudTrail records List calls; the MFA core writes nothing for them.
    audit: 'always',
    params: {
      UserName: USER_NAME_PARAM,
      Marker: MARKER_PARAM,
      MaxItems: MAX_ITEMS_PARAM,
    },
    async handle({ params, caller: signed, request, audit }) {
      const caller = requireCaller(signed);
      // Credentials that can never call IAM are refused before a missing UserName is reported.
      checkIamCredentials(caller, 'iam:ListMFADevices');
      const target = targetUser(broker, caller, params.UserName);
      audit.requestParameters = { userName: target.userName };
      authorizeIamCaller(broker, caller, request, 'iam:ListMFADevices', target.arn);
      const user = existingUser(target);
      const enabled = (await broker.mfa.devicesOf({ kind: 'user', userName: user.name })).filter((d) => d.enabled);
      const page = paginate(enabled, (d) => d.serial, params.Marker, params.MaxItems);
      return {
        MFADevices: page.items.map((d) => ({
          UserName: user.name,
          SerialNumber: d.serial,
          EnableDate: new Date(d.enabledAt ?? d.createdAt),
        })),
        IsTruncated: page.isTruncated,
        Marker: page.marker,
      };
    },
  });
}
