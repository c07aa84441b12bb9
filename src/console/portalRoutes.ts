/**
 * The access portal, /start — where people start (sso.md): after signing in through their identity
 * provider, the accounts and roles they may take, each with *Management console* (a console session
 * of that role) and *Command line access* (credentials minted on the click, never on page load);
 * how to set up the AWS CLI; their MFA devices; their active command-line sessions (end one); sign
 * out. Credentials come from the one issuer of sso/ (issuer.ts), as for GetRoleCredentials.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Broker } from '../broker.js';
import { contentSecurityPolicy, newNonce } from '../http/html.js';
import { accountsOfRoles } from '../roles/accounts.js';
import { judgePersonRoles } from '../sso/catalog.js';
import { PORTAL_EVENT_SOURCE, recordSsoEvent } from '../sso/audit.js';
import type { Person } from '../sso/person.js';
import { AwsError } from '../errors.js';
import { mfaOwnerKey } from '../store/mfa-owner.js';
import { approvalErrorPage, signinNeededPage } from './approvalPages.js';
import { csrfToken, csrfValid } from './csrf.js';
import type { PersonSessions } from './personSession.js';
import { COPY_SCRIPT, credentialsPage, portalPage } from './portalPages.js';
import { providerLinks } from './providerLinks.js';
import type { ConsoleOpening } from '../sessions/issuer.js';
import type { SigninFlow } from './signinFlow.js';
import { mfaOwnershipIn } from '../mfa/federatedOwner.js';
import { ENROLMENT_GRANT_PARAM, enrolmentGrantValid } from '../mfa/enrolmentGrants.js';
import { PASSKEY_NOTICES, portalPasskeyRouter } from './portalPasskeys.js';

export function portalRouter(broker: Broker, flow: SigninFlow, persons: PersonSessions, secure: boolean): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: 4096, parameterLimit: 5 });

  /** Pages with the copy script: a fresh nonce each. */
  const scripted = (res: Response, status: number, render: (nonce: string) => string): void => {
    const nonce = newNonce();
    // The console button may end at the AWS console (an upstream role): its origin is a form target.
    res.status(status).set('content-security-policy', contentSecurityPolicy(nonce, broker.consoleOrigins)).set('cache-control', 'no-store').type('html').send(render(nonce));
  };

  const signedIn = async (req: Request, res: Response): Promise<Person | undefined> => {
    const session = await persons.read(req);
    if (session === undefined) flow.page(res, 200, signinNeededPage('Sign in', 'Sign in to see your AWS accounts and roles.', providerLinks(broker.model, '/start')));
    return session?.person;
  };

  /** POSTs: anti-forgery token and a signed-in person; the handler gets both. */
  const action = (handle: (req: Request, res: Response, person: Person) => Promise<void>) => async (req: Request, res: Response) => {
    if (!csrfValid(req, secure)) return flow.page(res, 403, approvalErrorPage('Request refused', 'The form is missing its anti-forgery token. Reload the page and try again.'));
    const session = await persons.read(req);
    if (session === undefined) return void res.redirect(303, '/start');
    await handle(req, res, session.person);
  };

  /**
   * Credentials of the role a form names, if this person may take it now (judged again: nothing the
   * page said is trusted), through the one issuer; otherwise the refusal page is sent.
   */
  const issueFor = async (req: Request, res: Response, person: Person) => {
    const arn = String((req.body as Record<string, unknown>)['role'] ?? '');
    const info = flow.requestInfo(req);
    const allowed = judgePersonRoles(broker.model, person, info).allowed;
    const role = allowed.find((r) => r.arn === arn);
    if (role === undefined) return void flow.page(res, 403, approvalErrorPage('Role not available', 'That role is not available to you now.'));
    try {
      return { role, info, allowed, credentials: await broker.sso.portal.issue(role, person, info.receivedAt) };
    } catch (e) {
      // An upstream's refusal or silence: a page with its status, never a 500.
      if (!(e instanceof AwsError)) throw e;
      return void flow.page(res, e.httpStatus, approvalErrorPage(e.httpStatus >= 500 ? 'Credentials not available' : 'Credentials refused', e.message));
    }
  };

  router.use(flow.throttle);

  router.get('/copy.js', (_req, res) => {
    res.set('cache-control', 'public, max-age=3600').type('application/javascript').send(COPY_SCRIPT);
  });

  router.get('/', async (req, res) => {
    // An administrator's enrolment link (`fedbroker mfa enrol`): sign in, then enrol.
    const grant = typeof req.query[ENROLMENT_GRANT_PARAM] === 'string' ? req.query[ENROLMENT_GRANT_PARAM] : undefined;
    if (grant !== undefined) {
      const session = await persons.read(req);
      const back = `/start?${ENROLMENT_GRANT_PARAM}=${encodeURIComponent(grant)}`;
      if (session === undefined) return flow.page(res, 200, signinNeededPage('Sign in to set up MFA', 'Your administrator sent you this link to set up a passkey or an authenticator app. Sign in first, as yourself.', providerLinks(broker.model, back)));
      const ownership = mfaOwnershipIn(broker.model, session.person);
      if (!('owner' in ownership) || !(await enrolmentGrantValid(broker.store, grant, ownership.owner))) {
        return flow.page(res, 403, approvalErrorPage('Enrolment link not valid', 'This enrolment link is not for the identity you signed in with, was already used, or expired (links work once, for 15 minutes). Ask your administrator for a new one.'));
      }
      return flow.stepUp(req, res, session.person, `${broker.loaded.publicUrl}/start`, { enrolGrant: grant });
    }
    const person = await signedIn(req, res);
    if (person === undefined) return;
    const info = flow.requestInfo(req);
    const model = broker.model;
    const { allowed, needMfa, passkeyOnly } = judgePersonRoles(model, person, info);
    // Devices belong to the person's stable identifier (mfa/federatedOwner.ts); a transient one owns none.
    const ownership = mfaOwnershipIn(model, person);
    const devices = 'owner' in ownership ? await broker.mfa.list(mfaOwnerKey(ownership.owner)!) : [];
    const passkeys = 'owner' in ownership ? await broker.passkeys.list(ownership.owner) : [];
    const sessions = await broker.sso.sessions.listFor(person, info.receivedAt);
    const notice = typeof req.query['notice'] === 'string' ? NOTICES[req.query['notice']] : undefined;
    const csrf = csrfToken(req, res, secure);
    scripted(res, 200, (nonce) =>
      portalPage({ csrf, person, publicUrl: broker.loaded.publicUrl, accounts: accountsOfRoles(model, [...allowed, ...needMfa]), allowed, needMfa, ...(passkeyOnly ? { passkeyOnly } : {}), devices, passkeys, passkeysAvailable: broker.passkeys.relyingParty.available, sessions, nowMs: info.receivedAt, ...(notice ? { notice } : {}) }, nonce),
    );
  });

  router.post(
    '/credentials',
    form,
    action(async (req, res, person) => {
      const issued = await issueFor(req, res, person);
      if (issued === undefined) return;
      const { role, info, credentials } = issued;
      await recordSsoEvent(broker.audit, broker.model.account, {
        eventSource: PORTAL_EVENT_SOURCE,
        eventName: 'GetRoleCredentials',
        info,
        person,
        requestParameters: { accountId: role.account, roleName: role.name },
        additionalEventData: { via: 'access portal', roleArn: role.arn, accessKeyId: credentials.accessKeyId, MFAUsed: person.mfa ? 'Yes' : 'No' },
        ...(credentials.upstream ? { upstream: credentials.upstream } : {}),
      });
      const account = accountsOfRoles(broker.model, [role])[0]!;
      scripted(res, 200, (nonce) => credentialsPage({ role, accountName: account.accountName, ...credentials, nowMs: info.receivedAt }, nonce));
    }),
  );

  router.post(
    '/console',
    form,
    action(async (req, res, person) => {
      const issued = await issueFor(req, res, person);
      if (issued === undefined) return;
      const { role, info, allowed, credentials } = issued;
      // A console of this broker, or the AWS console for an upstream role: the issuer decides.
      let opening: ConsoleOpening;
      try {
        opening = await credentials.openConsole({ offeredRoles: allowed.map((r) => r.arn), consoleSeconds: Math.max(0, Math.floor((credentials.expiration.getTime() - info.receivedAt) / 1000)) });
      } catch (e) {
        if (!(e instanceof AwsError)) throw e;
        return flow.page(res, e.httpStatus, approvalErrorPage(e.httpStatus >= 500 ? 'Console not available' : 'Console refused', e.message));
      }
      await flow.recordConsoleLogin(info, person, {
        responseElements: { ConsoleLogin: 'Success' },
        additionalEventData: { LoginTo: opening.loginTo, MFAUsed: person.mfa ? 'Yes' : 'No', roleArn: role.arn, accessKeyId: credentials.accessKeyId, via: 'access portal' },
        ...(credentials.upstream ? { upstream: credentials.upstream } : {}),
      });
      opening.start(res);
      res.redirect(303, opening.url);
    }),
  );

  router.use('/passkeys', portalPasskeyRouter(broker, flow, persons, secure));

  // "Verify with a passkey" (a role that demands one) asks for a passkey only; "Verify with MFA" for either.
  router.post(
    '/mfa',
    form,
    action((req, res, person) => flow.stepUp(req, res, person, `${broker.loaded.publicUrl}/start`, (req.body as Record<string, unknown>)['method'] === 'webauthn' ? { methods: ['webauthn'] } : {})),
  );

  router.post(
    '/mfa/remove',
    form,
    action(async (req, res, person) => {
      const body = req.body as Record<string, unknown>;
      const serial = String(body['serial'] ?? '');
      const ownership = mfaOwnershipIn(broker.model, person);
      if (!('owner' in ownership)) return void res.redirect(303, '/start?notice=mfa-not-removed');
      const owner = ownership.owner;
      const info = flow.requestInfo(req);
      const context = { requestId: info.requestId, sourceIp: info.sourceIp, userAgent: info.userAgent };
      try {
        // A current code from the device itself: a stolen portal session alone cannot remove it.
        await broker.mfa.verifyCode(serial, String(body['code'] ?? ''), owner, context);
        await broker.mfa.deactivate(serial, owner, context);
        await broker.mfa.delete(serial, context);
      } catch (e) {
        if (!(e instanceof AwsError) || e.httpStatus >= 500) throw e;
        return void res.redirect(303, '/start?notice=mfa-not-removed');
      }
      res.redirect(303, '/start?notice=mfa-removed');
    }),
  );

  router.post(
    '/sessions/end',
    form,
    action(async (req, res, person) => {
      const id = String((req.body as Record<string, unknown>)['session'] ?? '');
      const session = id === '' ? undefined : await broker.sso.sessions.get(id);
      // Only one's own sessions.
      if (session === undefined || session.person.provider !== person.provider || session.person.subject !== person.subject) return void res.redirect(303, '/start');
      const info = flow.requestInfo(req);
      if (await broker.sso.sessions.end(id, 'ended', info.receivedAt)) {
        await recordSsoEvent(broker.audit, broker.model.account, {
          eventSource: PORTAL_EVENT_SOURCE,
          eventName: 'Logout',
          info,
          person,
          additionalEventData: { via: 'access portal', clientName: session.clientName, ssoSessionId: id },
        });
      }
      res.redirect(303, '/start?notice=session-ended');
    }),
  );

  router.post(
    '/logout',
    form,
    action(async (req, res, person) => {
      await persons.end(req, res);
      await recordSsoEvent(broker.audit, broker.model.account, { eventSource: PORTAL_EVENT_SOURCE, eventName: 'ConsoleLogout', info: flow.requestInfo(req), person, additionalEventData: { via: 'access portal' } });
      res.redirect(303, '/start');
    }),
  );

  return router;
}

const NOTICES: Readonly<Record<string, string>> = Object.assign(Object.create(null) as Record<string, string>, PASSKEY_NOTICES, {
  'mfa-removed': 'The MFA device was removed.',
  'mfa-not-removed': 'The MFA device was not removed: the code was wrong, used before, or the device is locked.',
  'session-ended': 'The command-line session was ended; its tokens no longer work.',
});
