/**
 * Settings of command-line sign-in (config `sso:`), and the fixed parameters of the protocol
 * (sso.md): device codes live 10 minutes and are polled every 5 seconds; client secrets expire after
 * 90 days; authorization codes are good for 5 minutes.
 */
import type { LoadedConfig } from '../config/load.js';

export const DEVICE_CODE_TTL_SECONDS = 600;
export const POLL_INTERVAL_SECONDS = 5;
export const CLIENT_SECRET_TTL_SECONDS = 90 * 86_400;
export const AUTHORIZATION_CODE_TTL_SECONDS = 300;
/** The scope every SSO client asks for: access to accounts and roles (the portal API). */
export const ACCOUNT_ACCESS_SCOPE = 'sso:account:access';

export interface SsoSettings {
  readonly publicUrl: string;
  /** `{publicUrl}/start`: the startUrl clients must name. */
  readonly startUrl: string;
  readonly requireMfa: boolean;
  /** How long a sign-in lasts: everything from it (portal, CLI sessions, tokens) ends by then. */
  readonly sessionSeconds: number;
  readonly accessTokenSeconds: number;
  readonly credentialSeconds: number;
}

export function ssoSettings(loaded: LoadedConfig): SsoSettings {
  const sso = loaded.config.sso;
  return {
    publicUrl: loaded.publicUrl,
    startUrl: `${loaded.publicUrl}/start`,
    requireMfa: sso.requireMfa,
    sessionSeconds: Math.round(sso.sessionHours * 3600),
    accessTokenSeconds: sso.accessTokenSeconds,
    credentialSeconds: sso.credentialSeconds,
  };
}

/** The startUrl of a request names this broker: `{publicUrl}/start`, with or without `/`, `#/`. */
export function isOwnStartUrl(startUrl: string, settings: Pick<SsoSettings, 'startUrl'>): boolean {
  return [settings.startUrl, `${settings.startUrl}/`, `${settings.startUrl}#/`, `${settings.startUrl}/#/`].includes(startUrl);
}
