/**
 * The MFA service writes the audit event of a rejected code pair itself (with the failure count); the
 * protocol layer must not write a second one for the same failure.
 */
import { InvalidAuthenticationCode } from '../../errors.js';
import type { AuditDetails } from '../../protocol/action.js';

export async function recordedBy<T>(audit: AuditDetails, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof InvalidAuthenticationCode) audit.failureRecorded = true;
    throw e;
  }
}
