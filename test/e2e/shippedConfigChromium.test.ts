/**
 * The shipped configuration on another port (issue: `PORT=8081 npm start` left every SAML role
 * unavailable, because the trust policies pinned saml:aud to port 8080): `fedbroker serve` with
 * config/broker.yaml as shipped, on a port that is not 8080, and Debian's Chromium signing carol in
 * through the development SAML IdP, as the README's quick start tells a newcomer to.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/broker.js';
import { REPO_ROOT, spawnFedbroker, type ServeProcess } from '../helpers/fedbrokerCli.js';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('the shipped configuration on a non-default port, in Chromium', () => {
  let home: string;
  let serve: ServeProcess;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'fedbroker-port-'));
    mkdirSync(join(home, 'config'));
    copyFileSync(join(REPO_ROOT, 'config/broker.yaml'), join(home, 'config/broker.yaml'));
    let port = await freePort();
    if (port === 8080) port = await freePort();
    url = `http://localhost:${port}`;
    serve = spawnFedbroker(['serve', '--config', join(home, 'config/broker.yaml')], { env: { PORT: String(port), LOG_LEVEL: 'info' } });
    await serve.waitFor(/fedbroker listening/, 60_000);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('carol signs in through the development SAML IdP and lands in the console as Auditor', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${url}/console`);
    await Promise.all([page.waitForURL(`${url}/dev/saml`), page.click('a:has-text("Development SAML IdP")')]);
    // The IdP posts a signed response to this broker's ACS, {publicUrl}/saml on this port.
    await Promise.all([page.waitForURL(`${url}/console`), page.click('button:has-text("Sign in as carol")')]);
    const text = await page.textContent('body');
    expect(text).toContain('arn:aws:sts::123456789012:assumed-role/Auditor/carol');
    expect(text).toContain('FedbrokerDev (SAML)');
    await context.close();
    // Nothing about the configuration itself was worth a warning.
    expect(serve.stdout()).not.toMatch(/saml:aud/);
  }, 60_000);
});
