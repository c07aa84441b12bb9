/**
 * The federation endpoint (api.md §2) end to end, as an SSO portal uses it: credentials from the STS
 * API (AssumeRole, GetFederationToken, AssumeRoleWithWebIdentity) → getSigninToken → login URL →
 * console session cookie → /console; logout; and every refusal of security.md's "Sign-in token
 * reused, expired, tampered" and "Destination not on the allow-list" rows (no session, no cookie).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealSigninToken } from '../../src/console/signinToken.js';
import { startBroker, type StartedBroker } from '../helpers/broker.js';
import { createStsFixture, PORTAL, PUBLIC_URL, roleArn, SAML_PROVIDER_ARN, type StsFixture } from '../helpers/stsFixture.js';
import { AWS_ROLE, AWS_ROLE_SESSION_NAME, AWS_SESSION_DURATION } from '../helpers/samlIdp.js';
import { credentialsOf, stsQuery, type Keys } from '../helpers/stsHttp.js';

let fx: StsFixture;
let b: StartedBroker;
const CONSOLE = `${PUBLIC_URL}/console`;

beforeAll(async () => {
  fx = await createStsFixture();
  b = await startBroker(fx.config({ console: { destinations: ['https://portal.example.com/app/*'], signinTokenTtlSeconds: 300 } }), { dir: fx.dir });
});
afterAll(async () => {
  await b?.close();
  fx?.cleanup();
});

async function sts(params: Record<string, string>, credentials?: Keys): Promise<Keys & { expiration: string }> {
  const r = await stsQuery(b.url, params, credentials ? { credentials } : {});
  expect(r.status, r.body).toBe(200);
  return credentialsOf(r);
}

const assumePortalRole = (duration = '3600') => sts({ Action: 'AssumeRole', RoleArn: roleArn('WebDev'), RoleSessionName: 'alice', DurationSeconds: duration }, PORTAL);

const sessionJson = (c: Keys) => JSON.stringify({ sessionId: c.accessKeyId, sessionKey: c.secretAccessKey, sessionToken: c.sessionToken });

async function getSigninToken(c: Keys, extra: Record<string, string> = {}): Promise<{ status: number; text: string; json: Record<string, unknown> }> {
  const qs = new URLSearchParams({ Action: 'getSigninToken', Session: sessionJson(c), ...extra });
  const res = await fetch(`${b.url}/federation?${qs}`);
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as Record<string, unknown> };
}

async function tokenFor(c: Keys, extra: Record<string, string> = {}): Promise<string> {
  const r = await getSigninToken(c, extra);
  expect(r.status, r.text).toBe(200);
  return r.json['SigninToken'] as string;
}

async function login(token: string, destination = CONSOLE): Promise<Response> {
  const qs = new URLSearchParams({ Action: 'login', Issuer: 'https://portal.example.com/', Destination: destination, SigninToken: token });
  return fetch(`${b.url}/federation?${qs}`, { redirect: 'manual' });
}

/** The console session cookie a response sets ('' when none). */
function sessionCookie(res: Response): string {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('fedbroker_session='));
  return set === undefined ? '' : set.split(';')[0]!;
}

async function consolePage(cookie: string): Promise<string> {
  return (await fetch(`${b.url}/console`, { headers: { cookie } })).text();
}

/** Minutes until the session's end, from the console page's <time datetime="…"> of "Session expires". */
const minutesLeft = (page: string) => Math.round((Date.parse(/<th>Session expires<\/th><td><time datetime="([^"]+)"/.exec(page)?.[1] ?? '') - Date.now()) / 60_000);

describe('getSigninToken → login → console', () => {
  it('AssumeRole credentials (long-term keys): a one-line URL-safe token; login sets an HttpOnly cookie and redirects; SessionDuration outlives the credentials', async () => {
    const creds = await assumePortalRole('900');
    const r = await getSigninToken(creds, { SessionDuration: '43200' });
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/^\{"SigninToken":"[A-Za-z0-9_-]+"\}\n$/);

    const res = await login(r.json['SigninToken'] as string);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(CONSOLE);
    const set = res.headers.getSetCookie().join('\n');
    expect(set).toMatch(/fedbroker_session=[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43\d{3}/);
    const page = await consolePage(sessionCookie(res));
    expect(page).toContain('arn:aws:sts::123456789012:assumed-role/WebDev/alice');
    // The console session lasts 12 hours although the credentials last 15 minutes (G6634).
    expect(minutesLeft(page)).toBeGreaterThan(700);
  });

  it('without SessionDuration the console session lasts as long as the credentials', async () => {
    const res = await login(await tokenFor(await assumePortalRole('1800')));
    expect(res.status).toBe(302);
    const left = minutesLeft(await consolePage(sessionCookie(res)));
    expect(left).toBeGreaterThanOrEqual(29);
    expect(left).toBeLessThanOrEqual(30);
  });

  it('GetFederationToken credentials: SessionDuration is accepted (the guide\'s Java sample sends it) but capped by their expiry', async () => {
    const creds = await sts({ Action: 'GetFederationToken', Name: 'bob', DurationSeconds: '900', Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}' }, PORTAL);
    const res = await login(await tokenFor(creds, { SessionDuration: '43200' }));
    expect(res.status).toBe(302);
    const page = await consolePage(sessionCookie(res));
    expect(page).toContain('arn:aws:sts::123456789012:federated-user/bob');
    expect(minutesLeft(page)).toBeLessThanOrEqual(15);
  });

  it('AssumeRoleWithWebIdentity credentials, POST with a form body, the getSignInToken spelling, an allow-listed Destination elsewhere', async () => {
    const creds = await sts({ Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('WebDev'), RoleSessionName: 'web-alice', WebIdentityToken: await fx.webToken() });
    const res = await fetch(`${b.url}/federation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Action: 'getSignInToken', Session: sessionJson(creds) }).toString(),
    });
    expect(res.status).toBe(200);
    const token = ((await res.json()) as { SigninToken: string }).SigninToken;
    const signedIn = await login(token, 'https://portal.example.com/app/home?x=1');
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get('location')).toBe('https://portal.example.com/app/home?x=1');
    expect(await consolePage(sessionCookie(signedIn))).toContain('assumed-role/WebDev/web-alice');
  });

  it('AssumeRoleWithSAML credentials: the assertion\'s limits (SessionDuration attribute, SessionNotOnOrAfter) cap the console session too', async () => {
    const assertion = fx.idp.response({
      acsUrl: `${PUBLIC_URL}/saml`,
      audience: `${PUBLIC_URL}/saml/metadata`,
      nameId: 'capped@example.com',
      attributes: { [AWS_ROLE]: [`${roleArn('SamlDev')},${SAML_PROVIDER_ARN}`], [AWS_ROLE_SESSION_NAME]: ['capped'], [AWS_SESSION_DURATION]: ['900'] },
    });
    const creds = await sts({ Action: 'AssumeRoleWithSAML', RoleArn: roleArn('SamlDev'), PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: assertion });
    const res = await login(await tokenFor(creds, { SessionDuration: '43200' }));
    expect(res.status).toBe(302);
    expect(res.headers.getSetCookie().join("\n")).toMatch(/Max-Age=(8\d\d|900)(;|$)/m);
    expect(minutesLeft(await consolePage(sessionCookie(res)))).toBeLessThanOrEqual(15);
  });

  it('the login URL may spell the token SignInToken (as the guide prints it, G6674)', async () => {
    const token = await tokenFor(await assumePortalRole());
    const qs = new URLSearchParams({ Action: 'login', Destination: CONSOLE, SignInToken: token });
    const res = await fetch(`${b.url}/federation?${qs}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(sessionCookie(res)).not.toBe('');
  });

  it('a sign-out is final on every instance, even one whose clock is behind the one that signed in', async () => {
    const cookie = sessionCookie(await login(await tokenFor(await assumePortalRole())));
    const id = b.broker.consoleSessions.read({ headers: { cookie } })!.id!;
    expect(id).toMatch(/^console-/);
    // The revocation as an instance two seconds behind would write it.
    await b.broker.revocations.revoke('session', id, Date.now() - 2000);
    expect(await consolePage(cookie)).not.toContain('assumed-role/WebDev/alice');
  });

  it('logout ends the console session everywhere and clears the cookie; the credentials it came from keep working', async () => {
    const creds = await assumePortalRole();
    const cookie = sessionCookie(await login(await tokenFor(creds)));
    expect(await consolePage(cookie)).toContain('assumed-role/WebDev/alice');
    const out = await fetch(`${b.url}/federation?Action=logout`, { headers: { cookie }, redirect: 'manual' });
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe(CONSOLE);
    expect(out.headers.getSetCookie().join('\n')).toMatch(/fedbroker_session=; .*Max-Age=0/);
    // The old cookie no longer opens the console (revoked in the store, seen by every instance).
    expect(await consolePage(cookie)).not.toContain('assumed-role/WebDev/alice');
    expect((await stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: creds })).status).toBe(200);
  });

  it('audit: GetSigninToken and ConsoleLogin events from signin.amazonaws.com name the caller, never the token or the secret', async () => {
    const creds = await assumePortalRole();
    const token = await tokenFor(creds);
    await login(token);
    await b.broker.audit.drain();
    const lines = readFileSync(join(b.dir, 'data/audit.jsonl'), 'utf8');
    const events = lines.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = events.filter((e) => (e['userIdentity'] as { accessKeyId?: string } | undefined)?.accessKeyId === creds.accessKeyId);
    expect(mine.map((e) => e['eventName'])).toEqual(expect.arrayContaining(['GetSigninToken', 'ConsoleLogin']));
    for (const e of mine.filter((x) => x['eventSource'] === 'signin.amazonaws.com')) {
      expect((e['userIdentity'] as { arn: string }).arn).toBe('arn:aws:sts::123456789012:assumed-role/WebDev/alice');
    }
    expect(lines).not.toContain(token);
    expect(lines).not.toContain(creds.secretAccessKey);
    expect(lines).not.toContain(creds.sessionToken!);
  });
});

describe('security.md: sign-in token reused, expired, tampered → rejection page, no session', () => {
  it('reused: the second login with the same token is refused', async () => {
    const token = await tokenFor(await assumePortalRole());
    expect((await login(token)).status).toBe(302);
    const again = await login(token);
    expect(again.status).toBe(400);
    expect(sessionCookie(again)).toBe('');
    expect(await again.text()).toContain('already used');
  });

  it('expired: a token sealed by the broker but past its lifetime is refused', async () => {
    const creds = await assumePortalRole();
    const stale = sealSigninToken(b.broker.keyRing, { sessionToken: creds.sessionToken!, consoleExpiresAt: Math.floor(Date.now() / 1000) + 3600, expiresAtMs: Date.now() - 1 });
    const res = await login(stale);
    expect(res.status).toBe(400);
    expect(sessionCookie(res)).toBe('');
    expect(await res.text()).toContain('expired');
  });

  it('tampered: any changed character, a truncated token, a token from elsewhere are refused', async () => {
    const token = await tokenFor(await assumePortalRole());
    const flipped = token.slice(0, 40) + (token[40] === 'A' ? 'B' : 'A') + token.slice(41);
    for (const bad of [flipped, token.slice(0, -4), 'not-a-token', '']) {
      const res = await login(bad);
      expect(res.status).toBe(400);
      expect(sessionCookie(res)).toBe('');
    }
    // The genuine token was not spent by those attempts.
    expect((await login(token)).status).toBe(302);
  });
});

describe('security.md: Destination not on the allow-list (open redirect), javascript: URLs → rejection', () => {
  it('refuses, sets no cookie, and leaves the token usable with an allowed Destination', async () => {
    const token = await tokenFor(await assumePortalRole());
    for (const destination of ['https://evil.example/', 'javascript:alert(1)', '//evil.example/console', 'https://portal.example.com/other', `${PUBLIC_URL}.evil.example/console`, '']) {
      const res = await login(token, destination);
      expect(res.status, destination).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(sessionCookie(res)).toBe('');
    }
    expect((await login(token)).status).toBe(302);
  });
});

describe('getSigninToken refusals', () => {
  it('credentials that are not whole and ours: wrong secret, wrong key id, long-term keys, a forged token, bad JSON', async () => {
    const creds = await assumePortalRole();
    const cases: Array<[string, string]> = [
      [JSON.stringify({ sessionId: creds.accessKeyId, sessionKey: `${creds.secretAccessKey.slice(0, -1)}x`, sessionToken: creds.sessionToken }), 'InvalidClientTokenId'],
      [JSON.stringify({ sessionId: 'ASIAAAAAAAAAAAAAAAAA', sessionKey: creds.secretAccessKey, sessionToken: creds.sessionToken }), 'InvalidClientTokenId'],
      [JSON.stringify({ sessionId: PORTAL.accessKeyId, sessionKey: PORTAL.secretAccessKey, sessionToken: '' }), 'InvalidClientTokenId'],
      [JSON.stringify({ sessionId: creds.accessKeyId, sessionKey: creds.secretAccessKey, sessionToken: `${creds.sessionToken!.slice(0, 50)}AAAA${creds.sessionToken!.slice(54)}` }), 'InvalidClientTokenId'],
      [JSON.stringify({ sessionId: PORTAL.accessKeyId, sessionKey: PORTAL.secretAccessKey }), 'InvalidParameterValue'],
      ['{not json', 'InvalidParameterValue'],
    ];
    for (const [session, code] of cases) {
      const res = await fetch(`${b.url}/federation?${new URLSearchParams({ Action: 'getSigninToken', Session: session })}`);
      expect(res.status, session).toBe(400);
      expect(((await res.json()) as { Error: { Code: string } }).Error.Code, session).toBe(code);
    }
  });

  it('SessionDuration outside 900..43200 or not an integer: ValidationError naming sessionDuration', async () => {
    const creds = await assumePortalRole();
    for (const d of ['899', '43201', '1e4', '-5']) {
      const r = await getSigninToken(creds, { SessionDuration: d });
      expect(r.status).toBe(400);
      expect((r.json['Error'] as { Code: string; Message: string }).Code).toBe('ValidationError');
      expect((r.json['Error'] as { Message: string }).Message).toContain("at 'sessionDuration'");
    }
  });

  it('GetSessionToken credentials and role-chained credentials cannot open a console (G6567)', async () => {
    const session = await sts({ Action: 'GetSessionToken', DurationSeconds: '900' }, PORTAL);
    const r1 = await getSigninToken(session);
    expect(r1.status).toBe(403);
    expect((r1.json['Error'] as { Message: string }).Message).toContain('GetSessionToken');

    const chainer = await sts({ Action: 'AssumeRole', RoleArn: roleArn('Chainer'), RoleSessionName: 'c1' }, PORTAL);
    const chained = await sts({ Action: 'AssumeRole', RoleArn: roleArn('Target'), RoleSessionName: 'c2' }, chainer);
    const r2 = await getSigninToken(chained);
    expect(r2.status).toBe(403);
    expect((r2.json['Error'] as { Message: string }).Message).toContain('role chaining');
    // The first hop (long-term keys) may.
    expect((await getSigninToken(chainer)).status).toBe(200);
  });

  it('revoked credentials are refused, and a sign-in link made before the revocation no longer works', async () => {
    const creds = await assumePortalRole();
    const token = await tokenFor(creds);
    await b.broker.revocations.revoke('session', creds.accessKeyId);
    expect((await getSigninToken(creds)).status).toBe(400);
    const res = await login(token);
    expect(res.status).toBe(403);
    expect(sessionCookie(res)).toBe('');
  });
});

describe('served on the lean node:http path, with the answers the Express app gave', () => {
  it('security headers, no caching, an encoded Location; GET and POST only (405 with Allow)', async () => {
    const creds = await assumePortalRole();
    const r = await fetch(`${b.url}/federation?${new URLSearchParams({ Action: 'getSigninToken', Session: sessionJson(creds) })}`);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    const token = ((await r.json()) as { SigninToken: string }).SigninToken;
    const destination = 'https://portal.example.com/app/ünïcode path?q=1';
    const res = await login(token, destination);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://portal.example.com/app/%C3%BCn%C3%AFcode%20path?q=1');
    expect(sessionCookie(res)).not.toBe('');

    const put = await fetch(`${b.url}/federation?Action=logout`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    // The trailing slash is the same endpoint (as Express's router had it).
    const slash = await fetch(`${b.url}/federation/?Action=nothing`);
    expect(slash.status).toBe(400);
    expect(slash.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await slash.text()).toContain('Unknown action');
  });

  it('a parameter given twice is ambiguous and ignored; a form body over limits.maxBodyBytes is refused with 413', async () => {
    const creds = await assumePortalRole();
    const twice = await fetch(`${b.url}/federation?Action=getSigninToken&Session=${encodeURIComponent(sessionJson(creds))}&Session=x`);
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { Error: { Code: string } }).Error.Code).toBe('MissingParameter');
    const big = await fetch(`${b.url}/federation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `Action=getSigninToken&Session=${'x'.repeat(b.broker.loaded.config.limits.maxBodyBytes)}`,
    });
    expect(big.status).toBe(413);
  });

  it('limits.requestsPerMinutePerIp applies (429 page with Retry-After)', async () => {
    const limited = await startBroker(fx.config({ limits: { requestsPerMinutePerIp: 2 } }), { dir: fx.dir });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${limited.url}/federation?Action=logout`, { redirect: 'manual' })).status);
      expect(statuses).toEqual([302, 302, 429]);
      const refused = await fetch(`${limited.url}/federation?Action=logout`, { redirect: 'manual' });
      expect(refused.headers.get('retry-after')).toBe('60');
      expect(await refused.text()).toContain('Too many requests');
    } finally {
      await limited.close();
    }
  });
});
