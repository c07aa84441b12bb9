/**
 * The pages of the browser flows, server-rendered. Every value that comes from an assertion, a token,
 * the configuration or the user is escaped by the `html` template tag.
 */
import { html, layout, raw, type RawHtml } from '../http/html.js';
import { timeHtml } from '../http/readableTime.js';
import { CSRF_FIELD } from './csrf.js';

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

export function mfaPromptPage(input: { state: string; csrf: string; role: string | undefined; serial: string; error?: string; detail?: string; lockedUntil?: number }): string {
  // A locked device: say until when, and offer no form that could only fail.
  const locked = input.lockedUntil !== undefined;
  return layout(
    'Multi-factor authentication',
    html`<p>${needsMfaText(input.role)} multi-factor authentication. Enter the 6-digit code from your authenticator app (device <code>${input.serial}</code>).</p>
${locked ? html`<p class="error" role="alert">Too many wrong codes: your MFA device is locked until ${timeHtml(input.lockedUntil!)}. After that time, <a href="/console">sign in again</a>.</p>${problem(undefined, input.detail)}` : problem(input.error, input.detail)}
<form method="post" action="/signin/mfa">${hidden('state', input.state)}${hidden(CSRF_FIELD, input.csrf)}<fieldset${locked ? raw(' disabled') : raw('')}>
<label>Code <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required${locked ? raw('') : raw(' autofocus')}></label>
<p><button type="submit">Verify</button></p></fieldset></form>`,
  );
}

export function mfaEnrolmentPage(input: { state: string; csrf: string; role: string | undefined; serial: string; seedBase32: string; qrPngBase64: string; error?: string; detail?: string }): string {
  return layout(
    'Set up multi-factor authentication',
    html`<p>${needsMfaText(input.role)} multi-factor authentication, and you have no device yet. Scan this code with an authenticator app (Google Authenticator, Authy, 1Password, …), then enter two consecutive codes.</p>
${problem(input.error, input.detail)}
<p><img alt="QR code of your new MFA device" width="200" height="200" src="data:image/png;base64,${input.qrPngBase64}"></p>
<p class="muted">Or enter this key by hand: <code>${input.seedBase32}</code><br>Device: <code>${input.serial}</code></p>
<form method="post" action="/signin/mfa/enroll">${hidden('state', input.state)}${hidden(CSRF_FIELD, input.csrf)}
<label>First code <input type="text" name="code1" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required autofocus></label>
<label>Next code (wait for it to change) <input type="text" name="code2" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required></label>
<p><button type="submit">Activate and sign in</button></p></form>`,
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

/** After the enrolment: the device is active; the person continues where the sign-in was going. */
export function mfaActivatedPage(input: { serial: string; role?: string; next: string }): string {
  return layout(
    'MFA device activated',
    html`<p class="notice" role="status">Your MFA device <code>${input.serial}</code> is active. From now on, roles that require multi-factor authentication ask for a code from it.</p>
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
