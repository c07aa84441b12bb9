/**
 * What an action is to the protocol layer: its name, service, authentication mode, parameter schema
 * and a handler. Handlers are thin: validate (done here by the schema) → federation → policy →
 * credentials → result.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Caller } from '../federation/identity.js';
import type { ParamSpecs, ParamValues } from './params.js';
import type { AwsService, ResultObject } from './result.js';

/** The HTTP request as the protocol layer sees it: independent of the HTTP framework. */
export interface QueryHttpRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The headers as received (name, value, name, value…), for signature checks. */
  readonly rawHeaders?: readonly string[];
  readonly body: Buffer;
  /** aws:SourceIp (already resolved through trusted proxies). */
  readonly sourceIp: string;
  /** aws:SecureTransport. */
  readonly secure: boolean;
}

/** Facts about the request that actions and audit events need. */
export interface RequestInfo {
  readonly requestId: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly secure: boolean;
  /** Epoch ms when the request arrived. */
  readonly receivedAt: number;
}

/** CloudTrail-shaped details an action adds to its audit event. */
export interface AuditDetails {
  userIdentity?: Record<string, unknown>;
  requestParameters?: Record<string, unknown>;
  responseElements?: Record<string, unknown>;
  resources?: Array<{ ARN: string; accountId: string; type: string }>;
  additionalEventData?: Record<string, unknown>;
  /** An upstream issuance (upstream.md): AWS's request id, key id and session ARN. */
  upstream?: { readonly requestId: string; readonly accessKeyId: string; readonly assumedRoleArn: string } | undefined;
  /** Set when the action's own module already wrote the event of this failure (no second one). */
  failureRecorded?: boolean;
}

export interface ActionContext<P> {
  readonly params: P;
  /** The authenticated caller, for signed actions. */
  readonly caller: Caller | undefined;
  readonly request: RequestInfo;
  /** What the audit event should say; handlers fill it as they learn who the caller is. */
  readonly audit: AuditDetails;
}

export interface ActionDefinition<S extends ParamSpecs = ParamSpecs> {
  readonly name: string;
  readonly service: AwsService;
  /** `none`: identity comes from a token or assertion (AssumeRoleWith*); `sigv4`: signed callers only. */
  readonly auth: 'none' | 'sigv4';
  readonly params: S;
  /** Which outcomes are audit events: every one (issuance, MFA…), or only failures (GetCallerIdentity). */
  readonly audit: 'always' | 'failures' | 'never';
  handle(ctx: ActionContext<ParamValues<S>>): Promise<ResultObject | undefined>;
}

/** Erases the parameter types so definitions of different actions fit one registry. */
export function defineAction<S extends ParamSpecs>(definition: ActionDefinition<S>): ActionDefinition {
  return definition as unknown as ActionDefinition;
}
