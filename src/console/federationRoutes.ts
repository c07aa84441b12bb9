/**
 * The federation endpoint `/federation` (api.md §2; guide G6560–G6940): how an SSO portal turns
 * temporary credentials into a console sign-in URL, as with `https://signin.aws.amazon.com/federation`.
 *
 *   getSigninToken  Session={"sessionId","sessionKey","sessionToken"} [SessionDuration] → {"SigninToken":…}
 *   login           SigninToken, Destination (allow-listed), Issuer → console session cookie, 302
 *   logout          ends the console session everywhere, clears the cookie, 302 to the sign-in page
 *
 * Lenient where the guide's own samples are sloppy (seed-digest §4.5): the action name in any case
 * (`getSigninToken`, `getSignInToken`), GET or POST, `SessionDuration` with any credentials (capped by
 * their expiry where it cannot extend them), a URL-safe token, the JSON on one line.
 * Strict where it matters: the credentials must be ours, unexpired, unrevoked, and the secret must
 * match (constant time); only credentials obtained with long-term keys or from an identity provider
 * open a console (G6567: not role-chained ones, not GetSessionToken's); a token works once, for
 * `console.signinTokenTtlSeconds`; the Destination must be on the allow-list.
 *
 * Served on the lean node:http path in front of the Express app (http/server.ts): getSigninToken and
 * login are machine-to-machine exchanges that portals make at the rate of their users' sign-ins,
 * and Express's pipeline cost more than the exchanges themselves (quality.md, ConsoleSignin). The
 * refusal pages are the same pages, from the same helpers.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Broker } from '../broker.js';
import { signinConsoleSessionLifetime } from '../credentials/durations.js';
import { openPresentedCredentials } from '../sessions/presentedCredentials.js';
import type { SessionClaims } from '../credentials/types.js';
import { AwsError, quoteInput } from '../errors.js';
import { clientAddress } from '../http/clientAddress.js';
import { formPairs } from '../http/formPairs.js';
import { notePlainRequest } from '../http/requestLog.js';
import { errorAnswer, sendJson, sendPage, sendRedirect, sendText, type PlainRoute } from '../http/plainResponse.js';
import { readBody } from '../http/server.js';
import { afterTurn } from '../http/turnBatch.js';
import { randomBytesPooled } from '../keys/randomPool.js';
import type { RequestInfo } from '../protocol/action.js';
import type { ConsoleSessions } from './consoleSession.js';
import { isAllowedDestination } from './destinations.js';
import { errorPage } from './pages.js';
import { recordSigninEvent as record } from './signinEvents.js';
import { openSigninToken, sealSigninToken } from './signinToken.js';

/** Store namespace of used sign-in tokens (their nonces, until the token would have expired). */
const USED_TOKENS = 'signin-token';
/** How long past its expiry a used token stays recorded (clock differences between instances). */
const USED_TOKEN_MARGIN_MS = 5 * 60_000;
/** A Session parameter is three credentials in JSON: a few KB at most (a 2 KB policy makes ~3.3 KB tokens). */
const MAX_SESSION_PARAM_CHARS = 16_384;
/** Paths the endpoint answers on (Express's router matched the trailing slash too). */
export const FEDERATION_PATHS = ['/federation', '/federation/'] as const;

/** A refusal of getSigninToken: HTTP status, a code and a message, answered as one line of JSON. */
class SigninRefused extends Error {
  constructor(
    readonly status: 400 | 403,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function federationEndpoint(broker: Broker, sessions: ConsoleSessions): PlainRoute {
  return (req, res, query) => {
    const { sourceIp, secure } = clientAddress(req, broker.loaded.config.server.trustProxy);
    // limits.requestsPerMinutePerIp, as for the STS API and the other browser flows.
    if (!broker.rateLimiter.take(sourceIp)) {
      broker.metrics.rateLimited.inc();
      sendPage(res, 429, errorPage('Too many requests', 'Too many requests from your address. Wait a minute, then try again.'), { 'retry-after': '60' });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      sendText(res, 405, 'Method Not Allowed', { allow: 'GET, POST' });
      return;
    }
    const fail = (e: unknown) => {
      const answer = errorAnswer(e);
      if (answer.log) broker.logger.error({ err: e, path: '/federation' }, 'request failed');
      sendText(res, answer.status, answer.text, answer.status === 413 ? { connection: 'close' } : {});
    };
    const run = (body: Buffer) => {
      const info: RequestInfo = {
        requestId: randomUUID(),
        sourceIp,
        userAgent: req.headers['user-agent'] ?? '',
        secure,
        receivedAt: Date.now(),
      };
      afterTurn(() => void serve(broker, sessions, req, res, info, parametersOf(query, body.length === 0 ? '' : body.toString('utf8'))).catch(fail));
    };
    if (req.method === 'POST' && /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) {
      readBody(req, broker.loaded.config.limits.maxBodyBytes).then(run, fail);
    } else {
      run(Buffer.alloc(0));
    }
  };
}

function serve(broker: Broker, sessions: ConsoleSessions, req: IncomingMessage, res: ServerResponse, info: RequestInfo, params: Map<string, string>): Promise<void> {
  const action = (params.get('Action') ?? '').toLowerCase();
  notePlainRequest(res, { action: params.get('Action') ?? '' });
  if (action === 'getsignintoken') return getSigninToken(broker, info, res, params);
  if (action === 'login') return login(broker, sessions, info, res, params);
  if (action === 'logout') return logout(broker, sessions, info, req, res);
  sendPage(res, 400, errorPage('Unknown action', 'The federation endpoint knows the actions getSigninToken, login and logout.'));
  return Promise.resolve();
}

/**
 * Query string and form body (the body wins). A name given more than once in one of them is
 * ambiguous and ignored there, as the Express query and form parsers (arrays, not strings) did.
 */
export function parametersOf(query: string, body: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const source of body === '' ? [query] : [query, body]) {
    const seen = new Map<string, string | null>();
    for (const [k, v] of formPairs(source)) seen.set(k, seen.has(k) ? null : v);
    for (const [k, v] of seen) if (v !== null) out.set(k, v);
  }
  return out;
}

// ---- getSigninToken ---------------------------------------------------------------------------------

async function getSigninToken(broker: Broker, info: RequestInfo, res: ServerResponse, params: Map<string, string>): Promise<void> {
  let claims: SessionClaims | undefined;
  try {
    const presented = sessionParameter(params.get('Session'));
    claims = credentialsOf(broker, presented, info.receivedAt);
    const duration = sessionDurationParameter(params.get('SessionDuration'));
    const lifetime = signinConsoleSessionLifetime(duration, claims, { nowMs: info.receivedAt });
    const ttlMs = broker.loaded.config.console.signinTokenTtlSeconds * 1000;
    const token = sealSigninToken(broker.keyRing, {
      sessionToken: presented.sessionToken,
      consoleExpiresAt: lifetime.expiresAt,
      expiresAtMs: info.receivedAt + ttlMs,
    });
    await record(broker, info, claims, { eventName: 'GetSigninToken', responseElements: { GetSigninToken: 'Success' } });
    sendJson(res, 200, `${JSON.stringify({ SigninToken: token })}\n`);
  } catch (e) {
    const refusal = asRefusal(e);
    await record(broker, info, claims, { eventName: 'GetSigninToken', responseElements: { GetSigninToken: 'Failure' }, errorCode: refusal.code, errorMessage: refusal.message });
    notePlainRequest(res, { error: refusal.code });
    sendJson(res, refusal.status, `${JSON.stringify({ Error: { Code: refusal.code, Message: refusal.message } })}\n`);
  }
}

interface SessionParameter {
  readonly sessionId: string;
  readonly sessionKey: string;
  readonly sessionToken: string;
}

function sessionParameter(value: string | undefined): SessionParameter {
  if (value === undefined || value === '') throw new SigninRefused(400, 'MissingParameter', 'The Session parameter is required: {"sessionId":…,"sessionKey":…,"sessionToken":…}');
  if (value.length > MAX_SESSION_PARAM_CHARS) throw new SigninRefused(400, 'InvalidParameterValue', 'The Session parameter is too long');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new SigninRefused(400, 'InvalidParameterValue', 'The Session parameter is not JSON');
  }
  const o = parsed as Record<string, unknown> | null;
  if (o === null || typeof o !== 'object' || typeof o['sessionId'] !== 'string' || typeof o['sessionKey'] !== 'string' || typeof o['sessionToken'] !== 'string') {
    throw new SigninRefused(400, 'InvalidParameterValue', 'The Session parameter must hold the strings sessionId, sessionKey and sessionToken (temporary credentials)');
  }
  return { sessionId: o['sessionId'], sessionKey: o['sessionKey'], sessionToken: o['sessionToken'] };
}

function sessionDurationParameter(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,9}$/.test(value)) {
    throw new SigninRefused(400, 'ValidationError', `1 validation error detected: Value '${quoteInput(value, 32)}' at 'sessionDuration' failed to satisfy constraint: Member must be an integer`);
  }
  return Number(value);
}

const INVALID_CREDENTIALS = 'The credentials in the Session parameter are not valid';

/** The claims of the presented credentials, when they are ours, whole, current and may open a console. */
function credentialsOf(broker: Broker, presented: SessionParameter, now: number): SessionClaims {
  let claims: SessionClaims;
  try {
    // The secret too must be the one sealed in the token: a stolen token alone is not enough.
    claims = openPresentedCredentials(broker.openedTokens, broker.sessionValidity, { accessKeyId: presented.sessionId, secretAccessKey: presented.sessionKey, sessionToken: presented.sessionToken }, now);
  } catch (e) {
    if (e instanceof AwsError && e.code === 'ExpiredToken') throw new SigninRefused(400, 'ExpiredToken', 'The credentials in the Session parameter have expired');
    throw new SigninRefused(400, 'InvalidClientTokenId', INVALID_CREDENTIALS);
  }
  if (claims.issuer === 'GetSessionToken') {
    throw new SigninRefused(403, 'AccessDenied', 'Credentials from GetSessionToken cannot sign in to the console; use AssumeRole or GetFederationToken with long-term keys');
  }
  if (claims.chained === true) {
    throw new SigninRefused(
      403,
      'AccessDenied',
      'Credentials obtained with other temporary credentials (role chaining) cannot sign in to the console; call AssumeRole with long-term keys',
    );
  }
  return claims;
}

function asRefusal(e: unknown): SigninRefused {
  if (e instanceof SigninRefused) return e;
  if (e instanceof AwsError) return new SigninRefused(e.httpStatus === 403 ? 403 : 400, e.code, e.message);
  throw e;
}


// ---- login / logout ---------------------------------------------------------------------------------

async function login(broker: Broker, sessions: ConsoleSessions, info: RequestInfo, res: ServerResponse, params: Map<string, string>): Promise<void> {
  const refuse = async (status: 400 | 403, title: string, why: string, claims?: SessionClaims) => {
    await record(broker, info, claims, { eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: 'Failure' }, errorCode: 'AccessDenied', errorMessage: why });
    sendPage(res, status, errorPage(title, why));
  };

  const destination = params.get('Destination') ?? '';
  if (!isAllowedDestination(destination, broker.loaded.config.console.destinations, broker.loaded.publicUrl)) {
    return refuse(400, 'Destination not allowed', destination === '' ? 'The sign-in URL has no Destination.' : 'The Destination of this sign-in URL is not on the list of allowed console addresses.');
  }
  const issuer = params.get('Issuer') ?? '';
  if (issuer.length > 2048) return refuse(400, 'Sign-in refused', 'The Issuer of this sign-in URL is too long.');

  // The guide spells it both ways (G6674–G6689 print SignInToken).
  const opened = openSigninToken(broker.keyRing, params.get('SigninToken') ?? params.get('SignInToken') ?? '', info.receivedAt);
  if (!opened.ok) {
    return refuse(400, 'Sign-in link not valid', opened.reason === 'expired' ? 'This sign-in link has expired. Ask your portal for a new one.' : 'This sign-in link is not valid.');
  }
  let claims: SessionClaims;
  try {
    claims = broker.openedTokens.openAnyTime(opened.claims.sessionToken);
  } catch {
    return refuse(400, 'Sign-in link not valid', 'This sign-in link is not valid.');
  }
  const invalid = broker.sessionValidity.check(claims);
  if (invalid !== undefined) {
    const why = invalid === 'revoked' ? 'were revoked' : `belong to a ${invalid === 'role-removed' ? 'role' : 'user'} that no longer exists`;
    return refuse(403, 'Sign-in refused', `The credentials behind this sign-in link ${why}.`, claims);
  }
  if (info.receivedAt >= opened.claims.consoleExpiresAt * 1000) return refuse(400, 'Sign-in link not valid', 'The console session of this sign-in link has already ended.', claims);
  // Single use, on every instance sharing the store.
  // Remembered a while past the token's expiry: an instance whose clock is behind must still see it used.
  if (!(await broker.store.claimOnce(USED_TOKENS, opened.claims.nonce, opened.claims.expiresAtMs + USED_TOKEN_MARGIN_MS))) {
    return refuse(400, 'Sign-in link already used', 'This sign-in link was already used. Ask your portal for a new one.', claims);
  }

  const id = `console-${randomBytesPooled(18).toString('base64url')}`;
  // The sign-in is recorded before the browser gets its cookie: no audit event, no session.
  await record(broker, info, claims, {
    eventName: 'ConsoleLogin',
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: { LoginTo: destination, MFAUsed: claims.mfa ? 'Yes' : 'No', ...(issuer !== '' ? { Issuer: issuer } : {}), consoleSessionExpires: new Date(opened.claims.consoleExpiresAt * 1000).toISOString() },
  });
  const cookie = sessions.startCookie(opened.claims.sessionToken, claims, { expiresAt: opened.claims.consoleExpiresAt, id }, info.receivedAt);
  sendRedirect(res, destination, { 'set-cookie': cookie });
}

async function logout(broker: Broker, sessions: ConsoleSessions, info: RequestInfo, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const claims = await sessions.end(req, res);
  if (claims !== undefined) await record(broker, info, claims, { eventName: 'ConsoleLogout', responseElements: { ConsoleLogout: 'Success' } });
  sendRedirect(res, `${broker.loaded.publicUrl}/console`);
}
