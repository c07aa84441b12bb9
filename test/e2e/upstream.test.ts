/**
 * Upstream mode end to end (upstream.md): a second fedbroker instance plays AWS (STS Query API, SigV4,
 * /federation) with the user `broker` whose keys the first instance uses, and roles whose trust
 * policy allows that user sts:AssumeRole, sts:TagSession and sts:SetSourceIdentity under conditions.
 * The AWS SDK calls AssumeRoleWithWebIdentity, AssumeRoleWithSAML and AssumeRole on the first
 * instance; the credentials it returns are AWS's: GetCallerIdentity on the second accepts them (the
 * target role's assumed-role ARN, the person's session name), the source identity and the tags
 * arrived there (its audit, its /authorize), the first instance's audit names the upstream issuance.
 * Then the operator commands: check-config --upstream, signin-url --upstream, revoke role.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AssumeRoleCommand,
  AssumeRoleWithSAMLCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
  type Credentials,
} from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { Browser, pageText } from '../helpers/browser.js';
import { fedbroker } from '../helpers/fedbrokerCli.js';
import { AWS_ROLE, AWS_ROLE_SESSION_NAME } from '../helpers/samlIdp.js';
import { ACS_URL, createStsFixture, OIDC_PROVIDER_ARN, PORTAL, PROVIDER, SAML_PROVIDER_ARN, SP_ENTITY_ID, userArn, type StsFixture } from '../helpers/stsFixture.js';
import type { Keys } from '../helpers/stsHttp.js';
import { AWS_ACCOUNT, awsView, BROKER_KEYS, PROD_ADMIN, startAws, UNTRUSTING, upstreamBlock } from '../helpers/upstreamAws.js';

const TAGS_CLAIM = 'https://aws.amazon.com/tags';
const PT = 'https://aws.amazon.com/SAML/Attributes/PrincipalTag:';
const localRoleArn = (name: string) => `arn:aws:iam::${TEST_ACCOUNT}:role/${name}`;

/** The local decision for an upstream role: its identity providers and the portal user; tags and source identity allowed. */
const prodAdminTrust = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: OIDC_PROVIDER_ARN },
      Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity'],
      Condition: { StringEquals: { [`${PROVIDER}:aud`]: 'test-app' } },
    },
    { Effect: 'Allow', Principal: { Federated: SAML_PROVIDER_ARN }, Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession', 'sts:SetSourceIdentity'], Condition: { StringEquals: { 'saml:aud': ACS_URL } } },
    { Effect: 'Allow', Principal: { AWS: userArn('portal') }, Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'] },
  ],
};

let fx: StsFixture;
let aws: StartedBroker;
let b: StartedBroker;

const sts = (endpoint: string, credentials: Keys = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'unused-for-unsigned-calls' }) =>
  new STSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const keysOf = (c: Credentials | undefined): Keys => ({ accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! });

function events(dir: string, name: string): Record<string, any>[] {
  return readFileSync(join(dir, 'data', 'audit.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, any>)
    .filter((e) => e['eventName'] === name);
}

beforeAll(async () => {
  fx = await createStsFixture();
  aws = await startAws();
  b = await startBroker(
    fx.config({
      upstream: upstreamBlock(aws),
      accounts: [{ id: AWS_ACCOUNT, name: 'production' }],
      roles: [
        { name: 'ProdAdmin', maxSessionDuration: 7200, trustPolicy: prodAdminTrust, upstream: { roleArn: PROD_ADMIN } },
        { name: 'Untrusted', trustPolicy: prodAdminTrust, upstream: { roleArn: UNTRUSTING } },
        // A local role of the same name as an AWS role: never reachable through the AWS account's ARN.
        { name: 'fedbroker-Local', trustPolicy: prodAdminTrust },
      ],
      users: [
        {
          name: 'portal',
          accessKeys: [{ id: PORTAL.accessKeyId, secret: PORTAL.secretAccessKey }],
          inlinePolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'], Resource: '*' }] }],
        },
      ],
      policies: [{ name: 'S3Read', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }] } }],
    }),
    { dir: fx.dir },
  );
}, 60_000);

afterAll(async () => {
  await b?.close();
  await aws?.close();
  fx?.cleanup();
});

describe('AssumeRoleWithWebIdentity on an upstream role (AWS SDK v3)', () => {
  it('returns AWS credentials: GetCallerIdentity at AWS accepts them; source identity and tags arrived; the audit names the issuance', async () => {
    const token = await fx.webToken({ sub: 'alice', [TAGS_CLAIM]: { principal_tags: { Department: ['Engineering'] }, transitive_tag_keys: ['Department'] } });
    const out = await sts(b.url).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: PROD_ADMIN, RoleSessionName: 'alice', WebIdentityToken: token, DurationSeconds: 3600 }));
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/fedbroker-ProdAdmin/alice`);
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z0-9]+:alice$/);
    expect(out.SourceIdentity).toBe('alice');
    expect(out.SubjectFromWebIdentityToken).toBe('alice');
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    const lifetime = out.Credentials!.Expiration!.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(3500_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000);
    const keys = keysOf(out.Credentials);

    const me = await sts(aws.url, keys).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/fedbroker-ProdAdmin/alice`);
    expect(me.Account).toBe(AWS_ACCOUNT);
    // They are AWS's, not the first instance's.
    await expect(sts(b.url, keys).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });

    const view = await awsView(aws, keys, 'Engineering');
    expect(view.decision).toBe('Allow');
    expect(view.principal['tags']).toEqual({ Department: 'Engineering' });
    expect((await awsView(aws, keys, 'Finance')).decision).toBe('Deny');

    const atAws = events(aws.dir, 'AssumeRole').at(-1)!;
    expect(atAws['userIdentity']['arn']).toBe(`arn:aws:iam::${AWS_ACCOUNT}:user/broker`);
    expect(atAws['requestParameters']).toMatchObject({ roleArn: PROD_ADMIN, roleSessionName: 'alice', sourceIdentity: 'alice', durationSeconds: 3600 });
    expect(atAws['requestParameters']['tags']).toEqual([{ key: 'Department', value: 'Engineering' }]);
    expect(atAws['requestParameters']['transitiveTagKeys']).toEqual(['Department']);

    const here = events(b.dir, 'AssumeRoleWithWebIdentity').at(-1)!;
    expect(here['upstream']).toEqual({ requestId: atAws['requestID'], accessKeyId: keys.accessKeyId, assumedRoleArn: me.Arn });
    expect(here['resources'][0]).toEqual({ ARN: PROD_ADMIN, accountId: AWS_ACCOUNT, type: 'AWS::IAM::Role' });
    expect(JSON.stringify(here)).not.toContain(BROKER_KEYS.accessKeyId);
    expect(JSON.stringify(here)).not.toContain(keys.secretAccessKey);
  });

  it('passes the inline session policy on: AWS narrows the session with it', async () => {
    const token = await fx.webToken({ sub: 'alice', [TAGS_CLAIM]: { principal_tags: { Department: ['Engineering'] } } });
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] });
    const out = await sts(b.url).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: PROD_ADMIN, RoleSessionName: 'alice', WebIdentityToken: token, Policy: policy }));
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    expect((await awsView(aws, keysOf(out.Credentials), 'Engineering')).decision).toBe('Deny');
  });

  it('refuses PolicyArns naming fedbroker policies for an upstream role (ValidationError)', async () => {
    const token = await fx.webToken({ sub: 'alice' });
    await expect(
      sts(b.url).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: PROD_ADMIN, RoleSessionName: 'alice', WebIdentityToken: token, PolicyArns: [{ arn: `arn:aws:iam::${TEST_ACCOUNT}:policy/S3Read` }] })),
    ).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('PolicyArns') });
  });

  it('an AWS role that does not trust the broker: AccessDenied naming it and its trust policy, no keys of the broker', async () => {
    const token = await fx.webToken({ sub: 'alice' });
    const error = await sts(b.url)
      .send(new AssumeRoleWithWebIdentityCommand({ RoleArn: UNTRUSTING, RoleSessionName: 'alice', WebIdentityToken: token }))
      .catch((e: unknown) => e as Error & { $metadata: { httpStatusCode: number } });
    expect(error).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect((error as Error).message).toContain(UNTRUSTING);
    expect((error as Error).message).toContain('trust policy');
    expect((error as Error).message).not.toContain(BROKER_KEYS.accessKeyId);
  });

  it('tags the AWS role does not allow (its sts:TagSession condition): AccessDenied', async () => {
    const token = await fx.webToken({ sub: 'alice', [TAGS_CLAIM]: { principal_tags: { Team: ['blue'] } } });
    await expect(sts(b.url).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: PROD_ADMIN, RoleSessionName: 'alice', WebIdentityToken: token }))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('sts:TagSession'),
    });
  });

  it('ARNs of another account reach upstream roles only: a local role is not reachable through a foreign ARN, nor an upstream role through a local one', async () => {
    const token = await fx.webToken({ sub: 'alice' });
    for (const roleArn of [`arn:aws:iam::${AWS_ACCOUNT}:role/fedbroker-Local`, localRoleArn('ProdAdmin')]) {
      await expect(sts(b.url).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'alice', WebIdentityToken: token }))).rejects.toMatchObject({ name: 'AccessDenied' });
    }
    const local = await sts(b.url).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: localRoleArn('fedbroker-Local'), RoleSessionName: 'alice', WebIdentityToken: token }));
    expect(local.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/fedbroker-Local/alice`);
  });
});

describe('AssumeRoleWithSAML and AssumeRole on an upstream role', () => {
  it('SAML (xmlsec1-signed, the Role attribute naming the AWS role): the NameID as source identity, the PrincipalTag as tag', async () => {
    const assertion = fx.idp.response({
      acsUrl: ACS_URL,
      audience: SP_ENTITY_ID,
      nameId: 'bob@example.com',
      attributes: { [AWS_ROLE]: [`${PROD_ADMIN},${SAML_PROVIDER_ARN}`], [AWS_ROLE_SESSION_NAME]: ['bob'], [`${PT}Project`]: ['Apollo'] },
    });
    const out = await sts(b.url).send(new AssumeRoleWithSAMLCommand({ RoleArn: PROD_ADMIN, PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: assertion }));
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/fedbroker-ProdAdmin/bob`);
    expect(out.SourceIdentity).toBe('bob@example.com');
    expect(out.Subject).toBe('bob@example.com');
    const keys = keysOf(out.Credentials);
    expect((await sts(aws.url, keys).send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/fedbroker-ProdAdmin/bob`);
    expect((await awsView(aws, keys)).principal['tags']).toEqual({ Project: 'Apollo' });
    expect(events(aws.dir, 'AssumeRole').at(-1)!['requestParameters']).toMatchObject({ roleSessionName: 'bob', sourceIdentity: 'bob@example.com' });
    expect(events(b.dir, 'AssumeRoleWithSAML').at(-1)!['upstream']['assumedRoleArn']).toBe(out.AssumedRoleUser?.Arn);
  });

  it('AssumeRole by an IAM user of the broker: the user name as source identity', async () => {
    const out = await sts(b.url, PORTAL).send(new AssumeRoleCommand({ RoleArn: PROD_ADMIN, RoleSessionName: 'portal-session' }));
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/fedbroker-ProdAdmin/portal-session`);
    expect(out.SourceIdentity).toBe('portal');
    expect((await sts(aws.url, keysOf(out.Credentials)).send(new GetCallerIdentityCommand({}))).Account).toBe(AWS_ACCOUNT);
  });
});

describe('operator commands', () => {
  it('check-config --upstream shows which AWS identity fedbroker runs as', async () => {
    const r = await fedbroker(['check-config', b.configFile, '--upstream']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`fedbroker runs as arn:aws:iam::${AWS_ACCOUNT}:user/broker`);
    expect(r.stdout).not.toContain(BROKER_KEYS.secretAccessKey);
  });

  it('signin-url --upstream: upstream credentials → the AWS console (the instance playing AWS)', async () => {
    const token = await fx.webToken({ sub: 'alice' });
    const out = await sts(b.url).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: PROD_ADMIN, RoleSessionName: 'alice', WebIdentityToken: token }));
    const keys = keysOf(out.Credentials);
    const r = await fedbroker(['signin-url', '--upstream', '--config', b.configFile, '--duration', '7200'], {
      env: { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey, AWS_SESSION_TOKEN: keys.sessionToken! },
    });
    expect(r.code).toBe(0);
    const url = new URL(r.stdout.trim());
    expect(`${url.origin}${url.pathname}`).toBe(`${aws.url}/federation`);
    expect(url.searchParams.get('Action')).toBe('login');
    expect(url.searchParams.get('Destination')).toBe(`${aws.url}/console`);
    const browser = new Browser(aws.url);
    const login = await browser.get(`${url.pathname}${url.search}`);
    expect(login.status).toBe(302);
    const console = await browser.follow(login);
    expect(pageText(console.body)).toContain(`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/fedbroker-ProdAdmin/alice`);
  });

  it('revoke role on an upstream role: new issuances stop at once; the AWS way to revoke the issued ones is printed', async () => {
    const r = await fedbroker(['revoke', 'role', PROD_ADMIN, '--config', b.configFile]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('AWSRevokeOlderSessions');
    expect(r.stdout).toContain('aws:TokenIssueTime');
    expect(r.stdout).toContain('--role-name fedbroker-ProdAdmin');
    await b.broker.revocations.poll();
    const token = await fx.webToken({ sub: 'alice' });
    await expect(sts(b.url).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: PROD_ADMIN, RoleSessionName: 'alice', WebIdentityToken: token }))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('revoked by an operator'),
    });
    expect(events(b.dir, 'RevokeSessions').at(-1)!['requestParameters']).toMatchObject({ scope: 'role', target: PROD_ADMIN });
  });
});
