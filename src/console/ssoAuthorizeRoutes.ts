/**
 * GET /sso-oidc/authorize — the authorization-code flow of newer AWS CLIs (RFC 6749 §4.1 with PKCE,
 * RFC 7636; loopback redirect, RFC 8252): the client's registration (from its sealed id) and the
 * redirect_uri are checked first, and a request failing those gets a page, never a redirect; other
 * problems go back to the client as `error=…`. The person signs in (the console's flow), steps up to
 * MFA when needed, and allows or denies; Allow redirects with a one-use code bound to the client,
 * the redirect_uri and the code challenge (authorizationCodes.ts).
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Broker } from '../broker.js';
import { OIDC_EVENT_SOURCE, recordSsoEvent } from '../sso/audit.js';
import { isS256Challenge } from '../sso/authorizationCodes.js';
import { accountsOfRoles } from '../roles/accounts.js';
import { judgePersonRoles } from '../sso/catalog.js';
import { GRANT_AUTHORIZATION_CODE, openClientId, redirectUriAllowed } from '../sso/clients.js';
import { randomId } from '../sso/codes.js';
import { openJson, sealJson } from '../sso/sealed.js';
import { approvalErrorPage, confirmAuthorizePage } from './approvalPages.js';
import { approver } from './approver.js';
import { csrfToken, csrfValid } from './csrf.js';
import type { PersonSessions } from './personSession.js';
import type { SigninFlow } from './signinFlow.js';

const PURPOSE = 'sso-authorize-request';
const RESUME = 'sso-authorize-resume';
const AUTHORIZE_PARAMS = ['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method', 'scopes', 'scope'] as const;
const REQUEST_TTL_MS = 10 * 60_000;

/** The checked request, sealed into the consent form (10 minutes, one use). */
interface AuthorizeRequest {
  readonly v: 1;
  readonly c: string;
  readonly r: string;
  readonly s?: string;
  readonly ch: string;
  readonly sc: readonly string[];
  readonly x: number;
  readonly n: string;
}

type Checked = { readonly ok: AuthorizeRequest; readonly clientName: string } | { readonly page: [number, string] } | { readonly redirect: string };

function errorRedirect(redirectUri: string, error: string, description: string, state: string | undefined): string {
  const url = new URL(redirectUri);
  url.searchParams.set('error', error);
  url.searchParams.set('error_description', description);
  if (state !== undefined) url.searchParams.set('state', state);
  return url.href;
}

export function ssoAuthorizeRouter(broker: Broker, flow: SigninFlow, persons: PersonSessions, secure: boolean): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: 16_384, parameterLimit: 5 });
  const approverOf = approver(broker, flow, persons);
  router.use('/authorize', flow.throttle);

  /**
   * Where the sign-in continues: a short path naming the request kept in the store (10 minutes),
   * since the IdP carries it as the SAML RelayState, which the standard limits to 80 bytes.
   */
  const continuation = async (req: Request, query: Request['query'], resume: string | undefined, nowMs: number): Promise<string> => {
    const session = await persons.read(req, nowMs);
    if (session !== undefined && (session.person.mfa !== undefined || !broker.sso.settings().requireMfa)) return req.originalUrl;
    let id = resume;
    if (id === undefined) {
      id = randomId();
      const kept = Object.fromEntries(AUTHORIZE_PARAMS.filter((k) => typeof query[k] === 'string').map((k) => [k, (query[k] as string).slice(0, 4096)]));
      await broker.store.putItem(RESUME, id, JSON.stringify(kept), nowMs + REQUEST_TTL_MS);
    }
    return `/sso-oidc/authorize?resume=${id}`;
  };

  const check = (query: Request['query'], nowMs: number): Checked => {
    const param = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
    const client = openClientId(broker.keyRing, param('client_id'), nowMs);
    if (client === undefined) return { page: [400, approvalErrorPage('Unknown client', 'The program that sent you here is not registered with this broker (or its registration expired). Start the sign-in again.')] };
    const redirectUri = param('redirect_uri') ?? '';
    if (!redirectUriAllowed(client, redirectUri)) return { page: [400, approvalErrorPage('Sign-in refused', 'The redirect_uri is not one this client registered (only http loopback addresses are allowed).')] };
    const state = param('state')?.slice(0, 1024);
    if (param('response_type') !== 'code') return { redirect: errorRedirect(redirectUri, 'unsupported_response_type', 'response_type must be code', state) };
    if (!client.grantTypes.includes(GRANT_AUTHORIZATION_CODE)) return { redirect: errorRedirect(redirectUri, 'unauthorized_client', 'The client is not registered for the authorization_code grant', state) };
    const challenge = param('code_challenge') ?? '';
    if (param('code_challenge_method') !== 'S256' || !isS256Challenge(challenge)) return { redirect: errorRedirect(redirectUri, 'invalid_request', 'PKCE with code_challenge_method S256 is required', state) };
    const asked = (param('scopes') ?? param('scope') ?? '').split(/[\s,]+/).filter((s) => s !== '');
    if (asked.some((s) => !client.scopes.includes(s))) return { redirect: errorRedirect(redirectUri, 'invalid_scope', 'A requested scope was not registered by the client', state) };
    const ok: AuthorizeRequest = { v: 1, c: client.id, r: redirectUri, ...(state !== undefined ? { s: state } : {}), ch: challenge, sc: asked.length ? asked : client.scopes, x: nowMs + REQUEST_TTL_MS, n: randomId() };
    return { ok, clientName: client.name };
  };

  router.get('/authorize', async (req: Request, res: Response) => {
    const info = flow.requestInfo(req);
    const resume = typeof req.query['resume'] === 'string' ? req.query['resume'] : undefined;
    const stored = resume !== undefined && /^[A-Za-z0-9_-]{22}$/.test(resume) ? await broker.store.getItem(RESUME, resume) : null;
    if (resume !== undefined && stored === null) return flow.page(res, 400, approvalErrorPage('Sign-in expired', 'This sign-in took too long. Start it again in your terminal.'));
    const query = stored !== null ? (JSON.parse(stored) as Request['query']) : req.query;
    const checked = check(query, info.receivedAt);
    if ('page' in checked) return flow.page(res, ...checked.page);
    if ('redirect' in checked) return void res.set('cache-control', 'no-store').redirect(302, checked.redirect);
    const person = await approverOf(req, res, await continuation(req, query, resume, info.receivedAt));
    if (person === undefined) return;
    const model = broker.model;
    const roles = judgePersonRoles(model, person, info).allowed;
    const redirectHost = new URL(checked.ok.r).host;
    const page = confirmAuthorizePage({
      csrf: csrfToken(req, res, secure),
      request: sealJson(broker.keyRing, PURPOSE, checked.ok),
      person,
      clientName: checked.clientName,
      redirectHost,
      roles,
      accounts: accountsOfRoles(model, roles),
      sessionEnd: person.sessionEnd,
    });
    // The answer to the form is a redirect to the loopback client: the page's form-action allows it.
    flow.page(res, 200, page, checked.ok.r);
  });

  router.post('/authorize/decision', form, async (req: Request, res: Response) => {
    if (!csrfValid(req, secure)) return flow.page(res, 403, approvalErrorPage('Request refused', 'The form is missing its anti-forgery token. Start the sign-in again.'));
    const info = flow.requestInfo(req);
    const request = openJson(broker.keyRing, PURPOSE, (req.body as Record<string, unknown>)['request']) as AuthorizeRequest | undefined;
    const client = request === undefined || request.v !== 1 ? undefined : openClientId(broker.keyRing, request.c, info.receivedAt);
    if (request === undefined || client === undefined || request.x <= info.receivedAt) {
      return flow.page(res, 400, approvalErrorPage('Sign-in expired', 'This approval form expired or was altered. Start the sign-in again in your terminal.'));
    }
    const person = await approverOf(req, res, '/start');
    if (person === undefined) return;
    if (!(await broker.store.claimOnce(PURPOSE, request.n, request.x))) {
      return flow.page(res, 400, approvalErrorPage('Already answered', 'This request was already answered. Start the sign-in again in your terminal.'));
    }
    const allow = (req.body as Record<string, unknown>)['decision'] === 'allow';
    await recordSsoEvent(broker.audit, broker.model.account, {
      eventSource: OIDC_EVENT_SOURCE,
      eventName: allow ? 'ApproveAuthorizationRequest' : 'DenyAuthorizationRequest',
      info,
      person,
      additionalEventData: { clientId: client.id, clientName: client.name, redirectUri: request.r, MFAUsed: person.mfa ? 'Yes' : 'No' },
    });
    if (!allow) return void res.set('cache-control', 'no-store').redirect(302, errorRedirect(request.r, 'access_denied', 'The user denied the request', request.s));
    const code = await broker.sso.codes.issue({ clientRef: client.ref, redirectUri: request.r, codeChallenge: request.ch, scopes: request.sc, person }, info.receivedAt);
    const target = new URL(request.r);
    target.searchParams.set('code', code);
    if (request.s !== undefined) target.searchParams.set('state', request.s);
    res.set('cache-control', 'no-store').redirect(302, target.href);
  });

  return router;
}
