/**
 * The AWS SDK's own SSO credential provider, `fromSSO()` (@aws-sdk/credential-providers), unchanged:
 * a written ~/.aws/config with an `sso-session` whose start URL is the broker's /start, the token
 * cache `aws sso login` leaves, and the two endpoint variables AWS_ENDPOINT_URL_SSO_OIDC /
 * AWS_ENDPOINT_URL_SSO in a temporary HOME. The access token lives 3 seconds here: the provider
 * finds it expired and refreshes it itself (CreateToken, refresh_token), then gets role credentials.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateTokenCommand, RegisterClientCommand, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { ListAccountsCommand, UnauthorizedException } from '@aws-sdk/client-sso';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromSSO } from '@aws-sdk/credential-providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, form } from '../helpers/browser.js';
import { TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { oidcClient, portalClient, signInThroughDevIdp, startSsoBroker } from '../helpers/ssoBroker.js';

const SESSION = 'fedbroker';
const ENV_KEYS = ['HOME', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_ENDPOINT_URL_SSO_OIDC', 'AWS_ENDPOINT_URL_SSO', 'AWS_PROFILE', 'AWS_REGION'];

describe('fromSSO() with ~/.aws/config and the endpoint variables', () => {
  let b: StartedBroker;
  let home: string;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    b = await startSsoBroker({ store: 'sqlite:data/broker.db', sso: { accessTokenSeconds: 3 } });
    home = mkdtempSync(join(tmpdir(), 'fedbroker-sdk-home-'));
    mkdirSync(join(home, '.aws/sso/cache'), { recursive: true });
    writeFileSync(
      join(home, '.aws/config'),
      `[profile dev]\nsso_session = ${SESSION}\nsso_account_id = ${TEST_ACCOUNT}\nsso_role_name = Developer\nregion = us-east-1\n\n` +
        `[sso-session ${SESSION}]\nsso_start_url = ${b.url}/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n`,
    );
    for (const k of ENV_KEYS) saved[k] = process.env[k];
    Object.assign(process.env, {
      HOME: home,
      AWS_CONFIG_FILE: join(home, '.aws/config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws/credentials'),
      AWS_ENDPOINT_URL_SSO_OIDC: `${b.url}/sso-oidc`,
      AWS_ENDPOINT_URL_SSO: `${b.url}/sso-portal`,
    });
  }, 60_000);

  afterAll(async () => {
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await b?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** What `aws sso login --sso-session fedbroker` leaves behind: the device flow, approved by alice, cached. */
  async function ssoLogin(): Promise<{ accessToken: string; refreshToken: string; file: string }> {
    const oidc = oidcClient(b.url);
    const client = await oidc.send(new RegisterClientCommand({ clientName: `botocore-client-${SESSION}`, clientType: 'public', scopes: ['sso:account:access'], grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'] }));
    const device = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: `${b.url}/start` }));
    const browser = new Browser(b.url);
    const path = device.verificationUriComplete!.slice(b.url.length);
    await signInThroughDevIdp(browser, 'alice', path);
    const decision = form((await browser.get(path)).body, '/device/decision');
    await browser.post(decision.action, { ...decision.fields, decision: 'allow' });
    const token = await oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: device.deviceCode }));
    const file = join(home, '.aws/sso/cache', `${createHash('sha1').update(SESSION).digest('hex')}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        startUrl: `${b.url}/start`,
        region: 'us-east-1',
        accessToken: token.accessToken,
        expiresAt: new Date(Date.now() + token.expiresIn! * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        registrationExpiresAt: new Date(client.clientSecretExpiresAt! * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        refreshToken: token.refreshToken,
      }),
    );
    return { accessToken: token.accessToken!, refreshToken: token.refreshToken!, file };
  }

  it('after the access token expired, the provider refreshes it (rotating the refresh token) and gets role credentials', async () => {
    const first = await ssoLogin();
    await sleep(3500);
    // The broker no longer accepts the old access token…
    await expect(portalClient(b.url).send(new ListAccountsCommand({ accessToken: first.accessToken }))).rejects.toBeInstanceOf(UnauthorizedException);

    // …and the SDK's provider, knowing nothing of fedbroker, refreshes it and carries on.
    const credentials = await fromSSO({ profile: 'dev' })();
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    expect(credentials.expiration!.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    const sts = new STSClient({ region: 'us-east-1', endpoint: b.url, credentials });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Developer/alice`);

    const cached = JSON.parse(readFileSync(first.file, 'utf8')) as Record<string, string>;
    expect(cached['accessToken']).not.toBe(first.accessToken);
    expect(cached['refreshToken']).not.toBe(first.refreshToken);
    const events = readFileSync(join(b.dir, 'data/audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(events.filter((e) => e['eventName'] === 'CreateToken' && e['requestParameters']['grantType'] === 'refresh_token' && !e['errorCode'])).toHaveLength(1);
    expect(events.filter((e) => e['eventName'] === 'GetRoleCredentials' && !e['errorCode'])).toHaveLength(1);
  }, 60_000);
});
