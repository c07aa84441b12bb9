/**
 * The person behind command-line sign-in and the access portal: an identity validated by a SAML or
 * OIDC provider through the browser sign-in (exactly as for the console), with the MFA facts known
 * at that time. Access tokens, CLI sessions, device approvals and the portal session carry it, so
 * every later decision (which roles, which credentials) is the one a browser sign-in would make.
 */
import type { SessionClaims } from '../credentials/types.js';
import { isValidSourceIdentity } from '../credentials/sourceIdentity.js';
import { mfaMethodOf, type MfaMethod } from '../credentials/mfaMethod.js';
import type { FederatedSignin } from '../roles/federatedTrust.js';

export interface Person extends FederatedSignin {
  /** SAML only: the role ARNs of the AWS Role attribute, when the assertion had one (the only candidates then). */
  readonly offeredRoles?: readonly string[];
  /** MFA: at the provider (no serial) or fedbroker's step-up (the device's serial). */
  readonly mfa?: SessionClaims['mfa'];
  /** Epoch seconds: when this sign-in happened. */
  readonly signedInAt: number;
  /** Epoch seconds: nothing from this sign-in lasts longer (sso.sessionHours, SAML SessionNotOnOrAfter). */
  readonly sessionEnd: number;
}

/** How the MFA of a person was done (fedbroker:MfaMethod, passkeys.md). */
export function mfaMethod(mfa: SessionClaims['mfa']): MfaMethod | undefined {
  return mfaMethodOf(mfa);
}

/** One string per person (provider and subject), as revocations and MFA devices key them. */
export function personKey(person: Pick<Person, 'provider' | 'subject'>): string {
  return `${person.provider}|${person.subject}`;
}


/**
 * The SourceIdentity of credentials for this person: the provider's own value; else the subject when
 * it fits SourceIdentity's alphabet (2–64 of `[\w+=,.@-]`); else the session name (always fits).
 */
export function sourceIdentityOf(person: Person): string {
  if (person.sourceIdentity !== undefined) return person.sourceIdentity;
  return isValidSourceIdentity(person.subject) ? person.subject : person.sessionName;
}
