/**
 * Raw AWS Query requests against a running broker, for tests that must see the wire: status,
 * headers and the XML/JSON body exactly as sent. Signed requests are signed by @smithy/signature-v4
 * (the signer of the AWS SDK v3, independent of the broker's verifier) in the form the AWS CLI uses
 * (no x-amz-content-sha256), or presigned (query form).
 *
 *   const r = await stsQuery(broker.url, { Action: 'GetCallerIdentity' }, { credentials });
 *   r.status, r.headers['x-amzn-requestid'], r.body
 *   const e = awsError(r);  // { type, code, message, requestId, namespace }
 *   const v = resultValue(r, 'Credentials/SessionToken');
 */
import { request as httpRequest } from 'node:http';
import type { Agent, ClientRequest, IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { DOMParser } from '@xmldom/xmldom';
import type { Element } from '@xmldom/xmldom';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../federation/sigv4/helpers.js';

export const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
export const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
export const STS_VERSION = '2011-06-15';

export interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface RawRequest {
  readonly method?: string;
  /** Path and query, e.g. `/?Action=…`. */
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

/**
 * One HTTP/1.1 request with node:http (full control over Host and every header), on a new connection
 * unless an `agent` is given; `onSocket` sees the request's socket (to check which connection it took).
 */
export function rawRequest(
  baseUrl: string,
  spec: RawRequest = {},
  via: { agent?: Agent; onSocket?: (socket: Socket, req: ClientRequest) => void; timeoutMs?: number } = {},
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: spec.method ?? 'POST',
        path: spec.path ?? '/',
        headers: { ...(spec.body !== undefined ? { 'content-length': String(Buffer.byteLength(spec.body)) } : {}), ...spec.headers },
        agent: via.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    if (via.onSocket) req.on('socket', (socket) => via.onSocket!(socket, req));
    if (via.timeoutMs !== undefined) req.setTimeout(via.timeoutMs, () => req.destroy(new Error(`no answer within ${via.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(spec.body);
  });
}

export interface QueryOptions {
  /** Sign with these credentials (Authorization header, as the AWS CLI does). Absent: unsigned. */
  readonly credentials?: Keys;
  /** Presign (query form, X-Amz-Expires) instead of the Authorization header; GET. */
  readonly presign?: { readonly expiresIn: number };
  readonly method?: 'GET' | 'POST';
  readonly signingDate?: Date;
  readonly region?: string;
  readonly service?: 'sts' | 'iam';
  /** Extra headers (signed along when signing). */
  readonly headers?: Record<string, string>;
  /** Changes the body after signing (to prove the signature covers it). */
  readonly alterBody?: (body: string) => string;
  /** Sends the request (default: rawRequest on a new connection; e.g. a connection pinned to one cluster worker). */
  readonly send?: (spec: RawRequest) => Promise<RawResponse>;
}

/** `Version` defaults to 2011-06-15; pass `Version: undefined`-less objects to override. */
export async function stsQuery(baseUrl: string, params: Record<string, string | undefined>, options: QueryOptions = {}): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const host = `${url.hostname}:${url.port}`;
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries({ Version: STS_VERSION, ...params })) if (v !== undefined) all[k] = v;
  const form = new URLSearchParams(all).toString();
  const method = options.presign ? 'GET' : (options.method ?? 'POST');
  const get = method === 'GET';
  const base = {
    method,
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: get ? all : {},
    headers: {
      host,
      ...(get ? {} : { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }),
      ...options.headers,
    } as Record<string, string>,
    ...(get ? {} : { body: form }),
  };
  let signed: { headers: Record<string, string>; query?: Record<string, string | string[] | null> } = base;
  if (options.credentials) {
    const signer = new SignatureV4({
      service: options.service ?? 'sts',
      region: options.region ?? 'us-east-1',
      credentials: options.credentials,
      sha256: NodeSha256,
      applyChecksum: false,
    });
    const when = options.signingDate ?? new Date();
    signed = (options.presign
      ? await signer.presign(base, { signingDate: when, expiresIn: options.presign.expiresIn })
      : await signer.sign(base, { signingDate: when })) as unknown as typeof signed;
  }
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(signed.query ?? {})) {
    if (v === null) continue;
    for (const one of Array.isArray(v) ? v : [v]) query.append(k, one);
  }
  const qs = query.toString();
  const body = get ? undefined : options.alterBody ? options.alterBody(form) : form;
  const spec: RawRequest = { method, path: qs ? `/?${qs}` : '/', headers: signed.headers, ...(body !== undefined ? { body } : {}) };
  return options.send ? options.send(spec) : rawRequest(baseUrl, spec);
}

// ---- reading responses ------------------------------------------------------------------------------

export function parseXml(body: string): Element {
  const doc = new DOMParser().parseFromString(body, 'text/xml');
  const root = doc.documentElement;
  if (!root) throw new Error(`not XML: ${body.slice(0, 200)}`);
  return root;
}

function childElements(el: Element): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as Element);
  return out;
}

/** The element at a `/`-separated path of local names below `root` (undefined when absent). */
export function at(root: Element, path: string): Element | undefined {
  let cur: Element | undefined = root;
  for (const name of path.split('/')) {
    cur = cur ? childElements(cur).find((c) => c.localName === name) : undefined;
  }
  return cur;
}

export interface AwsErrorBody {
  readonly namespace: string | null;
  readonly type: string;
  readonly code: string;
  readonly message: string;
  readonly requestId: string;
  /** Local names of ErrorResponse's children, in order. */
  readonly shape: string[];
}

/** The parts of an AWS ErrorResponse (throws when the body is not one). */
export function awsError(r: RawResponse): AwsErrorBody {
  const root = parseXml(r.body);
  if (root.localName !== 'ErrorResponse') throw new Error(`expected an ErrorResponse (HTTP ${r.status}): ${r.body.slice(0, 500)}`);
  return {
    namespace: root.namespaceURI,
    type: at(root, 'Error/Type')?.textContent ?? '',
    code: at(root, 'Error/Code')?.textContent ?? '',
    message: at(root, 'Error/Message')?.textContent ?? '',
    requestId: at(root, 'RequestId')?.textContent ?? '',
    shape: childElements(root).map((c) => c.localName ?? ''),
  };
}

/** Text of `<Action>Result/<path>` in a success response (throws on an error response). */
export function resultValue(r: RawResponse, path: string): string | undefined {
  const root = parseXml(r.body);
  if (root.localName === 'ErrorResponse') {
    const e = awsError(r);
    throw new Error(`expected success, got ${e.code}: ${e.message}`);
  }
  const result = childElements(root).find((c) => c.localName?.endsWith('Result'));
  return result ? (at(result, path)?.textContent ?? undefined) : undefined;
}

/** The Credentials of a success response, as SDK-style keys. */
export function credentialsOf(r: RawResponse): Keys & { expiration: string } {
  const get = (name: string) => {
    const v = resultValue(r, `Credentials/${name}`);
    if (v === undefined) throw new Error(`no Credentials/${name} in ${r.body.slice(0, 300)}`);
    return v;
  };
  return { accessKeyId: get('AccessKeyId'), secretAccessKey: get('SecretAccessKey'), sessionToken: get('SessionToken'), expiration: get('Expiration') };
}
