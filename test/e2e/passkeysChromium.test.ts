/**
 * Passkeys in a real browser (Debian's Chromium through playwright-core) with the DevTools Protocol's
 * virtual authenticator (CTAP2, internal, resident keys, user verification): enrolment from the access
 * portal, the step-up at a console sign-in (a role that needs MFA, and Guardian, which only a passkey
 * opens), and the approval of a command-line sign-in whose credentials /authorize sees with
 * fedbroker:MfaMethod = webauthn. The passkey screenshots in docs/ are made here.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTokenCommand, RegisterClientCommand, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { GetRoleCredentialsCommand } from '@aws-sdk/client-sso';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askAuthorize } from '../helpers/authorize.js';
import { TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { REPO_ROOT } from '../helpers/fedbrokerCli.js';
import { startPasskeyBroker } from '../helpers/passkeyBroker.js';
import { oidcClient, portalClient } from '../helpers/ssoBroker.js';

const CHROMIUM = '/usr/bin/chromium';
const DOCS = join(REPO_ROOT, 'docs');

describe.skipIf(!existsSync(CHROMIUM))('passkeys in Chromium (virtual authenticator)', () => {
  let b: StartedBroker;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    b = await startPasskeyBroker();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    context = await browser.newContext();
    page = await context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', { options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true } });
    mkdirSync(DOCS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await b?.close();
  });

  async function signInAs(user: string): Promise<void> {
    await Promise.all([page.waitForURL(/\/dev\/saml\/sso/), page.click('a:has-text("sign in")')]);
    await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/dev/saml') && url.pathname !== '/saml'), page.click(`button:has-text("Sign in as ${user}")`)]);
  }

  /** Audit events of `name`, newest first, from the audit file (the store's mirror may lag). */
  const audit = async (name: string) =>
    readFileSync(join(b.dir, 'data/audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>).filter((e) => e['eventName'] === name).reverse();

  it('enrolment from the access portal: sign in (bob, no MFA), add a passkey, name it, see it listed', async () => {
    await page.goto(`${b.url}/start`);
    await signInAs('bob');
    expect(await page.textContent('h1')).toBe('AWS access portal');
    await Promise.all([page.waitForURL(/\/start\/passkeys\/new/), page.click('button:has-text("Add a passkey or security key")')]);
    await page.fill('input[name=name]', 'Laptop');
    await page.screenshot({ path: join(DOCS, 'passkey-add.png'), fullPage: true });
    await Promise.all([page.waitForURL(/notice=passkey-added/), page.click('button:has-text("Add passkey")')]);
    expect(await page.textContent('body')).toContain('The passkey was added.');
    expect(await page.textContent('table:has(caption:has-text("Passkeys"))')).toContain('Laptop');
    expect(await page.textContent('li.role:has(h3:has-text("Guardian"))')).toContain('Requires a passkey or security key.');
    await page.screenshot({ path: join(DOCS, 'passkey-portal.png'), fullPage: true });
    const [registered] = await audit('RegisterPasskey');
    expect(registered).toMatchObject({ eventSource: 'fedbroker', requestParameters: { credentialName: 'Laptop', subject: 'bob' } });
    expect(registered!['errorCode']).toBeUndefined();
  }, 90_000);

  it('step-up at a console sign-in: Operator (needs MFA) and Guardian (needs a passkey) open with the passkey', async () => {
    for (const role of ['Operator', 'Guardian']) {
      await page.goto(`${b.url}/console`);
      // The role picker is the answer to the IdP's post (POST /saml).
      await Promise.all([page.waitForURL(/\/dev\/saml\/sso/), page.click('a:has-text("sign in")')]);
      await Promise.all([page.waitForSelector(`button:has-text("Sign in as ${role}")`), page.click('button:has-text("Sign in as bob")')]);
      await page.click(`button:has-text("Sign in as ${role}")`);
      await page.waitForSelector('button:has-text("Use a passkey or security key")');
      // bob has no TOTP device: the passkey is the one way offered.
      expect(await page.locator('input[name=code]').count()).toBe(0);
      if (role === 'Guardian') {
        expect(await page.textContent('body')).toContain('requires a passkey or security key');
        await page.screenshot({ path: join(DOCS, 'passkey-step-up.png'), fullPage: true });
      }
      await Promise.all([page.waitForURL(/\/console$/), page.click('button:has-text("Use a passkey or security key")')]);
      expect(await page.textContent('body')).toContain(`assumed-role/${role}/bob`);
      await Promise.all([page.waitForURL(/signedOut/), page.click('button:has-text("Sign out")')]);
    }
    const uses = (await audit('PasskeyAuthentication')).filter((e) => e['errorCode'] === undefined);
    expect(uses.length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('approval of a command-line sign-in with the passkey; the credentials carry fedbroker:MfaMethod = webauthn into /authorize', async () => {
    const oidc = oidcClient(b.url);
    const client = await oidc.send(new RegisterClientCommand({ clientName: 'laptop-cli', clientType: 'public', scopes: ['sso:account:access'] }));
    const device = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: `${b.url}/start` }));
    // Out of the portal session of the first test (no MFA then): the approval steps up.
    await page.goto(`${b.url}/start`);
    await page.click('button:has-text("Sign out")');
    await page.goto(device.verificationUriComplete!);
    await signInAs('bob');
    await page.waitForSelector('button:has-text("Use a passkey or security key")');
    await Promise.all([page.waitForURL((u) => u.pathname === '/device'), page.click('button:has-text("Use a passkey or security key")')]);
    await page.click('button:has-text("Allow")');
    await page.waitForSelector('text=is signed in');
    const token = await oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: device.deviceCode }));
    const { roleCredentials: c } = await portalClient(b.url).send(new GetRoleCredentialsCommand({ accessToken: token.accessToken, accountId: TEST_ACCOUNT, roleName: 'Guardian' }));
    const credentials = { accessKeyId: c!.accessKeyId!, secretAccessKey: c!.secretAccessKey!, sessionToken: c!.sessionToken! };
    const answer = await askAuthorize(b.url, { credentials, action: 's3:GetObject', resource: 'arn:aws:s3:::prod/report.csv' });
    expect(answer.status).toBe(200);
    expect(answer.json['decision']).toBe('Allow');
    expect(cspViolations).toEqual([]);
  }, 120_000);
});
