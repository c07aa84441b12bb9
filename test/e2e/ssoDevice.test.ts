/**
 * Command-line sign-in end to end without a browser engine: the AWS SDK's SSO OIDC client starts a
 * device authorization; a person (fetch with a cookie jar) opens the verification URL, signs in
 * through the development SAML IdP (the console's SAML flow, continuing to /device), steps up to MFA
 * (sso.requireMfa), confirms the code and allows; the client's poll then gets tokens whose roles
 * reflect the MFA of the approval. Chromium drives the same pages in ssoChromium.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTokenCommand, RegisterClientCommand, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { GetRoleCredentialsCommand, ListAccountRolesCommand } from '@aws-sdk/client-sso';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepAt } from '../../src/mfa/totp.js';
import { Browser, form, pageText, type Page } from '../helpers/browser.js';
import { TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { codeOfStep, enrolmentOf } from '../helpers/consoleSaml.js';
import { oidcClient, portalClient, signInThroughDevIdp, startSsoBroker } from '../helpers/ssoBroker.js';

describe('device authorization approved at /device (fetch browser)', () => {
  let b: StartedBroker;
  beforeAll(async () => {
    b = await startSsoBroker({ store: 'sqlite:data/broker.db' });
  }, 60_000);
  afterAll(async () => b?.close());

  async function startDevice() {
    const oidc = oidcClient(b.url);
    const client = await oidc.send(new RegisterClientCommand({ clientName: 'botocore-client-dev', clientType: 'public', scopes: ['sso:account:access'] }));
    const device = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: `${b.url}/start` }));
    const poll = () => oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: device.deviceCode }));
    return { client, device, poll };
  }

  /** Opens the verification URL signed out: the page offers the providers, continuing to it. */
  async function openSignedOut(browser: Browser, complete: string): Promise<string> {
    const path = complete.slice(b.url.length);
    const page = await browser.get(path);
    expect(page.status).toBe(200);
    expect(pageText(page.body)).toContain('Sign in to approve');
    expect(page.body).toContain(`/saml/login?provider=FedbrokerDev&amp;RelayState=${encodeURIComponent(path)}`);
    return path;
  }

  it('bob (no MFA at the IdP): sign in → enrol a TOTP device (step-up) → confirm the code → Allow → the CLI gets tokens with MFA', async () => {
    const { device, poll } = await startDevice();
    const browser = new Browser(b.url);
    const path = await openSignedOut(browser, device.verificationUriComplete!);
    const landed = await signInThroughDevIdp(browser, 'bob', path);
    expect(landed.status).toBe(302);
    expect(landed.location).toBe(`${b.url}${path}`);
    expect(browser.cookie('fedbroker_portal')).toBeDefined();
    // No role session is opened by an approval sign-in.
    expect(browser.cookie('fedbroker_session')).toBeUndefined();

    // requireMfa (default): bob's IdP did no MFA, so the broker's step-up comes first (enrolment: no device yet).
    const stepUp = await browser.get(path);
    expect(pageText(stepUp.body)).toContain('This step requires multi-factor authentication');
    const { seed } = enrolmentOf(stepUp.body);
    const step = stepAt(Date.now());
    const enrol = form(stepUp.body, '/signin/mfa/enroll');
    const enrolled = await browser.post(enrol.action, { ...enrol.fields, code1: await codeOfStep(seed, step - 1), code2: await codeOfStep(seed, step) });
    // The activation is confirmed on a page whose Continue link leads back to the approval.
    expect(enrolled.status).toBe(200);
    expect(pageText(enrolled.body)).toContain('MFA device activated');
    expect(continueLink(enrolled.body)).toBe(`${b.url}${path}`);

    const confirm = await browser.get(path);
    const text = pageText(confirm.body);
    expect(text).toContain(device.userCode!);
    expect(text).toContain('botocore-client-dev');
    expect(text).toMatch(/Developer .*Development \(123456789012\)/);
    expect(text).toContain('Operator');
    const decision = form(confirm.body, '/device/decision');
    const done = await browser.post(decision.action, { ...decision.fields, decision: 'allow' });
    expect(done.status).toBe(200);
    expect(pageText(done.body)).toContain('is signed in');

    const token = await poll();
    const roles = await portalClient(b.url).send(new ListAccountRolesCommand({ accessToken: token.accessToken, accountId: TEST_ACCOUNT }));
    expect(roles.roleList?.map((r) => r.roleName)).toEqual(['Developer', 'Operator']);
    const creds = await portalClient(b.url).send(new GetRoleCredentialsCommand({ accessToken: token.accessToken, accountId: TEST_ACCOUNT, roleName: 'Operator' }));
    expect(creds.roleCredentials?.accessKeyId).toMatch(/^ASIA/);

    const events = auditEvents();
    const approval = events.find((e) => e['eventName'] === 'ApproveDeviceAuthorization')!;
    expect(approval['userIdentity']).toMatchObject({ type: 'SAMLUser', userName: 'bob' });
    const issued = events.find((e) => e['eventName'] === 'GetRoleCredentials' && !e['errorCode'])!;
    expect(issued['eventSource']).toBe('sso.amazonaws.com');
    expect(issued['userIdentity']).toMatchObject({ type: 'SAMLUser', userName: 'bob' });
    expect((issued['additionalEventData'] as Record<string, unknown>)['clientName']).toBe('botocore-client-dev');
    expect(JSON.stringify(events)).not.toContain(token.accessToken!);
  }, 60_000);

  it('alice (MFA at the IdP): no step-up; Deny → the CLI gets AccessDeniedException; the code cannot be answered again', async () => {
    const { device, poll } = await startDevice();
    const browser = new Browser(b.url);
    const path = await openSignedOut(browser, device.verificationUriComplete!);
    await signInThroughDevIdp(browser, 'alice', path);
    const confirm = await browser.get(path);
    expect(pageText(confirm.body)).toContain(device.userCode!);
    const decision = form(confirm.body, '/device/decision');
    const denied = await browser.post(decision.action, { ...decision.fields, decision: 'deny' });
    expect(pageText(denied.body)).toContain('was denied');
    await expect(poll()).rejects.toMatchObject({ name: 'AccessDeniedException' });
    const again = await browser.post(decision.action, { ...decision.fields, decision: 'allow' });
    expect(again.status).toBe(400);
  }, 60_000);

  it('the code can be typed in at /device (any case, without the dash)', async () => {
    const { device, poll } = await startDevice();
    const browser = new Browser(b.url);
    await signInThroughDevIdp(browser, 'alice', '/device');
    const enter: Page = await browser.get('/device');
    const typed = form(enter.body, '/device');
    const confirm = await browser.post('/device', { ...typed.fields, user_code: device.userCode!.replace('-', '').toLowerCase() });
    const decision = form(confirm.body, '/device/decision');
    await browser.post(decision.action, { ...decision.fields, decision: 'allow' });
    expect((await poll()).accessToken).toBeDefined();
  }, 60_000);

  function auditEvents(): Array<Record<string, unknown>> {
    return readFileSync(join(b.dir, 'data/audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  }
});

function continueLink(body: string): string | undefined {
  return /<a href="([^"]*)">Continue<\/a>/.exec(body)?.[1]?.replaceAll('&amp;', '&');
}
