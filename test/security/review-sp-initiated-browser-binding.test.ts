/**
 * security.md, "Found by review": a SAML Response for an SP-initiated request, posted from another
 * browser than the one that started it → rejected (the request id is bound to the starting browser, as
 * the OIDC state is). Otherwise someone who starts a sign-in at GET /saml/login and gets the IdP's
 * answer for themselves could make a victim's browser post it (login CSRF: the victim then works in
 * the attacker's session), or a Response captured elsewhere could be used from any browser.
 * Against a running broker with a cookie-keeping browser (cross-site posts carry only SameSite=None
 * cookies) and Responses signed by xmlsec1.
 */
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, cookieSet, pageText, type Page } from '../helpers/browser.js';
import { postFromIdp, PROVIDER, startSamlConsoleBroker, type SamlConsoleBroker } from '../helpers/consoleSaml.js';

const SESSION_COOKIE = 'fedbroker_session';
let s: SamlConsoleBroker;

beforeAll(async () => {
  s = await startSamlConsoleBroker();
}, 60_000);
afterAll(async () => {
  await s?.close();
});

/** GET /saml/login in `browser`: the id of the AuthnRequest sent to the IdP. */
async function startSignin(browser: Browser): Promise<string> {
  const login = await browser.get(`/saml/login?provider=${PROVIDER}`);
  expect(login.status).toBe(302);
  const xml = inflateRawSync(Buffer.from(new URLSearchParams(login.location!.split('?')[1]).get('SAMLRequest')!, 'base64')).toString('utf8');
  return /\sID="([^"]+)"/.exec(xml)![1]!;
}

const signedIn = (page: Page) => cookieSet(page.setCookies, SESSION_COOKIE) !== undefined;

describe('security.md Found by review: SP-initiated SAML bound to the starting browser', () => {
  it('a Response to a request started in another browser → refused page, no session; the starting browser can still finish', async () => {
    const attacker = new Browser(s.broker.url);
    const requestId = await startSignin(attacker);
    const answer = s.response({ nameId: 'mallory@example.com', roles: ['Developer'], inResponseTo: requestId });

    const victim = new Browser(s.broker.url);
    const refused = await postFromIdp(victim, answer);
    expect(refused.status).toBe(403);
    expect(pageText(refused.body)).toContain('started in another browser');
    expect(signedIn(refused)).toBe(false);

    // The refusal spent nothing: the browser that started the sign-in completes it with that Response.
    const finished = await postFromIdp(attacker, answer);
    expect(finished.status, pageText(finished.body).slice(0, 300)).toBe(302);
    expect(signedIn(finished)).toBe(true);
  });

  it('a browser holding the binding of one request cannot answer another browser\'s request with it', async () => {
    const one = new Browser(s.broker.url);
    const other = new Browser(s.broker.url);
    await startSignin(one);
    const othersRequest = await startSignin(other);
    const refused = await postFromIdp(one, s.response({ nameId: 'mallory@example.com', roles: ['Developer'], inResponseTo: othersRequest }));
    expect(refused.status).toBe(403);
    expect(signedIn(refused)).toBe(false);
  });

  it('the binding cookie is HttpOnly, scoped to /saml, short-lived and sent with the IdP\'s cross-site POST (SameSite=None)', async () => {
    const browser = new Browser(s.broker.url);
    const login = await browser.get(`/saml/login?provider=${PROVIDER}`);
    const cookie = login.setCookies.map((c) => c.toLowerCase()).find((c) => c.startsWith('fedbroker_saml_'));
    expect(cookie).toBeDefined();
    expect(cookie).toContain('httponly');
    expect(cookie).toContain('path=/saml');
    expect(cookie).toMatch(/max-age=600\b/);
    expect(cookie).toContain('samesite=none');
    expect(cookie).toContain('secure');
  });
});
