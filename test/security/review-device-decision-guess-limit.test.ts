/**
 * security.md "Guessing user codes at /device", found by review: the decision form (POST
 * /device/decision) names a user code too, and it was looked up whatever the guess limit said — so a
 * browser past its 10 wrong codes could go on guessing there (each guess approving or denying
 * someone's pending sign-in when right). Past the limit, no code is looked up on any path.
 * Also found by review: the limits were per browser and per address only — a person could start a
 * fresh browser, and one person behind a shared NAT could use up the address's limit for everyone.
 * Wrong codes now count per person as well.
 */
import { CreateTokenCommand, RegisterClientCommand, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, form, forms } from '../helpers/browser.js';
import type { StartedBroker } from '../helpers/broker.js';
import { oidcClient, signInThroughDevIdp, startSsoBroker } from '../helpers/ssoBroker.js';

let b: StartedBroker;
beforeAll(async () => {
  // No MFA step-up for people without MFA at the IdP (bob, carol): the approval pages directly.
  b = await startSsoBroker({ sso: { requireMfa: false } });
}, 60_000);
afterAll(async () => b?.close());

/** A device sign-in someone started (client `clientName`), waiting for approval; and a person at /device with its form fields. */
async function pendingSignin(clientName: string) {
  const oidc = oidcClient(b.url);
  const client = await oidc.send(new RegisterClientCommand({ clientName, clientType: 'public' }));
  const device = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: `${b.url}/start` }));
  return { oidc, client, device };
}

async function atDevicePage(user: string) {
  const browser = new Browser(b.url);
  await signInThroughDevIdp(browser, user, '/device');
  return { browser, csrf: form((await browser.get('/device')).body, '/device').fields };
}

describe('Guessing user codes through the decision form', () => {
  it('after 10 wrong codes posted as decisions, a right one is refused (429) and its sign-in stays pending', async () => {
    const { oidc, client, device } = await pendingSignin('victim-cli');
    const { browser: guesser, csrf } = await atDevicePage('alice');
    for (let i = 0; i < 10; i++) {
      expect((await guesser.post('/device/decision', { ...csrf, user_code: 'BCDF-GHJK', decision: 'deny' })).status).toBe(400);
    }
    const right = await guesser.post('/device/decision', { ...csrf, user_code: device.userCode!, decision: 'allow' });
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toBe('600');

    // Nobody approved it: the client is still waiting.
    await expect(
      oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: device.deviceCode })),
    ).rejects.toMatchObject({ name: 'AuthorizationPendingException' });
  }, 60_000);

  it('the limit follows the person into a fresh browser, and does not lock out others at the same address', async () => {
    const { device } = await pendingSignin('someone-cli');
    const { browser: first, csrf } = await atDevicePage('bob');
    for (let i = 0; i < 10; i++) expect((await first.post('/device', { ...csrf, user_code: 'BCDF-GHJK' })).status).toBe(400);

    // A new browser (no cookies: a new anti-forgery cookie, a new browser key), the same person.
    const fresh = new Browser(b.url);
    await signInThroughDevIdp(fresh, 'bob', '/device');
    const again = await fresh.get(`/device?user_code=${encodeURIComponent(device.userCode!)}`);
    expect(again.status).toBe(429);

    // Someone else behind the same address (20 wrong codes there so far, of 50) still gets on.
    const other = new Browser(b.url);
    await signInThroughDevIdp(other, 'carol', '/device');
    const confirm = await other.get(`/device?user_code=${encodeURIComponent(device.userCode!)}`);
    expect(confirm.status).toBe(200);
    expect(forms(confirm.body, '/device/decision')).toHaveLength(1);
  }, 60_000);
});
