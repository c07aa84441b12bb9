/**
 * GET/POST /device — the verification page of the device flow (RFC 8628): the person signs in
 * through their identity provider (the console's flow, continuing here), steps up to MFA when
 * `sso.requireMfa` wants it and the sign-in had none, enters (or confirms) the code their terminal
 * shows, sees which client asks and what it could do, and allows or denies — once, CSRF-protected.
 * Wrong codes are counted per person, per browser and per address (guessLimiter.ts).
 */
import { createHash } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Broker } from '../broker.js';
import { accountsOfRoles } from '../roles/accounts.js';
import { judgePersonRoles } from '../sso/catalog.js';
import { formatUserCode, normalizeUserCode } from '../sso/codes.js';
import { OIDC_EVENT_SOURCE, recordSsoEvent } from '../sso/audit.js';
import { GuessLimiter, type Guesser } from '../sso/guessLimiter.js';
import { personKey, type Person } from '../sso/person.js';
import { approvalDonePage, approvalErrorPage, confirmDevicePage, enterCodePage } from './approvalPages.js';
import { approver } from './approver.js';
import { csrfCookieName, csrfToken, csrfValid } from './csrf.js';
import { readCookie } from './cookies.js';
import type { PersonSessions } from './personSession.js';
import type { SigninFlow } from './signinFlow.js';

export function deviceRouter(broker: Broker, flow: SigninFlow, persons: PersonSessions, secure: boolean, guesses = new GuessLimiter()): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: 4096, parameterLimit: 5 });
  router.use(flow.throttle);

  const approverOf = approver(broker, flow, persons);

  /** A browser is known by its anti-forgery cookie (random per browser). */
  const browserKey = (req: Request) => {
    const cookie = readCookie(req, csrfCookieName(secure));
    return cookie === undefined ? undefined : createHash('sha256').update(cookie).digest('base64url');
  };
  const guesser = (req: Request, person: Person, sourceIp: string): Guesser => ({ person: personKey(person), browser: browserKey(req), address: sourceIp });

  const tooManyGuesses = (res: Response): void => {
    res.set('retry-after', '600');
    flow.page(res, 429, approvalErrorPage('Too many wrong codes', 'Too many wrong codes were entered by you, in this browser or from your network. Wait ten minutes, then try again.'));
  };

  /** Looks a typed code up (a guess, counted when wrong) and shows what approving it means. */
  const confirm = async (req: Request, res: Response, person: Person, typed: string): Promise<void> => {
    const info = flow.requestInfo(req);
    const who = guesser(req, person, info.sourceIp);
    const csrf = csrfToken(req, res, secure);
    if (!guesses.allowed(who, info.receivedAt)) return tooManyGuesses(res);
    const code = normalizeUserCode(typed);
    const found = code === undefined ? undefined : await broker.sso.devices.findByUserCode(code);
    if (found === undefined || found.authorization.status !== 'pending' || found.authorization.expiresAt <= info.receivedAt) {
      guesses.failed(who, info.receivedAt);
      return flow.page(res, 400, enterCodePage({ csrf, code: typed.slice(0, 12), person, error: 'That code is unknown, has expired or was already used. Check the code in your terminal, or start the sign-in again.' }));
    }
    const model = broker.model;
    const roles = judgePersonRoles(model, person, info).allowed;
    flow.page(res, 200, confirmDevicePage({ csrf, person, userCode: formatUserCode(found.authorization.userCode), clientName: found.authorization.clientName, roles, accounts: accountsOfRoles(model, roles), sessionEnd: person.sessionEnd }));
  };

  router.get('/', async (req, res) => {
    const typed = typeof req.query['user_code'] === 'string' ? req.query['user_code'].slice(0, 32) : undefined;
    const here = typed !== undefined ? `/device?user_code=${encodeURIComponent(typed)}` : '/device';
    const person = await approverOf(req, res, here);
    if (person === undefined) return;
    if (typed !== undefined) return confirm(req, res, person, typed);
    flow.page(res, 200, enterCodePage({ csrf: csrfToken(req, res, secure), person }));
  });

  router.post('/', form, async (req, res) => {
    if (!csrfValid(req, secure)) return flow.page(res, 403, approvalErrorPage('Request refused', 'The form is missing its anti-forgery token. Reload the page and try again.'));
    const person = await approverOf(req, res, '/device');
    if (person === undefined) return;
    await confirm(req, res, person, String((req.body as Record<string, unknown>)['user_code'] ?? ''));
  });

  router.post('/decision', form, async (req, res) => {
    if (!csrfValid(req, secure)) return flow.page(res, 403, approvalErrorPage('Request refused', 'The form is missing its anti-forgery token. Reload the page and try again.'));
    const body = req.body as Record<string, unknown>;
    const person = await approverOf(req, res, '/device');
    if (person === undefined) return;
    const info = flow.requestInfo(req);
    // The decision names a code too: past the limit it is looked up no more than on the entry form.
    const who = guesser(req, person, info.sourceIp);
    if (!guesses.allowed(who, info.receivedAt)) return tooManyGuesses(res);
    const code = normalizeUserCode(String(body['user_code'] ?? ''));
    const found = code === undefined ? undefined : await broker.sso.devices.findByUserCode(code);
    const allow = body['decision'] === 'allow';
    const decided = found !== undefined && code !== undefined && (await broker.sso.devices.decide(found.key, code, allow ? { approve: person } : 'deny', info.receivedAt));
    if (!decided) {
      guesses.failed(who, info.receivedAt);
      return flow.page(res, 400, approvalErrorPage('Code already used', 'This request was already answered, has expired, or its code is unknown. Start the sign-in again in your terminal.'));
    }
    await recordSsoEvent(broker.audit, broker.model.account, {
      eventSource: OIDC_EVENT_SOURCE,
      eventName: allow ? 'ApproveDeviceAuthorization' : 'DenyDeviceAuthorization',
      info,
      person,
      additionalEventData: { clientName: found.authorization.clientName, userCode: formatUserCode(found.authorization.userCode), MFAUsed: person.mfa ? 'Yes' : 'No' },
    });
    flow.page(res, 200, approvalDonePage(allow, found.authorization.clientName));
  });

  return router;
}
