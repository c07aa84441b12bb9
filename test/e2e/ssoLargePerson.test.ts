/**
 * Found by review: the access token carries the person (every SAML attribute, all values), and it
 * travels in a request header. A person in a few hundred directory groups — ordinary in a company's
 * Active Directory — got a token of more than 16 KB from CreateToken that no portal call accepted
 * (over the sealed-blob limit, and over Node's 16 KB header limit). Tokens are now sealed deflated:
 * the same person's token is a few KB and works with the SDK's SSO client.
 */
import { GetRoleCredentialsCommand, ListAccountRolesCommand, ListAccountsCommand } from '@aws-sdk/client-sso';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateClient } from '../../src/sso/clients.js';
import type { Person } from '../../src/sso/person.js';
import { openAccessToken } from '../../src/sso/tokens.js';
import { TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { deviceLogin, portalClient, startSsoBroker } from '../helpers/ssoBroker.js';

let b: StartedBroker;
beforeAll(async () => {
  b = await startSsoBroker({ sso: { requireMfa: false } });
}, 60_000);
afterAll(async () => b?.close());

describe('a person in many groups', () => {
  it('gets an access token the portal API accepts', async () => {
    const { client, token } = await deviceLogin(b, 'bob');
    const bob = openAccessToken(b.broker.keyRing, token.accessToken)!.p;
    const groups = bob.conditionKeys['saml:attr/groups'];
    // 300 more groups, named as a directory names them.
    const many = [...(Array.isArray(groups) ? groups : [groups as string]), ...Array.from({ length: 300 }, (_, i) => `CN=app-${i}-users,OU=Application Groups,OU=Groups,DC=corp,DC=example,DC=com`)];
    const person: Person = { ...bob, conditionKeys: { ...bob.conditionKeys, 'saml:attr/groups': many } };
    expect(JSON.stringify(person).length).toBeGreaterThan(20_000);

    const registered = authenticateClient(b.broker.keyRing, client.clientId, client.clientSecret);
    const issued = await b.broker.sso.sessions.start(person, registered, ['sso:account:access']);

    const portal = portalClient(b.url);
    const accounts = await portal.send(new ListAccountsCommand({ accessToken: issued.accessToken }));
    expect(accounts.accountList?.map((a) => a.accountId)).toEqual([TEST_ACCOUNT]);
    const roles = await portal.send(new ListAccountRolesCommand({ accessToken: issued.accessToken, accountId: TEST_ACCOUNT }));
    expect(roles.roleList?.map((r) => r.roleName)).toContain('Developer');
    const credentials = await portal.send(new GetRoleCredentialsCommand({ accessToken: issued.accessToken, accountId: TEST_ACCOUNT, roleName: 'Developer' }));
    expect(credentials.roleCredentials?.accessKeyId).toMatch(/^ASIA/);
    expect(issued.accessToken.length).toBeLessThan(8_192);
  }, 60_000);
});
