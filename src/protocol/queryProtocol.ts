/**
 * The AWS Query protocol endpoint as a function from an HTTP request (method, path, headers, body) to
 * a response — independent of any HTTP framework, so the lean node:http front end can serve it.
 *
 * Order of work for one request: rate limit → Action/Version → authentication (signed actions) →
 * parameter schema → handler → render; every failure is an AwsError rendered once, here. Audit events
 * for the action's outcomes are written before the response is returned (of requests refused by the
 * rate limit, only the first per address and minute).
 */
import { randomUUID } from 'node:crypto';
import { AwsError, InternalFailure, InvalidAction, InvalidParameterValue, MissingParameter, quoteInput, Throttling } from '../errors.js';
import type { AuditSink } from '../audit/auditLog.js';
import { callerUserIdentity } from '../audit/userIdentity.js';
import type { Caller } from '../federation/identity.js';
import type { RateLimiter } from '../http/rateLimit.js';
import { labelKey, type Metrics } from '../http/metrics.js';
import { ANONYMOUS, elapsedMs, logRequest } from '../http/requestLog.js';
import type { Logger } from '../log.js';
import type { ActionDefinition, AuditDetails, QueryHttpRequest, RequestInfo } from './action.js';
import { readParams, type ParamSpecs } from './params.js';
import { renderError, renderSuccess, wantsJson, type RenderedResponse, type ResponseFormat } from './render.js';
import { API_VERSIONS, type AwsService } from './result.js';

export interface QueryProtocolOptions {
  readonly actions: readonly ActionDefinition[];
  /** Authenticates a SigV4-signed request; throws an AwsError when it cannot. */
  readonly authenticate: (request: QueryHttpRequest) => Caller;
  readonly rateLimiter: RateLimiter;
  readonly metrics: Metrics;
  readonly audit: AuditSink;
  readonly logger: Logger;
  readonly accountId: string;
  /**
   * Turns the explanation of a policy denial into the opaque "encoded authorization failure message"
   * appended to AccessDenied messages (decodable with DecodeAuthorizationMessage).
   */
  readonly encodeDenial?: (explanation: unknown) => string;
}

export interface QueryResponse extends RenderedResponse {
  readonly requestId: string;
}

export class QueryProtocol {
  private readonly actions = new Map<string, ActionDefinition>();

  constructor(private readonly options: QueryProtocolOptions) {
    for (const action of options.actions) this.actions.set(action.name, action);
  }

  /** Parameters of a Query request: the query string, overridden by a form body. */
  static params(request: QueryHttpRequest): URLSearchParams {
    const contentType = String(request.headers['content-type'] ?? '');
    if (request.method !== 'POST' || request.body.length === 0 || !/application\/x-www-form-urlencoded/i.test(contentType)) {
      return request.query;
    }
    const body = new URLSearchParams(request.body.toString('utf8'));
    if (request.query.size === 0) return body;
    const merged = new URLSearchParams(request.query);
    for (const key of new Set(body.keys())) merged.set(key, body.get(key)!);
    return merged;
  }

  async handle(request: QueryHttpRequest): Promise<QueryResponse> {
    const started = performance.now();
    const requestId = randomUUID();
    const format: ResponseFormat = wantsJson(headerValue(request, 'accept')) ? 'json' : 'xml';
    const info: RequestInfo = {
      requestId,
      sourceIp: request.sourceIp,
      userAgent: headerValue(request, 'user-agent') ?? '',
      secure: request.secure,
      receivedAt: Date.now(),
    };
    const params = QueryProtocol.params(request);
    const actionName = params.get('Action') ?? '';
    const action = this.actions.get(actionName);
    const service: AwsService = action?.service ?? (params.get('Version') === API_VERSIONS.iam ? 'iam' : 'sts');
    const audit: AuditDetails = {};
    let caller: Caller | undefined;

    let response: RenderedResponse;
    let outcome = 'ok';
    let audited = true;
    try {
      if (!this.options.rateLimiter.take(request.sourceIp)) {
        this.options.metrics.rateLimited.inc();
        // Only the first refusal per address and minute is an audit event: a flood stays cheap.
        audited = this.options.rateLimiter.firstRefusal(request.sourceIp);
        audit.additionalEventData = { rateLimit: 'further refusals from this source address within a minute are counted in fedbroker_rate_limited_total, not audited' };
        throw new Throttling();
      }
      if (action === undefined) {
        if (actionName === '') throw new MissingParameter('The request must contain the parameter Action');
        throw new InvalidAction(`Could not find operation ${truncate(actionName)} for version ${truncate(params.get('Version') ?? 'NO_VERSION_SPECIFIED')}`);
      }
      const version = params.get('Version');
      if (version === null || version === '') throw new MissingParameter('The request must contain the parameter Version');
      if (version !== API_VERSIONS[action.service]) {
        throw new InvalidParameterValue(`Version ${truncate(version)} is not supported for ${action.name}; use ${API_VERSIONS[action.service]}`);
      }
      if (action.auth === 'sigv4') caller = this.options.authenticate(request);
      const values = readParams(params, action.params);
      const result = await action.handle({ params: values, caller, request: info, audit });
      response = renderSuccess(action.service, action.name, result, requestId, format);
      if (action.audit === 'always') await this.writeAudit(action, params, info, caller, audit, response.status);
    } catch (e) {
      const error = this.toAwsError(e, actionName, requestId);
      outcome = error.code;
      response = renderError(service, this.withEncodedDenial(error), requestId, format);
      if (action !== undefined && action.audit !== 'never' && audit.failureRecorded !== true && audited) await this.writeAudit(action, params, info, caller, audit, response.status, error);
    }
    const label = action?.name ?? 'Unknown';
    this.options.metrics.requests.incKey(this.metricKey(label, outcome));
    this.options.metrics.latency.observeKey((performance.now() - started) / 1000, this.metricKey(label));
    if (this.options.logger.isLevelEnabled('info')) {
      const principal = caller?.arn ?? (audit.userIdentity?.['principalId'] as string | undefined) ?? ANONYMOUS;
      logRequest(this.options.logger, {
        id: requestId,
        method: request.method,
        path: request.path,
        ...(actionName !== '' ? { action: action?.name ?? truncate(actionName) } : {}),
        status: response.status,
        principal,
        ...(outcome !== 'ok' ? { error: outcome } : {}),
        ms: elapsedMs(started),
        ip: request.sourceIp,
      });
    }
    return { ...response, requestId };
  }

  /** Rendered label sets, by action and outcome: computed once, not on every request. */
  private readonly metricKeys = new Map<string, string>();

  private metricKey(action: string, outcome?: string): string {
    const id = outcome === undefined ? action : `${action}\u0000${outcome}`;
    let key = this.metricKeys.get(id);
    if (key === undefined) {
      key = labelKey(outcome === undefined ? { action } : { action, outcome });
      // Bounded: unknown actions are all reported as "Unknown", error codes are a fixed set.
      if (this.metricKeys.size < 10_000) this.metricKeys.set(id, key);
    }
    return key;
  }

  private toAwsError(e: unknown, action: string, requestId: string): AwsError {
    if (e instanceof AwsError) {
      if (e.httpStatus >= 500) this.options.logger.error({ err: e, action, requestId }, 'request failed');
      return e;
    }
    this.options.logger.error({ err: e, action, requestId }, 'unexpected error');
    return new InternalFailure();
  }

  /** AccessDenied with an explanation gets AWS's "Encoded authorization failure message" suffix. */
  private withEncodedDenial(error: AwsError): AwsError {
    const explanation = (error as { explanation?: unknown }).explanation;
    if (explanation === undefined || this.options.encodeDenial === undefined) return error;
    const encoded = this.options.encodeDenial(explanation);
    const copy = Object.create(Object.getPrototypeOf(error) as object) as AwsError;
    Object.assign(copy, error);
    Object.defineProperty(copy, 'message', { value: `${error.message} Encoded authorization failure message: ${encoded}` });
    return copy;
  }

  private async writeAudit(
    action: ActionDefinition,
    params: URLSearchParams,
    info: RequestInfo,
    caller: Caller | undefined,
    details: AuditDetails,
    _status: number,
    error?: AwsError,
  ): Promise<void> {
    await this.options.audit.record({
      eventSource: `${action.service}.amazonaws.com`,
      eventName: action.name,
      eventType: 'AwsApiCall',
      sourceIPAddress: info.sourceIp,
      userAgent: info.userAgent,
      userIdentity: details.userIdentity ?? (caller ? callerUserIdentity(caller) : { type: 'Unknown' }),
      requestParameters: details.requestParameters ?? loggableParameters(params, action.params),
      responseElements: error ? null : (details.responseElements ?? null),
      ...(details.resources ? { resources: details.resources } : {}),
      ...(details.additionalEventData ? { additionalEventData: details.additionalEventData } : {}),
      ...(details.upstream ? { upstream: details.upstream } : {}),
      ...(error ? { errorCode: error.code, errorMessage: error.message } : {}),
      requestID: info.requestId,
      recipientAccountId: this.options.accountId,
    });
  }
}

function headerValue(request: QueryHttpRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const truncate = (s: string) => quoteInput(s, 64);

/** CloudTrail-style requestParameters: declared, non-sensitive parameters, camelCase names. */
function loggableParameters(params: URLSearchParams, specs: ParamSpecs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.sensitive) continue;
    const member = name.charAt(0).toLowerCase() + name.slice(1);
    if (spec.type === 'tags') {
      const tags = new Map<string, { key?: string; value?: string }>();
      for (const [k, v] of params) {
        const m = k.startsWith(`${name}.member.`) ? /^(\d{1,4})\.(Key|Value)$/.exec(k.slice(name.length + 8)) : null;
        if (m === null) continue;
        const tag = tags.get(m[1]!) ?? {};
        tag[m[2] === 'Key' ? 'key' : 'value'] = v.slice(0, 256);
        tags.set(m[1]!, tag);
      }
      if (tags.size) out[member] = [...tags.values()].slice(0, 64);
      continue;
    }
    if (spec.type === 'list') {
      const values = [...params.entries()].filter(([k]) => k.startsWith(`${name}.member.`)).map(([, v]) => v.slice(0, 2048));
      if (values.length) out[member] = values;
      continue;
    }
    const v = params.get(name);
    if (v === null) continue;
    out[member] = spec.type === 'integer' && /^\d{1,15}$/.test(v) ? Number(v) : v.slice(0, 2048);
  }
  return out;
}
