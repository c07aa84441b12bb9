/**
 * The answer for a path the broker does not serve. An AWS client (a SigV4 `Authorization` header or
 * presigned query, or an `Action` parameter: usually a wrong `--endpoint-url`) gets an AWS error
 * document its SDK can parse and show; a person gets a page.
 */
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { NotFound, quoteInput } from '../errors.js';
import { renderError, wantsJson } from '../protocol/render.js';
import { API_VERSIONS } from '../protocol/result.js';
import { contentSecurityPolicy, html, layout } from './html.js';
import { noteRequest } from './requestLog.js';

/** The query string or a form body names an Action, or the request is signed the AWS way. */
function awsService(req: Request): 'sts' | 'iam' | undefined {
  const authorization = req.headers.authorization ?? '';
  const body = (req.body ?? {}) as Record<string, unknown>;
  const query = req.query as Record<string, unknown>;
  const signed = authorization.startsWith('AWS4-') || 'X-Amz-Signature' in query;
  if (!signed && !('Action' in query) && typeof body['Action'] !== 'string') return undefined;
  const scope = /\/[^/]+\/(iam|sts)\/aws4_request/.exec(authorization)?.[1] ?? /\/(iam|sts)\/aws4_request/.exec(String(query['X-Amz-Credential'] ?? ''))?.[1];
  const version = String(query['Version'] ?? body['Version'] ?? '');
  return scope === 'iam' || version === API_VERSIONS.iam ? 'iam' : 'sts';
}

export function notFoundHandlers() {
  // A form body is read (a little of it) only to see whether it is an AWS Query request.
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 50 });
  const answer = (req: Request, res: Response): void => {
    const path = quoteInput(req.path, 200);
    const service = awsService(req);
    if (service !== undefined) {
      const requestId = randomUUID();
      const root = `${req.protocol}://${quoteInput(req.get('host') ?? 'localhost', 200)}`;
      const error = new NotFound(`No ${service.toUpperCase()} API at ${path} on this broker: send AWS requests to its root, e.g. --endpoint-url ${root}`);
      const r = renderError(service, error, requestId, wantsJson(req.headers.accept) ? 'json' : 'xml');
      noteRequest(res, { error: error.code });
      res.status(r.status).set({ 'content-type': r.contentType, 'x-amzn-RequestId': requestId, 'cache-control': 'no-store' }).send(r.body);
      return;
    }
    res
      .status(404)
      .set('content-security-policy', contentSecurityPolicy())
      .set('cache-control', 'no-store')
      .type('html')
      .send(layout('Page not found', html`<p>There is no page at <code>${path}</code>.</p><p><a href="/console">Go to the console</a></p>`));
  };
  return [form, answer];
}
