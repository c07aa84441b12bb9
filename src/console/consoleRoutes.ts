/**
 * The console pages: the shared sign-in steps under /signin (role picker, MFA step-up, enrolment) and
 * /console — who you are when signed in, the identity providers when not. Every form is protected by
 * a CSRF token; every page has a strict Content-Security-Policy.
 */
import express, { type Router } from 'express';
import type { Broker } from '../broker.js';
import { DEV_OIDC_PATH } from '../dev/oidcIdp.js';
import { sessionCaller } from '../federation/sigv4/callers.js';
import { html, layout } from '../http/html.js';
import { timeHtml } from '../http/readableTime.js';
import { noteRequest } from '../http/requestLog.js';
import { hasKey } from '../sessions/tags/limits.js';
import type { ConsoleSessions } from './consoleSession.js';
import { csrfToken, csrfValid, CSRF_FIELD } from './csrf.js';
import { errorPage } from './pages.js';
import { providerLinks } from './providerLinks.js';
import { recordSigninEvent } from './signinEvents.js';
import type { SigninFlow } from './signinFlow.js';
import { PASSKEY_SCRIPT, PASSKEY_SCRIPT_PATH, WEBAUTHN_BUNDLE_PATH, webauthnBrowserBundle } from '../mfa/webauthn/index.js';

export function signinRouter(broker: Broker, flow: SigninFlow): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: broker.loaded.config.limits.maxBodyBytes, parameterLimit: 20 });
  router.use(flow.throttle);
  router.post('/role', form, (req, res) => flow.chooseRole(req, res));
  router.post('/mfa', form, (req, res) => flow.verifyMfa(req, res));
  router.post('/mfa/enroll', form, (req, res) => flow.enrollMfa(req, res));
  router.post('/webauthn', form, (req, res) => flow.verifyPasskey(req, res));
  router.post('/webauthn/enroll', form, (req, res) => flow.enrollPasskey(req, res));
  // The passkey pages' scripts (same origin, loaded under each page's nonce).
  const script = (body: () => string) => (_req: express.Request, res: express.Response) => void res.set('cache-control', 'public, max-age=3600').type('application/javascript').send(body());
  router.get(PASSKEY_SCRIPT_PATH.replace('/signin', ''), script(() => PASSKEY_SCRIPT));
  router.get(WEBAUTHN_BUNDLE_PATH.replace('/signin', ''), script(webauthnBrowserBundle));
  return router;
}

export function consoleRouter(broker: Broker, flow: SigninFlow, sessions: ConsoleSessions, secure: boolean): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: 4096, parameterLimit: 5 });

  router.get('/', (req, res) => {
    const session = sessions.read(req);
    // ?signedOut: where the sign-out lands, so the person sees that it worked.
    if (session === undefined) return flow.page(res, 200, signinPage(broker, req.query['signedOut'] !== undefined));
    const c = session.claims;
    const p = c.principal;
    const csrf = csrfToken(req, res, secure);
    const roleArn = p.kind === 'AssumedRole' ? `arn:${c.partition}:iam::${c.account}:role${p.rolePath}${p.roleName}` : undefined;
    const arn = sessionCaller(c).arn;
    noteRequest(res, { principal: arn });
    flow.page(
      res,
      200,
      layout(
        'Console',
        html`<div class="card"><table>
<tr><th>Signed in as</th><td><code>${arn}</code></td></tr>
${roleArn ? html`<tr><th>Role</th><td><code>${roleArn}</code></td></tr>` : ''}
${c.federated ? html`<tr><th>Identity provider</th><td>${c.federated.provider} (${c.federated.type.toUpperCase()})</td></tr><tr><th>Subject</th><td><code>${c.federated.subject}</code></td></tr>` : ''}
${c.sourceIdentity !== undefined ? html`<tr><th>Source identity</th><td><code>${c.sourceIdentity}</code></td></tr>` : ''}
${c.tags !== undefined ? html`<tr><th>Session tags</th><td><ul class="tags">${c.tags.tags.map((t) => html`<li><code>${t.key}</code> = <code>${t.value}</code>${hasKey(c.tags!.transitiveTagKeys, t.key) ? html` <span class="muted">(transitive)</span>` : ''}</li>`)}</ul></td></tr>` : ''}
<tr><th>MFA</th><td>${c.mfa ? 'yes' : 'no'}</td></tr>
<tr><th>Session expires</th><td>${timeHtml(session.expiresAt * 1000)}</td></tr>
</table></div>
<form method="post" action="/console/logout"><input type="hidden" name="${CSRF_FIELD}" value="${csrf}"><button type="submit">Sign out</button></form>`,
      ),
    );
  });

  router.post('/logout', flow.throttle, form, async (req, res) => {
    if (!csrfValid(req, secure)) return flow.page(res, 403, errorPage('Request refused', 'The form is missing its anti-forgery token.'));
    const claims = await sessions.end(req, res);
    if (claims !== undefined) await recordSigninEvent(broker, flow.requestInfo(req), claims, { eventName: 'ConsoleLogout', responseElements: { ConsoleLogout: 'Success' } });
    res.redirect(302, `${broker.loaded.publicUrl}/console?signedOut`);
  });

  return router;
}

function signinPage(broker: Broker, signedOut: boolean): string {
  const links = providerLinks(broker.model);
  const dev = broker.loaded.config.devIdentityProviders
    ? html`<h2>Development identity providers</h2><ul><li><a href="/dev/saml">Development SAML IdP</a> — demo users alice, bob, carol</li><li><a href="${DEV_OIDC_PATH}">Development OpenID provider</a> — ID tokens for the CLI</li></ul>`
    : '';
  return layout(
    'Sign in',
    html`${signedOut ? html`<p class="notice" role="status">You have signed out. Your console session has ended on every instance of this broker.</p>` : ''}<p>Sign in through your organisation's identity provider.</p><ul>${links.length ? links : html`<li class="muted">No identity provider for browser sign-in is configured.</li>`}</ul>${dev}`,
  );
}
