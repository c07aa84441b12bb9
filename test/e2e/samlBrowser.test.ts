/**
 * The SAML browser sign-in end to end (api.md §3, §5; semantics.md "Roles from attributes", MFA): a real
 * broker on a loopback port, SAML Responses signed by xmlsec1 through an IdP that shares no code with
 * the broker, a small cookie-keeping browser over real HTTP (test/helpers/browser.ts), TOTP codes
 * computed by otplib from the seed the enrolment page shows, as an authenticator app would.
 */
import { verify as verifySignature, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditFiles } from '../../src/audit/verify.js';
import { consoleRoles } from '../../src/console/consoleSession.js';
import { openSigninState, sealSigninState, SIGNIN_STATE_TTL_MS } from '../../src/console/signinState.js';
import type { SessionClaims } from '../../src/credentials/types.js';
import { stepAt } from '../../src/mfa/totp.js';
import { startBroker, TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { Browser, cookieSet, form, forms, pageText, type Page } from '../helpers/browser.js';
import {
  ALLOWED_EXACT, ALLOWED_PREFIX, consoleConfig, MAX_FAILURES, MFA_CONTEXT, OTHER_PROVIDER_ARN, PROVIDER, PROVIDER_ARN, roleArn, rolePair,
  startSamlConsoleBroker, codeOfStep, enrolmentOf, postFromIdp as acs, type SamlConsoleBroker,
} from '../helpers/consoleSaml.js';
import { AWS_ROLE, AWS_ROLE_SESSION_NAME, AWS_SOURCE_IDENTITY } from '../helpers/samlIdp.js';

const SESSION_COOKIE = 'fedbroker_session';
const CSRF_COOKIE = 'fedbroker_csrf';

let s: SamlConsoleBroker;
let url: string;

beforeAll(async () => {
  s = await startSamlConsoleBroker();
  url = s.broker.url;
}, 60_000);

afterAll(async () => {
  await s?.close();
});

// ---- helpers ------------------------------------------------------------------------------------

function expectSessionCookie(page: Page): void {
  const cookie = cookieSet(page.setCookies, SESSION_COOKIE);
  expect(cookie, `no session cookie (status ${page.status}): ${pageText(page.body).slice(0, 300)}`).toBeDefined();
}

function expectNoSessionCookie(page: Page): void {
  expect(cookieSet(page.setCookies, SESSION_COOKIE)).toBeUndefined();
}

/** Signed-in console page facts, or undefined when the console shows the sign-in page. */
async function whoAmI(browser: Browser): Promise<string | undefined> {
  const page = await browser.get('/console');
  expect(page.status).toBe(200);
  if (forms(page.body, '/console/logout').length === 0) {
    expect(pageText(page.body)).toContain('Sign in through your organisation');
    return undefined;
  }
  return pageText(page.body);
}

/** The enrolment's answer: a page confirming the device is active (session cookie set), with a link on. */
function expectActivated(page: Page, next = `${url}/console`): void {
  expect(page.status, pageText(page.body).slice(0, 300)).toBe(200);
  expect(pageText(page.body)).toMatch(/Your MFA device arn:aws:iam::\d{12}:mfa\/federated\/\S+ is active/);
  expect(forms(page.body)).toHaveLength(0);
  expect(page.body).toContain(`<a href="${next}">Continue</a>`);
  expectSessionCookie(page);
}

function offeredRoles(html: string): string[] {
  return forms(html, '/signin/role').map((f) => f.fields['role']!);
}

function pickerForm(html: string, role: string) {
  const found = forms(html, '/signin/role').find((f) => f.fields['role'] === roleArn(role));
  if (!found) throw new Error(`role ${role} not on the picker: ${offeredRoles(html).join(', ')}`);
  return found;
}

async function signOut(browser: Browser): Promise<void> {
  const console = await browser.get('/console');
  const logout = form(console.body, '/console/logout');
  const out = await browser.post('/console/logout', logout.fields);
  expect(out.status).toBe(302);
  expect(await whoAmI(browser)).toBeUndefined();
}

function auditEvents(file = join(s.broker.dir, 'data/audit.jsonl')): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A six-digit code no step in ±2 of now would accept. */
async function wrongCode(seedBase32: string): Promise<string> {
  const now = stepAt(Date.now());
  const valid = new Set(await Promise.all([-2, -1, 0, 1, 2].map((d) => codeOfStep(seedBase32, now + d))));
  for (let i = 0; ; i++) {
    const candidate = String((123456 + i * 7919) % 1_000_000).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

// ---- IdP-initiated ------------------------------------------------------------------------------

describe('IdP-initiated sign-in', () => {
  it('one allowed role → 302 to /console with an HttpOnly, SameSite=Lax session cookie; /console shows who you are', async () => {
    const browser = new Browser(url);
    const page = await acs(browser, s.response({ nameId: 'alice@example.com', roles: ['Developer'], attributes: { [AWS_ROLE_SESSION_NAME]: ['alice'] } }));
    expect(page.status).toBe(302);
    expect(page.location).toBe(`${url}/console`);
    const cookie = cookieSet(page.setCookies, SESSION_COOKIE)!;
    expect(cookie).toBeDefined();
    expect(cookie.attributes.has('httponly')).toBe(true);
    expect(cookie.attributes.get('samesite')).toBe('Lax');
    expect(cookie.attributes.get('path')).toBe('/');
    expect(cookie.attributes.has('secure')).toBe(false); // publicUrl is http://127.0.0.1:…
    expect(Number(cookie.attributes.get('max-age'))).toBeGreaterThan(0);

    const text = await whoAmI(browser);
    expect(text).toContain(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Developer/alice`);
    expect(text).toContain(`Role ${roleArn('Developer')}`);
    expect(text).toContain(`Identity provider ${PROVIDER} (SAML)`);
    expect(text).toContain('Subject alice@example.com');
    expect(text).toContain('MFA no');

    // One ConsoleLogin event, CloudTrail-shaped, naming the identity, the role and the new key.
    await s.broker.broker.audit.drain();
    const logins = auditEvents().filter((e) => e['eventName'] === 'ConsoleLogin' && JSON.stringify(e['userIdentity']).includes('alice@example.com'));
    expect(logins).toHaveLength(1);
    expect(logins[0]).toMatchObject({
      eventSource: 'signin.amazonaws.com',
      eventType: 'AwsConsoleSignin',
      userIdentity: { type: 'SAMLUser', principalId: `${PROVIDER_ARN}:alice@example.com`, userName: 'alice@example.com', identityProvider: PROVIDER_ARN },
      requestParameters: null,
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: { LoginTo: `${url}/console`, MFAUsed: 'No', roleArn: roleArn('Developer') },
      recipientAccountId: TEST_ACCOUNT,
    });
    expect(logins[0]!['errorCode']).toBeUndefined();
  });

  it('sets the Secure attribute on every cookie when publicUrl is https', async () => {
    const https = await startSamlConsoleBroker({ publicUrl: 'https://broker.example.test', share: s });
    try {
      const agent = request(https.broker.broker.app);
      const single = await agent.post('/saml').type('form').send({ SAMLResponse: https.response({ roles: ['Developer'] }) });
      expect(single.status).toBe(302);
      expect(single.headers['location']).toBe('https://broker.example.test/console');
      const session = cookieSet(single.headers['set-cookie'] as unknown as string[], SESSION_COOKIE)!;
      expect(session.attributes.has('secure')).toBe(true);
      expect(session.attributes.has('httponly')).toBe(true);
      expect(session.attributes.get('samesite')).toBe('Lax');
      // The CSRF cookie of the role picker too, under the __Host- prefix (no cookie tossing from a sibling host).
      const picker = await agent.post('/saml').type('form').send({ SAMLResponse: https.response({ roles: ['Developer', 'Operator'] }) });
      expect(picker.status).toBe(200);
      expect(cookieSet(picker.headers['set-cookie'] as unknown as string[], CSRF_COOKIE)).toBeUndefined();
      const csrf = cookieSet(picker.headers['set-cookie'] as unknown as string[], `__Host-${CSRF_COOKIE}`)!;
      expect(csrf.attributes.get('path')).toBe('/');
      expect(csrf.attributes.has('domain')).toBe(false);
      expect(csrf.attributes.has('secure')).toBe(true);
      expect(csrf.attributes.has('httponly')).toBe(true);
      expect(csrf.attributes.get('samesite')).toBe('Lax');
    } finally {
      await https.close();
    }
  });
});

// ---- role picker ---------------------------------------------------------------------------------

describe('role picker', () => {
  it('lists exactly the allowed roles: never a denied role, a pair for another provider or a malformed value', async () => {
    const browser = new Browser(url);
    const page = await acs(
      browser,
      s.response({
        nameId: 'bob@example.com',
        attributes: {
          [AWS_ROLE]: [
            rolePair('Developer'),
            `${PROVIDER_ARN},${roleArn('Operator')}`, // either order
            rolePair('Auditor'), // trust policy: group "audit" only
            rolePair('Contractor'), // trust policy: explicit Deny for *@example.com
            rolePair('Partner', OTHER_PROVIDER_ARN), // names another provider
            rolePair('Developer', OTHER_PROVIDER_ARN),
            'arn:aws:iam::123456789012:role/Malformed', // not a pair
            'arn:aws:iam::12345:role/Short,arn:aws:iam::12345:saml-provider/ExampleCorp',
            rolePair('DoesNotExist'),
          ],
        },
      }),
    );
    expect(page.status).toBe(200);
    expectNoSessionCookie(page);
    expect(offeredRoles(page.body)).toEqual([roleArn('Developer'), roleArn('Operator')]);
    for (const hidden of ['Auditor', 'Contractor', 'Partner', 'Malformed', 'Short', 'DoesNotExist']) expect(page.body).not.toContain(hidden);
    expect(pageText(page.body)).toContain('Signed in as bob@example.com through ExampleCorp');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('without the Role attribute offers every role whose trust policy allows the identity (MFA roles marked)', async () => {
    const browser = new Browser(url);
    const page = await acs(browser, s.response({ nameId: 'carol@example.com', attributes: { groups: ['staff'] } }));
    expect(page.status).toBe(200);
    expect(offeredRoles(page.body)).toEqual([roleArn('Developer'), roleArn('Operator'), roleArn('Secure'), roleArn('Legacy')]);
    const cards = [...page.body.matchAll(/<form\b[\s\S]*?<\/form>/g)].map((m) => pageText(m[0]));
    expect(cards.map((c) => c.includes('Requires multi-factor authentication'))).toEqual([false, false, true, true]);
    const auditor = await acs(new Browser(url), s.response({ nameId: 'dave@example.com', attributes: { groups: ['audit'] } }));
    expect(offeredRoles(auditor.body)).toEqual([roleArn('Developer'), roleArn('Operator'), roleArn('Auditor'), roleArn('Secure'), roleArn('Legacy')]);
  });

  it('an identity allowed dozens of roles still gets a session cookie a browser keeps (≤ 4096 bytes)', async () => {
    const many = await startSamlConsoleBroker({ share: s, extra: { store: 'memory:' } });
    try {
      const config = consoleConfig(many.broker.url, { store: 'memory:' });
      const roles = config['roles'] as Array<Record<string, unknown>>;
      const developer = JSON.stringify(roles[0]);
      for (let i = 0; i < 80; i++) roles.push({ ...(JSON.parse(developer) as object), name: `Team${i}-ApplicationDeveloperRole` });
      await many.broker.reload(config);
      const browser = new Browser(many.broker.url);
      const picker = await acs(browser, many.response({ nameId: 'quinn@example.com' }));
      const offered = offeredRoles(picker.body);
      expect(offered).toHaveLength(84); // Developer, Operator, Secure and Legacy (MFA) and the 80 teams
      const chosen = await browser.post('/signin/role', pickerForm(picker.body, 'Team79-ApplicationDeveloperRole').fields);
      expect(chosen.status).toBe(302);
      const header = chosen.setCookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
      expect(header.length).toBeLessThanOrEqual(4096); // RFC 6265 §6.1: what every browser must keep
      expect(await whoAmI(browser)).toContain('assumed-role/Team79-ApplicationDeveloperRole/quinn@example.com');
      // The roles the sign-in allowed (for switching) are remembered with the session, in the store.
      const login = auditEvents(join(many.broker.dir, 'data/audit.jsonl')).find((e) => e['eventName'] === 'ConsoleLogin' && e['responseElements'] !== null)!;
      const accessKeyId = (login['additionalEventData'] as Record<string, string>)['accessKeyId']!;
      expect(await consoleRoles(many.broker.broker.store, { accessKeyId } as SessionClaims)).toEqual(offered);
    } finally {
      await many.close();
    }
  });

  it('choosing a role → the session for that role; the same picker form again → refused (single use)', async () => {
    const browser = new Browser(url);
    const page = await acs(browser, s.response({ nameId: 'erin@example.com', roles: ['Developer', 'Operator'] }));
    const choice = pickerForm(page.body, 'Operator');
    const chosen = await browser.post('/signin/role', choice.fields);
    expect(chosen.status).toBe(302);
    expect(chosen.location).toBe(`${url}/console`);
    expectSessionCookie(chosen);
    expect(await whoAmI(browser)).toContain(`assumed-role/Operator/erin@example.com`);

    // Replays: the same form, and the other role's form carrying the same state.
    const again = await new Browser(url).post('/signin/role', choice.fields, { headers: { cookie: `${CSRF_COOKIE}=${choice.fields['csrf']}` } });
    expect(again.status).toBe(400);
    expect(pageText(again.body)).toContain('already submitted');
    expectNoSessionCookie(again);
    const other = await browser.post('/signin/role', pickerForm(page.body, 'Developer').fields);
    expect(other.status).toBe(400);
    expectNoSessionCookie(other);
  });

  it('choosing a role that needs MFA spends the picker form too: replayed, it is refused and the enrolment seed is kept', async () => {
    const browser = new Browser(url);
    const page = await acs(browser, s.response({ nameId: 'erin-mfa@example.com', roles: ['Developer', 'Secure'] }));
    const choice = pickerForm(page.body, 'Secure');
    const enrolPage = await browser.post('/signin/role', choice.fields);
    expect(enrolPage.status).toBe(200);
    const { seed } = enrolmentOf(enrolPage.body);
    for (const fields of [choice.fields, pickerForm(page.body, 'Developer').fields]) {
      const replay = await browser.post('/signin/role', fields);
      expect(replay.status).toBe(400);
      expect(pageText(replay.body)).toContain('already submitted');
      expectNoSessionCookie(replay);
    }
    // The device the user just scanned is still the one being enrolled.
    const now = stepAt(Date.now());
    const enrol = form(enrolPage.body, '/signin/mfa/enroll');
    const enrolled = await browser.post('/signin/mfa/enroll', { ...enrol.fields, code1: await codeOfStep(seed, now - 1), code2: await codeOfStep(seed, now) });
    expectActivated(enrolled);
    // The enrolment form, and any TOTP prompt form, is single use as well.
    const again = await browser.post('/signin/mfa/enroll', { ...enrol.fields, code1: await codeOfStep(seed, now), code2: await codeOfStep(seed, now + 1) });
    expect(again.status).toBe(400);
    expectNoSessionCookie(again);
    const promptPage = await acs(new Browser(url), s.response({ nameId: 'erin-mfa@example.com', roles: ['Secure'] }));
    const prompt = form(promptPage.body, '/signin/mfa');
    const promptBrowser = new Browser(url);
    promptBrowser.setCookie(CSRF_COOKIE, prompt.fields['csrf']!);
    expect((await promptBrowser.post('/signin/mfa', { ...prompt.fields, code: await wrongCode(seed) })).status).toBe(403);
    const replayed = await promptBrowser.post('/signin/mfa', { ...prompt.fields, code: await codeOfStep(seed, now + 1) });
    expect(replayed.status).toBe(400);
    expectNoSessionCookie(replayed);
  });

  it('a role that was not offered → refused, even one that exists or that the state lists for MFA', async () => {
    const browser = new Browser(url);
    const page = await acs(browser, s.response({ nameId: 'frank@example.com', roles: ['Developer', 'Operator'] }));
    const base = pickerForm(page.body, 'Developer').fields;
    for (const role of [roleArn('Auditor'), roleArn('Partner'), roleArn('Secure'), roleArn('Nope'), '', 'Developer']) {
      const refused = await browser.post('/signin/role', { ...base, role });
      expect(refused.status, role).toBe(403);
      expect(pageText(refused.body)).toContain('not offered');
      expectNoSessionCookie(refused);
    }
    // Each refusal is a failed ConsoleLogin for that identity.
    const failures = auditEvents().filter((e) => e['eventName'] === 'ConsoleLogin' && JSON.stringify(e['userIdentity']).includes('frank@example.com'));
    expect(failures).toHaveLength(6);
    expect(failures[0]).toMatchObject({
      userIdentity: { type: 'SAMLUser', principalId: `${PROVIDER_ARN}:frank@example.com` },
      responseElements: { ConsoleLogin: 'Failure' },
      errorCode: 'AccessDenied',
      errorMessage: `Role ${roleArn('Auditor')} was not offered to this sign-in`,
    });
    // The refusals consumed nothing: the real choice still works.
    const ok = await browser.post('/signin/role', base);
    expect(ok.status).toBe(302);
    expectSessionCookie(ok);
  });

  it('a tampered or expired state → refused', async () => {
    const browser = new Browser(url);
    const page = await acs(browser, s.response({ nameId: 'grace@example.com', roles: ['Developer', 'Operator'] }));
    const fields = pickerForm(page.body, 'Developer').fields;
    const state = fields['state']!;
    const middle = Math.floor(state.length / 2);
    const tampered = state.slice(0, middle) + (state[middle] === 'A' ? 'B' : 'A') + state.slice(middle + 1);
    for (const bad of [tampered, state.slice(0, -4), '', 'not-a-state', `${state}AAAA`]) {
      const refused = await browser.post('/signin/role', { ...fields, state: bad });
      expect(refused.status).toBe(400);
      expect(pageText(refused.body)).toContain('expired or was altered');
      expectNoSessionCookie(refused);
    }
    // The same state, resealed with the broker's key as if issued 11 minutes ago.
    const opened = openSigninState(s.broker.broker.keyRing, state)!;
    expect(opened.roles).toEqual([roleArn('Developer'), roleArn('Operator')]);
    const { expiresAt: _deadline, nonce: _nonce, v: _v, ...begun } = opened;
    const expired = sealSigninState(s.broker.broker.keyRing, begun, Date.now() - SIGNIN_STATE_TTL_MS - 60_000);
    const refused = await browser.post('/signin/role', { ...fields, state: expired });
    expect(refused.status).toBe(400);
    expectNoSessionCookie(refused);

    // Sealed values are bound to their purpose: a console session cookie is no sign-in state, and back.
    const signedIn = new Browser(url);
    await acs(signedIn, s.response({ nameId: 'grace@example.com', roles: ['Developer'] }));
    const sessionCookie = signedIn.cookie(SESSION_COOKIE)!;
    const confused = await browser.post('/signin/role', { ...fields, state: sessionCookie });
    expect(confused.status).toBe(400);
    const asCookie = new Browser(url);
    asCookie.setCookie(SESSION_COOKIE, state);
    expect(await whoAmI(asCookie)).toBeUndefined();
  });

  it('a missing or wrong CSRF token → 403, and the form stays usable', async () => {
    const browser = new Browser(url);
    const page = await acs(browser, s.response({ nameId: 'heidi@example.com', roles: ['Developer', 'Operator'] }));
    const { csrf, ...withoutToken } = pickerForm(page.body, 'Developer').fields;
    expect(csrf).toBe(browser.cookie(CSRF_COOKIE));
    const attempts: Array<[Record<string, string>, boolean]> = [
      [withoutToken, true],
      [{ ...withoutToken, csrf: '' }, true],
      [{ ...withoutToken, csrf: `${csrf!.slice(0, -1)}${csrf!.endsWith('A') ? 'B' : 'A'}` }, true],
      [{ ...withoutToken, csrf: csrf! }, false], // a cross-site post: the SameSite cookie is not sent
    ];
    for (const [fields, cookies] of attempts) {
      const refused = await browser.post('/signin/role', fields, { cookies });
      expect(refused.status).toBe(403);
      expect(pageText(refused.body)).toContain('anti-forgery token');
      expectNoSessionCookie(refused);
    }
    const ok = await browser.post('/signin/role', { ...withoutToken, csrf: csrf! });
    expect(ok.status).toBe(302);
  });
});

// ---- RelayState ----------------------------------------------------------------------------------

describe('RelayState', () => {
  it('on the allow-list (exact, trailing *, or a console path) → redirect there after sign-in', async () => {
    for (const [relay, expected] of [
      [ALLOWED_EXACT, ALLOWED_EXACT],
      [`${ALLOWED_PREFIX}reports?id=7`, `${ALLOWED_PREFIX}reports?id=7`],
      ['/console?tab=credentials', `${url}/console?tab=credentials`],
    ] as const) {
      const page = await acs(new Browser(url), s.response({ roles: ['Developer'] }), relay);
      expect(page.status, relay).toBe(302);
      expect(page.location).toBe(expected);
      expectSessionCookie(page);
    }
    // After the picker too.
    const browser = new Browser(url);
    const picker = await acs(browser, s.response({ roles: ['Developer', 'Operator'] }), ALLOWED_EXACT);
    const chosen = await browser.post('/signin/role', pickerForm(picker.body, 'Developer').fields);
    expect(chosen.location).toBe(ALLOWED_EXACT);
  });

  it('not on the allow-list, javascript:, //host, another https host → rejection page, no cookie', async () => {
    for (const relay of [
      `${ALLOWED_EXACT}/more`,
      `${ALLOWED_EXACT}?x=1`,
      'https://portal.example.test', // the prefix entry needs the trailing slash
      'https://portal.example.test.evil.example/',
      'https://portal.example.test@evil.example/',
      'javascript:alert(1)',
      'JavaScript:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      '//evil.example',
      '/\\evil.example',
      'https://evil.example',
      `https://evil.example/?next=${ALLOWED_EXACT}`,
    ]) {
      const browser = new Browser(url);
      const page = await acs(browser, s.response({ roles: ['Developer'] }), relay);
      expect(page.status, relay).toBe(400);
      expect(pageText(page.body)).toContain('not on this broker');
      expect(page.location).toBeUndefined();
      expectNoSessionCookie(page);
    }
  });
});

// ---- SP-initiated --------------------------------------------------------------------------------

describe('SP-initiated sign-in and SP metadata', () => {
  function spCertificate(metadataXml: string): X509Certificate {
    const doc = new DOMParser().parseFromString(metadataXml, 'text/xml');
    const descriptors = Array.from(doc.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:metadata', 'KeyDescriptor'));
    const signing = descriptors.find((d) => d.getAttribute('use') === 'signing')!;
    const b64 = signing.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'X509Certificate')[0]!.textContent!.replace(/\s+/g, '');
    return new X509Certificate(Buffer.from(b64, 'base64'));
  }

  it('GET /saml/metadata: entity id, ACS (HTTP-POST) and the signing certificate', async () => {
    const res = await fetch(`${url}/saml/metadata`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/samlmetadata\+xml/);
    const xml = await res.text();
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const md = 'urn:oasis:names:tc:SAML:2.0:metadata';
    expect(doc.documentElement!.localName).toBe('EntityDescriptor');
    expect(doc.documentElement!.getAttribute('entityID')).toBe(`${url}/saml/metadata`);
    const acsElements = Array.from(doc.getElementsByTagNameNS(md, 'AssertionConsumerService'));
    expect(acsElements.map((e) => [e.getAttribute('Binding'), e.getAttribute('Location')])).toEqual([
      ['urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', `${url}/saml`],
    ]);
    const sp = doc.getElementsByTagNameNS(md, 'SPSSODescriptor')[0]!;
    expect(sp.getAttribute('AuthnRequestsSigned')).toBe('true');
    expect(sp.getAttribute('WantAssertionsSigned')).toBe('true');
    const cert = spCertificate(xml);
    expect(cert.publicKey.asymmetricKeyType).toMatch(/^(rsa|ec)$/);
    // The certificate the broker keeps in keys.dir.
    expect(cert.raw.equals(new X509Certificate(s.broker.broker.keyRing.spCertificatePem).raw)).toBe(true);
  });

  it('GET /saml/login redirects to the IdP with a signed AuthnRequest; its InResponseTo is accepted once', async () => {
    const browser = new Browser(url);
    const login = await browser.get(`/saml/login?provider=${PROVIDER}&RelayState=${encodeURIComponent(ALLOWED_EXACT)}`);
    expect(login.status).toBe(302);
    const location = login.location!;
    expect(location.startsWith(`${s.idp.ssoUrl}?`)).toBe(true);
    const query = location.slice(location.indexOf('?') + 1);
    const params = new URLSearchParams(query);
    expect(params.get('RelayState')).toBe(ALLOWED_EXACT);
    expect(params.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');

    // HTTP-Redirect binding signature: over "SAMLRequest=…&RelayState=…&SigAlg=…" exactly as sent.
    const signed = query.slice(0, query.indexOf('&Signature='));
    const metadata = await (await fetch(`${url}/saml/metadata`)).text();
    const cert = spCertificate(metadata);
    const signature = Buffer.from(params.get('Signature')!, 'base64');
    expect(verifySignature('sha256', Buffer.from(signed, 'utf8'), cert.publicKey, signature)).toBe(true);
    expect(verifySignature('sha256', Buffer.from(signed.replace('RelayState=', 'RelayState=x'), 'utf8'), cert.publicKey, signature)).toBe(false);

    const xml = inflateRawSync(Buffer.from(params.get('SAMLRequest')!, 'base64')).toString('utf8');
    const request = new DOMParser().parseFromString(xml, 'text/xml').documentElement!;
    expect(request.localName).toBe('AuthnRequest');
    expect(request.namespaceURI).toBe('urn:oasis:names:tc:SAML:2.0:protocol');
    expect(request.getAttribute('Destination')).toBe(s.idp.ssoUrl);
    expect(request.getAttribute('AssertionConsumerServiceURL')).toBe(`${url}/saml`);
    expect(request.getAttribute('ProtocolBinding')).toBe('urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST');
    expect(request.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Issuer')[0]!.textContent).toBe(`${url}/saml/metadata`);
    const requestId = request.getAttribute('ID')!;
    expect(requestId).toMatch(/^[A-Za-z_][\w.-]{16,}$/);

    // The IdP answers it (a signed Response with InResponseTo), POSTed back with the RelayState.
    const answered = await acs(browser, s.response({ nameId: 'ivan@example.com', roles: ['Developer'], inResponseTo: requestId }), params.get('RelayState')!);
    expect(answered.status).toBe(302);
    expect(answered.location).toBe(ALLOWED_EXACT);
    expectSessionCookie(answered);
    expect(await whoAmI(browser)).toContain('Subject ivan@example.com');

    // The same InResponseTo again (a new assertion), or an unknown one: refused.
    for (const inResponseTo of [requestId, '_0123456789abcdef0123456789abcdef']) {
      const refused = await acs(new Browser(url), s.response({ nameId: 'ivan@example.com', roles: ['Developer'], inResponseTo }));
      expect(refused.status).toBe(403);
      expect(pageText(refused.body)).toContain('InResponseTo does not match an outstanding request');
      expectNoSessionCookie(refused);
    }
  });

  it('an outstanding request of one provider cannot be answered by another provider', async () => {
    const login = await new Browser(url).get(`/saml/login?provider=${PROVIDER}`);
    const xml = inflateRawSync(Buffer.from(new URLSearchParams(login.location!.split('?')[1]).get('SAMLRequest')!, 'base64')).toString('utf8');
    const requestId = /\sID="([^"]+)"/.exec(xml)![1]!;
    const refused = await acs(
      new Browser(url),
      s.response({ from: s.other, nameId: 'mallory@other.example', inResponseTo: requestId, attributes: { [AWS_ROLE]: [rolePair('Partner', OTHER_PROVIDER_ARN)] } }),
    );
    expect(refused.status).toBe(403);
    expectNoSessionCookie(refused);
  });

  it('GET /saml/login: an unknown provider → 404; a RelayState off the allow-list → 400, no redirect to the IdP', async () => {
    const unknown = await new Browser(url).get('/saml/login?provider=Nope');
    expect(unknown.status).toBe(404);
    for (const relay of ['https://evil.example/', 'javascript:alert(1)', '//evil.example']) {
      const refused = await new Browser(url).get(`/saml/login?provider=${PROVIDER}&RelayState=${encodeURIComponent(relay)}`);
      expect(refused.status).toBe(400);
      expect(refused.location).toBeUndefined();
    }
  });
});

// ---- MFA step-up --------------------------------------------------------------------------------

describe('MFA step-up for federated identities', () => {
  it('IdP-asserted MFA (AuthnContextClassRef in mfaAuthnContexts) → no prompt, a session with MFA', async () => {
    const browser = new Browser(url);
    const page = await acs(browser, s.response({ nameId: 'judy@example.com', roles: ['Secure'], authnContextClassRef: MFA_CONTEXT }));
    expect(page.status).toBe(302);
    expectSessionCookie(page);
    const text = await whoAmI(browser);
    expect(text).toContain('assumed-role/Secure/judy@example.com');
    expect(text).toContain('MFA yes');
  });

  it('a source identity from the IdP needs sts:SetSourceIdentity: a role without it is not offered, not even for a TOTP step-up', async () => {
    const sourceIdentity = { [AWS_SOURCE_IDENTITY]: 'rita' };
    // Allowed: shown on the console, carried in the session.
    const browser = new Browser(url);
    const ok = await acs(browser, s.response({ nameId: 'rita@example.com', roles: ['Developer'], attributes: sourceIdentity }));
    expect(ok.status).toBe(302);
    expect(await whoAmI(browser)).toContain('Source identity rita');
    // Legacy needs MFA and does not allow sts:SetSourceIdentity: nothing to step up to, no device enrolled.
    const refused = await acs(new Browser(url), s.response({ nameId: 'rita@example.com', roles: ['Legacy'], attributes: sourceIdentity }));
    expect(refused.status).toBe(403);
    expect(pageText(refused.body)).toContain('No role available');
    expect(forms(refused.body, '/signin/mfa/enroll')).toHaveLength(0);
    const picker = await acs(new Browser(url), s.response({ nameId: 'rita@example.com', roles: ['Developer', 'Legacy', 'Secure'], attributes: sourceIdentity }));
    expect(offeredRoles(picker.body)).toEqual([roleArn('Developer'), roleArn('Secure')]);
    expect(await s.broker.broker.mfa.list()).not.toContainEqual(expect.objectContaining({ serial: s.broker.broker.mfa.federatedSerial(PROVIDER, 'rita@example.com') }));
    // Without a source identity, Legacy is a step-up role like any other.
    const stepUp = await acs(new Browser(url), s.response({ nameId: 'rita@example.com', roles: ['Legacy'] }));
    expect(stepUp.status).toBe(200);
    expect(forms(stepUp.body, '/signin/mfa/enroll')).toHaveLength(1);
  });

  it('enrol at first sign-in, sign out, TOTP prompt next time: wrong code, correct code, the same code again', async () => {
    const nameId = 'kim@example.com';
    const browser = new Browser(url);
    const first = await acs(browser, s.response({ nameId, roles: ['Secure'] }));
    expect(first.status).toBe(200);
    expectNoSessionCookie(first);
    const enrol = form(first.body, '/signin/mfa/enroll');
    const qr = /<img\b[^>]*\bsrc="data:image\/png;base64,([A-Za-z0-9+/=]+)"/.exec(first.body)?.[1];
    expect(qr).toBeDefined();
    expect(Buffer.from(qr!, 'base64').subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a'); // PNG signature
    const { seed } = enrolmentOf(first.body);
    expect(seed).toMatch(/^[A-Z2-7]{32}$/);
    expect(pageText(first.body)).toContain(`arn:aws:iam::${TEST_ACCOUNT}:mfa/federated/${PROVIDER}/`);

    // Two consecutive codes, as the app shows them (the previous and the current one).
    const now = stepAt(Date.now());
    const bad = await browser.post('/signin/mfa/enroll', { ...enrol.fields, code1: await codeOfStep(seed, now), code2: await codeOfStep(seed, now) });
    expect(bad.status).toBe(403);
    expectNoSessionCookie(bad);
    expect(pageText(bad.body)).toContain('Authentication code for device is not valid');
    expect(bad.body).toContain(seed); // the same device is offered again
    const retry = form(bad.body, '/signin/mfa/enroll');
    const enrolled = await browser.post('/signin/mfa/enroll', { ...retry.fields, code1: await codeOfStep(seed, now - 1), code2: await codeOfStep(seed, now) });
    expectActivated(enrolled);
    expectSessionCookie(enrolled);
    let text = await whoAmI(browser);
    expect(text).toContain('assumed-role/Secure/kim@example.com');
    expect(text).toContain('MFA yes');
    await signOut(browser);

    // Next sign-in: the TOTP prompt.
    const second = await acs(browser, s.response({ nameId, roles: ['Secure'] }));
    expect(second.status).toBe(200);
    expect(forms(second.body, '/signin/mfa/enroll')).toHaveLength(0);
    const prompt = form(second.body, '/signin/mfa');
    const wrong = await browser.post('/signin/mfa', { ...prompt.fields, code: await wrongCode(seed) });
    expect(wrong.status).toBe(403);
    expectNoSessionCookie(wrong);
    expect(pageText(wrong.body)).toContain('invalid MFA one time pass code');
    const code = await codeOfStep(seed, now + 1); // newer than both enrolment codes
    const ok = await browser.post('/signin/mfa', { ...form(wrong.body, '/signin/mfa').fields, code });
    expect(ok.status).toBe(302);
    expectSessionCookie(ok);
    text = await whoAmI(browser);
    expect(text).toContain('MFA yes');
    await signOut(browser);

    // The same code once more, on a fresh sign-in: used already.
    const third = await acs(browser, s.response({ nameId, roles: ['Secure'] }));
    const reused = await browser.post('/signin/mfa', { ...form(third.body, '/signin/mfa').fields, code });
    expect(reused.status).toBe(403);
    expectNoSessionCookie(reused);
    expect(pageText(reused.body)).toContain('invalid MFA one time pass code');
    expect(forms(reused.body, '/signin/mfa')).toHaveLength(1);
  });

  it(`after maxFailures (${MAX_FAILURES}) wrong codes the device is locked: even a correct code fails; a lockout audit event exists`, async () => {
    const nameId = 'leo@example.com';
    const browser = new Browser(url);
    const first = await acs(browser, s.response({ nameId, roles: ['Secure'] }));
    const { seed, serial } = enrolmentOf(first.body);
    const now = stepAt(Date.now());
    const enrolled = await browser.post('/signin/mfa/enroll', { ...form(first.body, '/signin/mfa/enroll').fields, code1: await codeOfStep(seed, now - 1), code2: await codeOfStep(seed, now) });
    expectActivated(enrolled);
    await signOut(browser);

    let page = await acs(browser, s.response({ nameId, roles: ['Secure'] }));
    for (let i = 0; i < MAX_FAILURES; i++) {
      page = await browser.post('/signin/mfa', { ...form(page.body, '/signin/mfa').fields, code: await wrongCode(seed) });
      expect(page.status).toBe(403);
    }
    const locked = await browser.post('/signin/mfa', { ...form(page.body, '/signin/mfa').fields, code: await codeOfStep(seed, now + 1) });
    expect(locked.status).toBe(403);
    expectNoSessionCookie(locked);
    expect(pageText(locked.body)).toContain('temporarily locked');
    const lockouts = auditEvents().filter((e) => e['eventName'] === 'MFADeviceLockout' && JSON.stringify(e).includes(serial));
    expect(lockouts).toHaveLength(1);
  });

  it('with federatedEnrollment: admin-only and no device → a page saying to ask an administrator for an enrolment link, no session', async () => {
    const admin = await startSamlConsoleBroker({ share: s, extra: { mfa: { federatedEnrollment: 'admin-only' }, store: 'memory:' } });
    try {
      const browser = new Browser(admin.broker.url);
      const page = await acs(browser, admin.response({ nameId: 'mike@example.com', roles: ['Secure'] }));
      expect(page.status).toBe(403);
      expectNoSessionCookie(page);
      expect(pageText(page.body)).toContain('Ask an administrator for an enrolment link');
      expect(forms(page.body, '/signin/mfa/enroll')).toHaveLength(0);
      expect(page.body).not.toContain('data-webauthn');
      expect(page.body).not.toContain('data:image/png');
      expect(await admin.broker.broker.mfa.list()).toEqual([]);
    } finally {
      await admin.close();
    }
  });
});

// ---- the development IdP -------------------------------------------------------------------------

describe('the development SAML IdP (devIdentityProviders: true, as npm start serves it)', () => {
  it('SP-initiated through /dev/saml: alice (MFA at the IdP) lands in the console; bob is offered enrolment', async () => {
    const dev = await startBroker({ devIdentityProviders: true, store: 'memory:', roles: [] });
    try {
      const acsUrl = `${dev.url}/saml`;
      await dev.reload({
        devIdentityProviders: true,
        store: 'memory:',
        roles: [
          {
            name: 'Operator',
            trustPolicy: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { Federated: `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/FedbrokerDev` },
                  Action: 'sts:AssumeRoleWithSAML',
                  Condition: {
                    StringEquals: { 'saml:aud': acsUrl },
                    'ForAnyValue:StringEquals': { 'saml:attr/groups': ['developers'] },
                    Bool: { 'aws:MultiFactorAuthPresent': 'true' },
                  },
                },
              ],
            },
          },
        ],
      });
      const signInAs = async (user: string, start: 'sp' | 'idp'): Promise<{ browser: Browser; landed: Page }> => {
        const browser = new Browser(dev.url);
        let idpPage: Page;
        if (start === 'sp') {
          const login = await browser.get('/saml/login?provider=FedbrokerDev&RelayState=%2Fconsole');
          expect(login.status).toBe(302);
          expect(login.location!.startsWith(`${dev.url}/dev/saml/sso?SAMLRequest=`)).toBe(true);
          idpPage = await browser.follow(login);
        } else {
          idpPage = await browser.get('/dev/saml');
        }
        expect(idpPage.status).toBe(200);
        const pick = forms(idpPage.body, '/dev/saml/sso').find((f) => f.fields['user'] === user)!;
        if (start === 'sp') expect(pick.fields['inResponseTo']).toMatch(/^_[0-9a-f]{40}$/);
        const post = await browser.post('/dev/saml/sso', pick.fields);
        expect(post.status).toBe(200);
        // The auto-submitting form: its script is allowed by a per-response nonce, nothing else.
        const nonce = /<script nonce="([^"]+)">/.exec(post.body)?.[1];
        expect(post.headers.get('content-security-policy')).toContain(`script-src 'nonce-${nonce}'`);
        const autoPost = form(post.body, acsUrl);
        return { browser, landed: await acs(browser, autoPost.fields['SAMLResponse']!, autoPost.fields['RelayState']) };
      };

      const alice = await signInAs('alice', 'sp');
      expect(alice.landed.status).toBe(302);
      expect(alice.landed.location).toBe(`${dev.url}/console`);
      const text = await whoAmI(alice.browser);
      expect(text).toContain('assumed-role/Operator/alice');
      expect(text).toContain('Identity provider FedbrokerDev (SAML)');
      expect(text).toContain('MFA yes');

      for (const start of ['sp', 'idp'] as const) {
        const bob = await signInAs('bob', start);
        expect(bob.landed.status).toBe(200);
        expect(forms(bob.landed.body, '/signin/mfa/enroll')).toHaveLength(1);
      }
      // carol (auditors) fits no role.
      expect((await signInAs('carol', 'idp')).landed.status).toBe(403);

      // The development IdP reflects the RelayState it is given into its pages: escaped.
      const payload = '"><script>alert(1)</script>';
      const reflected = await new Browser(dev.url).get(`/dev/saml/sso?RelayState=${encodeURIComponent(payload)}`);
      expect(reflected.body).not.toContain(payload);
      expect(forms(reflected.body, '/dev/saml/sso')[0]!.fields['RelayState']).toBe(payload);
      expect(reflected.headers.get('content-security-policy')).toContain("script-src 'none'");
    } finally {
      await dev.close();
    }
  });
});

// ---- sign-out -------------------------------------------------------------------------------------

describe('sign-out', () => {
  it('POST /console/logout ends the session here and on a second instance sharing the store', async () => {
    // Instances behind one load balancer share the configuration (a session is valid only where its
    // role exists) and the store.
    const second: StartedBroker = await startBroker(
      { ...consoleConfig(url), audit: { file: 'data/audit-second.jsonl' }, server: { publicUrl: url } },
      { dir: s.broker.dir },
    );
    try {
      const browser = new Browser(url);
      const signedIn = await acs(browser, s.response({ nameId: 'nina@example.com', roles: ['Developer'] }));
      expectSessionCookie(signedIn);
      const cookie = browser.cookie(SESSION_COOKIE)!;
      // The same cookie at the second instance (a load balancer may send the browser to either).
      const elsewhere = new Browser(second.url);
      elsewhere.setCookie(SESSION_COOKIE, cookie);
      expect(await whoAmI(elsewhere)).toContain('Subject nina@example.com');

      // Without the CSRF token: 403, still signed in.
      const forged = await browser.post('/console/logout', {});
      expect(forged.status).toBe(403);
      expect(await whoAmI(browser)).toContain('Subject nina@example.com');

      const console = await browser.get('/console');
      const out = await browser.post('/console/logout', form(console.body, '/console/logout').fields);
      expect(out.status).toBe(302);
      expect(out.location).toBe(`${url}/console?signedOut`);
      const cleared = out.setCookies.find((c) => c.startsWith(`${SESSION_COOKIE}=;`));
      expect(cleared).toMatch(/Max-Age=0/);
      expect(browser.cookie(SESSION_COOKIE)).toBeUndefined();

      // The old cookie, replayed: no longer works here…
      const replay = new Browser(url);
      replay.setCookie(SESSION_COOKIE, cookie);
      expect(await whoAmI(replay)).toBeUndefined();
      // …nor, within the revocation polling interval, on the other instance.
      const deadline = Date.now() + 1500;
      let there = await whoAmI(elsewhere);
      while (there !== undefined && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        there = await whoAmI(elsewhere);
      }
      expect(there).toBeUndefined();
    } finally {
      await second.close();
    }
  });
});

// ---- audit ----------------------------------------------------------------------------------------

describe('audit', () => {
  it('ConsoleLogin Success and Failure events are written, and the hash chain verifies', async () => {
    const before = auditEvents().length;
    const browser = new Browser(url);
    expect((await acs(browser, s.response({ nameId: 'oscar@example.com', roles: ['Developer'] }))).status).toBe(302);
    expect((await acs(new Browser(url), s.response({ nameId: 'oscar@example.com', roles: ['Auditor'] }))).status).toBe(403); // no role
    expect((await acs(new Browser(url), s.response({ nameId: 'oscar@example.com', sign: 'none' }))).status).toBe(403); // unsigned

    const events = auditEvents().slice(before).filter((e) => e['eventName'] === 'ConsoleLogin');
    const success = events.filter((e) => (e['responseElements'] as Record<string, string>)['ConsoleLogin'] === 'Success');
    const failure = events.filter((e) => (e['responseElements'] as Record<string, string>)['ConsoleLogin'] === 'Failure');
    expect(success).toHaveLength(1);
    expect(success[0]).toMatchObject({
      eventSource: 'signin.amazonaws.com',
      eventType: 'AwsConsoleSignin',
      userIdentity: { type: 'SAMLUser', userName: 'oscar@example.com', identityProvider: PROVIDER_ARN },
      additionalEventData: { MFAUsed: 'No', roleArn: roleArn('Developer') },
      recipientAccountId: TEST_ACCOUNT,
    });
    expect(failure).toHaveLength(2);
    expect(failure.map((e) => e['errorCode'])).toEqual(['AccessDenied', 'IDPRejectedClaim']);
    for (const e of [...success, ...failure]) expect(e['userAgent']).toBe('fedbroker-test-browser');

    // Signing out is an event too, naming the session that ended.
    await signOut(browser);
    const logout = auditEvents().slice(before).filter((e) => e['eventName'] === 'ConsoleLogout');
    expect(logout).toHaveLength(1);
    expect(logout[0]).toMatchObject({
      responseElements: { ConsoleLogout: 'Success' },
      eventSource: 'signin.amazonaws.com',
      // The console session's credentials, as CloudTrail names an assumed-role caller.
      userIdentity: { type: 'AssumedRole', accessKeyId: (success[0]!['additionalEventData'] as Record<string, string>)['accessKeyId'] },
    });
    expect((logout[0]!['userIdentity'] as { arn: string }).arn).toMatch(/^arn:aws:sts::123456789012:assumed-role\//);

    const verified = verifyAuditFiles([join(s.broker.dir, 'data/audit.jsonl')]);
    expect(verified).toMatchObject({ ok: true, lines: auditEvents().length });
  });
});
