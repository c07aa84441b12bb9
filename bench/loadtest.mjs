#!/usr/bin/env node
/**
 * `npm run loadtest`: quality.md's load test — a bounded loopback load on the broker at the
 * benchmark's concurrency (50 connections) for 60 s, which must end with zero 5xx, no socket error and
 * no timeout. Each connection loops over an AssumeRoleWithWebIdentity, a signed GetCallerIdentity and
 * a console sign-in (getSigninToken, then login with that one-time token), against the benchmark's
 * configuration (SQLite store, audit file, rate limit off). Prints a short report; exit 0 on pass.
 *
 * Environment: LOADTEST_DURATION (s, default 60), LOADTEST_CONNECTIONS (50), LOADTEST_WORKERS
 * (server.workers, default 1), LOADTEST_FROM_SOURCE=1 (run src/ through tsx instead of dist/;
 * the test suite does, with a few seconds).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { brokerConfig, credentialsFrom, OIDC_CLIENT_ID, OIDC_ISSUER, postForm, SAML_IDP_ENTITY_ID, startBroker, webIdentityBody } from './lib/broker.mjs';
import { runLoad } from './lib/load.mjs';
import { createOidcKey, mintTokens, writeJwks } from './lib/oidc.mjs';
import { cleanup, freePort, sleep, stopChild, tempDir } from './lib/procs.mjs';
import { createIdpKeys, metadataXml } from './lib/saml.mjs';
import { signGetCallerIdentity } from './lib/sigv4.mjs';

const REPO = resolve(import.meta.dirname, '..');
const DURATION = Number(process.env.LOADTEST_DURATION ?? 60);
const CONNECTIONS = Number(process.env.LOADTEST_CONNECTIONS ?? 50);
const WORKERS = Number(process.env.LOADTEST_WORKERS ?? 1);
const FROM_SOURCE = process.env.LOADTEST_FROM_SOURCE === '1';
const CPUS = `0-${Math.max(0, availableParallelism() - 1)}`;

const root = tempDir('fedbroker-loadtest-');
let code = 1;
try {
  const oidcKey = await createOidcKey();
  const jwksFile = writeJwks(oidcKey, join(root, 'jwks.json'));
  const [token] = await mintTokens(oidcKey, { issuer: OIDC_ISSUER, audience: OIDC_CLIENT_ID, count: 1, lifetimeS: DURATION + 600 });
  const samlKeys = createIdpKeys(root);
  const samlMetadata = join(root, 'idp-metadata.xml');
  writeFileSync(samlMetadata, metadataXml(SAML_IDP_ENTITY_ID, samlKeys.certBase64));
  const port = await freePort();
  const config = brokerConfig({ port, oidc: { issuer: OIDC_ISSUER, jwksFile }, samlMetadata });
  config.server.workers = WORKERS;
  const broker = await startBroker({ repo: REPO, dir: join(root, 'broker'), config, cpu: CPUS, logLevel: 'info', fromSource: FROM_SOURCE });
  if (WORKERS > 1) {
    for (let i = 0; i < 600 && !readFileSync(broker.logFile, 'utf8').includes(`with ${WORKERS} workers`); i++) await sleep(100);
  }

  const webBody = webIdentityBody(token, 0);
  const probe = await postForm(broker.url, Object.fromEntries(new URLSearchParams(webBody)));
  if (probe.status !== 200) throw new Error(`AssumeRoleWithWebIdentity probe failed (${probe.status}): ${probe.text.slice(0, 500)}`);
  const credentials = credentialsFrom(probe.text);
  const gci = await signGetCallerIdentity({ host: `127.0.0.1:${port}`, credentials });
  const session = encodeURIComponent(JSON.stringify({ sessionId: credentials.accessKeyId, sessionKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken }));
  const mix = {
    webIdentityBody: webBody,
    gci,
    getSigninTokenPath: `/federation?Action=getSigninToken&SessionDuration=3600&Session=${session}`,
    loginPathPrefix: `/federation?Action=login&Issuer=${encodeURIComponent('https://portal.loadtest.test')}&Destination=${encodeURIComponent(`${broker.url}/console`)}&SigninToken=`,
  };

  const before = loadavg()[0];
  const r = await runLoad({ url: broker.url, connections: CONNECTIONS, duration: DURATION, flow: 'mix', mix }, { serverPid: broker.pid, cpu: CPUS, dir: root });
  await stopChild(broker);
  const log = readFileSync(broker.logFile, 'utf8');
  const loggedErrors = log.split('\n').filter((l) => l.includes('"level":50')).length;

  const fivexx = Object.entries(r.statuses).filter(([s]) => Number(s) >= 500).reduce((a, [, n]) => a + n, 0);
  const unexpected = Object.entries(r.statuses).filter(([s]) => s !== '200' && s !== '302');
  const pass = fivexx === 0 && r.errors === 0 && r.timeouts === 0 && r.total > 0;
  const ms = (x) => `${x.toFixed(2)} ms`;
  console.log(`fedbroker load test: ${DURATION} s, ${CONNECTIONS} connections, loopback, server.workers ${WORKERS}${FROM_SOURCE ? ' (from source)' : ''}`);
  console.log(`  mix per connection: AssumeRoleWithWebIdentity, GetCallerIdentity, getSigninToken, login`);
  console.log(`  requests ${r.total} (${Math.round(r.rps)}/s); latency p50 ${ms(r.p50Ms)}, p99 ${ms(r.p99Ms)}, max ${ms(r.maxMs)}`);
  console.log(`  statuses ${JSON.stringify(r.statuses)}; socket errors ${r.errors}; timeouts ${r.timeouts}; error lines in the broker log ${loggedErrors}`);
  if (unexpected.length > 0) console.log(`  note: statuses other than 200/302: ${JSON.stringify(Object.fromEntries(unexpected))}`);
  console.log(`  load average ${before.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`);
  console.log(`${pass ? 'PASS' : 'FAIL'}  zero 5xx (${fivexx}), no socket error, no timeout`);
  code = pass ? 0 : 1;
} catch (e) {
  console.error(`load test failed: ${e?.stack ?? e}`);
  code = 2;
} finally {
  await cleanup();
}
process.exit(code);
