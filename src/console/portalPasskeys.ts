/**
 * Passkeys in the access portal (passkeys.md, sso.md "MFA devices and passkeys (add, remove)"):
 * add one (name it; the browser's passkey prompt), remove one. Both need the person's stable MFA
 * owner (a transient subject has none) and a fresh MFA — within FRESH_MFA_SECONDS, by any factor —
 * except a first passkey where first-sign-in enrolment is allowed; otherwise the one MFA step of
 * the sign-in flow comes first and leads back here. Challenges are bound to the portal session.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Broker } from '../broker.js';
import { mfaMethodOf } from '../credentials/mfaMethod.js';
import { mfaOwnershipIn, type FederatedMfaOwner } from '../mfa/federatedOwner.js';
import { AwsError } from '../errors.js';
import { html, layout, newNonce, contentSecurityPolicy } from '../http/html.js';
import type { Person } from '../sso/person.js';
import { approvalErrorPage } from './approvalPages.js';
import { csrfToken, csrfValid, CSRF_FIELD } from './csrf.js';
import { passkeyForm, passkeyScripts } from './pages.js';
import type { PersonSessions } from './personSession.js';
import type { SigninFlow } from './signinFlow.js';

/** How recent the MFA behind adding or removing a passkey must be. */
export const FRESH_MFA_SECONDS = 300;

export function portalPasskeyRouter(broker: Broker, flow: SigninFlow, persons: PersonSessions, secure: boolean): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: 64 * 1024, parameterLimit: 8 });

  /** A POST of a signed-in person with a stable owner; the handler gets them and the session's binding. */
  const action =
    (handle: (req: Request, res: Response, person: Person, owner: FederatedMfaOwner, binding: string) => Promise<void>) =>
    async (req: Request, res: Response): Promise<void> => {
      if (!csrfValid(req, secure)) return flow.page(res, 403, approvalErrorPage('Request refused', 'The form is missing its anti-forgery token. Reload the page and try again.'));
      const session = await persons.read(req);
      if (session === undefined) return void res.redirect(303, '/start');
      if (!broker.passkeys.relyingParty.available) return flow.page(res, 403, approvalErrorPage('Passkeys not available', 'This broker is reached by an IP address, where browsers cannot use passkeys. Ask your administrator to give it a host name.'));
      const ownership = mfaOwnershipIn(broker.model, session.person);
      if (!('owner' in ownership)) return flow.page(res, 403, approvalErrorPage('Passkeys need a stable identifier', ownership.unstable));
      await handle(req, res, session.person, ownership.owner, `portal:${session.id}`);
    };

  const context = (req: Request) => {
    const info = flow.requestInfo(req);
    return { requestId: info.requestId, sourceIp: info.sourceIp, userAgent: info.userAgent };
  };

  /**
   * May this person change their passkeys now? Removing: a fresh MFA. Adding: a fresh MFA by a
   * passkey when they have one (a phished code or IdP sign-in must not add the phisher's passkey, which
   * would open every role that demands one); else by any factor — but a first factor only as
   * `mfa.federatedEnrollment` allows (first-sign-in: without MFA; admin-only: never here, only with a
   * `fedbroker mfa enrol` link).
   */
  const mayChange = async (person: Person, owner: FederatedMfaOwner, adding: boolean): Promise<boolean> => {
    const fresh = person.mfa !== undefined && Date.now() / 1000 - person.mfa.authenticatedAt <= FRESH_MFA_SECONDS;
    if (!adding) return fresh;
    if ((await broker.passkeys.list(owner)).length > 0) return fresh && mfaMethodOf(person.mfa) === 'webauthn';
    const firstFactor = (await broker.mfa.findEnabledDevice(owner)) === null;
    if (!firstFactor) return fresh;
    return broker.loaded.config.mfa.federatedEnrollment === 'first-sign-in';
  };

  /** The MFA step first (a passkey only where adding needs one), then back to the portal. */
  const stepUpFirst = async (req: Request, res: Response, person: Person, owner: FederatedMfaOwner, notice: string) => {
    const passkeyOnly = notice === 'verified-add' && (await broker.passkeys.list(owner)).length > 0;
    return flow.stepUp(req, res, person, `${broker.loaded.publicUrl}/start?notice=${notice}`, passkeyOnly ? { methods: ['webauthn'] } : {});
  };

  // "Add a passkey": the page with the name field and the browser's prompt.
  router.post(
    '/new',
    form,
    action(async (req, res, person, owner, binding) => {
      if (!(await mayChange(person, owner, true))) return stepUpFirst(req, res, person, owner, 'verified-add');
      let options: string;
      try {
        options = JSON.stringify(await broker.passkeys.registrationOptions({ owner, binding }, { name: person.subject, displayName: `${person.sessionName} (${person.provider})` }));
      } catch (e) {
        if (!(e instanceof AwsError) || e.httpStatus >= 500) throw e;
        return flow.page(res, 400, approvalErrorPage('Passkey not added', e.message));
      }
      const challenge = (JSON.parse(options) as { challenge: string }).challenge;
      const nonce = newNonce();
      const csrf = csrfToken(req, res, secure);
      res
        .status(200)
        .set('content-security-policy', contentSecurityPolicy(nonce))
        .set('cache-control', 'no-store')
        .type('html')
        .send(
          layout(
            'Add a passkey or security key',
            html`<p>A passkey lets you prove it is you with your device's screen lock, your phone or a security key — it cannot be phished, since it only answers this site (<code>${broker.passkeys.relyingParty.id}</code>).</p>
${passkeyForm({ action: '/start/passkeys/add', ceremony: 'register', options, fields: { [CSRF_FIELD]: csrf, challenge }, button: 'Add passkey', nameField: true })}${passkeyScripts(nonce)}
<p><a href="/start">Back to the access portal</a></p>`,
            { nonce },
          ),
        );
    }),
  );

  router.post(
    '/add',
    form,
    action(async (req, res, person, owner, binding) => {
      if (!(await mayChange(person, owner, true))) return stepUpFirst(req, res, person, owner, 'verified-add');
      const body = req.body as Record<string, unknown>;
      try {
        await broker.passkeys.register({ owner, binding }, String(body['challenge'] ?? ''), String(body['name'] ?? ''), body['response'], context(req));
      } catch (e) {
        if (!(e instanceof AwsError) || e.httpStatus >= 500) throw e;
        return flow.page(res, 403, approvalErrorPage('Passkey not added', e.message));
      }
      res.redirect(303, '/start?notice=passkey-added');
    }),
  );

  router.post(
    '/remove',
    form,
    action(async (req, res, person, owner) => {
      const id = String((req.body as Record<string, unknown>)['id'] ?? '');
      if (!(await mayChange(person, owner, false))) {
        await broker.passkeys.auditRefusedRemoval(id, owner, 'Removing a passkey needs a fresh multi-factor authentication.', context(req));
        return stepUpFirst(req, res, person, owner, 'verified-remove');
      }
      try {
        await broker.passkeys.remove(id, owner, context(req));
      } catch (e) {
        if (!(e instanceof AwsError) || e.httpStatus >= 500) throw e;
        return void res.redirect(303, '/start?notice=passkey-not-removed');
      }
      res.redirect(303, '/start?notice=passkey-removed');
    }),
  );

  return router;
}

/** The portal's notices about passkeys (?notice=…). */
export const PASSKEY_NOTICES: Readonly<Record<string, string>> = {
  'passkey-added': 'The passkey was added. Roles that require multi-factor authentication now offer it.',
  'passkey-removed': 'The passkey was removed.',
  'passkey-not-removed': 'The passkey was not removed: it is not one of yours (any more).',
  'verified-add': `Verified. Now add your passkey (within ${FRESH_MFA_SECONDS / 60} minutes).`,
  'verified-remove': `Verified. Now remove the passkey (within ${FRESH_MFA_SECONDS / 60} minutes).`,
};
