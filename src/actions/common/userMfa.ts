/**
 * MFA on GetSessionToken and AssumeRole (guide G4166–G4380), and broker-enforced TOTP for federated
 * identities: SerialNumber + TokenCode checked against the owner's own device by the MFA service —
 * the one place codes are checked.
 */
import { AccessDenied, MissingParameter } from '../../errors.js';
import type { Broker } from '../../broker.js';
import type { SessionClaims } from '../../credentials/types.js';
import type { Caller } from '../../federation/identity.js';
import type { RequestInfo } from '../../protocol/action.js';
import type { MfaOwner } from '../../store/types.js';

export async function verifiedMfa(
  broker: Broker,
  owner: MfaOwner | undefined,
  serialNumber: string | undefined,
  tokenCode: string | undefined,
  request: RequestInfo,
): Promise<SessionClaims['mfa'] | undefined> {
  if (serialNumber === undefined && tokenCode === undefined) return undefined;
  if (serialNumber === undefined) throw new MissingParameter('The request must contain the parameter SerialNumber when TokenCode is given');
  if (tokenCode === undefined) throw new MissingParameter('The request must contain the parameter TokenCode when SerialNumber is given');
  if (owner === undefined) {
    throw new AccessDenied('MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.');
  }
  const { authenticatedAt } = await broker.mfa.verifyCode(serialNumber, tokenCode, owner, {
    requestId: request.requestId,
    sourceIp: request.sourceIp,
    userAgent: request.userAgent,
  });
  return { authenticatedAt, serial: serialNumber };
}

/** Whose MFA device a signed caller may use: the IAM user, or the federated identity behind a session. */
export function mfaOwnerOf(caller: Caller): MfaOwner | undefined {
  if (caller.userName !== undefined) return { kind: 'user', userName: caller.userName };
  const s = caller.session;
  if (s?.principal.kind === 'User') return { kind: 'user', userName: s.principal.userName };
  // The stable identifier recorded when the federated session was issued (mfa/federatedOwner.ts).
  if (typeof s?.federated?.mfaSubject === 'string') return { kind: 'federated', provider: s.federated.provider, subject: s.federated.mfaSubject };
  return undefined;
}

export async function userMfa(broker: Broker, userName: string, serialNumber: string | undefined, tokenCode: string | undefined, request: RequestInfo) {
  return verifiedMfa(broker, { kind: 'user', userName }, serialNumber, tokenCode, request);
}
