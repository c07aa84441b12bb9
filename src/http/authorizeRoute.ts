/**
 * POST /authorize (api.md §6): a policy decision point for downstream services. A service signs the
 * call itself (SigV4, credential scope `sts`) with credentials allowed `fedbroker:Authorize`, and asks
 * whether a subject may do `action` on `resource`:
 *
 *   { "credentials": { "accessKeyId", "secretAccessKey", "sessionToken" }   temporary credentials the broker issued,
 *     | "request": { "method", "url", "headers", "body"? },       or a request the subject SigV4-signed
 *                                                                   (for any service) and the service forwards,
 *     "action": "s3:GetObject", "resource": "arn:…", "context": { "s3:prefix": "home/", … } }
 *   → { "decision": "Allow" | "Deny", "principal": { arn, userId, account, type },
 *       "matchedStatements": [{ policy, index, sid?, effect }], "reason": "…" }
 *
 * The decision is the one policy engine's, on the subject's layers (identity ∩ session policies ∩
 * boundary) — what the broker itself would decide for the subject. The `context` the service passes
 * never overrides the subject's own keys (aws:username, aws:userid, aws:PrincipalArn, MFA…).
 * Decisions are not audit events (they are data-plane traffic, like CloudTrail data events); a refused
 * or failed call of the service is.
 */
import express, { type Request, type Response, type Router } from 'express';
import { authorizeCaller, callerContextKeys, callerLayers } from '../actions/common/callerPolicy.js';
import { callerUserIdentity } from '../audit/userIdentity.js';
import type { Broker } from '../broker.js';
import { AwsError, MissingParameter, ValidationError } from '../errors.js';
import type { Caller } from '../federation/identity.js';
import { sessionCaller } from '../federation/sigv4/callers.js';
import { callerPrincipal } from '../federation/sigv4/context.js';
import { authorize, createContext, explain } from '../policy/index.js';
import type { PolicyExplanation } from '../policy/types.js';
import { openPresentedCredentials } from '../sessions/presentedCredentials.js';
import { callerPrincipalTags, tagObject } from '../sessions/tags/index.js';
import { isoSeconds } from '../time.js';
import type { ContextValue } from '../policy/types.js';
import { requestInfoOf } from './requestInfo.js';
import { noteRequest } from './requestLog.js';

const ACTION = /^[A-Za-z0-9-]{1,64}:[A-Za-z0-9*?_-]{1,128}$/;
const MAX_CONTEXT_KEYS = 100;
/** Names of object machinery, never condition keys: refused outright rather than risk a prototype write. */
const FORBIDDEN_CONTEXT_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function authorizeRouter(broker: Broker): Router {
  const router = express.Router();
  // The raw bytes: the service's signature covers them.
  const raw = express.raw({ type: () => true, limit: broker.loaded.config.limits.maxBodyBytes });
  router.post('/', raw, async (req, res) => {
    const info = requestInfoOf(req, broker.loaded.config.server.trustProxy);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let service: Caller | undefined;
    try {
      if (!broker.rateLimiter.take(info.sourceIp)) return answerError(res, 429, 'Throttling', 'Rate exceeded');
      service = broker.callers.authenticate({
        method: req.method,
        path: rawPath(req),
        query: new URLSearchParams(rawQuery(req)),
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body,
      });
      noteRequest(res, { principal: service.arn });
      authorizeCaller(broker, service, info, 'fedbroker:Authorize', '*');
      const input = parseInput(body, reservedPrefixes(broker));
      const subject = subjectOf(broker, input, info.receivedAt);
      // The service's keys first; the broker's time and the subject's own keys after them, so those win.
      const now = { 'aws:currenttime': isoSeconds(info.receivedAt), 'aws:epochtime': String(Math.floor(info.receivedAt / 1000)) };
      const context = createContext(input.context, now, callerContextKeys(broker, subject, info.receivedAt));
      const layers = callerLayers(broker, subject);
      const authz = { action: input.action, resource: input.resource, principal: callerPrincipal(subject), context };
      const result = authorize(layers, authz);
      const allowed = result.decision === 'Allow';
      res
        .status(200)
        .set('cache-control', 'no-store')
        .type('application/json')
        .send(
          JSON.stringify({
            decision: allowed ? 'Allow' : 'Deny',
            principal: { arn: subject.arn, userId: subject.userId, account: subject.account, type: subject.kind, ...principalTagsOf(broker, subject) },
            matchedStatements: result.matched.map((m) => ({ policy: m.policy, index: m.index, ...(m.sid !== undefined ? { sid: m.sid } : {}), effect: m.effect })),
            reason:
              result.decision === 'Allow'
                ? `${input.action} on ${input.resource} is allowed`
                : result.decision === 'ExplicitDeny'
                  ? `${input.action} on ${input.resource} is denied explicitly`
                  : `no statement allows ${input.action} on ${input.resource} (implicit deny)${unmetConditions(explain(layers, authz))}`,
          }),
        );
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      await broker.audit.record({
        eventSource: 'fedbroker',
        eventName: 'Authorize',
        eventType: 'FedbrokerEvent',
        sourceIPAddress: info.sourceIp,
        userAgent: info.userAgent,
        userIdentity: service ? callerUserIdentity(service) : { type: 'Unknown' },
        requestParameters: null,
        responseElements: null,
        errorCode: e.code,
        errorMessage: e.message,
        requestID: info.requestId,
        recipientAccountId: broker.model.account,
      });
      answerError(res, e.httpStatus, e.code, e.message);
    }
  });
  return router;
}

interface AuthorizeInput {
  readonly action: string;
  readonly resource: string;
  readonly context: ReadonlyMap<string, ContextValue>;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken: string };
  readonly request?: { readonly method: string; readonly url: URL; readonly headers: Record<string, string | string[]>; readonly body: Buffer };
}

/**
 * Condition keys a service may not set: they describe the subject (or the time), so only the broker
 * does — set or absent. (A key the subject lacks must stay absent: a service could otherwise claim MFA
 * for a caller without it.) The service may describe the request: aws:SourceIp, aws:SecureTransport,
 * aws:UserAgent, aws:Referer, aws:RequestTag/…, service-specific keys such as s3:prefix.
 */
const RESERVED_AWS_KEYS = new Set(
  [
    'aws:username', 'aws:userid', 'aws:principalarn', 'aws:principalaccount', 'aws:principaltype', 'aws:principalorgid',
    'aws:principalisawsservice', 'aws:multifactorauthpresent', 'aws:multifactorauthage', 'aws:sourceidentity',
    'aws:tokenissuetime', 'aws:requestedregion', 'aws:federatedprovider', 'aws:currenttime', 'aws:epochtime',
    'aws:viaawsservice', 'aws:calledvia', 'aws:calledviafirst', 'aws:calledvialast', 'fedbroker:mfamethod',
  ],
);

/** Prefixes of the federated identity keys: saml:, and each OpenID provider's `<name>:`. */
function reservedPrefixes(broker: Broker): string[] {
  return ['saml:', 'aws:principaltag/', ...broker.model.oidcProviders.map((p) => `${p.settings.name.toLowerCase()}:`)];
}

function parseInput(body: Buffer, reserved: readonly string[]): AuthorizeInput {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ValidationError('The request body must be a JSON object');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ValidationError('The request body must be a JSON object');
  const o = json as Record<string, unknown>;
  const action = o['action'];
  const resource = o['resource'];
  if (typeof action !== 'string' || !ACTION.test(action)) throw new ValidationError('action must be a service:Action name, e.g. s3:GetObject');
  if (typeof resource !== 'string' || resource === '' || resource.length > 2048) throw new ValidationError('resource must be an ARN or * (at most 2048 characters)');
  const context = new Map<string, ContextValue>();
  const rawContext = o['context'] ?? {};
  if (rawContext === null || typeof rawContext !== 'object' || Array.isArray(rawContext)) throw new ValidationError('context must be an object of condition keys');
  const entries = Object.entries(rawContext as Record<string, unknown>);
  if (entries.length > MAX_CONTEXT_KEYS) throw new ValidationError(`context may hold at most ${MAX_CONTEXT_KEYS} keys`);
  const seen = new Set<string>();
  for (const [key, value] of entries) {
    if (!/^[\x21-\x7e]{1,256}$/.test(key)) throw new ValidationError('context keys must be 1-256 printable characters');
    const lower = key.toLowerCase();
    if (FORBIDDEN_CONTEXT_KEYS.has(lower)) throw new ValidationError(`context key ${key} is not allowed: it is not a condition key`);
    if (seen.has(lower)) throw new ValidationError(`context key ${key} is given twice (keys are case-insensitive)`);
    seen.add(lower);
    if (RESERVED_AWS_KEYS.has(lower) || reserved.some((prefix) => lower.startsWith(prefix))) {
      throw new ValidationError(`context key ${key} describes the subject or the time: only the broker sets it`);
    }
    if (typeof value === 'string') context.set(key, value);
    else if (Array.isArray(value) && value.length <= 100 && value.every((v) => typeof v === 'string')) context.set(key, Object.freeze([...(value as string[])]));
    else throw new ValidationError(`context value of ${key} must be a string or a list of strings`);
  }
  const credentials = o['credentials'];
  const request = o['request'];
  if ((credentials === undefined) === (request === undefined)) throw new ValidationError('Give exactly one of credentials and request');
  if (credentials !== undefined) {
    const c = credentials as Record<string, unknown> | null;
    if (c === null || typeof c !== 'object' || typeof c['accessKeyId'] !== 'string' || typeof c['sessionToken'] !== 'string') {
      throw new ValidationError('credentials must hold the strings accessKeyId, secretAccessKey and sessionToken');
    }
    // The id and the token travel in clear in every request the subject signs: alone they prove nothing.
    if (c['secretAccessKey'] === undefined) {
      throw new MissingParameter('credentials.secretAccessKey is missing: the credentials form needs the secret access key too (or use the request form)');
    }
    if (typeof c['secretAccessKey'] !== 'string') throw new ValidationError('credentials.secretAccessKey must be a string');
    return { action, resource, context, credentials: { accessKeyId: c['accessKeyId'], secretAccessKey: c['secretAccessKey'], sessionToken: c['sessionToken'] } };
  }
  const r = request as Record<string, unknown> | null;
  if (r === null || typeof r !== 'object' || typeof r['method'] !== 'string' || typeof r['url'] !== 'string' || r['headers'] === null || typeof r['headers'] !== 'object') {
    throw new ValidationError('request must hold method, url and headers (and optionally body) of the request the subject signed');
  }
  let url: URL;
  try {
    url = new URL(r['url']);
  } catch {
    throw new ValidationError('request.url must be an absolute URL');
  }
  const headers: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [k, v] of Object.entries(r['headers'] as Record<string, unknown>)) {
    if (typeof v === 'string') headers[k.toLowerCase()] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) headers[k.toLowerCase()] = v as string[];
    else throw new ValidationError('request.headers values must be strings (or lists of strings)');
  }
  if (headers['host'] === undefined) headers['host'] = url.host;
  const requestBody = r['body'] === undefined ? '' : r['body'];
  if (typeof requestBody !== 'string') throw new ValidationError('request.body must be a string');
  return { action, resource, context, request: { method: r['method'], url, headers, body: Buffer.from(requestBody, 'utf8') } };
}

/** The subject: temporary credentials of ours, or whoever signed the forwarded request. */
function subjectOf(broker: Broker, input: AuthorizeInput, now: number): Caller {
  if (input.credentials !== undefined) return sessionCaller(openPresentedCredentials(broker.openedTokens, broker.sessionValidity, input.credentials, now));
  const r = input.request!;
  // The path as signed (still percent-encoded), and the query.
  return broker.callers.authenticateSigned(
    { method: r.method.toUpperCase(), path: r.url.pathname, query: r.url.searchParams, headers: r.headers, body: r.body },
    { anyService: true },
  ).caller;
}

/**
 * For an implicit deny: the Allow statements that matched the action and resource but not a
 * condition (an ABAC mismatch such as aws:ResourceTag/Project against aws:PrincipalTag/Project).
 */
function unmetConditions(explanations: readonly PolicyExplanation[]): string {
  const unmet: string[] = [];
  for (const p of explanations) {
    for (const s of p.statements) {
      const o = s.outcome;
      if (s.ref.effect !== 'Allow' || o.applies) continue;
      if (o.reason === 'condition') unmet.push(`${p.policy} Statement[${s.ref.index}]: ${o.operator} ${o.key} expects ${JSON.stringify(o.expected)}, request has ${o.actual === undefined ? 'none' : JSON.stringify(o.actual)}`);
      else if (o.reason === 'variable') unmet.push(`${p.policy} Statement[${s.ref.index}]: ${o.variable} has no value`);
    }
  }
  return unmet.length > 0 ? `; not met: ${unmet.slice(0, 5).join('; ')}` : '';
}

/** The subject's effective tags (aws:PrincipalTag/…), shown so a service can see what ABAC decided on. */
function principalTagsOf(broker: Broker, subject: Caller): { tags?: Record<string, string> } {
  const tags = callerPrincipalTags(broker.model, subject);
  return tags.length > 0 ? { tags: { ...tagObject(tags) } } : {};
}

function answerError(res: Response, status: number, code: string, message: string): void {
  noteRequest(res, { error: code });
  res.status(status).set('cache-control', 'no-store').type('application/json').send(JSON.stringify({ Error: { Code: code, Message: message } }));
}

function rawPath(req: Request): string {
  const q = req.originalUrl.indexOf('?');
  return q < 0 ? req.originalUrl : req.originalUrl.slice(0, q);
}

function rawQuery(req: Request): string {
  const q = req.originalUrl.indexOf('?');
  return q < 0 ? '' : req.originalUrl.slice(q + 1);
}
