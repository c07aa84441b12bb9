/**
 * The console flows in a real browser: Debian's Chromium driven by playwright-core. What a fetch-based
 * test cannot show — the IdP's cross-site auto-submitting POST to the ACS with SameSite cookies, the
 * pages' Content-Security-Policy (forms, redirects after a form post to an allow-listed app on another
 * origin), clicking through the role picker, signing out, and a federation-endpoint sign-in URL opened
 * as a user would.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepAt } from '../../src/mfa/totp.js';
import { codeOfStep, enrolmentOf, startSamlConsoleBroker, type SamlConsoleBroker } from '../helpers/consoleSaml.js';
import { PORTAL } from '../helpers/stsFixture.js';
import { credentialsOf, stsQuery } from '../helpers/stsHttp.js';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('console in Chromium (playwright-core)', () => {
  let s: SamlConsoleBroker;
  let browser: Browser;
  /** Another origin on loopback: the IdP's auto-submitting page and an allow-listed "app". */
  let other: Server;
  let otherUrl: string;
  let pendingIdpPage = '';

  beforeAll(async () => {
    other = createServer((req, res) => {
      if (req.url === '/idp') return void res.writeHead(200, { 'content-type': 'text/html' }).end(pendingIdpPage);
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>App</title><h1>App landing ${req.url}</h1>`);
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    // "localhost" and "127.0.0.1" are different sites to the browser: the IdP post is cross-site.
    otherUrl = `http://localhost:${(other.address() as AddressInfo).port}`;
    s = await startSamlConsoleBroker({
      extra: {
        limits: { requestsPerMinutePerIp: 0 },
        console: { destinations: [`${otherUrl}/app/*`] },
        users: [{ name: 'portal', accessKeys: [{ id: PORTAL.accessKeyId, secret: PORTAL.secretAccessKey }], inlinePolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:GetFederationToken', Resource: '*' }] }] }],
      },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
    await new Promise((resolve) => other?.close(resolve));
  });

  /** The IdP's page: an auto-submitting form posting the SAMLResponse (and RelayState) to the ACS. */
  function idpPage(samlResponse: string, relayState?: string): string {
    const field = (name: string, value: string) => `<input type="hidden" name="${name}" value="${value.replace(/"/g, '&quot;')}">`;
    return `<!doctype html><body onload="document.forms[0].submit()"><form method="post" action="${s.broker.url}/saml">${field('SAMLResponse', samlResponse)}${relayState ? field('RelayState', relayState) : ''}</form></body>`;
  }

  it('IdP post → role picker → click a role → the allow-listed app on another origin; the console shows the session; sign out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    pendingIdpPage = idpPage(s.response({ nameId: 'chromium@corp.test', roles: ['Developer', 'Operator'] }), `${otherUrl}/app/home`);
    await page.goto(`${otherUrl}/idp`);
    await page.waitForURL(`${s.broker.url}/saml`);
    expect(await page.textContent('body')).toContain('Developer');

    // The picker's form posts to the broker, which redirects to the app: allowed by the page's CSP.
    await Promise.all([page.waitForURL(`${otherUrl}/app/home`), page.click('button:has-text("Developer")')]);
    expect(await page.textContent('h1')).toBe('App landing /app/home');

    const cookies = await context.cookies(s.broker.url);
    const session = cookies.find((c) => c.name === 'fedbroker_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');

    await page.goto(`${s.broker.url}/console`);
    expect(await page.textContent('body')).toContain('assumed-role/Developer/');
    await Promise.all([page.waitForURL(`${s.broker.url}/console?signedOut`), page.click('button:has-text("Sign out")')]);
    expect(await page.textContent('body')).not.toContain('assumed-role/Developer/');
    expect(await page.textContent('body')).toContain('You have signed out.');
    expect((await context.cookies(s.broker.url)).find((c) => c.name === 'fedbroker_session')).toBeUndefined();
    await context.close();
  }, 60_000);

  it('a role that needs MFA: the enrolment page shows its QR code; two codes typed in → the app, with MFA', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    pendingIdpPage = idpPage(s.response({ nameId: 'chromium-mfa@corp.test', roles: ['Secure'] }), `${otherUrl}/app/secure`);
    await page.goto(`${otherUrl}/idp`);
    await page.waitForURL(`${s.broker.url}/saml`);
    // The QR code is an image the page's CSP lets the browser decode (img-src data:).
    const qrWidth = await page.$eval('img', (img) => (img as unknown as { naturalWidth: number }).naturalWidth);
    expect(qrWidth).toBeGreaterThan(0);
    const { seed } = enrolmentOf(await page.content());
    const step = stepAt(Date.now());
    await page.fill('input[name="code1"]', await codeOfStep(seed, step - 1));
    await page.fill('input[name="code2"]', await codeOfStep(seed, step));
    // The device is confirmed active on a page of its own; "Continue" goes on to the app.
    await Promise.all([page.waitForURL(`${s.broker.url}/signin/mfa/enroll`), page.click('button[type="submit"]')]);
    expect(await page.textContent('body')).toMatch(/Your MFA device .* is active/);
    await Promise.all([page.waitForURL(`${otherUrl}/app/secure`), page.click('a:has-text("Continue")')]);
    await page.goto(`${s.broker.url}/console`);
    const text = await page.textContent('body');
    expect(text).toContain('assumed-role/Secure/');
    expect(text).toMatch(/MFA\s*yes/);
    await context.close();
  }, 60_000);

  it('a RelayState off the allow-list is refused with a page, and the browser stays on the broker', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    pendingIdpPage = idpPage(s.response({ nameId: 'chromium2@corp.test', roles: ['Developer'] }), `${otherUrl}/elsewhere`);
    await page.goto(`${otherUrl}/idp`);
    await page.waitForURL(`${s.broker.url}/saml`);
    expect(page.url()).toBe(`${s.broker.url}/saml`);
    expect((await context.cookies(s.broker.url)).find((c) => c.name === 'fedbroker_session')).toBeUndefined();
    await context.close();
  }, 60_000);

  it('a federation-endpoint sign-in URL opened in the browser lands in the console, once', async () => {
    const creds = credentialsOf(await stsQuery(s.broker.url, { Action: 'GetFederationToken', Name: 'chromium-portal', DurationSeconds: '900' }, { credentials: PORTAL }));
    const session = JSON.stringify({ sessionId: creds.accessKeyId, sessionKey: creds.secretAccessKey, sessionToken: creds.sessionToken });
    const { SigninToken } = (await (await fetch(`${s.broker.url}/federation?${new URLSearchParams({ Action: 'getSigninToken', Session: session })}`)).json()) as { SigninToken: string };
    const login = `${s.broker.url}/federation?${new URLSearchParams({ Action: 'login', Issuer: otherUrl, Destination: `${s.broker.url}/console`, SigninToken })}`;

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(login);
    expect(page.url()).toBe(`${s.broker.url}/console`);
    expect(await page.textContent('body')).toContain('federated-user/chromium-portal');

    const again = await (await browser.newContext()).newPage();
    const response = await again.goto(login);
    expect(response?.status()).toBe(400);
    expect(await again.textContent('body')).toContain('already used');
    await context.close();
  }, 60_000);
});
