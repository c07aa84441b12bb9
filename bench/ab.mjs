#!/usr/bin/env node
/**
 * A/B of two builds on one path: `node bench/ab.mjs <repoA> <repoB> [webidentity|gci|console|sso] [rounds]`.
 * Each repo must hold a built `dist/` (npm run build). Both brokers run at once (same configuration,
 * their own temp dirs), pinned to the server core, and are loaded one at a time, A then B, round after
 * round (4 s each after a 2 s warm-up), by the benchmark's own generator on the other core. Prints the
 * requests per server CPU-second of each run and the median of the per-round ratios B ÷ A.
 *
 * Meant for judging a change on a machine shared with others, where absolute figures swing by tens of
 * percent from minute to minute: two runs seconds apart on the same core see nearly the same machine.
 */
import { join } from 'node:path';
import { copyFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { ACCOUNT, brokerConfig, credentialsFrom, OIDC_CLIENT_ID, OIDC_ISSUER, postForm, SAML_IDP_ENTITY_ID, SAML_PROVIDER, SAML_PROVIDER_ARN, SAML_ROLE, samlEndpoints, startBroker, webIdentityBody } from './lib/broker.mjs';
import { createOidcKey, mintTokens, writeJwks } from './lib/oidc.mjs';
import { runLoad } from './lib/load.mjs';
import { cleanup, freePort, stopChild, tempDir } from './lib/procs.mjs';
import { createIdpKeys, metadataXml, signResponse, unsignedResponse } from './lib/saml.mjs';
import { ssoRoleCredentialsRequest } from './lib/sso.mjs';
import { signGetCallerIdentity } from './lib/sigv4.mjs';
import { median } from './lib/report.mjs';

const [repoA, repoB, path = 'webidentity', roundsArg = '4'] = process.argv.slice(2);
if (!repoA || !repoB) {
  console.error('usage: node bench/ab.mjs <repoA> <repoB> [webidentity|gci|console|sso] [rounds]');
  process.exit(2);
}
const ROUNDS = Number(roundsArg);
const DURATION = Number(process.env.BENCH_DURATION ?? 4);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

const root = tempDir('fedbroker-ab-');
try {
  const fx = join(root, 'fixtures');
  mkdirSync(fx);
  const oidcKey = await createOidcKey();
  const jwksFile = writeJwks(oidcKey, join(fx, 'jwks.json'));
  const tokens = await mintTokens(oidcKey, { issuer: OIDC_ISSUER, audience: OIDC_CLIENT_ID, count: 256 });
  const bodiesFile = join(fx, 'webidentity.bodies');
  writeFileSync(bodiesFile, tokens.map((t, i) => webIdentityBody(t, i)).join('\n'));
  const samlKeys = createIdpKeys(fx);
  const samlMetadata = join(fx, 'idp-metadata.xml');
  writeFileSync(samlMetadata, metadataXml(SAML_IDP_ENTITY_ID, samlKeys.certBase64));

  const start = async (repo, name) => {
    const port = await freePort();
    // AB_NODE_ARGS: node flags for both brokers (e.g. `--trace-gc`; their logs are copied to AB_LOG_DIR);
    // AB_NODE_ARGS_B: more flags for B only (a V8 setting against none, with the same build twice).
    const nodeArgs = `${process.env.AB_NODE_ARGS ?? ''} ${name === 'b' ? process.env.AB_NODE_ARGS_B ?? '' : ''}`.split(' ').filter(Boolean);
    return startBroker({ repo, dir: join(root, name), config: brokerConfig({ port, oidc: { issuer: OIDC_ISSUER, jwksFile }, samlMetadata }), cpu: 0, nodeArgs });
  };
  const brokers = { A: await start(repoA, 'a'), B: await start(repoB, 'b') };

  const spec = async (broker) => {
    const first = await postForm(broker.url, Object.fromEntries(new URLSearchParams(webIdentityBody(tokens[0], 0))));
    if (first.status !== 200) throw new Error(`probe failed: ${first.status} ${first.text.slice(0, 300)}`);
    const credentials = credentialsFrom(first.text);
    if (path === 'webidentity') return () => ({ url: broker.url, method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, bodiesFile, connections: CONNECTIONS });
    if (path === 'gci') {
      return async () => {
        const signed = await signGetCallerIdentity({ host: new URL(broker.url).host, credentials });
        return { url: broker.url, method: 'POST', path: '/', headers: signed.headers, body: signed.body, connections: CONNECTIONS };
      };
    }
    if (path === 'console') {
      const session = encodeURIComponent(JSON.stringify({ sessionId: credentials.accessKeyId, sessionKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken }));
      const console = {
        getSigninTokenPath: `/federation?Action=getSigninToken&SessionDuration=3600&Session=${session}`,
        loginPathPrefix: `/federation?Action=login&Issuer=${encodeURIComponent('https://portal.bench.test')}&Destination=${encodeURIComponent(`${broker.url}/console`)}&SigninToken=`,
      };
      return () => ({ url: broker.url, connections: CONNECTIONS, flow: 'console', console });
    }
    if (path === 'sso') {
      // One command-line sign-in per broker (lib/sso.mjs), then GetRoleCredentials with its access token.
      const saml = samlEndpoints(Number(new URL(broker.url).port));
      const signedIn = (inResponseTo) =>
        Buffer.from(
          signResponse(
            unsignedResponse({ issuer: SAML_IDP_ENTITY_ID, acsUrl: saml.acsUrl, audience: saml.entityId, roleArn: SAML_ROLE, providerArn: SAML_PROVIDER_ARN, nameId: 'alice@example.com', inResponseTo }),
            samlKeys,
          ),
        ).toString('base64');
      const request = await ssoRoleCredentialsRequest({ brokerUrl: broker.url, provider: SAML_PROVIDER, samlResponseBase64: signedIn, accountId: ACCOUNT, roleName: SAML_ROLE.split('/').pop() });
      return () => ({ url: broker.url, method: 'GET', path: request.path, headers: request.headers, connections: CONNECTIONS });
    }
    throw new Error(`unknown path ${path}`);
  };
  const specs = { A: await spec(brokers.A), B: await spec(brokers.B) };

  const run = async (name, seconds) => {
    const s = await specs[name]();
    return runLoad({ ...s, duration: seconds }, { serverPid: brokers[name].pid, cpu: 1, dir: root });
  };
  const ratios = [];
  const rows = { A: [], B: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    const r = {};
    for (const name of ['A', 'B']) {
      await run(name, WARMUP);
      r[name] = await run(name, DURATION);
      const bad = Object.entries(r[name].statuses ?? {}).filter(([s]) => Number(s) >= 400);
      rows[name].push(r[name].reqPerCpuS);
      console.log(`round ${round} ${name}: ${Math.round(r[name].rps)} rps, ${Math.round(r[name].reqPerCpuS)} req/CPU-s, p50 ${r[name].p50Ms.toFixed(2)} / p99 ${r[name].p99Ms.toFixed(2)} ms${bad.length ? `, errors ${JSON.stringify(Object.fromEntries(bad))}` : ''}`);
    }
    ratios.push(r.B.reqPerCpuS / r.A.reqPerCpuS);
  }
  console.log(`\n${path}: A median ${Math.round(median(rows.A))} req/CPU-s, B median ${Math.round(median(rows.B))}; B ÷ A per round ${ratios.map((x) => x.toFixed(3)).join(' ')}; median ${median(ratios).toFixed(3)}`);
  await stopChild(brokers.A);
  await stopChild(brokers.B);
  if (process.env.AB_LOG_DIR) {
    mkdirSync(process.env.AB_LOG_DIR, { recursive: true });
    for (const name of ['A', 'B']) copyFileSync(brokers[name].logFile, join(process.env.AB_LOG_DIR, `${name}.log`));
  }
} finally {
  await cleanup();
}
