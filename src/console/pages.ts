/**
 * The pages of the browser flows, server-rendered. Every value that comes from an assertion, a token,
 * the configuration or the user is escaped by the `html` template tag.
 */
import { html, layout, raw, type RawHtml } from '../http/html.js';
import { timeHtml } from '../http/readableTime.js';
import { CSRF_FIELD } from './csrf.js';
import { PASSKEY_SCRIPT_PATH, WEBAUTHN_BUNDLE_PATH } from '../mfa/webauthn/browserScript.js';

export interface RoleChoice {
  readonly arn: string;
  readonly name: string;
  /** The account's name (or id) where it helps: "production — ProdAdmin". */
  readonly account?: string;
  readonly description?: string;
  readonly needsMfa: boolean;
}

const hidden = (name: string, value: string) => html`<input type="hidden" name="${name}" value="${value}">`;

export function rolePickerPage(input: { state: string; csrf: string; subject: string; provider: string; roles: readonly RoleChoice[] }): string {
  return layout(
    'Select a role',
    html`<p>Signed in as <strong>${input.subject}</strong> through <strong>${input.provider}</strong>. Choose the role for this session:</p>
${input.roles.map(
  (r) => html`<form class="card" method="post" action="/signin/role">${hidden('state', input.state)}${hidden(CSRF_FIELD, input.csrf)}${hidden('role', r.arn)}
<div><strong>${r.account !== undefined ? `${r.account} — ${r.name}` : r.name}</strong> <code class="muted">${r.arn}</code></div>${r.description ? html`<div class="muted">${r.description}</div>` : ''}
${r.needsMfa ? html`<div class="muted">Requires multi-factor authentication.</div>` : ''}<p><button type="submit">Sign in as ${r.name}${r.account !== undefined ? ` (${r.account})` : ''}</button></p></form>`,
)}`,
  );
}

/** What asks for MFA: a role, or (no role) a step such as approving command-line access. */
const needsMfaText = (role: string | undefined) => (role !== undefined ? html`The role <strong>${role}</strong> requires` : html`This step requires`);

/** `error`: what the person is told; `detail`: the broker's own wording (as in the audit log), shown small. */
const problem = (error: string | undefined, detail: string | undefined) =>
  html`${error ? html`<p class="error" role="alert">${error}</p>` : ''}${detail && detail !== error ? html`<p class="muted">Details: ${detail}</p>` : ''}`;

/**
 * A passkey ceremony on a page (passkeys.md): a form the nonce'd passkey script drives — it asks the
 * browser (navigator.credentials) with `options` and posts the answer; nothing happens without a click.
 */
export interface PasskeyForm {
  readonly action: string;
  readonly ceremony: 'register' | 'authenticate';
  /** PublicKeyCredential{Creation,Request}OptionsJSON, as JSON text. */
  readonly options: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly button: string;
  /** Registration: ask for the passkey's name. */
  readonly nameField?: boolean;
}

export function passkeyForm(form: PasskeyForm): RawHtml {
  return html`<form method="post" action="${form.action}" data-webauthn="${form.ceremony}" data-webauthn-options="${form.options}">${Object.entries(form.fields).map(([k, v]) => hidden(k, v))}<input type="hidden" name="response" value="">
${form.nameField ? html`<label>Name of this passkey <input type="text" name="name" maxlength="64" placeholder="e.g. Laptop, YubiKey" autocomplete="off"></label>` : ''}
<p><button type="submit">${form.button}</button></p><p class="muted" data-webauthn-status role="status" aria-live="polite"></p></form>`;
}

/** The two scripts of a passkey page (same origin, allowed by the page's nonce). */
export function passkeyScripts(nonce: string): RawHtml {
  return html`<noscript><p class="muted">Passkeys need JavaScript.</p></noscript><script nonce="${nonce}" src="${WEBAUTHN_BUNDLE_PATH}"></script><script nonce="${nonce}" src="${PASSKEY_SCRIPT_PATH}"></script>`;
}

/** A passkey section of an MFA step, with the nonce its scripts run under. */
export interface PasskeyStep {
  readonly options: string;
  readonly nonce: string;
}

export function mfaPromptPage(input: { state: string; csrf: string; role: string | undefined; serial?: string; passkey?: PasskeyStep; error?: string; detail?: string; lockedUntil?: number; onlyPasskey?: boolean }): string {
  // A locked device: say until when, and offer no form that could only fail.
  const locked = input.lockedUntil !== undefined;
  const totp =
    input.serial === undefined
      ? ''
      : html`${input.passkey ? html`<h2>Or a code from your authenticator app</h2>` : ''}<p>Enter the 6-digit code from your authenticator app (device <code>${input.serial}</code>).</p>
${locked ? html`<p class="error" role="alert">Too many wrong codes: your MFA device is locked until ${timeHtml(input.lockedUntil!)}. After that time, <a href="/console">sign in again</a>.</p>` : ''}
<form method="post" action="/signin/mfa">${hidden('state', input.state)}${hidden(CSRF_FIELD, input.csrf)}<fieldset${locked ? raw(' disabled') : raw('')}>
<label>Code <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required${locked || input.passkey ? raw('') : raw(' autofocus')}></label>
<p><button type="submit">Verify</button></p></fieldset></form>`;
  const passkey = input.passkey
    ? html`<h2>Use a passkey</h2><p>Use a passkey or security key you registered here.</p>${passkeyForm({ action: '/signin/webauthn', ceremony: 'authenticate', options: input.passkey.options, fields: { state: input.state, [CSRF_FIELD]: input.csrf }, button: 'Use a passkey or security key' })}${passkeyScripts(input.passkey.nonce)}`
    : '';
  return layout(
    'Multi-factor authentication',
    html`<p>${needsMfaText(input.role)} ${input.onlyPasskey ? 'a passkey or security key (phishing-resistant multi-factor authentication)' : 'multi-factor authentication'}.</p>
${locked ? problem(undefined, input.detail) : problem(input.error, input.detail)}${passkey}${totp}`,
    input.passkey ? { nonce: input.passkey.nonce } : {},
  );
}

export function mfaEnrolmentPage(input: {
  state: string;
  csrf: string;
  role: string | undefined;
  /** The TOTP device offered (absent when the step accepts passkeys only). */
  totp?: { serial: string; seedBase32: string; qrPngBase64: string };
  passkey?: PasskeyStep;
  error?: string;
  detail?: string;
}): string {
  const passkey = input.passkey
    ? html`<h2>Add a passkey or security key</h2><p>Your device's screen lock, a phone or a security key (phishing-resistant). Give it a name to recognise it later.</p>${passkeyForm({ action: '/signin/webauthn/enroll', ceremony: 'register', options: input.passkey.options, fields: { state: input.state, [CSRF_FIELD]: input.csrf }, button: 'Add a passkey and sign in', nameField: true })}${passkeyScripts(input.passkey.nonce)}`
    : '';
  const t = input.totp;
  const totp = t
    ? html`<h2>${input.passkey ? 'Or set up an authenticator app' : 'Set up an authenticator app'}</h2><p>Scan this code with an authenticator app (Google Authenticator, Authy, 1Password, …), then enter two consecutive codes.</p>
<p><img alt="QR code of your new MFA device" width="200" height="200" src="data:image/png;base64,${t.qrPngBase64}"></p>
<p class="muted">Or enter this key by hand: <code>${t.seedBase32}</code><br>Device: <code>${t.serial}</code></p>
<form method="post" action="/signin/mfa/enroll">${hidden('state', input.state)}${hidden(CSRF_FIELD, input.csrf)}
<label>First code <input type="text" name="code1" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required${input.passkey ? raw('') : raw(' autofocus')}></label>
<label>Next code (wait for it to change) <input type="text" name="code2" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required></label>
<p><button type="submit">Activate and sign in</button></p></form>`
    : '';
  return layout(
    'Set up multi-factor authentication',
    html`<p>${needsMfaText(input.role)} multi-factor authentication, and you have nothing set up yet.</p>
${problem(input.error, input.detail)}${passkey}${totp}`,
    input.passkey ? { nonce: input.passkey.nonce } : {},
  );
}

export function errorPage(title: string, message: string, details?: RawHtml, next: { href: string; label: string } = { href: '/console', label: 'Back to sign-in' }): string {
  return layout(title, html`<p class="error">${message}</p>${details ?? ''}<p><a href="${next.href}">${next.label}</a></p>`);
}

/** A sign-in (an assertion, a form) sent a second time: by a refresh, the Back button, a double click. */
export function alreadyUsedPage(detail: string): string {
  return errorPage(
    'This sign-in was already used',
    'Each sign-in works once, and this one was already used: refreshing the page or going back sends it again. Sign in again to continue.',
    html`<p class="muted">Details: ${detail}</p>`,
    { href: '/console', label: 'Sign in again' },
  );
}

/** What an enrolment set up: a TOTP device (its serial) or a passkey (its name). */
export type Activated = { readonly serial: string } | { readonly passkey: string };

/** After the enrolment: the device is active; the person continues where the sign-in was going. */
export function mfaActivatedPage(input: { activated: Activated; role?: string; next: string }): string {
  const a = input.activated;
  return layout(
    'serial' in a ? 'MFA device activated' : 'Passkey added',
    html`<p class="notice" role="status">${
      'serial' in a
        ? html`Your MFA device <code>${a.serial}</code> is active. From now on, roles that require multi-factor authentication ask for a code from it.`
        : html`Your passkey <strong>${a.passkey}</strong> is registered. From now on, roles that require multi-factor authentication ask for it.`
    }</p>
${input.role !== undefined ? html`<p>You are signed in as <strong>${input.role}</strong>.</p>` : ''}<p><a href="${input.next}">Continue</a></p>`,
  );
}

/** An auto-submitting form (HTTP-POST binding), with a nonce-allowed script and a button fallback. */
export function autoPostPage(input: { action: string; fields: Readonly<Record<string, string>>; nonce: string; title: string }): string {
  return layout(
    input.title,
    html`<form id="post" method="post" action="${input.action}">${Object.entries(input.fields).map(([k, v]) => hidden(k, v))}
<noscript><p>JavaScript is off: press the button to continue.</p></noscript><button type="submit">Continue</button></form>
<script nonce="${input.nonce}">document.getElementById('post').submit();</script>`,
    { nonce: input.nonce },
  );
}

export { raw };
