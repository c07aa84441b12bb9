/**
 * security.md, "Command-line sign-in, access portal, passkeys, upstream, tags" — the command-line
 * sign-in rows, one describe per row, against running brokers with the AWS SDK's SSO clients and a
 * cookie-keeping browser signing in through the development SAML IdP. Rows that need the clock to
 * move 10 minutes use the device-authorization service with an explicit time (the same code the API
 * calls).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTokenCommand, RegisterClientCommand, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { GetRoleCredentialsCommand, ListAccountRolesCommand, ListAccountsCommand, type SSOClient } from '@aws-sdk/client-sso';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSealingKey, KeyRing } from '../../src/keys/keyRing.js';
import { subjectKey } from '../../src/sessions/revocations.js';
import { authenticateClient } from '../../src/sso/clients.js';
import { normalizeUserCode } from '../../src/sso/codes.js';
import { sealAccessToken, openAccessToken } from '../../src/sso/tokens.js';
import { Browser, form, forms, pageText } from '../helpers/browser.js';
import { TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { consoleConfig, OTHER_PROVIDER, PROVIDER, signInFromBroker, startSamlConsoleBroker, type SamlConsoleBroker } from '../helpers/consoleSaml.js';
import { devRoles, deviceLogin, oidcClient, portalClient, signInThroughDevIdp, startSsoBroker } from '../helpers/ssoBroker.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const errorOf = async (p: Promise<unknown>) => (await p.then(() => undefined, (e: unknown) => e)) as { name?: string; $metadata?: { httpStatusCode?: number }; message?: string } | undefined;

let b: StartedBroker;
let portal: SSOClient;

beforeAll(async () => {
  b = await startSsoBroker({ store: 'sqlite:data/broker.db', sso: { accessTokenSeconds: 2, requireMfa: false } });
  portal = portalClient(b.url);
}, 60_000);
afterAll(async () => b?.close());

async function startDevice(target: StartedBroker = b) {
  const oidc = oidcClient(target.url);
  const client = await oidc.send(new RegisterClientCommand({ clientName: 'sec-test', clientType: 'public' }));
  const device = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: `${target.url}/start` }));
  const poll = () => oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: DEVICE_GRANT, deviceCode: device.deviceCode }));
  return { oidc, client, device, poll };
}

describe('Guessing user codes at /device: rate limit per person, browser and IP, a code works once, codes expire in 10 minutes', () => {
  let g: StartedBroker;
  beforeAll(async () => {
    g = await startSsoBroker();
  }, 60_000);
  afterAll(async () => g?.close());

  it('after 10 wrong codes a browser is refused (429) even with a right code, and so is the same person in another browser', async () => {
    const { device, poll } = await startDevice(g);
    const guesser = new Browser(g.url);
    await signInThroughDevIdp(guesser, 'alice', '/device');
    const csrf = form((await guesser.get('/device')).body, '/device').fields;
    for (let i = 0; i < 10; i++) expect((await guesser.post('/device', { ...csrf, user_code: 'BCDF-GHJK' })).status).toBe(400);
    const blocked = await guesser.post('/device', { ...csrf, user_code: device.userCode! });
    expect(blocked.status).toBe(429);
    expect(blocked.body).not.toContain('/device/decision');
    // The same through the link a terminal shows.
    expect((await guesser.get(`/device?user_code=${device.userCode}`)).status).toBe(429);

    // The same person in a fresh browser (a new anti-forgery cookie): still refused — the count is theirs too.
    const fresh = new Browser(g.url);
    await signInThroughDevIdp(fresh, 'alice', '/device');
    expect((await fresh.get(`/device?user_code=${device.userCode}`)).status).toBe(429);
    await expect(poll()).rejects.toMatchObject({ name: 'AuthorizationPendingException' });
  }, 120_000);

  it('after 50 wrong codes from one address (five people, ten each) every browser there is refused, even with a right code', async () => {
    const s = await startSamlConsoleBroker({ extra: { sso: { requireMfa: false }, store: 'memory:' } });
    try {
      const { device, poll } = await startDevice(s.broker);
      for (let n = 0; n < 5; n++) {
        const person = new Browser(s.broker.url);
        await signInFromBroker(person, s, '/device', { nameId: `guesser${n}@example.com`, roles: ['Developer'] });
        const fields = form((await person.get('/device')).body, '/device').fields;
        for (let i = 0; i < 10; i++) expect((await person.post('/device', { ...fields, user_code: 'BCDF-GHJK' })).status).toBe(400);
      }
      const sixth = new Browser(s.broker.url);
      await signInFromBroker(sixth, s, '/device', { nameId: 'someone.else@example.com', roles: ['Developer'] });
      expect((await sixth.get(`/device?user_code=${device.userCode}`)).status).toBe(429);
      await expect(poll()).rejects.toMatchObject({ name: 'AuthorizationPendingException' });
    } finally {
      await s.close();
    }
  }, 120_000);

  it('a code works once', async () => {
    const { device } = await startDevice();
    const browser = new Browser(b.url);
    await signInThroughDevIdp(browser, 'alice', '/device');
    const confirm = await browser.get(`/device?user_code=${device.userCode}`);
    const decision = form(confirm.body, '/device/decision');
    expect((await browser.post(decision.action, { ...decision.fields, decision: 'allow' })).status).toBe(200);
    const again = await browser.get(`/device?user_code=${device.userCode}`);
    expect(again.status).toBe(400);
    expect(pageText(again.body)).toContain('already used');
    expect(forms(again.body, '/device/decision')).toHaveLength(0);
    expect((await browser.post(decision.action, { ...decision.fields, decision: 'allow' })).status).toBe(400);
  }, 60_000);

  it('codes expire in 10 minutes: StartDeviceAuthorization says so, and nobody can approve one later', async () => {
    const { device, client } = await startDevice();
    expect(device.expiresIn).toBe(600);
    const devices = b.broker.sso.devices;
    const found = (await devices.findByUserCode(normalizeUserCode(device.userCode!)!))!;
    expect(found.authorization.expiresAt - found.authorization.createdAt).toBe(600_000);
    const registered = authenticateClient(b.broker.keyRing, client.clientId, client.clientSecret);
    const person = (await deviceLogin(b, 'carol')).token;
    expect(person.accessToken).toBeDefined();
    const someone = openAccessToken(b.broker.keyRing, person.accessToken)!.p;
    expect(await devices.decide(found.key, found.authorization.userCode, { approve: someone }, found.authorization.expiresAt)).toBe(false);
    await expect(devices.poll(device.deviceCode, registered, found.authorization.expiresAt)).rejects.toMatchObject({ code: 'ExpiredTokenException' });
  }, 60_000);
});

describe('Polling CreateToken faster than interval; a device code used after approval was consumed; a code approved by nobody', () => {
  it('SlowDownException when polled faster than the interval', async () => {
    const { poll } = await startDevice();
    expect((await errorOf(poll()))?.name).toBe('AuthorizationPendingException');
    const fast = await errorOf(poll());
    expect(fast?.name).toBe('SlowDownException');
    expect(fast?.$metadata?.httpStatusCode).toBe(400);
  });

  it('InvalidGrantException for a device code used after its approval was consumed', async () => {
    const { device, poll } = await startDevice();
    const browser = new Browser(b.url);
    await signInThroughDevIdp(browser, 'alice', '/device');
    const decision = form((await browser.get(`/device?user_code=${device.userCode}`)).body, '/device/decision');
    await browser.post(decision.action, { ...decision.fields, decision: 'allow' });
    expect((await poll()).accessToken).toBeDefined();
    expect((await errorOf(poll()))?.name).toBe('InvalidGrantException');
  }, 60_000);

  it('AuthorizationPendingException while nobody approved it, then ExpiredTokenException', async () => {
    const { device, client, poll } = await startDevice();
    expect((await errorOf(poll()))?.name).toBe('AuthorizationPendingException');
    const registered = authenticateClient(b.broker.keyRing, client.clientId, client.clientSecret);
    await expect(b.broker.sso.devices.poll(device.deviceCode, registered, Date.now() + 600_000)).rejects.toMatchObject({ code: 'ExpiredTokenException' });
  });
});

describe('A used refresh token presented again', () => {
  it('InvalidGrantException, and the whole token family ends: the newest refresh token and every access token of it too', async () => {
    const { oidc, client, token } = await deviceLogin(b, 'alice');
    const refresh = (refreshToken: string) => oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'refresh_token', refreshToken }));
    const second = await refresh(token.refreshToken!);
    const third = await refresh(second.refreshToken!);
    expect((await errorOf(refresh(token.refreshToken!)))?.name).toBe('InvalidGrantException');
    expect((await errorOf(refresh(third.refreshToken!)))?.name).toBe('InvalidGrantException');
    expect((await errorOf(portal.send(new ListAccountsCommand({ accessToken: third.accessToken }))))?.name).toBe('UnauthorizedException');
    // The theft is on record (the audit file is written before the answer; the store's mirror may lag).
    const events = readFileSync(join(b.dir, 'data/audit.jsonl'), 'utf8');
    expect(events).toContain('Refresh token has already been used');
  }, 60_000);
});

describe('redirect_uri that is not loopback http, or differs between authorize and token; PKCE verifier wrong or missing', () => {
  const verifier = randomBytes(48).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  async function authorizeClient() {
    const oidc = oidcClient(b.url);
    const client = await oidc.send(new RegisterClientCommand({ clientName: 'loopback', clientType: 'public', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: ['http://127.0.0.1/oauth/callback'] }));
    return { oidc, client };
  }

  const authorizePath = (clientId: string, redirectUri: string, extra: Record<string, string> = {}) =>
    `/sso-oidc/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, state: 's', code_challenge_method: 'S256', code_challenge: challenge, ...extra })}`;

  /** Signs alice in and allows; the code from the redirect. */
  async function codeFor(clientId: string, redirectUri: string): Promise<string> {
    const browser = new Browser(b.url);
    const path = authorizePath(clientId, redirectUri);
    await signInThroughDevIdp(browser, 'alice', path);
    const decision = form((await browser.get(path)).body, '/sso-oidc/authorize/decision');
    const back = await browser.post(decision.action, { ...decision.fields, decision: 'allow' });
    return new URL(back.location!).searchParams.get('code')!;
  }

  it('a client cannot register a redirect URI that is not loopback http', async () => {
    const oidc = oidcClient(b.url);
    for (const uri of ['https://127.0.0.1/cb', 'http://evil.example/cb', 'http://127.0.0.1.evil.example/cb']) {
      const e = await errorOf(oidc.send(new RegisterClientCommand({ clientName: 'x', clientType: 'public', grantTypes: ['authorization_code'], redirectUris: [uri] })));
      expect(e?.name, uri).toBe('InvalidRedirectUriException');
    }
  });

  it('an authorize request with a redirect_uri the client did not register gets a refusal page, never a redirect or a code', async () => {
    const { client } = await authorizeClient();
    const browser = new Browser(b.url);
    await signInThroughDevIdp(browser, 'alice', '/start');
    for (const uri of ['http://evil.example/oauth/callback', 'http://127.0.0.1:5000/other', 'https://127.0.0.1:5000/oauth/callback']) {
      const page = await browser.get(authorizePath(client.clientId!, uri));
      expect(page.status, uri).toBe(400);
      expect(page.location).toBeUndefined();
      expect(forms(page.body, '/sso-oidc/authorize/decision')).toHaveLength(0);
    }
    // No PKCE: back to the client with an error, no consent form, no code.
    const noPkce = await browser.get(authorizePath(client.clientId!, 'http://127.0.0.1:5000/oauth/callback', { code_challenge: '' }));
    expect(noPkce.status).toBe(302);
    expect(new URL(noPkce.location!).searchParams.get('error')).toBe('invalid_request');
    expect(new URL(noPkce.location!).searchParams.get('code')).toBeNull();
  }, 60_000);

  it('CreateToken with another redirect_uri, a wrong verifier or none: InvalidGrantException, and the code is spent', async () => {
    const { oidc, client } = await authorizeClient();
    const redeem = (code: string, redirectUri: string, codeVerifier?: string) =>
      oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'authorization_code', code, redirectUri, ...(codeVerifier !== undefined ? { codeVerifier } : {}) }));
    const uri = 'http://127.0.0.1:5000/oauth/callback';
    const otherPort = await codeFor(client.clientId!, uri);
    expect((await errorOf(redeem(otherPort, 'http://127.0.0.1:5001/oauth/callback', verifier)))?.name).toBe('InvalidGrantException');
    expect((await errorOf(redeem(otherPort, uri, verifier)))?.name).toBe('InvalidGrantException');
    const wrong = await codeFor(client.clientId!, uri);
    expect((await errorOf(redeem(wrong, uri, randomBytes(48).toString('base64url'))))?.name).toBe('InvalidGrantException');
    const missing = await codeFor(client.clientId!, uri);
    expect((await errorOf(redeem(missing, uri)))?.name).toBe('InvalidGrantException');
    const right = await codeFor(client.clientId!, uri);
    expect((await redeem(right, uri, verifier)).accessToken).toBeDefined();
  }, 90_000);
});

describe('A bearer token of another client, expired, revoked, tampered; a role or account the person may not take', () => {
  const unauthorized = async (accessToken: string | undefined) => {
    const e = await errorOf(portal.send(new GetRoleCredentialsCommand({ accessToken, accountId: TEST_ACCOUNT, roleName: 'Developer' })));
    expect(e?.name).toBe('UnauthorizedException');
    expect(e?.$metadata?.httpStatusCode).toBe(401);
  };

  it('a token sealed by another broker, a tampered one, an expired one: 401, never credentials', async () => {
    const { token } = await deviceLogin(b, 'alice');
    const claims = openAccessToken(b.broker.keyRing, token.accessToken)!;
    await unauthorized(sealAccessToken(new KeyRing({ sealingKeys: [generateSealingKey()] }), claims));
    const t = token.accessToken!;
    await unauthorized(`${t.slice(0, 40)}${t[40] === 'A' ? 'B' : 'A'}${t.slice(41)}`);
    await unauthorized('not-a-token');
    await new Promise((resolve) => setTimeout(resolve, 2200));
    await unauthorized(t);
  }, 60_000);

  it('revoked: Logout, `revoke subject` (access and refresh tokens)', async () => {
    const loggedOut = await deviceLogin(b, 'alice');
    await b.broker.sso.portal.logout(loggedOut.token.accessToken, { requestId: 'r', sourceIp: '127.0.0.1', userAgent: '', secure: false, receivedAt: Date.now() } as never);
    await unauthorized(loggedOut.token.accessToken);

    const revoked = await deviceLogin(b, 'alice');
    await b.broker.revocations.revoke('subject', subjectKey('FedbrokerDev', 'alice'));
    await unauthorized(revoked.token.accessToken);
    const refreshed = await errorOf(revoked.oidc.send(new CreateTokenCommand({ clientId: revoked.client.clientId, clientSecret: revoked.client.clientSecret, grantType: 'refresh_token', refreshToken: revoked.token.refreshToken })));
    expect(refreshed?.name).toBe('InvalidGrantException');

  }, 90_000);

  /** nina of ExampleCorp (a configured SAML IdP, xmlsec1-signed responses) approves a device sign-in; its tokens. */
  async function ninaSignedIn(s: SamlConsoleBroker) {
    const url = s.broker.url;
    const { oidc, client, device } = await startDevice(s.broker);
    const browser = new Browser(url);
    const path = `/device?user_code=${device.userCode}`;
    // The Role attribute offers Developer only: the person's roles are those, as at a browser sign-in.
    const landed = await signInFromBroker(browser, s, path, { nameId: 'nina@example.com', roles: ['Developer'] });
    expect(landed.location).toBe(`${url}${path}`);
    const decision = form((await browser.get(path)).body, '/device/decision');
    await browser.post(decision.action, { ...decision.fields, decision: 'allow' });
    const token = await oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: DEVICE_GRANT, deviceCode: device.deviceCode }));
    return { url, oidc, client, token, browser, own: portalClient(url) };
  }

  it('the provider disabled (a configured SAML IdP, xmlsec1-signed responses): its people\'s tokens stop, refresh is refused', async () => {
    const s = await startSamlConsoleBroker({ extra: { sso: { requireMfa: false }, store: 'memory:' } });
    try {
      const { url, oidc, client, token, browser, own } = await ninaSignedIn(s);
      const roles = await own.send(new ListAccountRolesCommand({ accessToken: token.accessToken, accountId: TEST_ACCOUNT }));
      expect(roles.roleList?.map((r) => r.roleName)).toEqual(['Developer']);

      const config = consoleConfig(url, { sso: { requireMfa: false }, store: 'memory:' });
      const providers = (config['identityProviders'] as Array<Record<string, unknown>>).map((p) => ({ ...p, enabled: p['name'] !== PROVIDER }));
      await s.broker.reload({ ...config, identityProviders: providers });
      expect((await errorOf(own.send(new ListAccountsCommand({ accessToken: token.accessToken }))))?.name).toBe('UnauthorizedException');
      const refreshed = await errorOf(oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'refresh_token', refreshToken: token.refreshToken })));
      expect(refreshed?.name).toBe('InvalidGrantException');
      // The portal session of that sign-in ends too.
      expect(pageText((await browser.get('/start')).body)).toContain('Sign in to see your AWS accounts');
    } finally {
      await s.close();
    }
  }, 90_000);

  it('the provider re-pointed to another IdP under the same name: the people of the old one are signed out, tokens and portal alike', async () => {
    const s = await startSamlConsoleBroker({ extra: { sso: { requireMfa: false }, store: 'memory:' } });
    try {
      const { url, oidc, client, token, browser, own } = await ninaSignedIn(s);
      expect((await own.send(new ListAccountsCommand({ accessToken: token.accessToken }))).accountList).toHaveLength(1);

      // Same name, enabled, but now the other IdP's metadata (another entityID and key); the two swapped.
      const config = consoleConfig(url, { sso: { requireMfa: false }, store: 'memory:' });
      const swapped: Record<string, string> = { [PROVIDER]: 'other.xml', [OTHER_PROVIDER]: 'idp.xml' };
      const providers = (config['identityProviders'] as Array<Record<string, unknown>>).map((p) => ({ ...p, metadata: swapped[String(p['name'])] ?? p['metadata'] }));
      await s.broker.reload({ ...config, identityProviders: providers });
      expect((await errorOf(own.send(new ListAccountsCommand({ accessToken: token.accessToken }))))?.name).toBe('UnauthorizedException');
      const refreshed = await errorOf(oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'refresh_token', refreshToken: token.refreshToken })));
      expect(refreshed?.name).toBe('InvalidGrantException');
      expect(pageText((await browser.get('/start')).body)).toContain('Sign in to see your AWS accounts');

      // Pointed back at the IdP the person came from: that CLI session was ended when it was found
      // invalid (a session revocation, as for a disabled provider); the person signs in again.
      await s.broker.reload(config);
      expect((await errorOf(own.send(new ListAccountsCommand({ accessToken: token.accessToken }))))?.name).toBe('UnauthorizedException');
    } finally {
      await s.close();
    }
  }, 90_000);

  it('a role the person may not take, a role that does not exist, another account: ForbiddenException "No access", the same for each', async () => {
    const { token } = await deviceLogin(b, 'carol');
    for (const [accountId, roleName] of [[TEST_ACCOUNT, 'Developer'], [TEST_ACCOUNT, 'NoSuchRole'], ['111122223333', 'Auditor']] as const) {
      const e = await errorOf(portal.send(new GetRoleCredentialsCommand({ accessToken: token.accessToken, accountId, roleName })));
      expect(e?.name, roleName).toBe('ForbiddenException');
      expect(e?.$metadata?.httpStatusCode).toBe(403);
      expect(e?.message).toBe('No access');
    }
    expect((await errorOf(portal.send(new ListAccountRolesCommand({ accessToken: token.accessToken, accountId: '111122223333' }))))?.name).toBe('ForbiddenException');
    // A role removed from the configuration: refused from the reload on.
    const granted = await portal.send(new GetRoleCredentialsCommand({ accessToken: token.accessToken, accountId: TEST_ACCOUNT, roleName: 'Auditor' }));
    expect(granted.roleCredentials?.accessKeyId).toMatch(/^ASIA/);
    await b.reload({ devIdentityProviders: true, store: 'sqlite:data/broker.db', sso: { accessTokenSeconds: 2, requireMfa: false }, roles: devRoles(b.url).filter((r) => r['name'] !== 'Auditor') });
    expect((await errorOf(portal.send(new GetRoleCredentialsCommand({ accessToken: token.accessToken, accountId: TEST_ACCOUNT, roleName: 'Auditor' }))))?.name).toBe('ForbiddenException');
    await b.reload({ devIdentityProviders: true, store: 'sqlite:data/broker.db', sso: { accessTokenSeconds: 2, requireMfa: false }, roles: devRoles(b.url) });
  }, 60_000);
});
