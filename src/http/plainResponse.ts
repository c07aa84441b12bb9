/**
 * Answers written straight to a node:http response, for the routes served on the lean path in front
 * of the Express app (the federation endpoint). The headers every answer carries and the way an error
 * becomes an answer are decided here once; the Express app uses the same two.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, ServiceUnavailable } from '../errors.js';
import { contentSecurityPolicy } from './html.js';

/** Conservative defaults for every page and answer (the Express app sets them on its own too). */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};
/** The same as a flat [name, value, …] list, as writeHead takes it. */
export const COMMON_HEADER_LIST: readonly string[] = Object.entries(COMMON_HEADERS).flat();

/** A request handler on the lean path: `query` is the raw query string (without `?`). */
export type PlainRoute = (req: IncomingMessage, res: ServerResponse, query: string) => void;

/**
 * Answers finished in one turn of the event loop are written together right after it, as the Query
 * path does (server.ts): many sockets' writes land on the network stack back to back, which costs
 * the kernel less per response than writes spread between other work. The delay is one turn.
 */
let outbox: Array<() => void> = [];
function flush(): void {
  const batch = outbox;
  outbox = [];
  for (const write of batch) write();
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers?: Readonly<Record<string, string>>): void {
  if (outbox.length === 0) setImmediate(flush);
  outbox.push(() => {
    if (res.headersSent || res.destroyed) return;
    // A flat list (no merged object per answer); `headers` replace the common ones and cache-control.
    const list: Array<string | number> = [];
    for (let i = 0; i < COMMON_HEADER_LIST.length; i += 2) {
      if (headers?.[COMMON_HEADER_LIST[i]!] === undefined) list.push(COMMON_HEADER_LIST[i]!, COMMON_HEADER_LIST[i + 1]!);
    }
    if (headers?.['cache-control'] === undefined) list.push('cache-control', 'no-store');
    if (headers !== undefined) for (const name in headers) list.push(name, headers[name]!);
    list.push('content-type', contentType, 'content-length', Buffer.byteLength(body));
    res.writeHead(status, list as string[]);
    res.end(body);
  });
}

/** An HTML page (strict CSP, never cached). */
export function sendPage(res: ServerResponse, status: number, html: string, headers: Readonly<Record<string, string>> = {}): void {
  send(res, status, 'text/html; charset=utf-8', html, { 'content-security-policy': contentSecurityPolicy(), ...headers });
}

export function sendJson(res: ServerResponse, status: number, json: string): void {
  send(res, status, 'application/json; charset=utf-8', json);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Readonly<Record<string, string>> = {}): void {
  send(res, status, 'text/plain; charset=utf-8', text, headers);
}

/** A 302 to an (already allow-listed) absolute URL. */
export function sendRedirect(res: ServerResponse, location: string, headers?: Readonly<Record<string, string>>): void {
  const encoded = encodeLocation(location);
  send(res, 302, 'text/plain; charset=utf-8', `Found. Redirecting to ${encoded}`, headers === undefined ? { location: encoded } : { ...headers, location: encoded });
}

/**
 * A URL made safe for the Location header the way Express does it (the `encodeurl` rules): characters
 * outside what a URL may hold are percent-encoded, existing `%XX` escapes are kept.
 */
const UNENCODED = /(?:[^\x21\x23-\x3B\x3D\x3F-\x5F\x61-\x7A\x7C\x7E]|%(?:[^0-9A-Fa-f]|[0-9A-Fa-f][^0-9A-Fa-f]|$))+/g;
const LONE_SURROGATE = /(^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]|[\uD800-\uDBFF]([^\uDC00-\uDFFF]|$)/g;
export function encodeLocation(url: string): string {
  return url.replace(LONE_SURROGATE, '$1\uFFFD$2').replace(UNENCODED, encodeURI);
}

/**
 * How an error thrown while serving a request is answered: a store outage is ServiceUnavailable
 * (503, quality.md), other AwsErrors their own status and message, anything else 500 with no detail.
 * `log` is true for what an operator must see (5xx other than an outage).
 */
export function errorAnswer(err: unknown): { status: number; text: string; log: boolean } {
  const status = err instanceof AwsError ? err.httpStatus : typeof (err as { status?: unknown } | null)?.status === 'number' ? (err as { status: number }).status : 500;
  const text = status === 413 ? 'Request too large' : err instanceof AwsError && status !== 500 ? err.message : status >= 500 ? 'Internal error' : 'Bad request';
  return { status, text, log: status >= 500 && !(err instanceof ServiceUnavailable) };
}
