/**
 * The SSO OIDC and SSO portal APIs over HTTP (REST-JSON), served by the lean node:http front end
 * beside the Query protocol and the federation endpoint (not Express: GetRoleCredentials is a hot
 * path, quality.md). One function
 * per request: rate limit → route → body (JSON, size-limited) → operation → JSON answer with
 * `x-amzn-RequestId`; errors with `x-amzn-ErrorType` and the service's error body.
 *
 *   POST /sso-oidc/client/register         RegisterClient
 *   POST /sso-oidc/device_authorization    StartDeviceAuthorization
 *   POST /sso-oidc/token                   CreateToken
 *   GET  /sso-portal/assignment/accounts   ListAccounts
 *   GET  /sso-portal/assignment/roles      ListAccountRoles
 *   GET  /sso-portal/federation/credentials GetRoleCredentials
 *   POST /sso-portal/logout                Logout
 * (`GET /sso-oidc/authorize` is a page, served by the Express app.)
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, RequestEntityTooLarge } from '../errors.js';
import { clientAddress } from '../http/clientAddress.js';
import type { Metrics } from '../http/metrics.js';
import { COMMON_HEADER_LIST, type PlainRoute } from '../http/plainResponse.js';
import { notePlainRequest } from '../http/requestLog.js';
import type { RateLimiter } from '../http/rateLimit.js';
import { readBody } from '../http/server.js';
import { afterTurn } from '../http/turnBatch.js';
import type { Logger } from '../log.js';
import type { RequestInfo } from '../protocol/action.js';
import { InvalidRequestException, SlowDownException, SsoOidcError, TooManyRequestsException } from './errors.js';
import type { SsoOidc } from './oidcApi.js';
import type { SsoPortal } from './portalApi.js';

export const OIDC_PREFIX = '/sso-oidc';
export const PORTAL_PREFIX = '/sso-portal';
const BEARER_HEADER = 'x-amz-sso_bearer_token';

export interface SsoHttpDeps {
  readonly oidc: SsoOidc;
  readonly portal: SsoPortal;
  readonly rateLimiter: RateLimiter;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly trustProxy: boolean;
  readonly maxBodyBytes: number;
}

type Api = 'oidc' | 'portal';

interface Operation {
  readonly name: string;
  readonly api: Api;
  readonly method: 'GET' | 'POST';
  run(input: { body: unknown; query: URLSearchParams; token: string | undefined; info: RequestInfo }): unknown;
}

function operations(deps: SsoHttpDeps): ReadonlyMap<string, Operation> {
  const { oidc, portal } = deps;
  const ops: Array<[string, Operation]> = [
    [`${OIDC_PREFIX}/client/register`, { name: 'RegisterClient', api: 'oidc', method: 'POST', run: ({ body, info }) => oidc.registerClient(body, info.receivedAt) }],
    [`${OIDC_PREFIX}/device_authorization`, { name: 'StartDeviceAuthorization', api: 'oidc', method: 'POST', run: ({ body, info }) => oidc.startDeviceAuthorization(body, info.receivedAt) }],
    [
      `${OIDC_PREFIX}/token`,
      {
        name: 'CreateToken',
        api: 'oidc',
        method: 'POST',
        run: ({ body, query, info }) => {
          if (query.has('aws_iam')) throw new InvalidRequestException('CreateTokenWithIAM is not supported by this broker');
          return oidc.createToken(body, info);
        },
      },
    ],
    [`${PORTAL_PREFIX}/assignment/accounts`, { name: 'ListAccounts', api: 'portal', method: 'GET', run: ({ token, query, info }) => portal.listAccounts(token, query, info) }],
    [`${PORTAL_PREFIX}/assignment/roles`, { name: 'ListAccountRoles', api: 'portal', method: 'GET', run: ({ token, query, info }) => portal.listAccountRoles(token, query, info) }],
    [`${PORTAL_PREFIX}/federation/credentials`, { name: 'GetRoleCredentials', api: 'portal', method: 'GET', run: ({ token, query, info }) => portal.getRoleCredentials(token, query, info) }],
    [`${PORTAL_PREFIX}/logout`, { name: 'Logout', api: 'portal', method: 'POST', run: async ({ token, info }) => (await portal.logout(token, info), undefined) }],
  ];
  return new Map(ops);
}

/**
 * The SSO API paths as routes of the lean front end (http/server.ts `routes`): exact paths, served
 * without Express. Anything else under /sso-portal or /sso-oidc goes on to the app (404, or the
 * authorize page).
 */
export function ssoRoutes(deps: SsoHttpDeps): Array<[string, PlainRoute]> {
  return [...operations(deps)].map(([path, op]) => [path, (req, res) => void serve(deps, op, op.api, req, res)]);
}

async function serve(deps: SsoHttpDeps, op: Operation, api: Api, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const requestId = randomUUID();
  const { sourceIp, secure } = clientAddress(req, deps.trustProxy);
  const target = req.url ?? '/';
  const mark = target.indexOf('?');
  const query = new URLSearchParams(mark < 0 ? '' : target.slice(mark + 1));
  let status = 200;
  let payload: unknown;
  let errorType: string | undefined;
  let outcome = 'ok';
  try {
    if (!deps.rateLimiter.take(sourceIp)) {
      deps.metrics.rateLimited.inc();
      throw api === 'portal' ? new TooManyRequestsException() : new SlowDownException('Rate exceeded');
    }
    if (op.method !== req.method) throw new UnknownOperation();
    const raw = op.method === 'POST' ? await readBody(req, deps.maxBodyBytes) : Buffer.alloc(0);
    let body: unknown = {};
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new InvalidRequestException('The request body is not valid JSON');
      }
    }
    const header = req.headers[BEARER_HEADER];
    const token = Array.isArray(header) ? header[0] : header;
    const info: RequestInfo = {
      requestId,
      sourceIp,
      userAgent: req.headers['user-agent'] ?? '',
      secure,
      receivedAt: Date.now(),
    };
    // Requests of one event-loop turn go on together (turnBatch.ts), as on the Query path.
    await new Promise<void>((resolve) => afterTurn(resolve));
    payload = (await op.run({ body, query, token, info })) ?? {};
  } catch (e) {
    const error = e instanceof AwsError ? e : undefined;
    if (error === undefined || error.httpStatus >= 500) deps.logger.error({ err: e, operation: op.name, requestId }, 'SSO request failed');
    status = error?.httpStatus ?? 500;
    errorType = error?.code ?? 'InternalServerException';
    outcome = errorType;
    const message = error !== undefined && error.httpStatus < 500 ? error.message : error?.message ?? 'An internal error occurred';
    payload = api === 'oidc' ? { error: e instanceof SsoOidcError ? e.oauthError : status >= 500 ? 'server_error' : 'invalid_request', error_description: message } : { message };
    if (e instanceof RequestEntityTooLarge) {
      // Stop reading the rest of an oversized upload once the answer is out.
      res.setHeader('connection', 'close');
      res.once('finish', () => req.destroy());
    }
  }
  const label = op.name;
  notePlainRequest(res, { action: label, ...(errorType !== undefined ? { error: errorType } : {}) });
  deps.metrics.requests.inc({ action: label, outcome });
  deps.metrics.latency.observe((performance.now() - started) / 1000, { action: label });
  const body = JSON.stringify(payload);
  // Answers of one turn are written together, right after it (as the Query path's).
  afterTurn(() => {
    if (res.destroyed) return;
    const headers: Array<string | number> = [...COMMON_HEADER_LIST, 'content-type', 'application/json', 'content-length', Buffer.byteLength(body), 'x-amzn-RequestId', requestId, 'cache-control', 'no-store'];
    if (errorType !== undefined) headers.push('x-amzn-ErrorType', errorType);
    res.writeHead(status, headers as string[]);
    res.end(body);
  });
}

class UnknownOperation extends AwsError {
  readonly code = 'UnknownOperationException';
  readonly httpStatus = 404;
  constructor() {
    super('The requested operation does not exist');
  }
}
