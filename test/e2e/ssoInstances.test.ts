/**
 * Command-line sign-in on two broker instances sharing one store (the same SQLite file, as several
 * processes on one host would; PostgreSQL passes the same store conformance suite): a device flow
 * started on one is approved on the other and answered on the first; a refresh on the second rotates
 * the token the first knows; presenting the old one on the first ends the family everywhere.
 */
import { CreateTokenCommand, RegisterClientCommand, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { ListAccountsCommand } from '@aws-sdk/client-sso';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, form } from '../helpers/browser.js';
import { startBroker, type StartedBroker } from '../helpers/broker.js';
import { devRoles, oidcClient, portalClient, signInThroughDevIdp, startSsoBroker } from '../helpers/ssoBroker.js';

describe('command-line sign-in across two instances on one store', () => {
  let one: StartedBroker;
  let two: StartedBroker;

  beforeAll(async () => {
    one = await startSsoBroker({ store: 'sqlite:data/broker.db' });
    two = await startBroker(
      { devIdentityProviders: true, store: 'sqlite:data/broker.db', audit: { file: 'data/audit-two.jsonl' }, roles: devRoles(one.url), server: { publicUrl: one.url } },
      { dir: one.dir },
    );
  }, 90_000);
  afterAll(async () => {
    await two?.close();
    await one?.close();
  });

  it('start on one, approve on the other, tokens on the first; rotation and reuse detection hold across both', async () => {
    const oidcOne = oidcClient(one.url);
    const oidcTwo = oidcClient(two.url);
    const client = await oidcOne.send(new RegisterClientCommand({ clientName: 'two-instances', clientType: 'public' }));
    const device = await oidcOne.send(new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: `${one.url}/start` }));

    // alice signs in (the portal session lives in the store) and approves on instance two.
    const atOne = new Browser(one.url);
    await signInThroughDevIdp(atOne, 'alice', '/start');
    const atTwo = new Browser(two.url);
    for (const name of atOne.cookieNames()) atTwo.setCookie(name, atOne.cookie(name)!);
    const confirm = await atTwo.get(`/device?user_code=${device.userCode}`);
    const decision = form(confirm.body, '/device/decision');
    expect((await atTwo.post(decision.action, { ...decision.fields, decision: 'allow' })).status).toBe(200);

    const grant = { clientId: client.clientId, clientSecret: client.clientSecret };
    const first = await oidcOne.send(new CreateTokenCommand({ ...grant, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: device.deviceCode }));
    // The device code is spent on both.
    await expect(oidcTwo.send(new CreateTokenCommand({ ...grant, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: device.deviceCode }))).rejects.toMatchObject({ name: 'InvalidGrantException' });

    const second = await oidcTwo.send(new CreateTokenCommand({ ...grant, grantType: 'refresh_token', refreshToken: first.refreshToken }));
    await portalClient(one.url).send(new ListAccountsCommand({ accessToken: second.accessToken }));
    // The first refresh token, presented again on the first instance: reuse → the family ends…
    await expect(oidcOne.send(new CreateTokenCommand({ ...grant, grantType: 'refresh_token', refreshToken: first.refreshToken }))).rejects.toMatchObject({ name: 'InvalidGrantException' });
    await expect(oidcTwo.send(new CreateTokenCommand({ ...grant, grantType: 'refresh_token', refreshToken: second.refreshToken }))).rejects.toMatchObject({ name: 'InvalidGrantException' });
    // …and its access tokens stop on the other instance within the revocation polling interval.
    const deadline = Date.now() + 2000;
    let refused = false;
    while (!refused && Date.now() < deadline) {
      refused = await portalClient(two.url).send(new ListAccountsCommand({ accessToken: second.accessToken })).then(() => false, (e: { name?: string }) => e.name === 'UnauthorizedException');
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(refused).toBe(true);
  }, 90_000);
});
