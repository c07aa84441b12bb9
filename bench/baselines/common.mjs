/**
 * What every baseline server shares: a bare node:http server on 127.0.0.1:$PORT that collects the
 * body, hands it to the route's handler and writes its answer — nothing else. GET /__cpu reports
 * the server's own process.cpuUsage() (µs) so its CPU time can be cross-checked with /proc.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

export function serve(handle) {
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    if (req.method === 'GET' && req.url === '/__cpu') {
      const body = JSON.stringify({ ...process.cpuUsage(), rss: process.memoryUsage().rss });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      handle(req, body).then(
        ({ status, type, body: out, headers }) => {
          res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(out), ...headers }).end(out);
        },
        (e) => {
          const out = `<ErrorResponse><Error><Code>Baseline</Code><Message>${String(e?.message ?? e).replace(/[<&]/g, '')}</Message></Error></ErrorResponse>`;
          res.writeHead(400, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(out) }).end(out);
        },
      );
    });
  });
  server.listen(Number(process.env.PORT), '127.0.0.1');
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return server;
}

/** The fixed response body: the broker's own answer captured by run.mjs (same bytes on the wire), or a stand-in. */
export function fixedXml(fallback) {
  return process.env.BASELINE_RESPONSE_FILE ? readFileSync(process.env.BASELINE_RESPONSE_FILE, 'utf8') : fallback;
}
