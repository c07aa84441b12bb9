/**
 * The MFA core's audit events (semantics.md "Audit": enrol, enable, resync, deactivate, delete,
 * code failures and lockouts), CloudTrail-shaped. Built only from serials, owners and outcomes: the
 * callers of this module never hand it a seed or a code, so none can be written.
 */
import { isoSeconds } from '../time.js';
import type { AuditSink } from '../audit/auditLog.js';
import type { MfaOwner } from '../store/types.js';

/** Facts about the request, for the audit trail. All optional (CLI and console calls have fewer). */
export interface MfaRequestContext {
  readonly requestId?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** CloudTrail userIdentity of the caller when the handler knows it; otherwise derived from the owner. */
  readonly userIdentity?: Record<string, unknown>;
}

export type MfaEventName =
  | 'CreateVirtualMFADevice'
  | 'EnableMFADevice'
  | 'ResyncMFADevice'
  | 'DeactivateMFADevice'
  | 'DeleteVirtualMFADevice'
  | 'MFAAuthentication'
  | 'MFADeviceLockout'
  | 'MoveMFADevice';

export interface MfaEvent {
  readonly name: MfaEventName;
  readonly serial: string;
  readonly owner: MfaOwner | null;
  readonly time: number;
  readonly context: MfaRequestContext;
  readonly error?: { readonly code: string; readonly message: string };
  readonly additionalEventData?: Record<string, unknown>;
}

/** The lifecycle actions are IAM API calls; code checks and lockouts are broker events. */
const API_CALLS: ReadonlySet<MfaEventName> = new Set([
  'CreateVirtualMFADevice',
  'EnableMFADevice',
  'ResyncMFADevice',
  'DeactivateMFADevice',
  'DeleteVirtualMFADevice',
]);

export class MfaAuditWriter {
  constructor(
    private readonly sink: AuditSink,
    private readonly account: string,
  ) {}

  async write(event: MfaEvent): Promise<void> {
    const { context } = event;
    await this.sink.record({
      eventTime: isoSeconds(event.time),
      eventSource: 'iam.amazonaws.com',
      eventName: event.name,
      eventType: API_CALLS.has(event.name) ? 'AwsApiCall' : 'FedbrokerEvent',
      ...(context.sourceIp !== undefined ? { sourceIPAddress: context.sourceIp } : {}),
      ...(context.userAgent !== undefined ? { userAgent: context.userAgent } : {}),
      userIdentity: context.userIdentity ?? this.ownerIdentity(event.owner),
      requestParameters: {
        serialNumber: event.serial,
        ...(event.owner?.kind === 'user' ? { userName: event.owner.userName } : {}),
      },
      responseElements: null,
      resources: [{ accountId: this.account, type: 'AWS::IAM::MFADevice', ARN: event.serial }],
      ...(event.additionalEventData !== undefined ? { additionalEventData: event.additionalEventData } : {}),
      ...(event.error !== undefined ? { errorCode: event.error.code, errorMessage: event.error.message } : {}),
      ...(context.requestId !== undefined ? { requestID: context.requestId } : {}),
      recipientAccountId: this.account,
    });
  }

  /** Who the device belongs to, when the handler did not say who called. */
  private ownerIdentity(owner: MfaOwner | null): Record<string, unknown> {
    if (owner === null) return { type: 'Unknown', accountId: this.account };
    if (owner.kind === 'user') return { type: 'IAMUser', accountId: this.account, userName: owner.userName };
    return {
      type: 'Unknown',
      accountId: this.account,
      principalId: `${owner.provider}:${owner.subject}`,
      userName: owner.subject,
      identityProvider: owner.provider,
    };
  }
}
