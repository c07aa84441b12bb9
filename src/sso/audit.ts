/**
 * Audit events of command-line sign-in, in CloudTrail's shape: SSO OIDC operations under
 * `sso-oauth.amazonaws.com`, portal operations under `sso.amazonaws.com`, the person as userIdentity
 * (SAMLUser / WebIdentityUser, as for their browser sign-in) and the client in additionalEventData.
 * Never a token, code or secret.
 */
import type { AuditEventInput, AuditSink } from '../audit/auditLog.js';
import { federatedUserIdentity } from '../audit/userIdentity.js';
import type { AwsError } from '../errors.js';
import type { RequestInfo } from '../protocol/action.js';
import type { Person } from './person.js';

export const OIDC_EVENT_SOURCE = 'sso-oauth.amazonaws.com';
export const PORTAL_EVENT_SOURCE = 'sso.amazonaws.com';

export interface SsoEvent {
  readonly eventSource: typeof OIDC_EVENT_SOURCE | typeof PORTAL_EVENT_SOURCE;
  readonly eventName: string;
  readonly info: Pick<RequestInfo, 'requestId' | 'sourceIp' | 'userAgent'>;
  readonly person?: Person;
  readonly requestParameters?: Record<string, unknown>;
  readonly additionalEventData?: Record<string, unknown>;
  readonly error?: AwsError;
  /** Credentials AWS issued for an upstream role. */
  readonly upstream?: AuditEventInput['upstream'];
}

export function recordSsoEvent(audit: AuditSink, account: string, event: SsoEvent): Promise<void> {
  const input: AuditEventInput = {
    eventSource: event.eventSource,
    eventName: event.eventName,
    eventType: 'AwsApiCall',
    sourceIPAddress: event.info.sourceIp,
    userAgent: event.info.userAgent,
    userIdentity: event.person ? federatedUserIdentity(event.person) : { type: 'Unknown' },
    requestParameters: event.requestParameters ?? null,
    responseElements: null,
    ...(event.additionalEventData ? { additionalEventData: event.additionalEventData } : {}),
    ...(event.error ? { errorCode: event.error.code, errorMessage: event.error.message } : {}),
    ...(event.upstream ? { upstream: event.upstream } : {}),
    requestID: event.info.requestId,
    recipientAccountId: account,
  };
  return audit.record(input);
}
