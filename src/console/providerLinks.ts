/**
 * The "sign in through your identity provider" list: every enabled SAML provider (SP-initiated where
 * its metadata has a redirect endpoint) and every OIDC provider with browser sign-in. `relayState`
 * is where the sign-in continues (a path on this broker: /start, /device?…).
 */
import type { BrokerModel } from '../config/model.js';
import { currentMetadata } from '../federation/saml/index.js';
import { html, type RawHtml } from '../http/html.js';

export function providerLinks(model: BrokerModel, relayState?: string): RawHtml[] {
  const relay = relayState !== undefined ? `&RelayState=${encodeURIComponent(relayState)}` : '';
  const links = model.samlProviders
    .filter((p) => p.settings.enabled)
    .map((p) => {
      let sp = false;
      try {
        sp = currentMetadata(p.settings.metadata).ssoRedirectUrl !== undefined;
      } catch {
        sp = false;
      }
      return html`<li><strong>${p.settings.name}</strong> (SAML) ${sp ? html`— <a href="/saml/login?provider=${encodeURIComponent(p.settings.name)}${relay}">sign in</a>` : html`<span class="muted">— start from your identity provider's portal</span>`}</li>`;
    });
  const oidc = model.oidcProviders.filter((p) => p.settings.enabled && p.login !== undefined);
  links.push(...oidc.map((p) => html`<li><strong>${p.settings.name}</strong> (OpenID Connect) — <a href="/oidc/login?provider=${encodeURIComponent(p.settings.name)}${relay}">sign in</a></li>`));
  return links;
}
