/**
 * security.md (OIDC row): "A token or assertion from a provider that was removed or disabled in the
 * config; a user removed from the config → rejected as soon as the new config is loaded" — through the
 * running broker (broker.reload) and through the real process (`fedbroker serve` + SIGHUP). Also: a
 * broken configuration on reload keeps the running one; the development providers are refused when
 * NODE_ENV=production.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker } from '../../src/broker.js';
import { ConfigError } from '../../src/config/configError.js';
import { loadConfigFile } from '../../src/config/load.js';
import { silentLogger } from '../../src/log.js';
import { freePort, startBroker, TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { fedbroker, spawnFedbroker } from '../helpers/fedbrokerCli.js';
import { AUDITOR, createStsFixture, ISSUER, PORTAL, roleArn, SAML_PROVIDER_ARN, type StsFixture } from '../helpers/stsFixture.js';
import { createLocalSigningKey, idTokenClaims, mintLocalToken } from '../helpers/oidcProvider.js';
import { awsError, credentialsOf, resultValue, stsQuery, type Keys } from '../helpers/stsHttp.js';

const everything = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

describe('configuration reload (broker.reload, the SIGHUP path)', () => {
  let fx: StsFixture;
  let b: StartedBroker;

  beforeAll(async () => {
    fx = await createStsFixture();
    b = await startBroker(fx.config({ store: 'memory:' }), { dir: fx.dir });
  }, 60_000);

  afterAll(async () => {
    await b?.close();
    fx?.cleanup();
  });

  type Providers = Array<Record<string, unknown>>;
  const providers = () => fx.config()['identityProviders'] as Providers;
  const web = (token: string) => stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('WebDev'), RoleSessionName: 'alice', WebIdentityToken: token });
  const saml = (assertion: string) => stsQuery(b.url, { Action: 'AssumeRoleWithSAML', RoleArn: roleArn('SamlDev'), PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: assertion });

  it('an OIDC provider disabled (enabled: false), then removed: its tokens are refused at once, and again accepted when it returns', async () => {
    const token = await fx.webToken();
    expect((await web(token)).status).toBe(200);

    await b.reload(fx.config({ store: 'memory:', identityProviders: providers().map((p) => (p['type'] === 'oidc' ? { ...p, enabled: false } : p)) }));
    const disabled = await web(token);
    expect(disabled.status).toBe(400);
    expect(awsError(disabled)).toMatchObject({ code: 'InvalidIdentityToken', message: expect.stringMatching(/No OpenIDConnect provider found in your account for https:\/\/idp\.fedbroker\.test/) });

    await b.reload(fx.config({ store: 'memory:', identityProviders: providers().filter((p) => p['type'] !== 'oidc') }));
    expect(awsError(await web(token)).code).toBe('InvalidIdentityToken');

    await b.reload(fx.config({ store: 'memory:' }));
    expect((await web(await fx.webToken())).status).toBe(200);
  });

  it('a key removed from a jwksFile: after the reload its tokens are refused, and the new key\'s accepted', async () => {
    const old = await fx.webToken();
    expect((await web(old)).status).toBe(200);
    const replacement = await createLocalSigningKey({ kid: 'rotated-key' });
    writeFileSync(join(fx.dir, 'jwks.json'), JSON.stringify(replacement.jwks));
    try {
      await b.reload(fx.config({ store: 'memory:' }));
      expect(awsError(await web(old)).code).toBe('InvalidIdentityToken');
      expect((await web(await mintLocalToken(replacement, idTokenClaims(ISSUER)))).status).toBe(200);
    } finally {
      writeFileSync(join(fx.dir, 'jwks.json'), JSON.stringify(fx.key.jwks));
      await b.reload(fx.config({ store: 'memory:' }));
    }
    expect((await web(await fx.webToken())).status).toBe(200);
  });

  it('a SAML provider disabled, then removed: its assertions are refused at once', async () => {
    expect((await saml(fx.samlResponse())).status).toBe(200);
    await b.reload(fx.config({ store: 'memory:', identityProviders: providers().map((p) => (p['type'] === 'saml' ? { ...p, enabled: false } : p)) }));
    const disabled = await saml(fx.samlResponse());
    expect(disabled.status).toBe(403);
    expect(awsError(disabled)).toMatchObject({ code: 'IDPRejectedClaim', message: expect.stringMatching(/disabled/) });

    await b.reload(fx.config({ store: 'memory:', identityProviders: providers().filter((p) => p['type'] !== 'saml') }));
    const removed = await saml(fx.samlResponse());
    expect(removed.status).toBe(400);
    expect(awsError(removed)).toMatchObject({ code: 'InvalidIdentityToken', message: expect.stringMatching(/saml-provider\/ExampleCorp/) });

    await b.reload(fx.config({ store: 'memory:' }));
    expect((await saml(fx.samlResponse())).status).toBe(200);
  });

  it('a user removed from the config: its long-term keys and the temporary credentials it issued stop working at once', async () => {
    const federated = credentialsOf(await stsQuery(b.url, { Action: 'GetFederationToken', Name: 'aud-fed', Policy: everything }, { credentials: AUDITOR }));
    const encoded = /Encoded authorization failure message: (\S+)/.exec(
      awsError(await stsQuery(b.url, { Action: 'AssumeRole', RoleArn: roleArn('SamlDev'), RoleSessionName: 'portal' }, { credentials: PORTAL })).message,
    )![1]!;
    const decode = (k: Keys) => stsQuery(b.url, { Action: 'DecodeAuthorizationMessage', EncodedMessage: encoded }, { credentials: k });
    expect((await decode(AUDITOR)).status).toBe(200);
    const whoAmI = (k: Keys) => stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: k });
    expect((await whoAmI(federated)).status).toBe(200);

    const users = (fx.config()['users'] as Array<Record<string, unknown>>).filter((u) => u['name'] !== 'auditor');
    await b.reload(fx.config({ store: 'memory:', users }));
    const longTerm = await stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: AUDITOR });
    expect(longTerm.status).toBe(403);
    expect(awsError(longTerm)).toMatchObject({ code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' });
    // Sessions of a removed user (GetFederationToken, GetSessionToken) die with the user.
    expect(awsError(await whoAmI(federated)).code).toBe('InvalidClientTokenId');
    // The other user is untouched.
    expect((await stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: PORTAL })).status).toBe(200);
    await b.reload(fx.config({ store: 'memory:' }));
  });

  it('a broken configuration on reload is refused and the running one keeps serving', async () => {
    const bad = fx.config({ store: 'memory:', roles: [{ name: 'Broken', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Nope', Principal: '*', Action: 'sts:AssumeRole' }] } }] });
    await expect(b.reload(bad)).rejects.toBeInstanceOf(ConfigError);
    expect((await web(await fx.webToken())).status).toBe(200);
    expect((await stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: PORTAL })).status).toBe(200);
  });
});

describe('`fedbroker serve`: SIGHUP reloads, SIGTERM drains and exits 0', () => {
  it('removing a user and sending SIGHUP rejects its keys; a broken file on SIGHUP keeps the running configuration', async () => {
    const fx = await createStsFixture();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const file = join(fx.dir, 'broker.yaml');
    const base = (overrides: Record<string, unknown> = {}) => ({
      account: { id: TEST_ACCOUNT },
      store: 'sqlite:data/broker.db',
      keys: { dir: 'keys' },
      audit: { file: 'data/audit.jsonl' },
      limits: { requestsPerMinutePerIp: 0 },
      ...fx.config(overrides),
      server: { host: '127.0.0.1', port, publicUrl: 'http://broker.fedbroker.test' },
    });
    writeFileSync(file, stringify(base()));
    const serve = spawnFedbroker(['serve', '--config', file], { env: { LOG_LEVEL: 'info' } });
    try {
      await serve.waitFor(/fedbroker listening/);
      const who = await stsQuery(url, { Action: 'GetCallerIdentity' }, { credentials: PORTAL });
      expect(resultValue(who, 'Arn')).toBe(`arn:aws:iam::${TEST_ACCOUNT}:user/portal`);

      // A broken file: SIGHUP logs the problem and keeps serving the old configuration.
      writeFileSync(file, 'account: [\n');
      serve.child.kill('SIGHUP');
      await serve.waitFor(/configuration reload failed/);
      expect((await stsQuery(url, { Action: 'GetCallerIdentity' }, { credentials: PORTAL })).status).toBe(200);

      // portal removed.
      writeFileSync(file, stringify(base({ users: (fx.config()['users'] as Array<Record<string, unknown>>).filter((u) => u['name'] !== 'portal') })));
      serve.child.kill('SIGHUP');
      await serve.waitFor(/configuration reloaded/);
      const refused = await stsQuery(url, { Action: 'GetCallerIdentity' }, { credentials: PORTAL });
      expect(awsError(refused).code).toBe('InvalidClientTokenId');
      expect((await stsQuery(url, { Action: 'GetCallerIdentity' }, { credentials: AUDITOR })).status).toBe(200);

      expect(await serve.stop()).toBe(0);
      // Logs never carry the secrets of the configuration.
      expect(serve.stdout() + serve.stderr()).not.toContain(PORTAL.secretAccessKey);
    } finally {
      await serve.stop();
      fx.cleanup();
    }
  }, 60_000);
});

describe('devIdentityProviders and NODE_ENV=production', () => {
  let fx: StsFixture;
  beforeAll(async () => {
    fx = await createStsFixture();
  });
  afterAll(() => fx?.cleanup());

  it('Broker.start refuses the development providers when NODE_ENV=production, naming the key', async () => {
    const file = join(fx.dir, 'dev.yaml');
    writeFileSync(file, stringify({ ...fx.config({ store: 'memory:', devIdentityProviders: true }), account: { id: TEST_ACCOUNT }, keys: { dir: 'keys' }, audit: { file: null } }));
    const env = { NODE_ENV: 'production', PATH: process.env['PATH'] };
    const error = await Broker.start(loadConfigFile(file, env), { logger: silentLogger(), env }).then(
      (started) => started.close().then(() => undefined),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toContainEqual({ path: 'devIdentityProviders', message: expect.stringMatching(/NODE_ENV=production/) });
  });

  it('`NODE_ENV=production fedbroker serve` with devIdentityProviders exits non-zero without serving', async () => {
    const port = await freePort();
    const file = join(fx.dir, 'dev-serve.yaml');
    writeFileSync(file, stringify({ ...fx.config({ store: 'memory:', devIdentityProviders: true }), account: { id: TEST_ACCOUNT }, keys: { dir: 'keys' }, audit: { file: null }, server: { host: '127.0.0.1', port } }));
    const r = await fedbroker(['serve', '--config', file], { env: { NODE_ENV: 'production' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/devIdentityProviders: the development identity providers cannot be enabled when NODE_ENV=production/);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('outside production they start (the shipped development setup)', async () => {
    const b = await startBroker(fx.config({ store: 'memory:', devIdentityProviders: true, server: {} }), { dir: fx.dir, env: { NODE_ENV: 'development' } });
    try {
      expect((await fetch(`${b.url}/healthz`)).status).toBe(200);
    } finally {
      await b.close();
    }
  });
});
