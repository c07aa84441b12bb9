/**
 * The Express application: everything that is not AWS Query traffic — operations endpoints, and the
 * routers of the browser-facing features (SAML ACS, console, federation endpoint, development IdPs),
 * which are mounted by the broker.
 */
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from '../log.js';
import { clientAddress } from './clientAddress.js';
import { sendFavicon } from './favicon.js';
import type { Metrics } from './metrics.js';
import { notFoundHandlers } from './notFound.js';
import { COMMON_HEADERS, errorAnswer } from './plainResponse.js';
import { requestIdOf } from './requestInfo.js';
import { requestLogger } from './requestLog.js';

export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when ready; rejects (or throws) with a short reason otherwise. */
  check(): Promise<void>;
}

export interface AppOptions {
  readonly metrics: Metrics;
  readonly readiness: readonly ReadinessCheck[];
  readonly logger: Logger;
  readonly trustProxy: boolean;
  /** Routers mounted in order, each at its path. */
  readonly routers: ReadonlyArray<{ readonly path: string; readonly router: Router }>;
}

export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('trust proxy', options.trustProxy);

  app.use(requestLogger(options.logger, requestIdOf, (req) => clientAddress(req, options.trustProxy).sourceIp));

  app.use((_req, res, next) => {
    // Conservative defaults for every page; routers may tighten further.
    for (const name in COMMON_HEADERS) res.setHeader(name, COMMON_HEADERS[name]!);
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.type('application/json').send('{"status":"ok"}');
  });

  app.get('/readyz', async (_req, res) => {
    const failures: Record<string, string> = {};
    await Promise.all(
      options.readiness.map(async (r) => {
        try {
          await r.check();
        } catch (e) {
          failures[r.name] = e instanceof Error ? e.message : String(e);
        }
      }),
    );
    const ok = Object.keys(failures).length === 0;
    res.status(ok ? 200 : 503).type('application/json').send(JSON.stringify(ok ? { status: 'ready' } : { status: 'not ready', failures }));
  });

  app.get('/metrics', async (_req, res) => {
    res.type(options.metrics.contentType).send(await options.metrics.render());
  });

  app.get(['/favicon.svg', '/favicon.ico'], sendFavicon);

  // People who open the broker's address in a browser land on the access portal.
  app.get('/', (_req, res) => res.redirect(302, '/start'));

  for (const { path, router } of options.routers) app.use(path, router);

  app.use(notFoundHandlers());

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    // Body-parser errors carry `status`; the broker's own (AwsError) carry `httpStatus` — a store
    // outage is ServiceUnavailable (503), as quality.md asks, not an internal error.
    const { status, text, log } = errorAnswer(err);
    if (log) options.logger.error({ err, path: req.path }, 'request failed');
    if (res.headersSent) return;
    res.status(status).set('cache-control', 'no-store').type('text/plain').send(text);
  });

  return app;
}
