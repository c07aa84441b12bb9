/**
 * A browser sign-in to an upstream role ends in the AWS console (upstream.md "Console"): Chromium
 * (playwright-core) signs alice in through the development SAML IdP of the first instance, picks
 * "production — ProdAdmin" in the role picker, and lands on the console of the second instance,
 * which plays AWS: getSigninToken with the upstream credentials, then its login URL. The first
 * instance's ConsoleLogin event names the issuance.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { AWS_ACCOUNT, PROD_ADMIN, startAws, upstreamBlock } from '../helpers/upstreamAws.js';

const CHROMIUM = '/usr/bin/chromium';
const DEV_SAML = `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/FedbrokerDev`;

function samlTrust(acs: string, group: string) {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: DEV_SAML }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'saml:aud': acs }, 'ForAnyValue:StringEquals': { 'saml:attr/groups': [group] } } }],
  };
}

describe.skipIf(!existsSync(CHROMIUM))('browser sign-in to an upstream role, in Chromium', () => {
  let aws: StartedBroker;
  let b: StartedBroker;
  let browser: Browser;

  beforeAll(async () => {
    aws = await startAws();
    b = await startBroker({ devIdentityProviders: true, roles: [] });
    const acs = `${b.url}/saml`;
    await b.reload({
      devIdentityProviders: true,
      upstream: upstreamBlock(aws),
      accounts: [{ id: AWS_ACCOUNT, name: 'production' }],
      roles: [
        { name: 'ProdAdmin', maxSessionDuration: 14400, trustPolicy: samlTrust(acs, 'admins'), upstream: { roleArn: PROD_ADMIN } },
        { name: 'Developer', trustPolicy: samlTrust(acs, 'developers') },
      ],
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await b?.close();
    await aws?.close();
  });

  it('development SAML IdP → picker "production — ProdAdmin" → the console of the instance playing AWS', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${b.url}/saml/login?provider=FedbrokerDev`);
    await Promise.all([page.waitForURL(`${b.url}/saml`), page.click('button:has-text("Sign in as alice")')]);
    const picker = await page.textContent('body');
    expect(picker).toContain('production — ProdAdmin');
    expect(picker).toContain(PROD_ADMIN);
    expect(picker).toContain('Developer');

    await Promise.all([page.waitForURL(`${aws.url}/console`), page.click('button:has-text("Sign in as ProdAdmin")')]);
    const console = await page.textContent('body');
    expect(console).toContain(`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/fedbroker-ProdAdmin/alice`);
    expect(console).toContain('alice'); // the source identity
    // The console session is AWS's, not the first instance's (cookies ignore ports: the same jar).
    const first = await (await page.goto(`${b.url}/console`))!.text();
    expect(first).not.toContain('assumed-role');

    const audit = readFileSync(join(b.dir, 'data', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const login = audit.filter((e) => e['eventName'] === 'ConsoleLogin').at(-1)!;
    expect(login['responseElements']).toEqual({ ConsoleLogin: 'Success' });
    expect(login['additionalEventData']).toMatchObject({ LoginTo: `${aws.url}/console`, roleArn: PROD_ADMIN });
    expect(login['upstream']['assumedRoleArn']).toBe(`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/fedbroker-ProdAdmin/alice`);

    const awsAudit = readFileSync(join(aws.dir, 'data', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(awsAudit.filter((e) => e['eventName'] === 'AssumeRole').at(-1)!['requestParameters']).toMatchObject({ roleSessionName: 'alice', sourceIdentity: 'alice' });
    expect(awsAudit.some((e) => e['eventName'] === 'GetSigninToken' && e['responseElements']?.['GetSigninToken'] === 'Success')).toBe(true);
    await context.close();
  });
});
