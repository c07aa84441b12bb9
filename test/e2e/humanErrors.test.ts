/**
 * Errors a person reads (issue 9, item 6): a refreshed role picker says the sign-in was already used
 * and offers to sign in again; a reused TOTP code says to wait for the next one; a lockout says until
 * when and disables the form; the enrolment shows the same key until it is confirmed; sign-out and a
 * device activation are confirmed; times are readable; an unknown page is a styled 404 with a favicon,
 * and an unknown path asked by an AWS client is an AWS error its SDK can read.
 */
import { GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepAt } from '../../src/mfa/totp.js';
import { Browser, form, forms, pageText, unescapeHtml } from '../helpers/browser.js';
import { codeOfStep, enrolmentOf, MAX_FAILURES, postFromIdp as acs, startSamlConsoleBroker, type SamlConsoleBroker } from '../helpers/consoleSaml.js';
import { PORTAL } from '../helpers/stsFixture.js';
import { awsError, rawRequest } from '../helpers/stsHttp.js';

let s: SamlConsoleBroker;
let url: string;

beforeAll(async () => {
  s = await startSamlConsoleBroker({
    extra: { users: [{ name: 'portal', accessKeys: [{ id: PORTAL.accessKeyId, secret: PORTAL.secretAccessKey }] }] },
  });
  url = s.broker.url;
}, 60_000);

afterAll(async () => {
  await s?.close();
});

/** A code the device does not show around now. */
async function wrongCode(seed: string): Promise<string> {
  const now = stepAt(Date.now());
  const valid = new Set(await Promise.all([-3, -2, -1, 0, 1, 2, 3].map((d) => codeOfStep(seed, now + d))));
  return ['000000', '111111', '222222', '333333'].find((c) => !valid.has(c))!;
}

/** Signs `nameId` in to the Secure role (needs MFA) for the first time and activates a device. */
async function enrolled(nameId: string): Promise<{ browser: Browser; seed: string; step: number }> {
  const browser = new Browser(url);
  const first = await acs(browser, s.response({ nameId, roles: ['Secure'] }));
  const { seed } = enrolmentOf(first.body);
  const step = stepAt(Date.now());
  const done = await browser.post('/signin/mfa/enroll', { ...form(first.body, '/signin/mfa/enroll').fields, code1: await codeOfStep(seed, step - 1), code2: await codeOfStep(seed, step) });
  expect(done.status).toBe(200);
  return { browser, seed, step };
}

describe('browser pages', () => {
  it('refreshing the role picker (the IdP post again): "this sign-in was already used", with a link to sign in again', async () => {
    const response = s.response({ nameId: 'refresh@example.com', roles: ['Developer', 'Operator'] });
    const browser = new Browser(url);
    const picker = await acs(browser, response);
    expect(forms(picker.body, '/signin/role')).toHaveLength(2);
    const refreshed = await acs(browser, response);
    expect(refreshed.status).toBe(403);
    expect(refreshed.body).toContain('<h1>This sign-in was already used</h1>');
    expect(pageText(refreshed.body)).toContain('refreshing the page or going back sends it again. Sign in again to continue.');
    expect(refreshed.body).toContain('<a href="/console">Sign in again</a>');
  });

  it('enrolment shows the same key on every visit until confirmed; activation is confirmed; a reused code says to wait for the next', async () => {
    const nameId = 'steady@example.com';
    const firstVisit = await acs(new Browser(url), s.response({ nameId, roles: ['Secure'] }));
    const secondVisit = await acs(new Browser(url), s.response({ nameId, roles: ['Secure'] }));
    const first = enrolmentOf(firstVisit.body);
    expect(enrolmentOf(secondVisit.body)).toEqual(first);
    const qr = (html: string) => /src="data:image\/png;base64,([^"]+)"/.exec(html)?.[1];
    expect(qr(secondVisit.body)).toBe(qr(firstVisit.body));

    // The key scanned on the first visit activates the device through the second visit's form.
    const step = stepAt(Date.now());
    const browser = new Browser(url);
    const mistyped = await acs(browser, s.response({ nameId, roles: ['Secure'] }));
    // Codes that do not match: the step again, saying so, with the same key to try again.
    const again = await browser.post('/signin/mfa/enroll', { ...form(mistyped.body, '/signin/mfa/enroll').fields, code1: '000000', code2: '000001' });
    expect(again.status).toBe(403);
    expect(pageText(again.body)).toContain('Those codes do not match this key.');
    expect(enrolmentOf(again.body)).toEqual(first);
    const activated = await browser.post('/signin/mfa/enroll', { ...form(again.body, '/signin/mfa/enroll').fields, code1: await codeOfStep(first.seed, step - 1), code2: await codeOfStep(first.seed, step) });
    expect(activated.status).toBe(200);
    expect(pageText(activated.body)).toContain(`Your MFA device ${first.serial} is active.`);
    expect(activated.body).toContain(`<a href="${url}/console">Continue</a>`);
    expect((await browser.get('/console')).body).toContain('assumed-role/Secure/');

    // The next sign-in asks for a code; the last code used for the activation is refused as reused.
    const next = new Browser(url);
    const prompt = await acs(next, s.response({ nameId, roles: ['Secure'] }));
    const reused = await next.post('/signin/mfa', { ...form(prompt.body, '/signin/mfa').fields, code: await codeOfStep(first.seed, step) });
    expect(reused.status).toBe(403);
    expect(pageText(reused.body)).toContain('That code was already used. Wait for the next code to appear in your app');
    expect(forms(reused.body, '/signin/mfa')).toHaveLength(1);
    expect(reused.body).not.toMatch(/<fieldset disabled>/);
  });

  it('a lockout says until when, as a readable time, and the form is disabled (also on the next sign-in)', async () => {
    const nameId = 'locked@example.com';
    const { seed } = await enrolled(nameId);
    const browser = new Browser(url);
    let page = await acs(browser, s.response({ nameId, roles: ['Secure'] }));
    for (let i = 0; i < MAX_FAILURES; i++) page = await browser.post('/signin/mfa', { ...form(page.body, '/signin/mfa').fields, code: await wrongCode(seed) });
    expect(page.status).toBe(403);
    const text = pageText(page.body);
    expect(text).toMatch(/Too many wrong codes: your MFA device is locked until \w{3}, \d{1,2} \w{3} \d{4}, \d\d:\d\d:\d\d \S+ \(in [45] minutes\)/);
    expect(page.body).toMatch(/<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z">/);
    expect(page.body).toContain('<fieldset disabled>');

    const next = await acs(new Browser(url), s.response({ nameId, roles: ['Secure'] }));
    expect(next.status).toBe(403);
    expect(pageText(next.body)).toContain('your MFA device is locked until');
    expect(next.body).toContain('<fieldset disabled>');
  });

  it('sign-out is confirmed; the console shows its expiry as a readable time, not an ISO string', async () => {
    const browser = new Browser(url);
    expect((await acs(browser, s.response({ nameId: 'bye@example.com', roles: ['Developer'] }))).status).toBe(302);
    const consolePage = await browser.get('/console');
    const expiry = /<th>Session expires<\/th><td>(.*?)<\/td>/.exec(consolePage.body)?.[1];
    expect(pageText(expiry ?? '')).toMatch(/^\w{3}, \d{1,2} \w{3} \d{4}, \d\d:\d\d:\d\d \S+ \(in 60 minutes\)$/);
    const out = await browser.post('/console/logout', form(consolePage.body, '/console/logout').fields);
    expect(out.location).toBe(`${url}/console?signedOut`);
    const landed = await browser.follow(out);
    expect(pageText(landed.body)).toContain('You have signed out.');
    expect(pageText(landed.body)).toContain('Sign in through your organisation');
  });

  it('an unknown page: a styled 404 (the pages\' layout and CSP); the favicon is served', async () => {
    const page = await new Browser(url).get('/no/such/page');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.body).toContain('<h1>Page not found</h1>');
    expect(unescapeHtml(page.body)).toContain('There is no page at <code>/no/such/page</code>');
    expect(page.body).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'none'");
    for (const path of ['/favicon.svg', '/favicon.ico']) {
      const icon = await fetch(`${url}${path}`);
      expect(icon.status).toBe(200);
      expect(icon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      expect(await icon.text()).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    }
  });
});

describe('API callers on an unknown path', () => {
  it('an AWS SDK with a wrong endpoint path gets an AWS error it can read (SigV4 Authorization)', async () => {
    const sts = new STSClient({ endpoint: `${url}/sts`, region: 'us-east-1', credentials: PORTAL, maxAttempts: 1 });
    const error = await sts.send(new GetCallerIdentityCommand({})).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(STSServiceException);
    expect((error as STSServiceException).name).toBe('NotFound');
    expect((error as STSServiceException).message).toBe(`No STS API at /sts/ on this broker: send AWS requests to its root, e.g. --endpoint-url ${url}`);
    expect((error as STSServiceException).$metadata.httpStatusCode).toBe(404);
  });

  it('an unsigned Query request (Action in the form body) to an unknown path → XML ErrorResponse; a browser → the page', async () => {
    const r = await rawRequest(url, { method: 'POST', path: '/api', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15' });
    expect(r.status).toBe(404);
    expect(r.headers['content-type']).toMatch(/^text\/xml/);
    expect(awsError(r).code).toBe('NotFound');
    expect(r.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    const iam = await rawRequest(url, { method: 'GET', path: '/iam?Action=ListMFADevices&Version=2010-05-08' });
    expect(iam.status).toBe(404);
    expect(iam.body).toContain('<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">');
    const plain = await rawRequest(url, { method: 'POST', path: '/api', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'q=1' });
    expect(plain.headers['content-type']).toMatch(/^text\/html/);
  });
});
