/**
 * Which credentials may call which STS action (guide G9650–G9664, aws-reference §1.2):
 * - GetSessionToken and GetFederationToken need an IAM user's long-term keys;
 * - AssumeRole takes an IAM user's keys, GetSessionToken credentials, or a role session (chaining);
 * - GetFederationToken credentials cannot call STS except GetCallerIdentity (G9663);
 * - GetSessionToken credentials cannot call STS except AssumeRole and GetCallerIdentity (G9664).
 */
import { AccessDenied, InternalFailure } from '../../errors.js';
import type { Caller } from '../../federation/identity.js';

export function requireCaller(caller: Caller | undefined): Caller {
  if (caller === undefined) throw new InternalFailure();
  return caller;
}

export function requireLongTermUser(caller: Caller, action: string): Caller & { userName: string } {
  if (caller.kind !== 'User' || caller.session !== undefined || caller.userName === undefined) {
    throw new AccessDenied(`Cannot call ${action} with session credentials`);
  }
  return caller as Caller & { userName: string };
}

export function refuseFederatedUser(caller: Caller, action: string): void {
  if (caller.kind === 'FederatedUser') {
    throw new AccessDenied(`Cannot call ${action} with credentials from GetFederationToken`);
  }
}

export function refuseSessionTokenCredentials(caller: Caller, action: string): void {
  if (caller.session?.issuer === 'GetSessionToken') {
    throw new AccessDenied(`Cannot call ${action} with credentials from GetSessionToken`);
  }
}
