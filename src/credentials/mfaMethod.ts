/**
 * How the MFA of a session was done — the condition key `fedbroker:MfaMethod` (passkeys.md): `webauthn`
 * (a passkey or security key, phishing-resistant), `totp` (a code from an MFA device) or `idp` (the
 * identity provider asserted it). Absent when the session has no MFA. One place derives it.
 */
import type { SessionClaims } from './types.js';

export type MfaMethod = 'webauthn' | 'totp' | 'idp';

export const MFA_METHOD_KEY = 'fedbroker:mfamethod';
export const MFA_METHODS: readonly MfaMethod[] = ['webauthn', 'totp', 'idp'];

export function mfaMethodOf(mfa: SessionClaims['mfa'] | undefined): MfaMethod | undefined {
  if (mfa === undefined) return undefined;
  if (mfa.method === 'webauthn') return 'webauthn';
  return mfa.serial !== undefined ? 'totp' : 'idp';
}
