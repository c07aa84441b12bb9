/**
 * The SSO OIDC and portal APIs on the wire, with the AWS SDK v3 clients as the real peers
 * (@aws-sdk/client-sso-oidc, @aws-sdk/client-sso): shapes, status codes and error names. The person's
 * approval is given through the broker's device-authorization service here; the pages that give it
 * in a browser are tested in test/e2e/ssoDevice*.test.ts.
 */
import {
  AuthorizationPendingException,
  CreateTokenCommand,
  InvalidClientException,
  InvalidGrantException,
  InvalidRequestException,
  RegisterClientCommand,
  SlowDownException,
  StartDeviceAuthorizationCommand,
  UnauthorizedClientException,
  type SSOOIDCClient,
} from '@aws-sdk/client-sso-oidc';
import { GetRoleCredentialsCommand, ListAccountRolesCommand, ListAccountsCommand, LogoutCommand, UnauthorizedException, type SSOClient } from '@aws-sdk/client-sso';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeUserCode } from '../../src/sso/codes.js';
import type { Person } from '../../src/sso/person.js';
import { TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { DEV_PROVIDER_ARN, oidcClient, portalClient, startSsoBroker } from '../helpers/ssoBroker.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

describe('SSO OIDC and portal APIs with the AWS SDK v3', () => {
  let b: StartedBroker;
  let oidc: SSOOIDCClient;
  let portal: SSOClient;

  beforeAll(async () => {
    b = await startSsoBroker();
    oidc = oidcClient(b.url);
    portal = portalClient(b.url);
  }, 60_000);
  afterAll(async () => b?.close());

  const person = (groups: string[], mfa = false): Person => {
    const now = Math.floor(Date.now() / 1000);
    return {
      type: 'saml',
      provider: 'FedbrokerDev',
      providerArn: DEV_PROVIDER_ARN,
      subject: 'bob',
      issuer: `${b.url}/dev/saml/metadata`,
      conditionKeys: { 'saml:aud': `${b.url}/saml`, 'saml:sub': 'bob', 'saml:attr/groups': groups },
      sessionName: 'bob',
      ...(mfa ? { mfa: { authenticatedAt: now } } : {}),
      signedInAt: now,
      sessionEnd: now + 8 * 3600,
    };
  };

  async function register(grantTypes?: string[]) {
    return oidc.send(new RegisterClientCommand({ clientName: 'sdk-test', clientType: 'public', scopes: ['sso:account:access'], ...(grantTypes ? { grantTypes } : {}) }));
  }

  async function approve(userCode: string, who: Person): Promise<void> {
    const found = await b.broker.sso.devices.findByUserCode(normalizeUserCode(userCode)!);
    expect(await b.broker.sso.devices.decide(found!.key, found!.authorization.userCode, { approve: who })).toBe(true);
  }

  it('RegisterClient → StartDeviceAuthorization → pending → approved → tokens → accounts, roles, credentials → Logout', async () => {
    const client = await register();
    expect(client.clientId).toMatch(/^[A-Za-z0-9_-]{100,400}$/);
    expect(client.clientSecretExpiresAt! - client.clientIdIssuedAt!).toBe(90 * 86_400);
    expect(client.tokenEndpoint).toBe(`${b.url}/sso-oidc/token`);

    const device = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: `${b.url}/start` }));
    expect(device.userCode).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(device.verificationUri).toBe(`${b.url}/device`);
    expect(device.verificationUriComplete).toBe(`${b.url}/device?user_code=${device.userCode}`);
    expect(device.expiresIn).toBe(600);
    expect(device.interval).toBe(5);

    const poll = () => oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: DEVICE_GRANT, deviceCode: device.deviceCode }));
    await expect(poll()).rejects.toBeInstanceOf(AuthorizationPendingException);
    const fast = await poll().catch((e: unknown) => e);
    expect(fast).toBeInstanceOf(SlowDownException);
    expect((fast as SlowDownException).error).toBe('slow_down');
    expect((fast as SlowDownException).$metadata.httpStatusCode).toBe(400);

    await approve(device.userCode!, person(['developers']));
    const token = await poll();
    expect(token.tokenType).toBe('Bearer');
    expect(token.expiresIn).toBe(3600);
    expect(token.refreshToken).toBeDefined();
    // The device code worked once.
    await expect(poll()).rejects.toBeInstanceOf(InvalidGrantException);

    const accounts = await portal.send(new ListAccountsCommand({ accessToken: token.accessToken }));
    expect(accounts.accountList).toEqual([{ accountId: TEST_ACCOUNT, accountName: 'Development', emailAddress: 'aws-dev@example.com' }]);
    const roles = await portal.send(new ListAccountRolesCommand({ accessToken: token.accessToken, accountId: TEST_ACCOUNT }));
    // Operator needs MFA this sign-in did not have; Auditor is for another group.
    expect(roles.roleList).toEqual([{ roleName: 'Developer', accountId: TEST_ACCOUNT }]);

    const before = Date.now();
    const { roleCredentials } = await portal.send(new GetRoleCredentialsCommand({ accessToken: token.accessToken, accountId: TEST_ACCOUNT, roleName: 'Developer' }));
    expect(roleCredentials!.accessKeyId).toMatch(/^ASIA/);
    expect(roleCredentials!.expiration).toBeGreaterThanOrEqual(before + 3600_000 - 2000);
    expect(roleCredentials!.expiration).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);
    const sts = new STSClient({ region: 'us-east-1', endpoint: b.url, credentials: { accessKeyId: roleCredentials!.accessKeyId!, secretAccessKey: roleCredentials!.secretAccessKey!, sessionToken: roleCredentials!.sessionToken! } });
    const who = await sts.send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Developer/bob`);

    await portal.send(new LogoutCommand({ accessToken: token.accessToken }));
    await expect(portal.send(new ListAccountsCommand({ accessToken: token.accessToken }))).rejects.toBeInstanceOf(UnauthorizedException);
    const refreshed = await oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'refresh_token', refreshToken: token.refreshToken })).catch((e: unknown) => e);
    expect(refreshed).toBeInstanceOf(InvalidGrantException);
  }, 30_000);

  it('refresh tokens rotate; the roles of an MFA sign-in include Operator', async () => {
    const client = await register();
    const device = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: `${b.url}/start/` }));
    await approve(device.userCode!, person(['developers'], true));
    const first = await oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: DEVICE_GRANT, deviceCode: device.deviceCode }));
    const second = await oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'refresh_token', refreshToken: first.refreshToken }));
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    const roles = await portal.send(new ListAccountRolesCommand({ accessToken: second.accessToken, accountId: TEST_ACCOUNT }));
    expect(roles.roleList?.map((r) => r.roleName)).toEqual(['Developer', 'Operator']);
  });

  it('refuses bad clients, start URLs and grants with AWS\'s exceptions', async () => {
    const client = await register();
    const wrongSecret = await oidc
      .send(new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: (await register()).clientSecret, startUrl: `${b.url}/start` }))
      .catch((e: unknown) => e);
    expect(wrongSecret).toBeInstanceOf(InvalidClientException);
    expect((wrongSecret as InvalidClientException).$metadata.httpStatusCode).toBe(401);
    const wrongStart = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: 'https://d-123.awsapps.com/start' })).catch((e: unknown) => e);
    expect(wrongStart).toBeInstanceOf(InvalidRequestException);
    const authCodeOnly = await register(['authorization_code']).catch((e: unknown) => e);
    expect((authCodeOnly as Error).name).toBe('InvalidClientMetadataException');
    const refreshOnly = await register(['refresh_token']);
    const noDevice = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: refreshOnly.clientId, clientSecret: refreshOnly.clientSecret, startUrl: `${b.url}/start` })).catch((e: unknown) => e);
    expect(noDevice).toBeInstanceOf(UnauthorizedClientException);
  });
});
