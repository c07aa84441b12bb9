/**
 * The access portal at /start with a fetch browser: sign in through the development SAML IdP, the
 * accounts and roles the trust policies allow, command-line access minted on the click (never on
 * page load), a console session from the portal, MFA step-up and devices, the person's CLI sessions
 * with an end button, sign out. Chromium drives it (copy buttons, CSP, screenshots) in
 * ssoChromium.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTokenCommand, RegisterClientCommand, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { ListAccountsCommand, UnauthorizedException } from '@aws-sdk/client-sso';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSessionToken } from '../../src/credentials/sessionToken.js';
import { stepAt } from '../../src/mfa/totp.js';
import { normalizeUserCode } from '../../src/sso/codes.js';
import { Browser, form, forms, pageText, unescapeHtml } from '../helpers/browser.js';
import { TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { codeOfStep, enrolmentOf } from '../helpers/consoleSaml.js';
import { oidcClient, portalClient, signInThroughDevIdp, startSsoBroker } from '../helpers/ssoBroker.js';

describe('the access portal at /start (fetch browser)', () => {
  let b: StartedBroker;
  beforeAll(async () => {
    b = await startSsoBroker();
  }, 60_000);
  afterAll(async () => b?.close());

  async function signedIn(user: string): Promise<Browser> {
    const browser = new Browser(b.url);
    const landed = await signInThroughDevIdp(browser, user, '/start');
    expect(landed.location).toBe(`${b.url}/start`);
    return browser;
  }

  it('is where the broker\'s address leads; signed out, it offers the identity providers', async () => {
    const browser = new Browser(b.url);
    const root = await browser.get('/');
    expect(root.location).toBe('/start');
    const page = await browser.get('/start');
    expect(page.status).toBe(200);
    expect(page.body).toContain('/saml/login?provider=FedbrokerDev&amp;RelayState=%2Fstart');
  });

  it('an unsolicited (IdP-initiated) response for /start opens no portal session: the sign-in goes round through the IdP from this browser (login CSRF)', async () => {
    // Someone gets a response for their own account from the IdP, unsolicited, with RelayState /start ...
    const attacker = new Browser(b.url);
    const posted = await attacker.post('/dev/saml/sso', { user: 'carol', RelayState: '/start' });
    const forged = form(posted.body, `${b.url}/saml`).fields;
    expect(forged['RelayState']).toBe('/start');
    // ... and a page of theirs posts it from alice's browser, where alice is signed in to the portal.
    const victim = await signedIn('alice');
    const answer = await victim.post('/saml', forged);
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`${b.url}/saml/login?provider=FedbrokerDev&RelayState=%2Fstart`);
    expect(answer.setCookies.join('\n')).not.toContain('fedbroker_portal=');
    const still = pageText((await victim.get('/start')).body);
    expect(still).toContain('alice');
    expect(still).not.toContain('carol');
    // Followed, it is an ordinary SP-initiated sign-in: the IdP asks this browser's person who they are.
    const restart = await victim.follow(answer);
    expect(restart.status).toBe(302);
    expect(restart.location).toMatch(/\/dev\/saml\/sso\?SAMLRequest=/);
    // The refusal is in the audit log, naming the identity of the response.
    await b.broker.audit.drain();
    const events = readFileSync(join(b.dir, 'data', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const refused = events.filter((e) => e['eventName'] === 'ConsoleLogin' && String(e['errorMessage']).startsWith('IdP-initiated SAML response for the access portal'));
    expect(refused).toHaveLength(1);
    expect(JSON.stringify(refused[0]!['userIdentity'])).toContain('carol');
    // A response bound for the console (a role session) is still accepted IdP-initiated.
    const toConsole = await attacker.post('/dev/saml/sso', { user: 'carol' });
    const consoleAnswer = await new Browser(b.url).post('/saml', form(toConsole.body, `${b.url}/saml`).fields);
    expect(consoleAnswer.status).toBe(302);
    expect(consoleAnswer.location).toBe(`${b.url}/console`);
  }, 60_000);

  it('bob: accounts and roles, credentials only on the click, working, with SourceIdentity and his session name', async () => {
    const browser = await signedIn('bob');
    const page = await browser.get('/start');
    const text = pageText(page.body);
    expect(text).toContain('Development 123456789012');
    expect(text).toContain('Developer');
    expect(text).toMatch(/Operator .*Requires multi-factor authentication/);
    expect(text).not.toContain('Auditor');
    expect(page.body).not.toMatch(/ASIA[A-Z2-7]{16}/);
    expect(text).toContain(`AWS_ENDPOINT_URL_SSO_OIDC=${b.url}/sso-oidc`);
    expect(text).toContain(`sso_start_url = ${b.url}/start`);
    const nonce = /<script nonce="([^"]+)" src="\/start\/copy.js">/.exec(page.body)?.[1];
    expect(page.headers.get('content-security-policy')).toContain(`script-src 'nonce-${nonce}'`);

    const cli = forms(page.body, '/start/credentials').find((f) => f.fields['role']?.endsWith(':role/Developer'))!;
    const creds = await browser.post(cli.action, cli.fields);
    expect(creds.status).toBe(200);
    expect(creds.headers.get('cache-control')).toBe('no-store');
    const shown = unescapeHtml(creds.body);
    const key = /export AWS_ACCESS_KEY_ID="(ASIA[A-Z2-7]{16})"/.exec(shown)?.[1];
    const secret = /export AWS_SECRET_ACCESS_KEY="([^"]+)"/.exec(shown)?.[1];
    const token = /export AWS_SESSION_TOKEN="([^"]+)"/.exec(shown)?.[1];
    expect(shown).toContain(`$Env:AWS_ACCESS_KEY_ID="${key}"`);
    expect(shown).toContain(`[Developer-${TEST_ACCOUNT}]`);
    expect(shown).toContain(`aws_session_token=${token}`);
    const sts = new STSClient({ region: 'us-east-1', endpoint: b.url, credentials: { accessKeyId: key!, secretAccessKey: secret!, sessionToken: token! } });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Developer/bob`);
    const claims = openSessionToken(b.broker.keyRing, token!);
    expect(claims.sourceIdentity).toBe('bob');
    expect(claims.federated).toEqual({ type: 'saml', provider: 'FedbrokerDev', subject: 'bob', mfaSubject: 'bob' });

    // Forms without the anti-forgery token are refused.
    expect((await browser.post('/start/credentials', { role: cli.fields['role']! })).status).toBe(403);
    // A role the page did not offer is refused.
    expect((await browser.post('/start/credentials', { ...cli.fields, role: `arn:aws:iam::${TEST_ACCOUNT}:role/Auditor` })).status).toBe(403);
  }, 60_000);

  it('Management console opens a console session of the role', async () => {
    const browser = await signedIn('carol');
    const page = await browser.get('/start');
    const consoleForm = form(page.body, '/start/console');
    const opened = await browser.post(consoleForm.action, consoleForm.fields);
    expect(opened.status).toBe(303);
    expect(opened.location).toBe(`${b.url}/console`);
    expect(pageText((await browser.get('/console')).body)).toContain('assumed-role/Auditor/carol');
    // Audited as a console sign-in of the person, through the portal.
    const events = readFileSync(join(b.dir, 'data/audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const login = events.filter((e) => e['eventName'] === 'ConsoleLogin').at(-1)!;
    expect(login).toMatchObject({
      eventSource: 'signin.amazonaws.com',
      eventType: 'AwsConsoleSignin',
      userIdentity: { type: 'SAMLUser', userName: 'carol' },
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: { LoginTo: `${b.url}/console`, via: 'access portal', roleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/Auditor` },
    });
  }, 60_000);

  it('step-up from the portal: enrol a device, then the MFA role is takeable; the device is listed and removable with a code', async () => {
    const browser = await signedIn('bob');
    // bob enrolled no device in this broker yet: the step-up is an enrolment.
    const stepUp = await browser.post('/start/mfa', forms((await browser.get('/start')).body, '/start/mfa')[0]!.fields);
    const { seed, serial } = enrolmentOf(stepUp.body);
    const step = stepAt(Date.now());
    const enrol = form(stepUp.body, '/signin/mfa/enroll');
    const back = await browser.post(enrol.action, { ...enrol.fields, code1: await codeOfStep(seed, step - 1), code2: await codeOfStep(seed, step) });
    expect(back.status).toBe(200);
    expect(pageText(back.body)).toContain('MFA device activated');
    expect(/<a href="([^"]*)">Continue<\/a>/.exec(back.body)?.[1]).toBe(`${b.url}/start`);
    const page = await browser.get('/start');
    expect(pageText(page.body)).toContain('MFA verified with your authenticator app');
    expect(forms(page.body, '/start/console').map((f) => f.fields['role']!.split('/').pop())).toEqual(['Developer', 'Operator']);
    expect(page.body).toContain(serial);

    const remove = form(page.body, '/start/mfa/remove');
    const wrong = await browser.post(remove.action, { ...remove.fields, code: '000000' });
    expect(wrong.location).toBe('/start?notice=mfa-not-removed');
    const removed = await browser.post(remove.action, { ...remove.fields, code: await codeOfStep(seed, step + 1) });
    expect(removed.location).toBe('/start?notice=mfa-removed');
    expect((await browser.get('/start')).body).not.toContain(serial);
  }, 60_000);

  it('lists the person\'s command-line sessions; ending one stops its tokens; sign out ends the portal session', async () => {
    const browser = await signedIn('alice');
    const oidc = oidcClient(b.url);
    const client = await oidc.send(new RegisterClientCommand({ clientName: 'alice-laptop', clientType: 'public' }));
    const device = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: `${b.url}/start` }));
    const confirm = await browser.get(`/device?user_code=${device.userCode}`);
    const decision = form(confirm.body, '/device/decision');
    await browser.post(decision.action, { ...decision.fields, decision: 'allow' });
    const token = await oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: device.deviceCode }));
    await portalClient(b.url).send(new ListAccountsCommand({ accessToken: token.accessToken }));
    expect(normalizeUserCode(device.userCode!)).toBeDefined();

    const page = await browser.get('/start');
    expect(pageText(page.body)).toMatch(/alice-laptop/);
    const end = form(page.body, '/start/sessions/end');
    // Only one's own sessions can be ended: bob naming alice's session changes nothing.
    const bob = await signedIn('bob');
    const bobsForm = forms((await bob.get('/start')).body, '/start/logout')[0]!;
    expect((await bob.post('/start/sessions/end', { ...bobsForm.fields, session: end.fields['session']! })).location).toBe('/start');
    await portalClient(b.url).send(new ListAccountsCommand({ accessToken: token.accessToken }));
    expect((await browser.post(end.action, end.fields)).location).toBe('/start?notice=session-ended');
    await expect(portalClient(b.url).send(new ListAccountsCommand({ accessToken: token.accessToken }))).rejects.toBeInstanceOf(UnauthorizedException);
    expect(pageText((await browser.get('/start')).body)).toContain('No command-line session is active');

    const out = await browser.post('/start/logout', form((await browser.get('/start')).body, '/start/logout').fields);
    expect(out.location).toBe('/start');
    expect(browser.cookie('fedbroker_portal')).toBeUndefined();
    expect(pageText((await browser.get('/start')).body)).toContain('Sign in to see your AWS accounts');
  }, 60_000);
});
