/**
 * security.md, "Found by review": credentials of an IAM user removed from the configuration (or a
 * role removed), used anywhere — Query API, federation endpoint, console cookie, `/authorize` (and the
 * future SSO portal) → rejected as soon as the new configuration is loaded, on every path, through
 * one function (src/sessions/sessionValidity.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionClaims } from '../../src/credentials/types.js';
import { sessionValidity } from '../../src/sessions/sessionValidity.js';
import { startBroker, TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { AUTHORIZING_SERVICE, authorizingServiceUser } from '../helpers/authorize.js';
import { credentialPaths, EVERYWHERE, NOWHERE } from '../helpers/presentedCredentials.js';
import { createStsFixture, PORTAL, PUBLIC_URL, roleArn, type StsFixture } from '../helpers/stsFixture.js';
import { credentialsOf, stsQuery, type Keys } from '../helpers/stsHttp.js';


let fx: StsFixture;
let b: StartedBroker;
let full: Record<string, unknown>;

beforeAll(async () => {
  fx = await createStsFixture();
  const base = fx.config();
  full = fx.config({ users: [...(base['users'] as unknown[]), authorizingServiceUser] });
  b = await startBroker(full, { dir: fx.dir });
});
afterAll(async () => {
  await b?.close();
  fx?.cleanup();
});

const paths = () => credentialPaths(b.url, AUTHORIZING_SERVICE, PUBLIC_URL);

async function sts(params: Record<string, string>, credentials: Keys): Promise<Keys> {
  const r = await stsQuery(b.url, params, { credentials });
  expect(r.status, r.body).toBe(200);
  return credentialsOf(r);
}

const without = (key: 'roles' | 'users', name: string) => ({ ...full, [key]: (full[key] as Array<{ name: string }>).filter((e) => e.name !== name) });

describe('security.md Found by review: a removed owner\'s sessions die on every path', () => {
  it('a role removed from the configuration: its sessions are refused by the Query API, the federation endpoint, the console and /authorize', async () => {
    const creds = await sts({ Action: 'AssumeRole', RoleArn: roleArn('WebDev'), RoleSessionName: 'alice' }, PORTAL);
    const cookie = await paths().openConsole(creds);
    expect(await paths().accepted(creds, cookie)).toEqual(EVERYWHERE);
    await b.reload(without('roles', 'WebDev'));
    try {
      expect(await paths().accepted(creds, cookie)).toEqual(NOWHERE);
    } finally {
      await b.reload(full);
    }
  });

  it('an IAM user removed from the configuration: the sessions it made (GetFederationToken) are refused on every path', async () => {
    const creds = await sts({ Action: 'GetFederationToken', Name: 'carol' }, PORTAL);
    const cookie = await paths().openConsole(creds);
    expect(await paths().accepted(creds, cookie)).toEqual(EVERYWHERE);
    await b.reload(without('users', 'portal'));
    try {
      expect(await paths().accepted(creds, cookie)).toEqual(NOWHERE);
    } finally {
      await b.reload(full);
    }
  });

  it('one exported function answers for any future path (an SSO portal): revoked, role gone, user gone', () => {
    const role = (roleId: string): SessionClaims => ({
      accessKeyId: 'ASIAEXAMPLE000000001', secretAccessKey: 'x', issuedAt: 1, expiresAt: 2, account: TEST_ACCOUNT, partition: 'aws', issuer: 'AssumeRole',
      principal: { kind: 'AssumedRole', roleName: 'WebDev', rolePath: '/', roleId, sessionName: 's' },
    });
    const user = (userName: string): SessionClaims => ({ ...role('x'), issuer: 'GetFederationToken', principal: { kind: 'FederatedUser', name: 'f', userName, userId: 'AIDA1' } });
    let revoked = false;
    const validity = sessionValidity({
      revocations: { isRevoked: () => revoked },
      entities: { roleId: (arn) => (arn === roleArn('WebDev') ? 'AROA1' : undefined), userId: (name) => (name === 'portal' ? 'AIDA1' : undefined) },
    });
    expect(validity.check(role('AROA1'))).toBeUndefined();
    expect(validity.check(role('AROA0'))).toBe('role-removed');
    expect(validity.check(user('portal'))).toBeUndefined();
    expect(validity.check(user('gone'))).toBe('user-removed');
    revoked = true;
    expect(validity.check(role('AROA1'))).toBe('revoked');
    expect(validity.isValid(role('AROA1'))).toBe(false);
  });
});
