/**
 * The state several broker processes must share (quality.md "Scale"): one suite, run against every
 * way of having two of them — two workers of one node:cluster broker on SQLite
 * (test/cluster/workers.test.ts) and two broker instances on one PostgreSQL
 * (test/e2e/instances.test.ts). Each test does the first half on one process and the second on the
 * other, through the public API, over connections pinned to each:
 *
 * - a SAML assertion used on one is refused on the other (replay);
 * - a TOTP code used on one is refused on the other; failed codes on both add up to one lockout;
 * - a federation sign-in token works once across both;
 * - `fedbroker revoke` (the operator's command, against the shared store) takes effect on both within
 *   a second; a console sign-out on one ends the session on the other within a second.
 */
import { expect, it } from 'vitest';
import { TEST_ACCOUNT } from './broker.js';
import { fedbroker } from './fedbrokerCli.js';
import { Authenticator } from './iamSts.js';
import type { PinnedConnection } from './pinnedConnection.js';
import { PORTAL, PUBLIC_URL, roleArn, SAML_PROVIDER_ARN, type StsFixture } from './stsFixture.js';
import { awsError, credentialsOf, resultValue, stsQuery, type Keys, type RawResponse } from './stsHttp.js';

export const IAM_VERSION = '2010-05-08';
// ±2 steps: the test's few codes all come from steps inside the window, so it never waits for the clock.
const MFA_WINDOW = 2;

/** Two IAM users that enrol a virtual MFA device through the API (one for reuse, one for lockout). */
export const MFA_USERS = {
  once: { accessKeyId: 'AKIAMFAONCE000000001', secretAccessKey: 'mfaOnceSecretKey/0123456789abcdefghijklmn' },
  lock: { accessKeyId: 'AKIAMFALOCK000000001', secretAccessKey: 'mfaLockSecretKey/0123456789abcdefghijklmn' },
} as const;

/** The fixture's configuration plus what the suite needs (MFA users, a lockout of 3 failures), over `overrides`. */
export function sharedStateConfig(fx: StsFixture, overrides: Record<string, unknown>): Record<string, unknown> {
  const base = fx.config();
  const mfaPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'sts:GetSessionToken'], Resource: '*' }] };
  const users = [
    ...(base['users'] as unknown[]),
    { name: 'mfa-once', accessKeys: [{ id: MFA_USERS.once.accessKeyId, secret: MFA_USERS.once.secretAccessKey }], inlinePolicies: [mfaPolicy] },
    { name: 'mfa-lock', accessKeys: [{ id: MFA_USERS.lock.accessKeyId, secret: MFA_USERS.lock.secretAccessKey }], inlinePolicies: [mfaPolicy] },
  ];
  return fx.config({ account: { id: TEST_ACCOUNT }, users, mfa: { window: MFA_WINDOW, maxFailures: 3, lockoutSeconds: 600 }, limits: { requestsPerMinutePerIp: 0 }, ...overrides });
}

export interface TwoProcesses {
  readonly fx: StsFixture;
  /** A connection to each of the two processes (proved distinct by the setup). */
  readonly a: PinnedConnection;
  readonly b: PinnedConnection;
  /** A configuration file of the same store, for the operator's commands. */
  readonly configFile: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 50 ms until it is true; the time it took (ms), or Infinity after `limitMs`. */
async function timeUntil(check: () => Promise<boolean>, limitMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started <= limitMs) {
    if (await check()) return Date.now() - started;
    await sleep(50);
  }
  return Infinity;
}

export function sharedStateTests(env: () => TwoProcesses): void {
  const query = (c: PinnedConnection, params: Record<string, string>, credentials?: Keys, service?: 'iam'): Promise<RawResponse> =>
    stsQuery(c.baseUrl, params, { send: c.send, ...(credentials ? { credentials } : {}), ...(service ? { service } : {}) });

  async function enrol(c: PinnedConnection, user: Keys, name: string): Promise<Authenticator> {
    const created = await query(c, { Action: 'CreateVirtualMFADevice', Version: IAM_VERSION, VirtualMFADeviceName: name }, user, 'iam');
    expect(created.status, created.body).toBe(200);
    const serial = resultValue(created, 'VirtualMFADevice/SerialNumber')!;
    const seed = Buffer.from(resultValue(created, 'VirtualMFADevice/Base32StringSeed')!, 'base64').toString('ascii');
    const app = new Authenticator(serial, seed, MFA_WINDOW);
    const [code1, code2] = await app.pair();
    const enabled = await query(c, { Action: 'EnableMFADevice', Version: IAM_VERSION, UserName: name, SerialNumber: serial, AuthenticationCode1: code1, AuthenticationCode2: code2 }, user, 'iam');
    expect(enabled.status, enabled.body).toBe(200);
    return app;
  }
  const sessionWithCode = (c: PinnedConnection, user: Keys, app: Authenticator, code: string) =>
    query(c, { Action: 'GetSessionToken', SerialNumber: app.serial, TokenCode: code }, user);

  const sessionJson = (k: Keys) => JSON.stringify({ sessionId: k.accessKeyId, sessionKey: k.secretAccessKey, sessionToken: k.sessionToken });
  const loginPath = (token: string) =>
    `/federation?${new URLSearchParams({ Action: 'login', Issuer: 'https://portal.example.com/', Destination: `${PUBLIC_URL}/console`, SigninToken: token })}`;
  const cookieOf = (r: RawResponse) => {
    const set = ([] as string[]).concat(r.headers['set-cookie'] ?? []).find((c) => c.startsWith('fedbroker_session='));
    return set === undefined ? '' : set.split(';')[0]!;
  };
  const signedIn = async (c: PinnedConnection, cookie: string) => (await c.get('/console', { cookie })).body.includes('Signed in as');

  it('a SAML assertion used on one is refused on the other (replay)', async () => {
    const { fx, a, b } = env();
    const assertion = fx.samlResponse();
    const params = { Action: 'AssumeRoleWithSAML', RoleArn: roleArn('SamlDev'), PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: assertion };
    const first = await query(a, params);
    expect(first.status, first.body).toBe(200);
    const replay = await query(b, params);
    expect(replay.status, replay.body).toBe(403);
    expect(awsError(replay).code).toBe('IDPRejectedClaim');
  });

  it('a TOTP code used on one is refused on the other', async () => {
    const { a, b } = env();
    const user = MFA_USERS.once;
    const app = await enrol(a, user, 'mfa-once');
    const code = await app.next();
    const first = await sessionWithCode(b, user, app, code);
    expect(first.status, first.body).toBe(200);
    const again = await sessionWithCode(a, user, app, code);
    expect(again.status).toBe(403);
    expect(awsError(again).message).toBe('MultiFactorAuthentication failed with invalid MFA one time pass code.');
    // A fresh code still works, on either.
    expect((await sessionWithCode(a, user, app, await app.next())).status).toBe(200);
  });

  it('failed codes on both add up to one lockout, seen by both', async () => {
    const { a, b } = env();
    const user = MFA_USERS.lock;
    const app = await enrol(b, user, 'mfa-lock');
    for (const [c, wrong] of [[a, '000001'], [b, '000002'], [a, '000003']] as const) {
      expect((await sessionWithCode(c, user, app, wrong)).status).toBe(403);
    }
    const good = await app.next();
    for (const c of [b, a]) {
      const locked = await sessionWithCode(c, user, app, good);
      expect(locked.status).toBe(403);
      expect(awsError(locked).message).toMatch(/temporarily locked/);
    }
  });

  it('a sign-in token works once across both', async () => {
    const { a, b } = env();
    const creds = credentialsOf(await query(a, { Action: 'AssumeRole', RoleArn: roleArn('WebDev'), RoleSessionName: 'portal-user' }, PORTAL));
    const issued = await a.get(`/federation?${new URLSearchParams({ Action: 'getSigninToken', Session: sessionJson(creds) })}`);
    expect(issued.status, issued.body).toBe(200);
    const token = (JSON.parse(issued.body) as { SigninToken: string }).SigninToken;
    const first = await b.get(loginPath(token));
    expect(first.status, first.body).toBe(302);
    expect(cookieOf(first)).not.toBe('');
    const again = await a.get(loginPath(token));
    expect(again.status).toBe(400);
    expect(again.body).toContain('already used');
    expect(cookieOf(again)).toBe('');
  });

  it('`fedbroker revoke` takes effect on both within a second', async () => {
    const { a, b, configFile } = env();
    const creds = credentialsOf(await query(b, { Action: 'AssumeRole', RoleArn: roleArn('WebDev'), RoleSessionName: 'to-revoke' }, PORTAL));
    for (const c of [a, b]) expect((await query(c, { Action: 'GetCallerIdentity' }, creds)).status).toBe(200);
    const r = await fedbroker(['revoke', 'session', creds.accessKeyId, '--config', configFile]);
    expect(r.code, r.stderr).toBe(0);
    for (const c of [a, b]) {
      const took = await timeUntil(async () => (await query(c, { Action: 'GetCallerIdentity' }, creds)).status === 403, 1000);
      expect(took).toBeLessThanOrEqual(1000);
    }
    expect(awsError(await query(a, { Action: 'GetCallerIdentity' }, creds)).code).toBe('InvalidClientTokenId');
  });

  it('a console sign-out on one ends the session on the other within a second', async () => {
    const { a, b } = env();
    const creds = credentialsOf(await query(a, { Action: 'AssumeRole', RoleArn: roleArn('WebDev'), RoleSessionName: 'console-user' }, PORTAL));
    const token = (JSON.parse((await b.get(`/federation?${new URLSearchParams({ Action: 'getSigninToken', Session: sessionJson(creds) })}`)).body) as { SigninToken: string }).SigninToken;
    const cookie = cookieOf(await a.get(loginPath(token)));
    expect(cookie).not.toBe('');
    expect(await signedIn(a, cookie)).toBe(true);
    expect(await signedIn(b, cookie)).toBe(true);
    const out = await b.get('/federation?Action=logout', { cookie });
    expect(out.status).toBe(302);
    expect(await signedIn(b, cookie)).toBe(false);
    expect(await timeUntil(async () => !(await signedIn(a, cookie)), 1000)).toBeLessThanOrEqual(1000);
  });
}
