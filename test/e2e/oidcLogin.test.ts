/**
 * Browser sign-in through an OpenID provider (api.md §4), with a real provider (node-oidc-provider):
 * GET /oidc/login → the provider's authorization endpoint (code + PKCE + state + nonce) → its login
 * and consent → GET /oidc/callback → the code exchanged, the ID token verified by the broker's own
 * pipeline → role picker / console session, as the SAML sign-in.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBroker, TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { forms, pageText } from '../helpers/browser.js';
import { startOidcProvider, type TestOidcProvider } from '../helpers/oidcProvider.js';

const PUBLIC_URL = 'http://broker.fedbroker.test';
let idp: TestOidcProvider;
let b: StartedBroker;
let name: string;

beforeAll(async () => {
  idp = await startOidcProvider({ extraClaimNames: ['https://aws.amazon.com/tags'], redirectUris: (issuer) => [`${PUBLIC_URL}/oidc/callback/${encodeURIComponent(issuer.replace(/^https?:\/\//, ''))}`] });
  name = idp.issuer.replace(/^https?:\/\//, '');
  const trust = (extra: Record<string, unknown> = {}, actions: string[] = ['sts:AssumeRoleWithWebIdentity']) => ({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${TEST_ACCOUNT}:oidc-provider/${name}` },
        Action: actions,
        Condition: { StringEquals: { [`${name}:aud`]: 'test-app' }, ...extra },
      },
    ],
  });
  b = await startBroker({
    server: { publicUrl: PUBLIC_URL },
    identityProviders: [{ type: 'oidc', issuer: idp.issuer, clientIds: ['test-app'], mfaAmr: ['mfa'], login: { clientId: 'test-app', scopes: ['openid', 'email', 'profile', 'groups', 'extra'] } }],
    roles: [
      { name: 'OidcDev', trustPolicy: trust() },
      { name: 'OidcAdmin', trustPolicy: trust({ 'ForAnyValue:StringEquals': { [`${name}:groups`]: ['admins'] } }) },
      // Only for sign-ins tagged with a department (the tags claim), and it accepts their tags.
      { name: 'OidcTagged', trustPolicy: trust({ StringLike: { 'aws:RequestTag/Department': '?*' } }, ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']) },
    ],
    console: { destinations: [] },
  });
}, 60_000);

afterAll(async () => {
  await b?.close();
  await idp?.stop();
});

/** Cookies per origin, as a browser keeps them. */
class Jars {
  private readonly jars = new Map<string, Map<string, string>>();
  header(url: URL): string {
    return [...(this.jars.get(url.origin) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  store(url: URL, res: Response): void {
    const jar = this.jars.get(url.origin) ?? new Map<string, string>();
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0]!;
      const eq = pair.indexOf('=');
      if (pair.slice(eq + 1) === '') jar.delete(pair.slice(0, eq));
      else jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    this.jars.set(url.origin, jar);
  }
}

/**
 * Follows redirects like a browser (the broker's public URL is the broker on loopback); the last
 * response and its URL — or, with `stopBefore`, the first URL it matches, not opened.
 */
async function browse(jars: Jars, start: string, stopBefore?: (url: URL) => boolean): Promise<{ res?: Response; url: URL; body: string }> {
  let url = new URL(start);
  for (let hop = 0; hop < 15; hop++) {
    if (stopBefore?.(url)) return { url, body: '' };
    const real = url.href.startsWith(PUBLIC_URL) ? new URL(url.href.replace(PUBLIC_URL, b.url)) : url;
    const res = await fetch(real, { redirect: 'manual', headers: { cookie: jars.header(url) } });
    jars.store(url, res);
    const location = res.headers.get('location');
    if (location === null || res.status < 300 || res.status >= 400) return { res, url, body: await res.text() };
    await res.arrayBuffer();
    url = new URL(location, url);
  }
  throw new Error('too many redirects');
}

it('one role fits: provider login → callback → the console, signed in as the role with the subject as session name', async () => {
  idp.allowLogin('alice', { extraClaims: { email: 'alice@example.com', groups: ['developers'] } });
  const jars = new Jars();
  const { url, body } = await browse(jars, `${PUBLIC_URL}/oidc/login?provider=${encodeURIComponent(name)}&login_hint=alice`);
  expect(url.href).toBe(`${PUBLIC_URL}/console`);
  expect(body).toContain('arn:aws:sts::123456789012:assumed-role/OidcDev/alice@example.com');
  expect(body).toContain(`${name} (OIDC)`);
});

it('several roles fit: the role picker; MFA asserted by the provider (amr) counts', async () => {
  idp.allowLogin('root', { amr: ['pwd', 'mfa'], extraClaims: { email: 'root@example.com', groups: ['admins'] } });
  const jars = new Jars();
  const { url, body } = await browse(jars, `${PUBLIC_URL}/oidc/login?provider=${encodeURIComponent(name)}&login_hint=root`);
  expect(url.pathname).toBe(`/oidc/callback/${encodeURIComponent(name)}`);
  expect(body).toContain('OidcDev');
  expect(body).toContain('OidcAdmin');
  const choice = forms(body, '/signin/role').find((f) => f.fields['role']?.endsWith(':role/OidcAdmin'))!;
  const chosen = await fetch(`${b.url}/signin/role`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jars.header(new URL(PUBLIC_URL)) },
    body: new URLSearchParams(choice.fields).toString(),
  });
  expect(chosen.status).toBe(302);
  jars.store(new URL(PUBLIC_URL), chosen);
  const consolePage = await (await fetch(`${b.url}/console`, { headers: { cookie: jars.header(new URL(PUBLIC_URL)) } })).text();
  expect(consolePage).toContain('assumed-role/OidcAdmin/root@example.com');
  expect(pageText(consolePage)).toMatch(/MFA\s*yes/);
});

it('the tags claim: only a role that accepts the tags is offered, and the console shows them', async () => {
  idp.allowLogin('erin', { extraClaims: { email: 'erin@example.com', 'https://aws.amazon.com/tags': { principal_tags: { Department: ['Engineering'] }, transitive_tag_keys: ['Department'] } } });
  const { url, body } = await browse(new Jars(), `${PUBLIC_URL}/oidc/login?provider=${encodeURIComponent(name)}&login_hint=erin`);
  expect(url.href).toBe(`${PUBLIC_URL}/console`);
  expect(body).toContain('assumed-role/OidcTagged/erin@example.com');
  expect(pageText(body)).toMatch(/Session tags\s*Department = Engineering \(transitive\)/);
});

/** Runs a sign-in up to the callback the provider sends the browser to (not opened yet). */
async function callbackFor(jars: Jars, sub: string): Promise<URL> {
  const start = `${PUBLIC_URL}/oidc/login?provider=${encodeURIComponent(name)}&login_hint=${sub}`;
  return (await browse(jars, start, (url) => url.pathname.startsWith('/oidc/callback/'))).url;
}

const onBroker = (url: URL) => new URL(url.href.replace(PUBLIC_URL, b.url));
const hasSession = (res: Response) => res.headers.getSetCookie().some((c) => /^fedbroker_session=[^;]/.test(c));

it('a callback works once: the same callback again is refused, with no session', async () => {
  idp.allowLogin('bob', { extraClaims: { email: 'bob@example.com' } });
  const jars = new Jars();
  const callback = await callbackFor(jars, 'bob');
  const cookie = jars.header(new URL(PUBLIC_URL));
  const first = await fetch(onBroker(callback), { redirect: 'manual', headers: { cookie } });
  expect(first.status).toBe(302);
  expect(hasSession(first)).toBe(true);
  const again = await fetch(onBroker(callback), { redirect: 'manual', headers: { cookie } });
  expect(again.status).toBe(400);
  expect(hasSession(again)).toBe(false);
  expect(await again.text()).toContain('already completed');
});

it('login CSRF: a callback the attacker obtained, opened in the victim\'s browser, signs nobody in', async () => {
  idp.allowLogin('mallory', { extraClaims: { email: 'mallory@example.com' } });
  const attacker = new Jars();
  const callback = await callbackFor(attacker, 'mallory');
  // The victim's browser has no binding cookie of this sign-in.
  const victim = await fetch(onBroker(callback), { redirect: 'manual' });
  expect(victim.status).toBe(403);
  expect(hasSession(victim)).toBe(false);
  expect(await victim.text()).toContain('started in another browser');
});

it('provider mix-up: a sign-in started with one provider is refused at another provider\'s callback', async () => {
  idp.allowLogin('carol', { extraClaims: { email: 'carol@example.com' } });
  const jars = new Jars();
  const callback = await callbackFor(jars, 'carol');
  const elsewhere = new URL(callback);
  elsewhere.pathname = '/oidc/callback/other-provider';
  const res = await fetch(onBroker(elsewhere), { redirect: 'manual', headers: { cookie: jars.header(new URL(PUBLIC_URL)) } });
  expect(res.status).toBe(403);
  expect(hasSession(res)).toBe(false);
});

it('an email the provider did not verify does not name the session (the subject does)', async () => {
  idp.allowLogin('dora', { extraClaims: { email: 'alice@example.com', email_verified: false } });
  const { url, body } = await browse(new Jars(), `${PUBLIC_URL}/oidc/login?provider=${encodeURIComponent(name)}&login_hint=dora`);
  expect(url.href).toBe(`${PUBLIC_URL}/console`);
  expect(body).toContain('assumed-role/OidcDev/dora');
  expect(body).not.toContain('assumed-role/OidcDev/alice@example.com');
});

it('refusals: an unknown provider (404), a RelayState off the allow-list (400), a forged callback (400)', async () => {
  expect((await fetch(`${b.url}/oidc/login?provider=nope`)).status).toBe(404);
  expect((await fetch(`${b.url}/oidc/login?provider=${encodeURIComponent(name)}&RelayState=${encodeURIComponent('https://evil.example/')}`, { redirect: 'manual' })).status).toBe(400);
  const forged = await fetch(`${b.url}/oidc/callback/${encodeURIComponent(name)}?code=abc&state=made-up`, { redirect: 'manual' });
  expect(forged.status).toBe(400);
  expect(hasSession(forged)).toBe(false);
});

it('the sign-in page lists the provider with a sign-in link', async () => {
  const page = await (await fetch(`${b.url}/console`)).text();
  expect(page).toContain(`/oidc/login?provider=${encodeURIComponent(name)}`);
});
