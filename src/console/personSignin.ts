/**
 * Sign-ins that are about the person, not a role: the access portal (/start) and the approval pages
 * of command-line sign-in (/device, /sso-oidc/authorize). The browser sign-in (SAML or OIDC, the very
 * same flow and checks as for the console) continues to them when its RelayState names one of them;
 * it then opens a portal session instead of a role session. One place says which pages those are.
 */
import type { Person } from '../sso/person.js';
import type { NewSigninState } from './signinState.js';

export const PERSON_PAGES = ['/start', '/device', '/sso-oidc/authorize'] as const;

/** Is this (allow-listed, absolute) destination one of the broker's person pages? */
export function isPersonDestination(destination: string | undefined, publicUrl: string): boolean {
  if (destination === undefined) return false;
  let url: URL;
  try {
    url = new URL(destination);
  } catch {
    return false;
  }
  if (url.origin !== new URL(publicUrl).origin) return false;
  const base = new URL(publicUrl).pathname.replace(/\/$/, '');
  return PERSON_PAGES.some((p) => url.pathname === `${base}${p}` || url.pathname === `${base}${p}/`);
}

/** The destinations the allow-list always accepts for person pages ({publicUrl}/start*, …). */
export function personDestinationEntries(publicUrl: string): string[] {
  return PERSON_PAGES.map((p) => `${publicUrl}${p}*`);
}

/** What a sign-in state and a person share: the validated identity and its MFA. */
type Identity = Omit<Person, 'signedInAt' | 'sessionEnd'>;

function identityOf(from: Identity): Identity {
  return {
    type: from.type,
    provider: from.provider,
    providerArn: from.providerArn,
    subject: from.subject,
    issuer: from.issuer,
    conditionKeys: from.conditionKeys,
    ...(from.sourceIdentity !== undefined ? { sourceIdentity: from.sourceIdentity } : {}),
    sessionName: from.sessionName,
    ...(from.tags !== undefined ? { tags: from.tags } : {}),
    ...(from.offeredRoles !== undefined ? { offeredRoles: from.offeredRoles } : {}),
    ...(from.mfa !== undefined ? { mfa: from.mfa } : {}),
  };
}

/** The person of a sign-in: what the provider validated, until sso.sessionHours (or the SAML SessionNotOnOrAfter). */
export function personOf(state: NewSigninState, mfa: Person['mfa'], times: { readonly signedInAt: number; readonly sessionEnd: number }): Person {
  const { mfa: _before, ...identity } = identityOf(state);
  return { ...identity, ...(mfa !== undefined ? { mfa } : {}), signedInAt: times.signedInAt, sessionEnd: times.sessionEnd };
}

/** A person back into the shape of a sign-in step (for an MFA step-up from the portal or an approval page). */
export function stepUpStateOf(person: Person, continueTo: string): NewSigninState {
  return { ...identityOf(person), roles: [], mfaRoles: [], destination: continueTo, stepUp: { signedInAt: person.signedInAt, sessionEnd: person.sessionEnd } };
}
