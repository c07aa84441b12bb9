/**
 * The pages of command-line sign-in approval: sign in first, enter or confirm the code, allow or deny,
 * done. Every value from a client registration, an identity provider or the person is escaped.
 */
import type { RoleModel } from '../config/model.js';
import { html, layout, type RawHtml } from '../http/html.js';
import type { RoleAccount } from '../roles/accounts.js';
import type { Person } from '../sso/person.js';
import { CSRF_FIELD } from './csrf.js';

const hidden = (name: string, value: string) => html`<input type="hidden" name="${name}" value="${value}">`;

/** `2026-12-06 18:30 UTC (in 7 hours)`. */
export function readableTime(epochSeconds: number, nowMs = Date.now()): string {
  const at = new Date(epochSeconds * 1000).toISOString().replace('T', ' ').slice(0, 16);
  const minutes = Math.round((epochSeconds * 1000 - nowMs) / 60_000);
  const rel = minutes < 0 ? 'ended' : minutes < 60 ? `in ${minutes} min` : `in ${Math.round(minutes / 60)} h`;
  return `${at} UTC (${rel})`;
}

export function whoText(person: Person): RawHtml {
  return html`<strong>${person.sessionName}</strong> <span class="muted">(${person.provider})</span>`;
}

export function signinNeededPage(title: string, why: string, links: readonly RawHtml[]): string {
  return layout(
    title,
    html`<p>${why}</p><p>Sign in through your organisation's identity provider:</p>
<ul>${links.length ? links : html`<li class="muted">No identity provider for browser sign-in is configured.</li>`}</ul>`,
  );
}

export function enterCodePage(input: { csrf: string; code?: string; error?: string; person: Person }): string {
  return layout(
    'Approve command-line sign-in',
    html`<p>Signed in as ${whoText(input.person)}. Enter the code shown by the command (<code>aws sso login</code>, <code>fedbroker login</code>, …) that asked to sign in.</p>
${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
<form method="post" action="/device">${hidden(CSRF_FIELD, input.csrf)}
<label for="user_code">Code</label>
<input type="text" id="user_code" name="user_code" value="${input.code ?? ''}" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="12" placeholder="BCDF-GHJK" required autofocus>
<p><button type="submit">Next</button></p></form>`,
  );
}

export interface ApprovalView {
  readonly csrf: string;
  readonly person: Person;
  readonly clientName: string;
  readonly roles: readonly RoleModel[];
  readonly accounts: readonly RoleAccount[];
  readonly sessionEnd: number;
}

/** What the client will be able to do, said plainly. */
function grantText(view: ApprovalView): RawHtml {
  const names = new Map(view.accounts.map((a) => [a.accountId, a.accountName]));
  return html`<p>If you allow it, <strong>${view.clientName}</strong> can list your accounts and roles and get temporary AWS credentials as you, until ${readableTime(view.sessionEnd)}:</p>
<ul>${view.roles.length ? view.roles.map((r) => html`<li>${r.name} <span class="muted">— ${names.get(r.account) ?? r.account} (${r.account})</span></li>`) : html`<li class="muted">no role at the moment</li>`}</ul>`;
}

export function confirmDevicePage(view: ApprovalView & { userCode: string }): string {
  return layout(
    'Approve command-line sign-in',
    html`<p>Signed in as ${whoText(view.person)}.</p>
<p>Check that your terminal shows this code: <strong class="code">${view.userCode}</strong><br><span class="muted">If you did not start a sign-in just now, deny it.</span></p>
${grantText(view)}
<form method="post" action="/device/decision">${hidden(CSRF_FIELD, view.csrf)}${hidden('user_code', view.userCode)}
<p><button type="submit" name="decision" value="allow">Allow</button> <button type="submit" name="decision" value="deny" class="secondary">Deny</button></p></form>`,
  );
}

export function confirmAuthorizePage(view: ApprovalView & { request: string; redirectHost: string }): string {
  return layout(
    'Approve command-line sign-in',
    html`<p>Signed in as ${whoText(view.person)}.</p>
<p>A program on this computer (<code>${view.redirectHost}</code>) asks to sign in as you.</p>
${grantText(view)}
<form method="post" action="/sso-oidc/authorize/decision">${hidden(CSRF_FIELD, view.csrf)}${hidden('request', view.request)}
<p><button type="submit" name="decision" value="allow">Allow</button> <button type="submit" name="decision" value="deny" class="secondary">Deny</button></p></form>`,
  );
}

export function approvalDonePage(approved: boolean, clientName: string): string {
  return approved
    ? layout('Request approved', html`<p><strong>${clientName}</strong> is signed in. You can close this window and return to your terminal.</p><p><a href="/start">Go to the access portal</a></p>`)
    : layout('Request denied', html`<p>The sign-in of <strong>${clientName}</strong> was denied; it gets no access. You can close this window.</p><p><a href="/start">Go to the access portal</a></p>`);
}

export function approvalErrorPage(title: string, message: string): string {
  return layout(title, html`<p class="error" role="alert">${message}</p><p><a href="/device">Enter a code</a> · <a href="/start">Access portal</a></p>`);
}
