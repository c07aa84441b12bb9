/**
 * Command-line sign-in and the access portal with an upstream role (upstream.md × sso.md): the AWS
 * account of the role is listed under its configured name, GetRoleCredentials (SSO SDK client) and the
 * portal's *Command line access* hand out what AWS STS issued — a second fedbroker instance plays AWS —
 * with the person as SourceIdentity, and *Management console* ends at the AWS federation endpoint.
 * An upstream refusal is the portal API's own ForbiddenException, never a 500.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetRoleCredentialsCommand, ListAccountRolesCommand, ListAccountsCommand } from '@aws-sdk/client-sso';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, forms, pageText, unescapeHtml } from '../helpers/browser.js';
import { TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { deviceLogin, devRoles, devTrustPolicy, portalClient, signInThroughDevIdp, startSsoBroker } from '../helpers/ssoBroker.js';
import { AWS_ACCOUNT, PROD_ADMIN, startAws, UNTRUSTING, upstreamBlock } from '../helpers/upstreamAws.js';

describe('command-line sign-in and the portal with upstream roles', () => {
  let aws: StartedBroker;
  let b: StartedBroker;

  beforeAll(async () => {
    aws = await startAws();
    const extra = { upstream: upstreamBlock(aws), sso: { requireMfa: false } };
    b = await startSsoBroker(extra);
    const developers = (roleArn: string) => ({ upstream: { roleArn }, trustPolicy: devTrustPolicy(b.url, ['developers']) });
    await b.reload({
      devIdentityProviders: true,
      store: 'memory:',
      ...extra,
      roles: [...devRoles(b.url), { name: 'ProdAdmin', ...developers(PROD_ADMIN) }, { name: 'Untrusting', ...developers(UNTRUSTING) }],
      accounts: [
        { id: TEST_ACCOUNT, name: 'Development' },
        { id: AWS_ACCOUNT, name: 'production' },
      ],
    });
  }, 90_000);

  afterAll(async () => {
    await b?.close();
    await aws?.close();
  });

  it('lists the AWS account by name and gets AWS credentials for the upstream role', async () => {
    const { token } = await deviceLogin(b, 'bob');
    const portal = portalClient(b.url);
    const accounts = await portal.send(new ListAccountsCommand({ accessToken: token.accessToken! }));
    expect(accounts.accountList?.map((a) => [a.accountId, a.accountName]).sort()).toEqual([
      [AWS_ACCOUNT, 'production'],
      [TEST_ACCOUNT, 'Development'],
    ]);
    const roles = await portal.send(new ListAccountRolesCommand({ accessToken: token.accessToken!, accountId: AWS_ACCOUNT }));
    expect(roles.roleList?.map((r) => r.roleName).sort()).toEqual(['ProdAdmin', 'Untrusting']);

    const got = await portal.send(new GetRoleCredentialsCommand({ accessToken: token.accessToken!, accountId: AWS_ACCOUNT, roleName: 'ProdAdmin' }));
    const c = got.roleCredentials!;
    // Credentials of the instance playing AWS: only it knows them.
    const sts = new STSClient({ region: 'us-east-1', endpoint: aws.url, credentials: { accessKeyId: c.accessKeyId!, secretAccessKey: c.secretAccessKey!, sessionToken: c.sessionToken! } });
    const who = await sts.send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/fedbroker-ProdAdmin/bob`);
    const local = new STSClient({ region: 'us-east-1', endpoint: b.url, credentials: { accessKeyId: c.accessKeyId!, secretAccessKey: c.secretAccessKey!, sessionToken: c.sessionToken! } });
    await expect(local.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: expect.stringMatching(/InvalidClientTokenId|ExpiredToken|AccessDenied/) });

    const events = readFileSync(join(b.dir, 'data/audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const event = events.filter((e) => e['eventName'] === 'GetRoleCredentials').at(-1)!;
    expect(event['upstream']).toMatchObject({ accessKeyId: c.accessKeyId, assumedRoleArn: `arn:aws:sts::${AWS_ACCOUNT}:assumed-role/fedbroker-ProdAdmin/bob` });
    expect(JSON.stringify(event)).not.toContain(c.secretAccessKey!);
  }, 60_000);

  it('an upstream refusal is ForbiddenException with what AWS said, not a 500', async () => {
    const { token } = await deviceLogin(b, 'bob');
    const refused = await portalClient(b.url)
      .send(new GetRoleCredentialsCommand({ accessToken: token.accessToken!, accountId: AWS_ACCOUNT, roleName: 'Untrusting' }))
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'ForbiddenException', $metadata: { httpStatusCode: 403 } });
    expect(String((refused as Error).message)).toMatch(/trust policy/i);
  }, 60_000);

  it('the portal: the account under its name, command-line access with AWS credentials, the console at the AWS federation endpoint', async () => {
    const browser = new Browser(b.url);
    await signInThroughDevIdp(browser, 'bob', '/start');
    const page = await browser.get('/start');
    expect(pageText(page.body)).toContain(`production ${AWS_ACCOUNT}`);

    const cli = forms(page.body, '/start/credentials').find((f) => f.fields['role'] === PROD_ADMIN)!;
    const creds = await browser.post(cli.action, cli.fields);
    expect(creds.status).toBe(200);
    const shown = unescapeHtml(creds.body);
    const key = /export AWS_ACCESS_KEY_ID="([^"]+)"/.exec(shown)?.[1];
    const secret = /export AWS_SECRET_ACCESS_KEY="([^"]+)"/.exec(shown)?.[1];
    const session = /export AWS_SESSION_TOKEN="([^"]+)"/.exec(shown)?.[1];
    expect(shown).toContain(`[ProdAdmin-${AWS_ACCOUNT}]`);
    const sts = new STSClient({ region: 'us-east-1', endpoint: aws.url, credentials: { accessKeyId: key!, secretAccessKey: secret!, sessionToken: session! } });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/fedbroker-ProdAdmin/bob`);

    const button = forms(page.body, '/start/console').find((f) => f.fields['role'] === PROD_ADMIN)!;
    const opened = await browser.post(button.action, button.fields);
    expect(opened.status).toBe(303);
    expect(opened.location).toMatch(new RegExp(`^${aws.url}/federation\\?Action=login&`));
    // Browsers apply form-action to the redirect after a form post: the portal page allows AWS's origin.
    expect(page.headers.get('content-security-policy')).toMatch(new RegExp(`form-action [^;]*${aws.url}`));
  }, 60_000);
});
