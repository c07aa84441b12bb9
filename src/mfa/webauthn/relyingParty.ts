/**
 * The WebAuthn relying party of this broker (passkeys.md): its id is the host of `server.publicUrl`
 * and the only origin accepted is that URL's origin, so a passkey made here answers nowhere else and
 * an assertion made for another site is refused here.
 */
export type UserVerification = 'required' | 'preferred' | 'discouraged';

import { isIP } from 'node:net';

export interface RelyingParty {
  /** rpId: the host name of server.publicUrl (no port). */
  readonly id: string;
  /** The expected origin: scheme, host and port of server.publicUrl. */
  readonly origin: string;
  /** mfa.webauthn.rpName: the name authenticators show. */
  readonly name: string;
  /** mfa.webauthn.userVerification. */
  readonly userVerification: UserVerification;
  /**
   * False when the host is an IP address: browsers refuse an IP as rpId, so no passkey can be made
   * or used there — the broker then offers none (TOTP only) rather than a button that must fail.
   */
  readonly available: boolean;
}

export function relyingPartyOf(publicUrl: string, settings: { readonly rpName: string; readonly userVerification: UserVerification }): RelyingParty {
  const url = new URL(publicUrl);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { id: host, origin: url.origin, name: settings.rpName, userVerification: settings.userVerification, available: isIP(host) === 0 };
}
