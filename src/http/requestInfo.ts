/**
 * The RequestInfo of a request served by the Express app (browser flows, federation endpoint,
 * POST /authorize): who sent it (through trusted proxies), when, and a request id for its audit
 * events — the same shape the Query protocol gives its actions.
 */
import type { Request } from 'express';
import type { RequestInfo } from '../protocol/action.js';
import { clientAddress } from './clientAddress.js';

/** One id per request, however many events it records (the Express app has no AWS request id). */
export function requestIdOf(req: Request): string {
  const r = req as Request & { fedbrokerRequestId?: string };
  r.fedbrokerRequestId ??= globalThis.crypto.randomUUID();
  return r.fedbrokerRequestId;
}

export function requestInfoOf(req: Request, trustProxy: boolean): RequestInfo {
  const { sourceIp, secure } = clientAddress(req, trustProxy);
  return {
    requestId: requestIdOf(req),
    sourceIp,
    userAgent: req.headers['user-agent'] ?? '',
    secure,
    receivedAt: Date.now(),
  };
}
