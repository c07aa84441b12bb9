/**
 * The request log: one line per request at `info`, for the lean Query path and the Express app alike —
 * request id, method and path (never the query string: sign-in tokens, SAML responses and OAuth codes
 * travel there), action, status, principal (or "anonymous"), error code, duration. Nothing else from
 * the request is logged, so no secret can reach it.
 *
 *   {"level":30,"time":"…","request":{"id":"…","method":"POST","path":"/","action":"AssumeRoleWithWebIdentity",
 *    "status":403,"principal":"anonymous","error":"AccessDenied","ms":2.9,"ip":"10.0.0.7"},
 *    "msg":"POST / AssumeRoleWithWebIdentity 403 AccessDenied anonymous 2.9 ms"}
 */
import type { Request, Response } from 'express';
import { quoteInput } from '../errors.js';
import type { Logger } from '../log.js';

export interface RequestLogLine {
  readonly id: string;
  readonly method: string;
  /** The path only. */
  readonly path: string;
  /** The STS/IAM action of a Query request. */
  readonly action?: string;
  readonly status: number;
  /** The caller's ARN, the federated identity, or "anonymous". */
  readonly principal: string;
  /** The AWS error code, when the request failed with one. */
  readonly error?: string;
  /** Milliseconds from the request to its answer, one decimal. */
  readonly ms: number;
  readonly ip: string;
}

export const ANONYMOUS = 'anonymous';

export function logRequest(logger: Logger, line: RequestLogLine): void {
  const action = line.action ? ` ${line.action}` : '';
  const error = line.error ? ` ${line.error}` : '';
  requestLoggerOf(logger).info({ request: line }, `${line.method} ${line.path}${action} ${line.status}${error} ${line.principal} ${line.ms} ms`);
}

/**
 * The line is built here from the fields above only, so the logger's redaction (a second line of
 * defence for other logs, which scans every field: ~8 µs a line, more than the rest of the line) has
 * nothing to find in it. A child logger without it writes the request lines.
 */
const requestLoggers = new WeakMap<Logger, Logger>();
function requestLoggerOf(logger: Logger): Logger {
  let child = requestLoggers.get(logger);
  if (child === undefined) {
    child = logger.child({}, { redact: { paths: [] } });
    requestLoggers.set(logger, child);
  }
  return child;
}

/** Milliseconds since `started` (a performance.now() reading), one decimal. */
export const elapsedMs = (started: number): number => Math.round((performance.now() - started) * 10) / 10;

/** What an Express route knows about its request for the log line: who called, and the error code. */
export function noteRequest(res: { locals: Record<string, unknown> }, note: { principal?: string; error?: string }): void {
  if (note.principal !== undefined) res.locals['logPrincipal'] = note.principal;
  if (note.error !== undefined) res.locals['logError'] = note.error;
}

/** What a plain (non-Express) route knows about its request for the log line. */
const plainNotes = new WeakMap<object, { action?: string; principal?: string; error?: string }>();

export function notePlainRequest(res: object, note: { action?: string; principal?: string; error?: string }): void {
  // Only a request whose line will be written keeps notes (none when the log level is above info).
  const notes = plainNotes.get(res);
  if (notes !== undefined) Object.assign(notes, note);
}

/** The log line of a request served by a plain route of the lean HTTP path, written when it is answered. */
export function logPlainRequest(
  logger: Logger,
  req: { method?: string | undefined },
  res: { statusCode: number; once(event: 'finish', listener: () => void): unknown },
  path: string,
  sourceIp: () => string,
): void {
  if (!logger.isLevelEnabled('info')) return;
  const started = performance.now();
  const id = globalThis.crypto.randomUUID();
  plainNotes.set(res, {});
  res.once('finish', () => {
    const note = plainNotes.get(res);
    logRequest(logger, {
      id,
      method: req.method ?? 'GET',
      path: quoteInput(path, 256),
      ...(note?.action !== undefined ? { action: quoteInput(note.action, 64) } : {}),
      status: res.statusCode,
      principal: note?.principal ?? ANONYMOUS,
      ...(note?.error !== undefined ? { error: note.error } : {}),
      ms: elapsedMs(started),
      ip: sourceIp(),
    });
  });
}

/** Express middleware: the log line of every request the app serves, written when the answer is sent. */
export function requestLogger(logger: Logger, requestIdOf: (req: Request) => string, sourceIpOf: (req: Request) => string) {
  return (req: Request, res: Response, next: () => void): void => {
    if (!logger.isLevelEnabled('info')) return next();
    const started = performance.now();
    res.once('finish', () => {
      const path = req.originalUrl;
      const mark = path.indexOf('?');
      const principal = res.locals['logPrincipal'];
      const error = res.locals['logError'];
      logRequest(logger, {
        id: requestIdOf(req),
        method: req.method,
        path: quoteInput(mark < 0 ? path : path.slice(0, mark), 256),
        status: res.statusCode,
        principal: typeof principal === 'string' ? principal : ANONYMOUS,
        ...(typeof error === 'string' ? { error } : {}),
        ms: elapsedMs(started),
        ip: sourceIpOf(req),
      });
    });
    next();
  };
}
