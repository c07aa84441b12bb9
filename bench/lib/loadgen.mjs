/**
 * The load generator: one autocannon run, in its own process (run.mjs starts it with `taskset -c 1`
 * so it never shares a core with the server under test). Reads a JSON spec file, prints one JSON
 * line with the result on stdout.
 *
 * Spec: { url, method, path, headers, connections, duration (s) | amount,
 *         body?            fixed body,
 *         bodiesFile?      newline-separated bodies, rotated one per request across all connections,
 *         offset?          index of the first body to use (bodies before it were consumed earlier),
 *         unique?          bodies must not repeat (SAML assertions): report when the pool wrapped,
 *         flow?: 'console' two requests per iteration: getSigninToken, then login with its token;
 *                'mix' (the load test) a web-identity exchange, GetCallerIdentity, getSigninToken, login }
 *
 * Latency percentiles are computed here from every response's own time (autocannon's 'response'
 * event, sub-millisecond), not from autocannon's integer-millisecond histogram.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));

let bodies;
const offset = spec.offset ?? 0;
let next = offset;
let wrapped = false;
if (spec.bodiesFile) {
  bodies = readFileSync(spec.bodiesFile, 'utf8').split('\n').filter((l) => l.length > 0);
  if (bodies.length === 0) throw new Error(`no bodies in ${spec.bodiesFile}`);
}
const nextBody = () => {
  if (next >= bodies.length) wrapped = true;
  return bodies[next++ % bodies.length];
};

const opts = {
  url: spec.url,
  connections: spec.connections,
  method: spec.method ?? 'GET',
  headers: spec.headers ?? {},
  timeout: 30,
};
if (spec.amount) opts.amount = spec.amount;
else opts.duration = spec.duration;

if (spec.flow === 'console') {
  // getSigninToken → login with that (one-time) token, on every connection, in a loop.
  opts.requests = [
    {
      method: 'GET',
      path: spec.console.getSigninTokenPath,
      onResponse: (status, body, context) => {
        try {
          context.token = status === 200 ? JSON.parse(body).SigninToken : undefined;
        } catch {
          context.token = undefined;
        }
      },
    },
    {
      method: 'GET',
      setupRequest: (req, context) => ({ ...req, path: `${spec.console.loginPathPrefix}${encodeURIComponent(context.token ?? 'missing')}` }),
    },
  ];
} else if (spec.flow === 'mix') {
  // The load test: an ID-token exchange, a signed GetCallerIdentity, then a console sign-in
  // (getSigninToken → login with that one-time token), on every connection, in a loop.
  const m = spec.mix;
  opts.requests = [
    { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: m.webIdentityBody },
    { method: 'POST', path: '/', headers: m.gci.headers, body: m.gci.body },
    {
      method: 'GET',
      path: m.getSigninTokenPath,
      onResponse: (status, body, context) => {
        try {
          context.token = status === 200 ? JSON.parse(body).SigninToken : undefined;
        } catch {
          context.token = undefined;
        }
      },
    },
    { method: 'GET', setupRequest: (req, context) => ({ ...req, path: `${m.loginPathPrefix}${encodeURIComponent(context.token ?? 'missing')}` }) },
  ];
} else if (bodies && spec.unique) {
  // Every body once: one shared counter across connections, the request rebuilt each time.
  opts.requests = [{ method: opts.method, path: spec.path ?? '/', setupRequest: (req) => ({ ...req, body: nextBody() }) }];
} else if (bodies) {
  // Bodies may repeat: prebuilt requests (autocannon builds them once per connection), so the
  // generator spends nothing per request on building them. At most 256 distinct bodies.
  const distinct = bodies.slice(offset, offset + 256);
  opts.requests = distinct.map((body) => ({ method: opts.method, path: spec.path ?? '/', body }));
  next = offset + distinct.length;
} else if (spec.body !== undefined) {
  opts.body = spec.body;
}
if (spec.path && !opts.requests) opts.url = new URL(spec.path, spec.url).toString();

let latencies = new Float64Array(1 << 16);
let n = 0;
const instance = autocannon(opts, (err, result) => {
  if (err) {
    process.stdout.write(`${JSON.stringify({ error: String(err?.stack ?? err) })}\n`);
    process.exit(2);
  }
  const lat = latencies.subarray(0, n).sort();
  const pct = (p) => (n === 0 ? 0 : lat[Math.min(n - 1, Math.floor((p / 100) * n))]);
  const statuses = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = count;
  const total = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  const out = {
    durationS: result.duration,
    total,
    rps: result.duration > 0 ? total / result.duration : 0,
    p50Ms: pct(50),
    p90Ms: pct(90),
    p99Ms: pct(99),
    maxMs: n ? lat[n - 1] : 0,
    meanMs: n ? lat.reduce((a, b) => a + b, 0) / n : 0,
    statuses,
    c2xx: result['2xx'],
    c3xx: result['3xx'],
    c4xx: result['4xx'],
    c5xx: result['5xx'],
    errors: result.errors,
    generatorCpuS: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    timeouts: result.timeouts,
    ...(bodies ? { bodiesUsed: next - offset, bodiesAvailable: bodies.length - offset, wrapped: spec.unique ? wrapped : false } : {}),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
});
instance.on('response', (_client, _status, _bytes, responseTime) => {
  if (n === latencies.length) {
    const bigger = new Float64Array(latencies.length * 2);
    bigger.set(latencies);
    latencies = bigger;
  }
  latencies[n++] = responseTime;
});
process.on('SIGTERM', () => instance.stop());
process.on('SIGINT', () => instance.stop());
