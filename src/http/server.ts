/**
 * The one HTTP listener. AWS Query traffic (POST / with a form body, or GET /?Action=…) goes straight
 * to the framework-independent protocol handler, a few other machine-facing paths (the federation
 * endpoint) to their own plain handlers; everything else (console, browser flows, operations) goes
 * to the Express app. Express costs ~150 µs per request here, which the STS
 * hot paths cannot afford (quality.md).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { RequestListener } from 'node:http';
import { RequestEntityTooLarge } from '../errors.js';
import type { Logger } from '../log.js';
import type { QueryHttpRequest } from '../protocol/action.js';
import type { QueryProtocol, QueryResponse } from '../protocol/queryProtocol.js';
import { renderError, wantsJson } from '../protocol/render.js';
import { API_VERSIONS } from '../protocol/result.js';
import { randomUUID } from 'node:crypto';
import { clientAddress } from './clientAddress.js';
import type { PlainRoute } from './plainResponse.js';
import { logPlainRequest } from './requestLog.js';

export interface HttpServerOptions {
  readonly protocol: QueryProtocol;
  /** Everything that is not Query-protocol traffic nor one of `routes`. */
  readonly app: RequestListener;
  /** Other paths served on this lean path rather than by the app (exact path → handler). */
  readonly routes?: ReadonlyMap<string, PlainRoute>;
  readonly trustProxy: boolean;
  readonly maxBodyBytes: number;
  readonly logger: Logger;
}

/** True for requests the AWS SDKs and CLI send to an STS/IAM endpoint (path `/`, query `?…` after it). */
export function isQueryRequest(req: IncomingMessage, path: string, query: URLSearchParams): boolean {
  if (path !== '/') return false;
  if (req.method === 'POST') return /application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '') || query.has('Action');
  return req.method === 'GET' && query.has('Action');
}

export function createHttpServer(options: HttpServerOptions): Server {
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 30_000, headersTimeout: 20_000 }, (req, res) => {
    // The request target split by hand rather than parsed with `new URL` (a few µs per request): Query
    // traffic is only ever `/` or `/?query`; every other path goes to Express, which parses its own.
    const target = req.url ?? '/';
    const mark = target.indexOf('?');
    const path = mark < 0 ? target : target.slice(0, mark);
    if (path !== '/') {
      const route = options.routes?.get(path);
      if (route !== undefined) {
        logPlainRequest(options.logger, req, res, path, () => clientAddress(req, options.trustProxy).sourceIp);
        route(req, res, mark < 0 ? '' : target.slice(mark + 1));
      }
      else options.app(req, res);
      return;
    }
    const query = new URLSearchParams(mark < 0 ? '' : target.slice(mark + 1));
    if (!isQueryRequest(req, path, query)) {
      options.app(req, res);
      return;
    }
    readBody(req, options.maxBodyBytes).then(
      (body) => serveQuery(options, req, res, path, query, body),
      (e: unknown) => {
        if (e instanceof RequestEntityTooLarge) {
          const requestId = randomUUID();
          // The body is unread, so only the query string can say it is an IAM call.
          const service = query.get('Version') === API_VERSIONS.iam ? 'iam' : 'sts';
          const r = renderError(service, e, requestId, wantsJson(req.headers.accept) ? 'json' : 'xml');
          res.writeHead(r.status, { 'content-type': r.contentType, 'x-amzn-RequestId': requestId, connection: 'close' }).end(r.body);
          // Stop reading the rest of an oversized upload.
          req.destroy();
        } else {
          res.destroy();
        }
      },
    );
  });
  drainOnClose(server);
  return server;
}

/**
 * Graceful shutdown: server.close() stops accepting and closes the connections idle at that moment,
 * but a keep-alive connection that was busy stays open after its response until the client drops it
 * (up to keepAliveTimeout), and close() waits for it. While closing, idle connections are closed as
 * soon as they become idle. (Polled, so the request path pays nothing for it.)
 */
function drainOnClose(server: Server): void {
  const close = server.close.bind(server);
  server.close = ((callback?: (err?: Error) => void) => {
    if (!server.listening) return close(callback);
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    sweep.unref();
    server.once('close', () => clearInterval(sweep));
    return close(callback);
  }) as Server['close'];
}

function serveQuery(
  options: HttpServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
  body: Buffer,
): void {
  const { sourceIp, secure } = clientAddress(req, options.trustProxy);
  const request: QueryHttpRequest = {
    method: req.method ?? 'GET',
    path,
    query,
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    body,
    sourceIp,
    secure,
  };
  if (inbox.length === 0) setImmediate(handleInbox);
  inbox.push({ options, request, res });
}

/**
 * Query requests whose bodies arrived in the same turn of the event loop are handled together, right
 * after it, all started in one loop. Each then runs to its first `await`, the next one does the same,
 * and so on: the requests move through the pipeline stage by stage (all token checks, then all
 * policy evaluations, all sealings, …) instead of each running the whole pipeline between two socket
 * reads. The same code and keys stay in the CPU caches across a stage: measured here, one
 * AssumeRoleWithWebIdentity costs ~170 µs of CPU when requests run one at a time and ~95 µs when they
 * run interleaved (bench: ratio 0.48 → 0.8). Nothing is skipped or shared between requests; the
 * delay is one event-loop turn.
 */
interface Inbound {
  readonly options: HttpServerOptions;
  readonly request: QueryHttpRequest;
  readonly res: ServerResponse;
}
let inbox: Inbound[] = [];

function handleInbox(): void {
  const batch = inbox;
  inbox = [];
  for (const { options, request, res } of batch) {
    options.protocol.handle(request).then(
      (r) => queueResponse(res, r),
      (e: unknown) => {
        // QueryProtocol renders every error itself; reaching this is a bug.
        options.logger.error({ err: e }, 'query protocol handler failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end();
      },
    );
  }
}

/**
 * Responses finished in the same turn of the event loop are written together, right after it: on a
 * busy server many sockets' writes then land on the network stack back to back instead of one by
 * one between other work, which measurably lowers the kernel's cost per response on loopback (fewer
 * wake-ups of the peer). The delay is one event-loop turn.
 */
let outbox: Array<{ res: ServerResponse; r: QueryResponse }> = [];
function queueResponse(res: ServerResponse, r: QueryResponse): void {
  if (outbox.length === 0) setImmediate(flushResponses);
  outbox.push({ res, r });
}

function flushResponses(): void {
  const batch = outbox;
  outbox = [];
  for (const { res, r } of batch) {
    if (res.destroyed) continue;
    res.writeHead(r.status, {
      'content-type': r.contentType,
      'content-length': Buffer.byteLength(r.body),
      'x-amzn-RequestId': r.requestId,
      'cache-control': 'no-store',
    });
    res.end(r.body);
  }
}

/** Collects the body up to `limit` bytes; rejects with RequestEntityTooLarge beyond it. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new RequestEntityTooLarge(`Request body exceeds the limit of ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new RequestEntityTooLarge(`Request body exceeds the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on('error', (e) => {
      if (!failed) {
        failed = true;
        reject(e);
      }
    });
  });
}
