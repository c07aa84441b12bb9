/**
 * security.md, "MFA and console" (the rows of the browser sign-in) and the SAML rows as they apply at the
 * browser endpoint POST /saml: one named test per row, against a running broker over real HTTP with a
 * cookie-keeping browser (test/helpers/browser.ts) and SAML Responses signed by xmlsec1
 * (test/helpers/samlIdp.ts). The TOTP rows are in test/security/mfa.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepAt } from '../../src/mfa/totp.js';
import { startBroker, type StartedBroker } from '../helpers/broker.js';
import { Browser, cookieSet, form, forms, pageText, type Page } from '../helpers/browser.js';
import {
  ALLOWED_EXACT, ALLOWED_PREFIX, codeOfStep, consoleConfig, enrolmentOf, postFromIdp as acs, roleArn, startSamlConsoleBroker, type SamlConsoleBroker,
} from '../helpers/consoleSaml.js';
import { AWS_SESSION_DURATION, AWS_SOURCE_IDENTITY, generateKeyPair } from '../helpers/samlIdp.js';
import { openSigninState, sealSigninState } from '../../src/console/signinState.js';

const SESSION_COOKIE = 'fedbroker_session';
const CSRF_COOKIE = 'fedbroker_csrf';
const MAX_BODY_BYTES = 65_536;

let s: SamlConsoleBroker;
let url: string;

beforeAll(async () => {
  s = await startSamlConsoleBroker({ extra: { limits: { requestsPerMinutePerIp: 0, maxBodyBytes: MAX_BODY_BYTES } } });
  url = s.broker.url;
}, 60_000);

afterAll(async () => {
  await s?.close();
});

function expectNoSession(page: Page): void {
  expect(cookieSet(page.setCookies, SESSION_COOKIE)).toBeUndefined();
}

/** A refusal rendered as a page of ours: status, HTML, a strict CSP, no session cookie. */
function expectRefusalPage(page: Page, status: number, text: string | RegExp): void {
  expect(page.status, pageText(page.body).slice(0, 300)).toBe(status);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect(page.headers.get('content-security-policy')).toContain("script-src 'none'");
  expect(page.location).toBeUndefined();
  expectNoSession(page);
  if (typeof text === 'string') expect(pageText(page.body)).toContain(text);
  else expect(pageText(page.body)).toMatch(text);
}

async function signedIn(browser: Browser): Promise<boolean> {
  const page = await browser.get('/console');
  return forms(page.body, '/console/logout').length === 1;
}

function auditLines(): Array<Record<string, unknown>> {
  return readFileSync(join(s.broker.dir, 'data/audit.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('security.md MFA and console', () => {
  it('Destination or RelayState not on the allow-list (open redirect), `javascript:` URLs → rejection', async () => {
    const hostile = [
      'https://evil.example/',
      'http://evil.example',
      '//evil.example/console',
      '\\\\evil.example',
      '/\\evil.example',
      'https:evil.example',
      'javascript:alert(1)',
      ' javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      `${ALLOWED_EXACT}.evil.example`,
      `${ALLOWED_EXACT}@evil.example`,
      'https://portal.example.test.evil.example/',
      `https://user:pass@${ALLOWED_PREFIX.slice('https://'.length)}x`,
      `${ALLOWED_PREFIX}x\r\nLocation: https://evil.example/`,
      `${url}.evil.example/console`,
      'x'.repeat(3000),
    ];
    const failuresBefore = auditLines().filter((e) => e['errorMessage'] === 'RelayState not on the allow-list').length;
    // One signed response for all: a refused RelayState consumes nothing (it is checked before the assertion).
    const response = s.response({ nameId: 'relay@example.com', roles: ['Developer'] });
    for (const relay of hostile) {
      const page = await acs(new Browser(url), response, relay);
      expectRefusalPage(page, 400, 'not on this broker');
    }
    expect(auditLines().filter((e) => e['errorMessage'] === 'RelayState not on the allow-list').length - failuresBefore).toBe(hostile.length);

    // SP-initiated: refused before anything is sent to the IdP.
    for (const relay of hostile) {
      const page = await new Browser(url).get(`/saml/login?provider=ExampleCorp&RelayState=${encodeURIComponent(relay)}`);
      expectRefusalPage(page, 400, 'not on this broker');
    }

    // A destination cannot be smuggled into the role picker: the redirect comes from the signed state only.
    const browser = new Browser(url);
    const picker = await acs(browser, s.response({ nameId: 'relay2@example.com', roles: ['Developer', 'Operator'] }));
    const choice = forms(picker.body, '/signin/role')[0]!;
    const chosen = await browser.post('/signin/role', { ...choice.fields, RelayState: 'https://evil.example/', destination: 'https://evil.example/' });
    expect(chosen.status).toBe(302);
    expect(chosen.location).toBe(`${url}/console`);

    // The response the hostile RelayStates came with still works, once, with an allowed one.
    const ok = await acs(new Browser(url), response, ALLOWED_EXACT);
    expect(ok.status).toBe(302);
    expect(ok.location).toBe(ALLOWED_EXACT);
  });

  it('Cross-site form posts without the CSRF token → 403', async () => {
    const browser = new Browser(url);
    // Every form of the flow: the role picker, first enrolment, the TOTP prompt, sign-out.
    const picker = await acs(browser, s.response({ nameId: 'csrf@example.com', roles: ['Secure', 'Developer'] }));
    const pick = forms(picker.body, '/signin/role').find((f) => f.fields['role'] === roleArn('Secure'))!;
    const token = browser.cookie(CSRF_COOKIE)!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pick.fields['csrf']).toBe(token);

    /** Every way a forged post can arrive; each must be a 403 that changes nothing. */
    async function forgeries(action: string, fields: Record<string, string>): Promise<void> {
      const { csrf: _omitted, ...bare } = fields;
      const attempts: Array<{ fields: Record<string, string>; cookies: boolean; why: string }> = [
        { fields: bare, cookies: false, why: 'cross-site: no token, no cookie' },
        { fields, cookies: false, why: 'cross-site with a leaked token: the SameSite=Lax cookie is not sent' },
        { fields: bare, cookies: true, why: 'cookie but no field' },
        { fields: { ...bare, csrf: '' }, cookies: true, why: 'empty field' },
        { fields: { ...bare, csrf: 'A'.repeat(43) }, cookies: true, why: 'another token' },
        { fields: { ...bare, csrf: `${token}x` }, cookies: true, why: 'longer token' },
      ];
      for (const a of attempts) {
        const page = await browser.post(action, a.fields, { cookies: a.cookies });
        expect(page.status, `${action}: ${a.why}`).toBe(403);
        expectRefusalPage(page, 403, 'anti-forgery token');
      }
    }

    await forgeries('/signin/role', pick.fields);
    const enrolPage = await browser.post('/signin/role', pick.fields);
    expect(enrolPage.status).toBe(200);
    const enrol = form(enrolPage.body, '/signin/mfa/enroll');
    const { seed } = enrolmentOf(enrolPage.body);
    const now = stepAt(Date.now());
    const codes = { code1: await codeOfStep(seed, now - 1), code2: await codeOfStep(seed, now) };
    await forgeries('/signin/mfa/enroll', { ...enrol.fields, ...codes });
    expect(await s.broker.broker.mfa.findEnabledDevice({ kind: 'federated', provider: 'ExampleCorp', subject: 'csrf@example.com' })).toBeNull();
    const enrolled = await browser.post('/signin/mfa/enroll', { ...enrol.fields, ...codes });
    expect(enrolled.status).toBe(200); // "Your MFA device … is active", signed in
    expect(await signedIn(browser)).toBe(true);

    const consolePage = await browser.get('/console');
    await forgeries('/console/logout', form(consolePage.body, '/console/logout').fields);
    expect(await signedIn(browser)).toBe(true); // the forged sign-outs ended nothing

    const promptBrowser = new Browser(url);
    const second = await acs(promptBrowser, s.response({ nameId: 'csrf@example.com', roles: ['Secure'] }));
    const prompt = form(second.body, '/signin/mfa');
    const code = await codeOfStep(seed, now + 1);
    const forged: Array<Record<string, string>> = [{ ...prompt.fields, code, csrf: '' }, { state: prompt.fields['state']!, code }];
    for (const fields of forged) {
      const page = await new Browser(url).post('/signin/mfa', fields);
      expectRefusalPage(page, 403, 'anti-forgery token');
    }
    // No code was spent by the forgeries: the real form, with its token, signs in with it.
    const ok = await promptBrowser.post('/signin/mfa', { ...prompt.fields, code });
    expect(ok.status).toBe(302);
  });

  it('Brute force (many wrong codes) at the console TOTP prompt → lockout after maxFailures, audit event; rate limits per IP too', async () => {
    const PER_MINUTE = 12;
    const limited = await startSamlConsoleBroker({ share: s, extra: { store: 'memory:', limits: { requestsPerMinutePerIp: PER_MINUTE } } });
    try {
      let requests = 0;
      const browser = new Browser(limited.broker.url);
      const post = async (path: string, fields: Record<string, string>) => {
        requests++;
        return browser.post(path, fields);
      };
      const signIn = () => {
        requests++;
        return acs(browser, limited.response({ nameId: 'brute@example.com', roles: ['Secure'] }));
      };
      const enrolPage = await signIn();
      const { seed, serial } = enrolmentOf(enrolPage.body);
      const now = stepAt(Date.now());
      const enrolled = await post('/signin/mfa/enroll', { ...form(enrolPage.body, '/signin/mfa/enroll').fields, code1: await codeOfStep(seed, now - 1), code2: await codeOfStep(seed, now) });
      expect(enrolled.status).toBe(200); // "Your MFA device … is active"

      let page = await signIn();
      const valid = new Set(await Promise.all([-2, -1, 0, 1, 2].map((d) => codeOfStep(seed, now + d))));
      const wrong = ['000000', '111111', '222222', '333333'].filter((c) => !valid.has(c));
      for (let i = 0; i < 3; i++) {
        page = await post('/signin/mfa', { ...form(page.body, '/signin/mfa').fields, code: wrong[i]! });
        expectRefusalPage(page, 403, 'invalid MFA one time pass code');
      }
      // maxFailures (3) reached: locked, even for the right code.
      page = await post('/signin/mfa', { ...form(page.body, '/signin/mfa').fields, code: await codeOfStep(seed, now + 1) });
      expectRefusalPage(page, 403, 'temporarily locked');
      const events = readFileSync(join(limited.broker.dir, 'data/audit.jsonl'), 'utf8');
      expect(events.split('\n').filter((l) => l.includes('"MFADeviceLockout"') && l.includes(serial))).toHaveLength(1);

      // Keep going from the same address: the per-IP budget runs out, for every endpoint of the flow.
      let throttled: Page | undefined;
      while (throttled === undefined && requests < PER_MINUTE + 5) {
        const next = await post('/signin/mfa', { ...form(page.body, '/signin/mfa').fields, code: wrong[0]! });
        if (next.status === 429) throttled = next;
        else page = next;
      }
      expect(throttled, 'never throttled').toBeDefined();
      expect(requests).toBeGreaterThan(PER_MINUTE);
      expect(requests).toBeLessThanOrEqual(PER_MINUTE + 2);
      expectRefusalPage(throttled!, 429, 'Too many requests');
      expect(throttled!.headers.get('retry-after')).toBe('60');
      expectRefusalPage(await browser.post('/saml', { SAMLResponse: limited.response({ roles: ['Developer'] }) }, { cookies: false }), 429, 'Too many requests');
      expect((await browser.get(`/saml/login?provider=ExampleCorp`)).status).toBe(429);
      const metrics = await (await fetch(`${limited.broker.url}/metrics`)).text();
      expect(Number(/^fedbroker_rate_limited_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(3);
    } finally {
      await limited.close();
    }
  });

  it('HTML/JS in any attribute, claim or name shown in the console → escaped', async () => {
    const markup = ['<script>alert(1)</script>', '"><img src=x onerror=alert(2)>', "'><svg onload=alert(3)>", '<a href="javascript:alert(4)">x</a>'];
    const nameId = `${markup.join('')}@example.com`;
    // SourceIdentity is constrained to [\w+=,.@-]{2,64} (a markup value is refused outright, below).
    const sourceIdentity = 'sam@laptop';
    const description = '<img src=x onerror=alert(6)> Operations';
    // The config is not trusted either: a role description with markup.
    const withDescription = consoleConfig(url, { limits: { requestsPerMinutePerIp: 0, maxBodyBytes: MAX_BODY_BYTES } });
    (withDescription['roles'] as Array<Record<string, unknown>>).find((r) => r['name'] === 'Operator')!['description'] = description;
    await s.broker.reload(withDescription);

    const pages: Array<[string, Page]> = [];
    const browser = new Browser(url);
    const attributes = { [AWS_SOURCE_IDENTITY]: sourceIdentity, displayName: markup[0]!, groups: markup };
    const picker = await acs(browser, s.response({ nameId, roles: ['Developer', 'Operator', 'Secure'], attributes }), '/console');
    pages.push(['role picker', picker]);
    expect(pageText(picker.body)).toContain(`Signed in as ${nameId}`);
    expect(pageText(picker.body)).toContain(description);

    const enrolPage = await browser.post('/signin/role', forms(picker.body, '/signin/role').find((f) => f.fields['role'] === roleArn('Secure'))!.fields);
    pages.push(['MFA enrolment', enrolPage]);
    const { seed } = enrolmentOf(enrolPage.body);
    const now = stepAt(Date.now());
    const retry = await browser.post('/signin/mfa/enroll', { ...form(enrolPage.body, '/signin/mfa/enroll').fields, code1: '000000', code2: '000000' });
    pages.push(['MFA enrolment error', retry]);
    const done = await browser.post('/signin/mfa/enroll', {
      ...form(retry.body, '/signin/mfa/enroll').fields,
      code1: await codeOfStep(seed, now - 1),
      code2: await codeOfStep(seed, now),
    });
    expect(done.status).toBe(200);
    pages.push(['MFA device activated', done]);
    const consolePage = await browser.get('/console');
    pages.push(['console', consolePage]);
    const shown = pageText(consolePage.body);
    expect(shown).toContain(`Subject ${nameId}`);
    expect(shown).toContain(`Source identity ${sourceIdentity}`);

    const again = await acs(new Browser(url), s.response({ nameId, roles: ['Secure'], attributes }));
    pages.push(['TOTP prompt', again]);
    const wrong = await new Browser(url).post('/signin/mfa', form(again.body, '/signin/mfa').fields, {
      headers: { cookie: `${CSRF_COOKIE}=${form(again.body, '/signin/mfa').fields['csrf']}` },
    });
    pages.push(['TOTP prompt error', wrong]);
    const noRole = await acs(new Browser(url), s.response({ nameId, roles: ['Auditor'], attributes }));
    pages.push(['no role available', noRole]);
    expect(pageText(noRole.body)).toContain(`You signed in as ${nameId}`);
    pages.push(['rejected response', await acs(new Browser(url), s.response({ nameId, issuer: markup[0]!, roles: ['Developer'] }))]);
    pages.push(['sign-in page', await new Browser(url).get('/console')]);
    // A SourceIdentity with markup is refused by the validator ([\w+=,.@-]{2,64}), on an escaped page.
    const badSource = await acs(new Browser(url), s.response({ nameId, roles: ['Developer'], attributes: { [AWS_SOURCE_IDENTITY]: '<script>alert(5)</script>' } }));
    expect(badSource.status).toBe(403);
    expect(pageText(badSource.body)).toContain('SourceIdentity attribute must match');
    pages.push(['rejected source identity', badSource]);

    for (const [name, page] of pages) {
      for (const raw of [...markup, description, '<img src=x', '<svg', '<script>alert', 'href="javascript:']) {
        expect(page.body.includes(raw), `${name} shows ${raw} unescaped`).toBe(false);
      }
      const csp = page.headers.get('content-security-policy');
      expect(csp, name).toContain("default-src 'none'");
      // No script, or only the page's own nonce'd ones (the passkey step): never inline or foreign scripts.
      expect(csp, name).toMatch(/script-src ('none'|'nonce-[A-Za-z0-9+/=]+');/);
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});

describe('security.md SAML rows at the browser endpoint POST /saml', () => {
  it('The same assertion ID presented twice (to any instance) → rejected (replay), no cookie', async () => {
    const response = s.response({ nameId: 'replay@example.com', roles: ['Developer'] });
    const first = await acs(new Browser(url), response);
    expect(first.status).toBe(302);
    expect(cookieSet(first.setCookies, SESSION_COOKIE)).toBeDefined();
    expectRefusalPage(await acs(new Browser(url), response), 403, 'already used (replay)');
    // Through the role picker too (the assertion is claimed before the picker is shown).
    const pickerResponse = s.response({ nameId: 'replay@example.com', roles: ['Developer', 'Operator'] });
    expect((await acs(new Browser(url), pickerResponse)).status).toBe(200);
    expectRefusalPage(await acs(new Browser(url), pickerResponse), 403, 'already used (replay)');

    // Another instance sharing the store refuses it as well, and accepts a fresh one.
    const second: StartedBroker = await startBroker({ roles: [], audit: { file: 'data/audit-replay.jsonl' }, server: { publicUrl: url } }, { dir: s.broker.dir });
    try {
      await second.reload({ ...consoleConfig(url), audit: { file: 'data/audit-replay.jsonl' }, server: { publicUrl: url } });
      const elsewhere = new Browser(second.url);
      expectRefusalPage(await acs(elsewhere, response), 403, 'already used (replay)');
      const fresh = s.response({ nameId: 'replay@example.com', roles: ['Developer'] });
      expect((await acs(elsewhere, fresh)).status).toBe(302);
      expectRefusalPage(await acs(new Browser(url), fresh), 403, 'already used (replay)');
    } finally {
      await second.close();
    }
  });

  it('Body over limits.maxBodyBytes → 413, quickly, no cookie', async () => {
    const padding = 'A'.repeat(MAX_BODY_BYTES);
    const started = Date.now();
    const res = await fetch(`${url}/saml`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `SAMLResponse=${padding}`,
      redirect: 'manual',
    });
    expect(res.status).toBe(413);
    expect(res.headers.getSetCookie()).toEqual([]);
    await res.text();
    // Also when the body's declared length hides nothing: a real, signed response made too big by an
    // attribute the IdP added — refused as a whole.
    const bloated = s.response({ nameId: 'big@example.com', roles: ['Developer'], attributes: { filler: 'x'.repeat(MAX_BODY_BYTES) } });
    const page = await acs(new Browser(url), bloated);
    expect(page.status).toBe(413);
    expectNoSession(page);
    expect(Date.now() - started).toBeLessThan(10_000); // no hang (a bound, not a performance assertion)
  });

  it('Response or Assertion not signed (or signed by an unknown key) → rejection page, no cookie', async () => {
    const unsigned = await acs(new Browser(url), s.response({ nameId: 'unsigned@example.com', roles: ['Developer'], sign: 'none' }));
    expectRefusalPage(unsigned, 403, 'neither the Response nor the Assertion is signed');
    const responseOnly = await acs(new Browser(url), s.response({ nameId: 'unsigned@example.com', roles: ['Developer'], sign: 'response' }));
    expectRefusalPage(responseOnly, 403, 'the Assertion is not signed');
    const forged = await acs(new Browser(url), s.response({ nameId: 'unsigned@example.com', roles: ['Developer'], signingKey: generateKeyPair('console-attacker') }));
    expectRefusalPage(forged, 403, 'Response signature invalid');
    const failures = auditLines().filter((e) => e['eventName'] === 'ConsoleLogin' && e['errorCode'] !== undefined).map((e) => e['errorMessage']);
    expect(failures).toContain('SAML response rejected: neither the Response nor the Assertion is signed');
    expect(failures).toContain('Response signature invalid');
  });
});

describe('browser sign-in: no session without its record, no stale or extended sign-in, no 500', () => {
  it('when the ConsoleLogin audit event cannot be written, the sign-in fails and sets no session cookie', async () => {
    const audit = s.broker.broker.audit;
    const record = audit.record.bind(audit);
    audit.record = (event) => (event.eventName === 'ConsoleLogin' ? Promise.reject(new Error('ENOSPC: no space left on device')) : record(event));
    try {
      const browser = new Browser(url);
      const page = await acs(browser, s.response({ nameId: 'nospace@example.com', roles: ['Developer'] }));
      expect(page.status).toBeGreaterThanOrEqual(500);
      expectNoSession(page);
      expect(await signedIn(browser)).toBe(false);
    } finally {
      audit.record = record;
    }
  });

  it('a provider disabled while a sign-in is on the role picker: posting the picker is refused', async () => {
    const browser = new Browser(url);
    const picker = await acs(browser, s.response({ nameId: 'midway@example.com', roles: ['Developer', 'Operator'] }));
    expect(picker.status).toBe(200);
    const choice = forms(picker.body, '/signin/role')[0]!;
    const config = consoleConfig(s.publicUrl, { limits: { requestsPerMinutePerIp: 0, maxBodyBytes: MAX_BODY_BYTES } });
    const providers = (config['identityProviders'] as Array<Record<string, unknown>>).map((p) => (p['name'] === 'ExampleCorp' ? { ...p, enabled: false } : p));
    await s.broker.reload({ ...config, identityProviders: providers });
    try {
      expectRefusalPage(await browser.post('/signin/role', choice.fields), 403, 'no longer accepted');
    } finally {
      await s.broker.reload(config);
    }
  });

  it('re-showing a step keeps the sign-in’s original deadline (a flow cannot be kept alive by failing a step)', () => {
    const ring = s.broker.broker.keyRing;
    const start = Date.now();
    const state = { type: 'saml', provider: 'ExampleCorp', providerArn: 'arn', subject: 'x', issuer: 'i', conditionKeys: {}, sessionName: 'x', roles: [], mfaRoles: [] } as const;
    const first = openSigninState(ring, sealSigninState(ring, state, start), start)!;
    const resealed = openSigninState(ring, sealSigninState(ring, first, start + 9 * 60_000), start + 9 * 60_000)!;
    expect(resealed.expiresAt).toBe(first.expiresAt);
    expect(resealed.nonce).not.toBe(first.nonce);
    expect(openSigninState(ring, sealSigninState(ring, resealed, start + 9.5 * 60_000), start + 10 * 60_000 + 1)).toBeUndefined();
  });

  it('a SessionDuration attribute out of range gets a refusal page (400) and an audited failure, not a 500', async () => {
    for (const seconds of ['60', '86400']) {
      const page = await acs(new Browser(url), s.response({ nameId: `dur${seconds}@example.com`, roles: ['Developer'], attributes: { [AWS_SESSION_DURATION]: seconds } }));
      expectRefusalPage(page, 400, /SessionDuration/);
    }
  });
});
