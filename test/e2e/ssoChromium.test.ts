/**
 * Command-line sign-in and the access portal in a real browser (Debian's Chromium, playwright-core),
 * through the development SAML IdP: the device approval with MFA done at the IdP (alice) and with
 * fedbroker's TOTP step-up (bob), the authorization-code flow to a loopback client without any MFA
 * (sso.requireMfa: false), and the portal — command-line access, copy buttons under the pages' CSP,
 * a phone-sized screen. The screenshots in docs/ are made here.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { CreateTokenCommand, RegisterClientCommand, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { ListAccountRolesCommand } from '@aws-sdk/client-sso';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepAt } from '../../src/mfa/totp.js';
import { TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { codeOfStep, enrolmentOf } from '../helpers/consoleSaml.js';
import { REPO_ROOT } from '../helpers/fedbrokerCli.js';
import { oidcClient, portalClient, startSsoBroker } from '../helpers/ssoBroker.js';

const CHROMIUM = '/usr/bin/chromium';
const DOCS = join(REPO_ROOT, 'docs');

describe.skipIf(!existsSync(CHROMIUM))('command-line sign-in and the access portal in Chromium', () => {
  let b: StartedBroker;
  let browser: Browser;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    b = await startSsoBroker();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    mkdirSync(DOCS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await b?.close();
  });

  async function newPage(options: { viewport?: { width: number; height: number }; clipboard?: string } = {}): Promise<Page> {
    const context = await browser.newContext(options.viewport ? { viewport: options.viewport, deviceScaleFactor: 1 } : {});
    if (options.clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: options.clipboard });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });
    return page;
  }

  /** From a "sign in" page of the broker, through the development SAML IdP, as `user`. */
  async function signInAt(page: Page, user: string): Promise<void> {
    await Promise.all([page.waitForURL(/\/dev\/saml\/sso/), page.click('a:has-text("sign in")')]);
    await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/dev/saml') && url.pathname !== '/saml'), page.click(`button:has-text("Sign in as ${user}")`)]);
  }

  async function startDevice() {
    const oidc = oidcClient(b.url);
    const client = await oidc.send(new RegisterClientCommand({ clientName: 'botocore-client-laptop', clientType: 'public', scopes: ['sso:account:access'] }));
    const device = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: `${b.url}/start` }));
    const token = () => oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: device.deviceCode }));
    return { device, token };
  }

  it('device approval, MFA at the IdP (alice): sign in, check the code, Allow', async () => {
    const { device, token } = await startDevice();
    const page = await newPage();
    await page.goto(device.verificationUriComplete!);
    expect(await page.textContent('h1')).toBe('Sign in to approve');
    await signInAt(page, 'alice');
    expect(page.url()).toBe(device.verificationUriComplete);
    expect(await page.textContent('body')).toContain(device.userCode!);
    await page.screenshot({ path: join(DOCS, 'sso-device-approval.png'), fullPage: true });
    await page.click('button:has-text("Allow")');
    await page.waitForSelector('text=is signed in');
    const roles = await portalClient(b.url).send(new ListAccountRolesCommand({ accessToken: (await token()).accessToken, accountId: TEST_ACCOUNT }));
    expect(roles.roleList?.map((r) => r.roleName)).toEqual(['Developer', 'Operator']);
    await page.context().close();
  }, 90_000);

  it('device approval with fedbroker\'s step-up (bob): enrol a device from the QR page, then Allow', async () => {
    const { device, token } = await startDevice();
    const page = await newPage();
    await page.goto(device.verificationUriComplete!);
    await signInAt(page, 'bob');
    // requireMfa: bob's IdP did no MFA, and he has no device yet.
    expect(await page.textContent('body')).toContain('This step requires multi-factor authentication');
    const { seed } = enrolmentOf(await page.content());
    const step = stepAt(Date.now());
    await page.fill('input[name="code1"]', await codeOfStep(seed, step - 1));
    await page.fill('input[name="code2"]', await codeOfStep(seed, step));
    await page.click('button[type="submit"]');
    // The activation is confirmed; Continue leads back to the approval.
    await page.waitForSelector('text=MFA device activated');
    await Promise.all([page.waitForURL(device.verificationUriComplete!), page.click('a:has-text("Continue")')]);
    await page.click('button:has-text("Allow")');
    await page.waitForSelector('text=is signed in');
    expect((await token()).accessToken).toBeDefined();
    await page.context().close();
  }, 90_000);

  it('authorization code + PKCE to a loopback client, without MFA (sso.requireMfa: false)', async () => {
    const plain = await startSsoBroker({ sso: { requireMfa: false } });
    let loopback: Server | undefined;
    try {
      const received = new Promise<URL>((resolve) => {
        loopback = createServer((req, res) => {
          res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Approved</title><h1>Request approved</h1>');
          resolve(new URL(req.url!, 'http://127.0.0.1'));
        });
      });
      await new Promise<void>((resolve) => loopback!.listen(0, '127.0.0.1', resolve));
      const redirectUri = `http://127.0.0.1:${(loopback!.address() as AddressInfo).port}/oauth/callback`;
      const oidc = oidcClient(plain.url);
      const client = await oidc.send(new RegisterClientCommand({ clientName: 'botocore-client-carol', clientType: 'public', scopes: ['sso:account:access'], grantTypes: ['authorization_code', 'refresh_token'], redirectUris: ['http://127.0.0.1/oauth/callback'] }));
      const verifier = randomBytes(48).toString('base64url');
      const query = new URLSearchParams({ response_type: 'code', client_id: client.clientId!, redirect_uri: redirectUri, state: 'chromium-state', code_challenge_method: 'S256', scopes: 'sso:account:access', code_challenge: createHash('sha256').update(verifier).digest('base64url') });
      const page = await newPage();
      await page.goto(`${plain.url}/sso-oidc/authorize?${query}`);
      await signInAt(page, 'carol');
      expect(await page.textContent('body')).toContain('botocore-client-carol');
      await Promise.all([page.waitForURL(/\/oauth\/callback/), page.click('button:has-text("Allow")')]);
      expect(await page.textContent('h1')).toBe('Request approved');
      const callback = await received;
      expect(callback.searchParams.get('state')).toBe('chromium-state');
      const token = await oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'authorization_code', code: callback.searchParams.get('code')!, redirectUri, codeVerifier: verifier }));
      const roles = await portalClient(plain.url).send(new ListAccountRolesCommand({ accessToken: token.accessToken, accountId: TEST_ACCOUNT }));
      expect(roles.roleList?.map((r) => r.roleName)).toEqual(['Auditor']);
      await page.context().close();
    } finally {
      await new Promise((resolve) => (loopback ? loopback.close(resolve) : resolve(undefined)));
      await plain.close();
    }
  }, 90_000);

  it('the portal: roles, command-line access with working copy buttons, no CSP violation; usable on a phone', async () => {
    const page = await newPage({ clipboard: b.url });
    await page.goto(`${b.url}/`);
    expect(new URL(page.url()).pathname).toBe('/start');
    await signInAt(page, 'alice');
    expect(new URL(page.url()).pathname).toBe('/start');
    expect(await page.textContent('body')).toContain('Development');
    await page.screenshot({ path: join(DOCS, 'sso-portal.png'), fullPage: true });

    await Promise.all([page.waitForURL(`${b.url}/start/credentials`), page.click('button[aria-label="Command line access as Developer"]')]);
    const bash = await page.textContent('#bash');
    expect(bash).toMatch(/^export AWS_ACCESS_KEY_ID="ASIA[A-Z2-7]{16}"\nexport AWS_SECRET_ACCESS_KEY="[^"]+"\nexport AWS_SESSION_TOKEN="[^"]+"$/);
    await page.click('button[data-copy="bash"]');
    await page.waitForSelector('button[data-copy="bash"]:has-text("Copied")');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(bash);
    await page.screenshot({ path: join(DOCS, 'sso-command-line-access.png'), fullPage: true });
    await page.context().close();

    const phone = await newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(`${b.url}/start`);
    await signInAt(phone, 'bob');
    const overflow = (await phone.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: join(DOCS, 'sso-portal-phone.png'), fullPage: true });
    await phone.context().close();
    expect(cspViolations).toEqual([]);
  }, 90_000);
});
