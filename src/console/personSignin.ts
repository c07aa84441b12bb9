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

/** The person of a sign-in: what the provider validated, until sso.sessionHours (or the SAML SessionNotOnOrAfter). */
export function personOf(state: NewSigninState, mfa: Person['mfa'], times: { readonly signedInAt: number; readonly sessionEnd: number }): Person {
  return {
    type: state.type,
    provider: state.provider,
    providerArn: state.providerArn,
    subject: state.subject,
    issuer: state.issuer,
    conditionKeys: state.conditionKeys,
    ...(state.sourceIdentity !== undefined ? { sourceIdentity: state.sourceIdentity } : {}),
    sessionName: state.sessionName,
    ...(state.offeredRoles !== undefined ? { offeredRoles: state.offeredRoles } : {}),
    ...(mfa !== undefined ? { mfa } : {}),
    signedInAt: times.signedInAt,
    sessionEnd: times.sessionEnd,
  };
}

/** A person back into the shape of a sign-in step (for an MFA step-up from the portal or an approval page). */
export function stepUpStateOf(person: Person, continueTo: string): NewSigninState {
  return {
    type: person.type,
    provider: person.provider,
    providerArn: person.providerArn,
    subject: person.subject,
    issuer: person.issuer,
    conditionKeys: person.conditionKeys,
    ...(person.sourceIdentity !== undefined ? { sourceIdentity: person.sourceIdentity } : {}),
    sessionName: person.sessionName,
    ...(person.offeredRoles !== undefined ? { offeredRoles: person.offeredRoles } : {}),
    ...(person.mfa !== undefined ? { mfa: person.mfa } : {}),
    roles: [],
    mfaRoles: [],
    destination: continueTo,
    stepUp: { signedInAt: person.signedInAt, sessionEnd: person.sessionEnd },
  };
}
