/**
 * The audit events of passkeys (passkeys.md, security.md): every registration, use, refused use and
 * removal, CloudTrail-shaped like the MFA core's. Built from owners, names and outcomes only; a
 * credential id appears shortened (credentialLabel), the public key and the ceremony data never.
 */
import { isoSeconds } from '../../time.js';
import type { AuditSink } from '../../audit/auditLog.js';
import type { MfaOwner } from '../../store/types.js';
import type { MfaRequestContext } from '../mfaAudit.js';
import { credentialLabel } from './refused.js';

export type PasskeyEventName = 'RegisterPasskey' | 'PasskeyAuthentication' | 'DeletePasskey';

export interface PasskeyEvent {
  readonly name: PasskeyEventName;
  readonly owner: MfaOwner;
  /** The credential's id (shortened when written) and name, when known. */
  readonly credentialId?: string;
  readonly credentialName?: string;
  readonly time: number;
  readonly context: MfaRequestContext;
  readonly error?: { readonly code: string; readonly message: string; readonly reason: string };
  readonly additionalEventData?: Record<string, unknown>;
}

export async function writePasskeyEvent(sink: AuditSink, account: string, event: PasskeyEvent): Promise<void> {
  const { context, owner } = event;
  await sink.record({
    eventTime: isoSeconds(event.time),
    eventSource: 'fedbroker',
    eventName: event.name,
    eventType: 'FedbrokerEvent',
    ...(context.sourceIp !== undefined ? { sourceIPAddress: context.sourceIp } : {}),
    ...(context.userAgent !== undefined ? { userAgent: context.userAgent } : {}),
    userIdentity: context.userIdentity ?? ownerIdentity(account, owner),
    requestParameters: {
      ...(owner.kind === 'user' ? { userName: owner.userName } : { identityProvider: owner.provider, subject: owner.subject }),
      ...(event.credentialId !== undefined ? { credentialId: credentialLabel(event.credentialId) } : {}),
      ...(event.credentialName !== undefined ? { credentialName: event.credentialName } : {}),
    },
    responseElements: null,
    additionalEventData: { mfaMethod: 'webauthn', ...(event.error !== undefined ? { reason: event.error.reason } : {}), ...event.additionalEventData },
    ...(event.error !== undefined ? { errorCode: event.error.code, errorMessage: event.error.message } : {}),
    ...(context.requestId !== undefined ? { requestID: context.requestId } : {}),
    recipientAccountId: account,
  });
}

function ownerIdentity(account: string, owner: MfaOwner): Record<string, unknown> {
  if (owner.kind === 'user') return { type: 'IAMUser', accountId: account, userName: owner.userName };
  return { type: 'Unknown', accountId: account, principalId: `${owner.provider}:${owner.subject}`, userName: owner.subject, identityProvider: owner.provider };
}
