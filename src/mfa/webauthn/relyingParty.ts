/**
 * The WebAuthn relying party of this broker (passkeys.md): its id is the host of `server.publicUrl`
 * and the only origin accepted is that URL's origin, so a passkey made here answers nowhere else and
 * an assertion made for another site is refused here.
 */
export type UserVerification = 'required' | 'preferred' | 'discouraged';

export interface RelyingParty {
  /** rpId: the host name of server.publicUrl (no port). */
  readonly id: string;
  /** The expected origin: scheme, host and port of server.publicUrl. */
  readonly origin: string;
  /** mfa.webauthn.rpName: the name authenticators show. */
  readonly name: string;
  /** mfa.webauthn.userVerification. */
  readonly userVerification: UserVerification;
}

export function relyingPartyOf(publicUrl: string, settings: { readonly rpName: string; readonly userVerification: UserVerification }): RelyingParty {
  const url = new URL(publicUrl);
  return { id: url.hostname, origin: url.origin, name: settings.rpName, userVerification: settings.userVerification };
}
