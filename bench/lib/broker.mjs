/**
 * The broker under test: its configuration (what quality.md asks for: one worker, SQLite store and
 * keys in a temp dir, rate limit off), starting it pinned to the server core as a separate process
 * (`node dist/cli/main.js serve`), and the few HTTP calls the benchmark makes to it outside the load.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { spawnPinned, stopChild, waitForHttp } from './procs.mjs';

export const ACCOUNT = '123456789012';
export const STS_VERSION = '2011-06-15';
export const FORM = 'application/x-www-form-urlencoded; charset=utf-8';

export const OIDC_ISSUER = 'https://idp.bench.test';
export const OIDC_CLIENT_ID = 'bench-app';
export const SAML_PROVIDER = 'BenchIdp';
export const SAML_IDP_ENTITY_ID = 'https://idp.bench.test/saml/metadata';
export const WEB_ROLE = `arn:aws:iam::${ACCOUNT}:role/WebBench`;
export const SAML_ROLE = `arn:aws:iam::${ACCOUNT}:role/SamlBench`;
export const SAML_PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/${SAML_PROVIDER}`;

const providerName = (issuer) => issuer.replace(/^https?:\/\//, '').replace(/\/+$/, '');

/**
 * The benchmark configuration. `oidc`: { issuer, jwksFile | jwksUri }; `samlMetadata`: a file path or URL.
 * Trust policies have two conditions each (audience + a groups claim/attribute), as quality.md says.
 */
export function brokerConfig({ port, oidc, samlMetadata }) {
  const publicUrl = `http://127.0.0.1:${port}`;
  const oidcName = providerName(oidc.issuer);
  return {
    server: { host: '127.0.0.1', port, publicUrl, workers: 1 },
    account: { id: ACCOUNT },
    store: 'sqlite:data/broker.db',
    keys: { dir: 'keys' },
    audit: { file: 'data/audit.jsonl' },
    limits: { requestsPerMinutePerIp: 0 },
    identityProviders: [
      {
        type: 'oidc',
        issuer: oidc.issuer,
        clientIds: [OIDC_CLIENT_ID],
        ...(oidc.jwksFile ? { jwksFile: oidc.jwksFile } : { jwksUri: oidc.jwksUri }),
      },
      { type: 'saml', name: SAML_PROVIDER, metadata: samlMetadata },
    ],
    policies: [
      {
        name: 'BenchRead',
        document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*', 'sts:GetCallerIdentity'], Resource: '*' }] },
      },
    ],
    roles: [
      {
        name: 'WebBench',
        trustPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${oidcName}` },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: {
                StringEquals: { [`${oidcName}:aud`]: OIDC_CLIENT_ID },
                'ForAnyValue:StringEquals': { [`${oidcName}:groups`]: ['developers'] },
              },
            },
          ],
        },
        managedPolicies: ['BenchRead'],
      },
      {
        name: 'SamlBench',
        trustPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: SAML_PROVIDER_ARN },
              Action: 'sts:AssumeRoleWithSAML',
              Condition: {
                StringEquals: { 'saml:aud': `${publicUrl}/saml` },
                'ForAnyValue:StringEquals': { 'saml:attr/groups': ['developers'] },
              },
            },
          ],
        },
        managedPolicies: ['BenchRead'],
      },
    ],
    console: { destinations: [`${publicUrl}/console*`] },
    // GetRoleCredentials: the bench's SAML person approves without an MFA step (sso.md).
    sso: { requireMfa: false },
  };
}

/** SAML URLs the broker derives from its publicUrl (config.md): ACS and SP entity id. */
export function samlEndpoints(port) {
  const publicUrl = `http://127.0.0.1:${port}`;
  return { acsUrl: `${publicUrl}/saml`, entityId: `${publicUrl}/saml/metadata` };
}

/**
 * Writes the config into `dir` and starts `node dist/cli/main.js serve` pinned to `cpu`.
 * Resolves when /readyz answers 200. `nodeArgs` e.g. ['--cpu-prof', '--cpu-prof-dir=…'].
 */
export async function startBroker({ repo, dir, config, cpu, nodeArgs = [], logLevel = 'warn', fromSource = false }) {
  // fromSource: the current TypeScript through tsx (tests of the tools), not the build.
  const main = join(repo, fromSource ? 'src/cli/main.ts' : 'dist/cli/main.js');
  if (fromSource) nodeArgs = ['--import', 'tsx', ...nodeArgs];
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (npm run bench does)`);
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'broker.yaml');
  writeFileSync(configFile, stringify(config));
  const logFile = join(dir, 'broker.log');
  const env = { ...process.env, LOG_LEVEL: logLevel, NODE_ENV: 'production' };
  delete env.PORT;
  delete env.FEDBROKER_CONFIG;
  const proc = spawnPinned(cpu, process.execPath, [...nodeArgs, main, 'serve', '--config', configFile], { env, cwd: repo, logFile });
  const url = `http://127.0.0.1:${config.server.port}`;
  try {
    await waitForHttp(`${url}/readyz`, { proc, timeoutMs: 60_000 });
  } catch (e) {
    await stopChild(proc);
    throw new Error(`broker did not become ready: ${e.message}\n--- ${logFile} ---\n${tail(logFile)}`);
  }
  return { ...proc, url, port: config.server.port, dir, logFile, configFile };
}

export function tail(file, chars = 3000) {
  try {
    return readFileSync(file, 'utf8').slice(-chars);
  } catch {
    return '(no log)';
  }
}

/** POST a Query-protocol form; resolves { status, text }. */
export async function postForm(url, params, headers = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': FORM, ...headers }, body: new URLSearchParams(params).toString() });
  return { status: res.status, text: await res.text() };
}

export function webIdentityBody(token, i = 0) {
  return new URLSearchParams({
    Action: 'AssumeRoleWithWebIdentity',
    Version: STS_VERSION,
    RoleArn: WEB_ROLE,
    RoleSessionName: `bench-${i}`,
    WebIdentityToken: token,
  }).toString();
}

/** Everything of an AssumeRoleWithSAML body but the assertion, which is appended URL-encoded. */
export const SAML_BODY_PREFIX = `${new URLSearchParams({ Action: 'AssumeRoleWithSAML', Version: STS_VERSION, RoleArn: SAML_ROLE, PrincipalArn: SAML_PROVIDER_ARN })}&SAMLAssertion=`;

export function xmlValue(xml, tag) {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
}

export function credentialsFrom(xml) {
  const c = { accessKeyId: xmlValue(xml, 'AccessKeyId'), secretAccessKey: xmlValue(xml, 'SecretAccessKey'), sessionToken: xmlValue(xml, 'SessionToken') };
  if (!c.accessKeyId || !c.secretAccessKey || !c.sessionToken) throw new Error(`no credentials in response: ${xml.slice(0, 500)}`);
  return c;
}

/** Value of a Prometheus sample (summed over label sets) from /metrics; undefined when absent. */
export async function metric(url, name) {
  const text = await (await fetch(`${url}/metrics`)).text();
  let found = false;
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) {
      found = true;
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return found ? sum : undefined;
}

/**
 * Is `action` served? An unknown action is InvalidAction (400); anything else (even a validation
 * error for our deliberately empty call) means the action exists.
 */
export async function actionExists(url, action) {
  const { text } = await postForm(url, { Action: action, Version: STS_VERSION });
  return !/<Code>InvalidAction<\/Code>/.test(text);
}
