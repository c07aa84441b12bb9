/**
 * The pages of the access portal (/start): accounts and roles with their two doors (console,
 * command-line access), how to sign in from the command line, MFA devices, active CLI sessions, and
 * the command-line credentials shown after a click. Every value shown is escaped.
 */
import type { RoleModel } from '../config/model.js';
import { html, layout, raw, type RawHtml } from '../http/html.js';
import type { MfaDeviceView } from '../mfa/mfaService.js';
import type { PasskeyView } from '../mfa/webauthn/index.js';
import type { RoleAccount } from '../roles/accounts.js';
import { mfaMethod, type Person } from '../sso/person.js';
import type { ListedSession } from '../sso/sessions.js';
import { readableTime, whoText } from './approvalPages.js';
import { CSRF_FIELD } from './csrf.js';

const hidden = (name: string, value: string) => html`<input type="hidden" name="${name}" value="${value}">`;

export interface PortalView {
  readonly csrf: string;
  readonly person: Person;
  readonly publicUrl: string;
  readonly accounts: readonly RoleAccount[];
  readonly allowed: readonly RoleModel[];
  readonly needMfa: readonly RoleModel[];
  /** ARNs of the roles of `needMfa` only a passkey opens. */
  readonly passkeyOnly?: ReadonlySet<string>;
  readonly devices: readonly MfaDeviceView[];
  readonly passkeys: readonly PasskeyView[];
  readonly passkeysAvailable: boolean;
  readonly sessions: readonly ListedSession[];
  readonly nowMs: number;
  readonly notice?: string;
}

function postButton(action: string, csrf: string, label: string, fields: Record<string, string> = {}, options: { secondary?: boolean; aria?: string } = {}): RawHtml {
  return html`<form method="post" action="${action}">${hidden(CSRF_FIELD, csrf)}${Object.entries(fields).map(([k, v]) => hidden(k, v))}<button type="submit"${options.secondary ? raw(' class="secondary"') : ''}${options.aria ? html` aria-label="${options.aria}"` : ''}>${label}</button></form>`;
}

function mfaText(person: Person): string {
  const method = mfaMethod(person.mfa);
  return method === undefined ? 'not verified in this sign-in' : method === 'idp' ? 'verified by your identity provider' : method === 'webauthn' ? 'verified with a passkey' : 'verified with your authenticator app';
}

function roleRow(view: PortalView, role: RoleModel, takeable: boolean): RawHtml {
  const label = role.name;
  return html`<li class="role"><h3>${label}</h3>${role.description ? html`<div class="muted">${role.description}</div>` : ''}
<div class="actions">${
    takeable
      ? [
          postButton('/start/console', view.csrf, 'Management console', { role: role.arn }, { aria: `Management console as ${label}` }),
          postButton('/start/credentials', view.csrf, 'Command line access', { role: role.arn }, { secondary: true, aria: `Command line access as ${label}` }),
        ]
      : view.passkeyOnly?.has(role.arn)
        ? [html`<span class="muted">Requires a passkey or security key.</span>`, postButton('/start/mfa', view.csrf, 'Verify with a passkey', { method: 'webauthn' }, { secondary: true, aria: `Verify with a passkey to use ${label}` })]
        : [html`<span class="muted">Requires multi-factor authentication.</span>`, postButton('/start/mfa', view.csrf, 'Verify with MFA', {}, { secondary: true, aria: `Verify with MFA to use ${label}` })]
  }</div></li>`;
}

function accountsSection(view: PortalView): RawHtml {
  if (view.accounts.length === 0) {
    return html`<p class="muted">No role of any account allows you at the moment. Ask an administrator for access.</p>`;
  }
  return html`${view.accounts.map((a) => {
    const roles = [...view.allowed.map((r) => ({ r, ok: true })), ...view.needMfa.map((r) => ({ r, ok: false }))].filter(({ r }) => r.account === a.accountId);
    return html`<section class="card" aria-labelledby="acct-${a.accountId}"><h3 id="acct-${a.accountId}">${a.accountName} <span class="muted">${a.accountId}${a.emailAddress ? html` · ${a.emailAddress}` : ''}</span></h3>
<ul class="roles">${roles.map(({ r, ok }) => roleRow(view, r, ok))}</ul></section>`;
  })}`;
}

/** The values `aws configure sso` asks for, and the ~/.aws/config they amount to. */
export function cliSetup(publicUrl: string, example?: { account: string; role: string }): RawHtml {
  const account = example?.account ?? '123456789012';
  const role = example?.role ?? 'RoleName';
  const config = `[sso-session fedbroker]
sso_start_url = ${publicUrl}/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile ${role}]
sso_session = fedbroker
sso_account_id = ${account}
sso_role_name = ${role}
region = us-east-1`;
  return html`<p>With AWS CLI v2.13 or later (and the AWS SDKs), point the two SSO services at this broker, then sign in with <code>aws sso login</code>:</p>
<div class="copyable"><button type="button" data-copy="cli-env" aria-label="Copy the environment variables">Copy</button><pre id="cli-env">export AWS_ENDPOINT_URL_SSO_OIDC=${publicUrl}/sso-oidc
export AWS_ENDPOINT_URL_SSO=${publicUrl}/sso-portal</pre></div>
<div class="scroll"><table><caption class="muted">aws configure sso</caption>
<tr><th scope="row">SSO session name</th><td><code>fedbroker</code></td></tr>
<tr><th scope="row">SSO start URL</th><td><code>${publicUrl}/start</code></td></tr>
<tr><th scope="row">SSO region</th><td><code>us-east-1</code> (any region: the endpoints above are used)</td></tr>
<tr><th scope="row">SSO registration scopes</th><td><code>sso:account:access</code></td></tr></table></div>
<p>Or write <code>~/.aws/config</code> yourself:</p>
<div class="copyable"><button type="button" data-copy="cli-config" aria-label="Copy the AWS CLI configuration">Copy</button><pre id="cli-config">${config}</pre></div>
<p>Older CLIs and other tools: <code>credential_process = npx fedbroker login --url ${publicUrl} --account ${account} --role ${role}</code></p>`;
}

/** The person's passkeys: name, added, last used, remove (which needs a fresh MFA); and "add one". */
function passkeysSection(view: PortalView): RawHtml {
  const day = (ms: number | null) => (ms === null ? html`<span class="muted">never</span>` : readableTime(Math.floor(ms / 1000), view.nowMs).replace(/ \(.*\)$/, ''));
  const list =
    view.passkeys.length === 0
      ? html`<p>You have no passkey. A passkey (your device's screen lock, a phone, a security key) is multi-factor authentication that cannot be phished; some roles require one.</p>`
      : html`<div class="scroll"><table><caption class="muted">Passkeys and security keys</caption><tr><th scope="col">Name</th><th scope="col">Added</th><th scope="col">Last used</th><th scope="col"><span class="muted">Remove (needs a recent MFA)</span></th></tr>
${view.passkeys.map((p) => html`<tr><td>${p.name}</td><td>${day(p.createdAt)}</td><td>${day(p.lastUsedAt)}</td><td>${postButton('/start/passkeys/remove', view.csrf, 'Remove', { id: p.id }, { secondary: true, aria: `Remove the passkey ${p.name}` })}</td></tr>`)}</table></div>`;
  return html`${list}${postButton('/start/passkeys/new', view.csrf, 'Add a passkey or security key', {}, { secondary: true })}`;
}

/** Passkeys, where this broker's address allows them (not on an IP address). */
function passkeysPart(view: PortalView): RawHtml | string {
  return view.passkeysAvailable ? passkeysSection(view) : '';
}

function devicesSection(view: PortalView): RawHtml {
  const enabled = view.devices.filter((d) => d.enabled);
  if (enabled.length === 0) {
    return html`${passkeysPart(view)}<p>You have no MFA device. Roles that need MFA your identity provider did not do will ask you to set one up (or to use a passkey).</p>${postButton('/start/mfa', view.csrf, 'Set up an MFA device', {}, { secondary: true })}`;
  }
  return html`<div class="scroll"><table><tr><th scope="col">Device</th><th scope="col">Enabled</th><th scope="col"><span class="muted">Remove (needs a current code)</span></th></tr>
${enabled.map(
  (d) => html`<tr><td><code>${d.serial}</code></td><td>${d.enabledAt !== null ? readableTime(Math.floor(d.enabledAt / 1000), view.nowMs).replace(/ \(.*\)$/, '') : ''}</td>
<td><form method="post" action="/start/mfa/remove" class="actions">${hidden(CSRF_FIELD, view.csrf)}${hidden('serial', d.serial)}<label for="code-${d.serial}">Code</label><input type="text" id="code-${d.serial}" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required><button type="submit" class="secondary">Remove</button></form></td></tr>`,
)}</table></div>${passkeysPart(view)}`;
}

function sessionsSection(view: PortalView): RawHtml {
  if (view.sessions.length === 0) return html`<p class="muted">No command-line session is active.</p>`;
  return html`<div class="scroll"><table><tr><th scope="col">Client</th><th scope="col">Signed in</th><th scope="col">Last used</th><th scope="col">Ends</th><th scope="col"><span class="muted">End it</span></th></tr>
${view.sessions.map(
  ({ session, lastUsedAt }) => html`<tr><td>${session.clientName}</td><td>${readableTime(Math.floor(session.createdAt / 1000), view.nowMs).replace(/ \(.*\)$/, '')}</td>
<td>${lastUsedAt !== undefined ? readableTime(Math.floor(lastUsedAt / 1000), view.nowMs).replace(/ \(.*\)$/, '') : html`<span class="muted">—</span>`}</td><td>${readableTime(Math.floor(session.expiresAt / 1000), view.nowMs)}</td>
<td>${postButton('/start/sessions/end', view.csrf, 'End', { session: session.id }, { secondary: true, aria: `End the session of ${session.clientName}` })}</td></tr>`,
)}</table></div>`;
}

export function portalPage(view: PortalView, nonce: string): string {
  const first = view.allowed[0];
  return layout(
    'AWS access portal',
    html`${view.notice ? html`<p role="status"><strong>${view.notice}</strong></p>` : ''}
<div class="actions"><span>Signed in as ${whoText(view.person)} · MFA ${mfaText(view.person)} · until ${readableTime(view.person.sessionEnd, view.nowMs)}</span>${postButton('/start/logout', view.csrf, 'Sign out', {}, { secondary: true })}</div>
<h2>Accounts</h2>${accountsSection(view)}
<h2>Command-line sign-in</h2>${cliSetup(view.publicUrl, first ? { account: first.account, role: first.name } : undefined)}
<h2>MFA devices and passkeys</h2>${devicesSection(view)}
<h2>Active command-line sessions</h2>${sessionsSection(view)}
<script nonce="${nonce}" src="/start/copy.js"></script>`,
    { nonce },
  );
}

export interface CredentialsView {
  readonly role: RoleModel;
  readonly accountName: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  readonly nowMs: number;
}

export function credentialsPage(view: CredentialsView, nonce: string): string {
  const account = view.role.account;
  const profile = `${view.role.name}-${account}`;
  const block = (id: string, title: string, text: string) =>
    html`<h2 id="${id}-title">${title}</h2><div class="copyable"><button type="button" data-copy="${id}" aria-label="Copy: ${title}">Copy</button><pre id="${id}" aria-labelledby="${id}-title">${text}</pre></div>`;
  return layout(
    'Command line access',
    html`<p><strong>${view.role.name}</strong> in ${view.accountName} (${account}). These credentials work until ${readableTime(Math.floor(view.expiration.getTime() / 1000), view.nowMs)}; keep them secret.</p>
${block('bash', 'Bash, zsh (macOS, Linux)', `export AWS_ACCESS_KEY_ID="${view.accessKeyId}"\nexport AWS_SECRET_ACCESS_KEY="${view.secretAccessKey}"\nexport AWS_SESSION_TOKEN="${view.sessionToken}"`)}
${block('powershell', 'PowerShell (Windows)', `$Env:AWS_ACCESS_KEY_ID="${view.accessKeyId}"\n$Env:AWS_SECRET_ACCESS_KEY="${view.secretAccessKey}"\n$Env:AWS_SESSION_TOKEN="${view.sessionToken}"`)}
${block('credentials-file', 'AWS credentials file (~/.aws/credentials)', `[${profile}]\naws_access_key_id=${view.accessKeyId}\naws_secret_access_key=${view.secretAccessKey}\naws_session_token=${view.sessionToken}`)}
<p><a href="/start">Back to the access portal</a></p>
<script nonce="${nonce}" src="/start/copy.js"></script>`,
    { nonce },
  );
}

/** The copy buttons: the text of the element a button names goes to the clipboard (no inline script). */
export const COPY_SCRIPT = `'use strict';
document.addEventListener('click', function (event) {
  var button = event.target.closest && event.target.closest('button[data-copy]');
  if (!button) return;
  var target = document.getElementById(button.getAttribute('data-copy'));
  if (!target) return;
  var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 2000); };
  var fallback = function () {
    var range = document.createRange(); range.selectNodeContents(target);
    var selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
    try { if (document.execCommand('copy')) done(); } catch (e) { /* the text stays selected for the person to copy */ }
  };
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(target.textContent).then(done, fallback); else fallback();
});
`;
