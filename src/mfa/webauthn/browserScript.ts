/**
 * The browser side of passkeys: @simplewebauthn/browser's own bundle (served as a static file from
 * node_modules, no bundler) and a small script that drives it. Both are loaded by nonce'd <script
 * src> tags from this origin; pages keep a CSP without inline scripts.
 *
 * A form marked `data-webauthn="register|authenticate"` carries the ceremony's options (JSON) in
 * `data-webauthn-options`; on submit the script calls navigator.credentials.create/get through the
 * library, puts the JSON answer in the form's `response` field and posts it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let bundle: string | undefined;

/** The UMD bundle of @simplewebauthn/browser (defines window.SimpleWebAuthnBrowser), read once. */
export function webauthnBrowserBundle(): string {
  if (bundle === undefined) {
    // The package's entry is script/index.js; its bundle sits at dist/bundle/ beside it.
    const entry = createRequire(import.meta.url).resolve('@simplewebauthn/browser');
    bundle = readFileSync(join(dirname(entry), '..', 'dist', 'bundle', 'index.umd.min.js'), 'utf8');
  }
  return bundle;
}

export const PASSKEY_SCRIPT_PATH = '/signin/passkey.js';
export const WEBAUTHN_BUNDLE_PATH = '/signin/webauthn-browser.js';

export const PASSKEY_SCRIPT = `'use strict';
(function () {
  var lib = window.SimpleWebAuthnBrowser;
  function say(form, text) {
    var status = form.querySelector('[data-webauthn-status]');
    if (status) status.textContent = text;
  }
  function problem(e) {
    var name = e && (e.name || (e.cause && e.cause.name));
    if (name === 'NotAllowedError' || name === 'AbortError') return 'The passkey request was cancelled or timed out. Try again.';
    if (name === 'InvalidStateError') return 'This authenticator already holds one of your passkeys. Use another one, or sign in with it.';
    if (name === 'SecurityError') return 'This page’s address does not match the broker’s public URL, so the browser refused to use a passkey here.';
    return 'The passkey could not be used' + (e && e.message ? ': ' + e.message : '.');
  }
  function run(form) {
    if (!lib || !lib.browserSupportsWebAuthn()) { say(form, 'This browser cannot use passkeys. Use your authenticator app instead.'); return; }
    var options = JSON.parse(form.getAttribute('data-webauthn-options'));
    var ceremony = form.getAttribute('data-webauthn') === 'register' ? lib.startRegistration : lib.startAuthentication;
    var button = form.querySelector('button[type=submit]');
    if (button) button.disabled = true;
    say(form, 'Follow your browser’s prompt to use your passkey or security key…');
    ceremony({ optionsJSON: options }).then(function (answer) {
      form.querySelector('input[name=response]').value = JSON.stringify(answer);
      form.submit();
    }, function (e) {
      if (button) button.disabled = false;
      say(form, problem(e));
    });
  }
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute('data-webauthn')) return;
    event.preventDefault();
    run(form);
  });
})();
`;
