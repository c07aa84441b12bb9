/**
 * Audit events of console sessions opened from credentials (federation endpoint: GetSigninToken,
 * ConsoleLogin; and ConsoleLogout of any console session), as CloudTrail writes them: event source
 * signin.amazonaws.com, the caller as the credentials' userIdentity.
 */
import type { AuditEventInput } from '../audit/auditLog.js';
import { callerUserIdentity } from '../audit/userIdentity.js';
import type { Broker } from '../broker.js';
import type { SessionClaims } from '../credentials/types.js';
import { sessionCaller } from '../federation/sigv4/callers.js';
import type { RequestInfo } from '../protocol/action.js';

/**
 * The userIdentity of the credentials, built once per claims object: the broker's cache of opened
 * session tokens hands out the same claims object for the same credentials, and a portal signs the
 * same credentials in again and again.
 */
const identities = new WeakMap<SessionClaims, Record<string, unknown>>();
function userIdentityOf(claims: SessionClaims): Record<string, unknown> {
  let identity = identities.get(claims);
  if (identity === undefined) {
    identity = callerUserIdentity(sessionCaller(claims));
    identities.set(claims, identity);
  }
  return identity;
}

export function recordSigninEvent(
  broker: Broker,
  info: RequestInfo,
  claims: SessionClaims | undefined,
  event: Pick<AuditEventInput, 'eventName' | 'responseElements' | 'additionalEventData' | 'errorCode' | 'errorMessage'>,
): Promise<void> {
  return broker.audit.record({
    eventSource: 'signin.amazonaws.com',
    eventType: 'AwsConsoleSignin',
    sourceIPAddress: info.sourceIp,
    userAgent: info.userAgent,
    userIdentity: claims ? userIdentityOf(claims) : { type: 'Unknown' },
    requestParameters: null,
    ...event,
    requestID: info.requestId,
    recipientAccountId: broker.model.account,
  });
}
