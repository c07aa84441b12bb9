/**
 * Signed state between the steps of a browser sign-in (role picker, TOTP step-up, enrolment): the
 * validated identity and the roles it may take, sealed by the key ring and valid for 10 minutes from
 * the identity provider's answer (all steps together). The
 * choice made on the picker is bound to the validated assertion through it — nothing the browser
 * re-posts can add a role — and every step consumes the state it is posted once (store) before acting
 * on it, handing the next step a freshly sealed one, so no form of the flow can be replayed.
 */
import { randomBytes } from 'node:crypto';
import type { SessionClaims } from '../credentials/types.js';
import type { KeyRing } from '../keys/keyRing.js';
import type { FederatedSignin } from '../roles/federatedTrust.js';
import type { Store } from '../store/types.js';

const PURPOSE = 'signin-state';
export const SIGNIN_STATE_TTL_MS = 10 * 60_000;

export interface SigninState extends FederatedSignin {
  readonly v: 1;
  readonly nonce: string;
  /** Epoch ms. */
  readonly expiresAt: number;
  /** SAML bounds: SessionDuration attribute (s) and SessionNotOnOrAfter (epoch s). */
  readonly sessionDuration?: number;
  readonly sessionNotOnOrAfter?: number;
  /** MFA known so far (IdP-asserted, or a TOTP code checked in an earlier step). */
  readonly mfa?: SessionClaims['mfa'];
  /** Roles the trust policies allow now. */
  readonly roles: readonly string[];
  /** Roles that need MFA first (step-up). */
  readonly mfaRoles: readonly string[];
  /** The role chosen on the picker, for the MFA step. */
  readonly chosenRole?: string;
  /** Where to go after sign-in (already checked against the allow-list). */
  readonly destination?: string;
  /**
   * A device being enrolled at first sign-in: its seed is kept here (sealed with the rest of the
   * state, 10 minutes) only so the same QR code can be shown again if the codes are mistyped.
   */
  readonly enrolment?: { readonly serial: string; readonly seedBase32: string; readonly qrPngBase64: string };
  /** SAML: the role ARNs of the AWS Role attribute, when the assertion had one (personSignin.ts). */
  readonly offeredRoles?: readonly string[];
  /**
   * An MFA step-up of a person already signed in to the portal (personSignin.ts): no role is chosen;
   * their sign-in keeps its times, and the step ends at `destination`.
   */
  readonly stepUp?: { readonly signedInAt: number; readonly sessionEnd: number };
  /** A person's step-up limited to these methods (the portal's "Verify with a passkey" for a role that demands one). */
  readonly stepUpMethods?: readonly ('webauthn' | 'totp')[];
  /** The passkey challenge of the page this state was sealed into (mfa/webauthn/challenges.ts): only this step can answer it. */
  readonly webauthnChallenge?: string;
  /** An administrator's one-use enrolment link (`fedbroker mfa enrol`), for mfa.federatedEnrollment: admin-only. */
  readonly enrolGrant?: string;
}

export type NewSigninState = Omit<SigninState, 'v' | 'nonce' | 'expiresAt'>;

/**
 * A fresh nonce for every step, but one deadline for the whole sign-in: re-sealing a state (a
 * mistyped code shows the form again) keeps the expiry it had, so a flow cannot be kept alive by
 * failing a step every few minutes.
 */
export function sealSigninState(keyRing: KeyRing, state: NewSigninState | SigninState, now = Date.now()): string {
  const expiresAt = 'expiresAt' in state && typeof state.expiresAt === 'number' ? state.expiresAt : now + SIGNIN_STATE_TTL_MS;
  const full: SigninState = { ...state, v: 1, nonce: randomBytes(16).toString('base64url'), expiresAt };
  return keyRing.seal(PURPOSE, Buffer.from(JSON.stringify(full), 'utf8')).toString('base64url');
}

/** undefined when tampered, malformed or expired. */
export function openSigninState(keyRing: KeyRing, text: string, now = Date.now()): SigninState | undefined {
  try {
    const state = JSON.parse(keyRing.open(PURPOSE, Buffer.from(text, 'base64url')).toString('utf8')) as SigninState;
    if (state.v !== 1 || typeof state.expiresAt !== 'number' || state.expiresAt <= now) return undefined;
    return state;
  } catch {
    return undefined;
  }
}

/** Marks the state used; false when it already was (a replayed form). */
export function consumeSigninState(store: Store, state: SigninState): Promise<boolean> {
  return store.claimOnce('signin-state', state.nonce, state.expiresAt);
}
