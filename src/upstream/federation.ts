/**
 * The AWS federation endpoint as a client (guide G6614–G6689, seed-digest §4): temporary credentials
 * → `getSigninToken` → the `login` URL that opens the AWS console. Used at the end of a browser
 * sign-in to an upstream role, and by `fedbroker signin-url --upstream`.
 *
 * `SessionDuration` (900–43200 s) only where AWS allows it: credentials that AssumeRole issued to
 * long-term keys. Role-chained credentials (fedbroker itself running on a role) get the console
 * session their credentials allow. The call is bounded like every upstream call (timeoutMs, at most
 * one retry of a network error or 5xx); the credentials travel in the query string over HTTPS as in
 * AWS's own samples, and never into a log.
 */
import { AccessDenied, quoteInput, ServiceUnavailable } from '../errors.js';
import { describeFailure } from './errors.js';

export interface SigninCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

export interface ConsoleUrlRequest {
  readonly federationEndpoint: string;
  readonly credentials: SigninCredentials;
  /** Console session length; omitted for credentials AWS gives no SessionDuration for. */
  readonly sessionDuration?: number;
  /** The console page to open (upstream.consoleUrl, or an allow-listed RelayState). */
  readonly destination: string;
  /** Where AWS sends people whose console session expired: fedbroker's sign-in page. */
  readonly issuer: string;
  readonly timeoutMs: number;
  /** Names the role in messages. */
  readonly roleArn?: string;
}

const MIN_SESSION = 900;
const MAX_SESSION = 43_200;

/** getSigninToken, then the login URL. Throws AccessDenied (refused) or ServiceUnavailable (unreachable, 5xx, timeout). */
export async function awsConsoleUrl(request: ConsoleUrlRequest): Promise<string> {
  const endpoint = request.federationEndpoint;
  const query = new URLSearchParams({ Action: 'getSigninToken' });
  if (request.sessionDuration !== undefined) {
    query.set('SessionDuration', String(Math.min(MAX_SESSION, Math.max(MIN_SESSION, Math.floor(request.sessionDuration)))));
  }
  const c = request.credentials;
  query.set('Session', JSON.stringify({ sessionId: c.accessKeyId, sessionKey: c.secretAccessKey, sessionToken: c.sessionToken }));
  const token = await fetchSigninToken(`${endpoint}?${query}`, request);
  const login = new URLSearchParams({ Action: 'login', Issuer: request.issuer, Destination: request.destination, SigninToken: token });
  return `${endpoint}?${login}`;
}

async function fetchSigninToken(url: string, request: ConsoleUrlRequest): Promise<string> {
  const endpoint = request.federationEndpoint;
  const what = request.roleArn ?? 'these credentials';
  const deadline = Date.now() + request.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    let response: Response | undefined;
    let failure: string | undefined;
    try {
      response = await fetch(url, { redirect: 'error', headers: { accept: 'application/json' }, signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) });
    } catch (e) {
      failure = describeFailure(e).code;
    }
    if (response !== undefined && response.status < 500) {
      const text = await response.text();
      const token = signinTokenOf(text);
      if (response.status === 200 && token !== undefined) return token;
      throw new AccessDenied(
        `The AWS federation endpoint ${endpoint} refused the credentials of ${what} (HTTP ${response.status}${errorCodeOf(text)}): ` +
          'a console sign-in needs credentials AssumeRole issued to fedbroker’s long-term keys, or no SessionDuration for role-chained ones.',
      );
    }
    if (response !== undefined) failure = `HTTP ${response.status}`;
    if (attempt >= 2 || Date.now() >= deadline) {
      throw new ServiceUnavailable(`The AWS federation endpoint ${endpoint} did not answer (${quoteInput(failure ?? 'no answer', 64)}) within ${request.timeoutMs} ms. Try again later.`);
    }
  }
}

function signinTokenOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { SigninToken?: unknown; SignInToken?: unknown };
    const token = body.SigninToken ?? body.SignInToken;
    return typeof token === 'string' && token !== '' ? token : undefined;
  } catch {
    return undefined;
  }
}

/** `, Code` of a JSON error answer (fedbroker's own federation endpoint answers one), for the message. */
function errorCodeOf(text: string): string {
  try {
    const code = (JSON.parse(text) as { Error?: { Code?: unknown } }).Error?.Code;
    return typeof code === 'string' ? `, ${quoteInput(code, 64)}` : '';
  } catch {
    return '';
  }
}
