/**
 * ListVirtualMFADevices: the account's virtual devices, filtered by AssignmentStatus (Assigned: enabled
 * for a user or a federated identity; Unassigned: not enabled; Any, the default). Authorised as
 * iam:ListVirtualMFADevices on `*`, as the guide's policies grant it. Never returns a seed.
 * A device of a federated identity has no `User` element (it belongs to no IAM user).
 */
import { ValidationError } from '../../errors.js';
import type { Broker } from '../../broker.js';
import { defineAction } from '../../protocol/action.js';
import type { ResultObject } from '../../protocol/result.js';
import { requireCaller } from '../common/signedCaller.js';
import { MARKER_PARAM, MAX_ITEMS_PARAM, authorizeIamCaller, paginate } from './iamCaller.js';

const STATUSES = ['Assigned', 'Unassigned', 'Any'] as const;

export function listVirtualMfaDevices(broker: Broker) {
  return defineAction({
    name: 'ListVirtualMFADevices',
    service: 'iam',
    auth: 'sigv4',
    // CloudTrail records List calls; the MFA core writes nothing for them.
    audit: 'always',
    params: {
      AssignmentStatus: { type: 'string' },
      Marker: MARKER_PARAM,
      MaxItems: MAX_ITEMS_PARAM,
    },
    async handle({ params, caller: signed, request }) {
      const caller = requireCaller(signed);
      const status = params.AssignmentStatus ?? 'Any';
      if (!(STATUSES as readonly string[]).includes(status)) {
        throw new ValidationError(
          `1 validation error detected: Value '${status.slice(0, 64)}' at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Any, Assigned, Unassigned]`,
        );
      }
      authorizeIamCaller(broker, caller, request, 'iam:ListVirtualMFADevices', '*');
      const model = broker.model;
      const devices = (await broker.mfa.list()).filter((d) => status === 'Any' || (status === 'Assigned') === d.enabled);
      const page = paginate(devices, (d) => d.serial, params.Marker, params.MaxItems);
      return {
        VirtualMFADevices: page.items.map((d): ResultObject => {
          const user = d.enabled && d.owner?.kind === 'user' ? model.users.get(d.owner.userName) : undefined;
          return {
            SerialNumber: d.serial,
            User: user
              ? { Path: user.path, UserName: user.name, UserId: broker.ids.peek('user', user.arn), Arn: user.arn }
              : undefined,
            EnableDate: d.enabled && d.enabledAt !== null ? new Date(d.enabledAt) : undefined,
          };
        }),
        IsTruncated: page.isTruncated,
        Marker: page.marker,
      };
    },
  });
}
