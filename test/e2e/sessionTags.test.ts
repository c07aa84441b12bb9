/**
 * Session tags end to end with the AWS SDK v3 (@aws-sdk/client-sts): AssumeRole with Tags,
 * TransitiveTagKeys and SourceIdentity from an IAM user (what an upstream broker sends to AWS),
 * two-step role chaining carrying the transitive tags, GetFederationToken with tags, and the ABAC
 * decisions those sessions get from POST /authorize (aws:PrincipalTag against aws:ResourceTag).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AssumeRoleCommand, DecodeAuthorizationMessageCommand, GetCallerIdentityCommand, GetFederationTokenCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askAuthorize, authorizingServiceUser } from '../helpers/authorize.js';
import { startBroker, TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { encodedMessageOf, rejectsWith, stsClient, temporary, type Keys } from '../helpers/iamSts.js';

const ROLE = (name: string) => `arn:aws:iam::${TEST_ACCOUNT}:role/${name}`;
const PORTAL: Keys = { accessKeyId: 'AKIAPORTAL0000000001', secretAccessKey: 'portalSecretKey/0123456789abcdefghijklmno' };

/** AWS's ABAC example: a principal may read objects of its own department. */
const ABAC_READ = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/Department': '${aws:PrincipalTag/Department}' } } },
    { Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: ROLE('*') },
    // Decoding denials is for engineers only: a permission decided by the caller's own tag.
    { Effect: 'Allow', Action: 'sts:DecodeAuthorizationMessage', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/Department': 'Engineering' } } },
  ],
};
const trust = (principal: string, tagCondition?: Record<string, unknown>, assumeCondition?: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: principal }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], ...(assumeCondition ? { Condition: assumeCondition } : {}) },
    { Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:TagSession', ...(tagCondition ? { Condition: tagCondition } : {}) },
  ],
});

let b: StartedBroker;
beforeAll(async () => {
  b = await startBroker({
    store: 'memory:',
    roles: [
      {
        name: 'Engineering',
        tags: { Department: 'Unset', Owner: 'platform' },
        // The guide's pattern: only these keys, and only known departments; the caller's own tag
        // (aws:PrincipalTag of an IAM user) and the role's tag (iam:ResourceTag) in the trust policy.
        trustPolicy: trust(
          `arn:aws:iam::${TEST_ACCOUNT}:user/portal`,
          { StringEquals: { 'aws:RequestTag/Department': ['Engineering', 'Sales'] }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['Department', 'Project'] } },
          { StringEquals: { 'aws:PrincipalTag/Team': 'portal-team', 'iam:ResourceTag/Owner': 'platform' } },
        ),
        inlinePolicies: [ABAC_READ],
      },
      { name: 'OtherTeam', tags: { Owner: 'platform' }, trustPolicy: trust(`arn:aws:iam::${TEST_ACCOUNT}:user/portal`, undefined, { StringEquals: { 'aws:PrincipalTag/Team': 'other-team' } }) },
      { name: 'OtherOwner', tags: { Owner: 'finance' }, trustPolicy: trust(`arn:aws:iam::${TEST_ACCOUNT}:user/portal`, undefined, { StringEquals: { 'iam:ResourceTag/Owner': 'platform' } }) },
      { name: 'Second', trustPolicy: trust(ROLE('Engineering')), inlinePolicies: [ABAC_READ] },
      { name: 'Third', trustPolicy: trust(ROLE('Second')), inlinePolicies: [ABAC_READ] },
    ],
    users: [
      {
        name: 'portal',
        tags: { Team: 'portal-team', Department: 'Portal' },
        accessKeys: [{ id: PORTAL.accessKeyId, secret: PORTAL.secretAccessKey }],
        inlinePolicies: [
          {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity', 'sts:GetFederationToken'], Resource: '*' },
              ...ABAC_READ.Statement.slice(0, 1),
            ],
          },
        ],
      },
      authorizingServiceUser,
    ],
  });
});
afterAll(async () => {
  await b?.close();
});

/** The /authorize answer for reading an object tagged Department=`department` as `subject`. */
async function readObjectTagged(subject: Keys, department: string) {
  const { status, json } = await askAuthorize(b.url, {
    credentials: { accessKeyId: subject.accessKeyId, secretAccessKey: subject.secretAccessKey, sessionToken: subject.sessionToken },
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::reports/q1.csv',
    context: { 'aws:ResourceTag/Department': department },
  });
  expect(status).toBe(200);
  return json;
}

function auditEvents(name: string): Array<Record<string, any>> {
  return readFileSync(join(b.dir, 'data', 'audit.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, any>)
    .filter((e) => e['eventName'] === name);
}

describe('AssumeRole with Tags, TransitiveTagKeys and SourceIdentity from an IAM user', () => {
  let first: Keys;

  beforeAll(async () => {
    const out = await stsClient(b.url, PORTAL).send(
      new AssumeRoleCommand({
        RoleArn: ROLE('Engineering'),
        RoleSessionName: 'alice',
        SourceIdentity: 'alice@example.com',
        Tags: [
          { Key: 'Department', Value: 'Engineering' },
          { Key: 'Project', Value: 'Unicorn' },
        ],
        TransitiveTagKeys: ['Department'],
      }),
    );
    expect(out.SourceIdentity).toBe('alice@example.com');
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    expect(out.PackedPolicySize).toBeLessThanOrEqual(100);
    first = temporary(out.Credentials);
  });

  it('gives working credentials of the role session', async () => {
    const me = await stsClient(b.url, first).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Engineering/alice`);
  });

  it('ABAC: the session reads its own department only; session tags override the role tag of the same key', async () => {
    const allowed = await readObjectTagged(first, 'Engineering');
    expect(allowed['decision']).toBe('Allow');
    expect(allowed['principal']['tags']).toEqual({ Owner: 'platform', Department: 'Engineering', Project: 'Unicorn' });
    expect((await readObjectTagged(first, 'Sales'))['decision']).toBe('Deny');
    expect((await readObjectTagged(first, 'Unset'))['decision']).toBe('Deny');
  });

  it('DecodeAuthorizationMessage: allowed by the aws:PrincipalTag condition, and the decoded request shows the tags', async () => {
    const denied = await rejectsWith(stsClient(b.url, first).send(new AssumeRoleCommand({ RoleArn: ROLE('OtherTeam'), RoleSessionName: 'nope' })), 'AccessDenied');
    const decoded = await stsClient(b.url, first).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encodedMessageOf(denied) }));
    const context = (JSON.parse(decoded.DecodedMessage!) as { request: { context: Record<string, unknown> } }).request.context;
    expect(context).toMatchObject({ 'aws:principaltag/department': 'Engineering', 'aws:principaltag/project': 'Unicorn', 'aws:principaltag/owner': 'platform', 'iam:resourcetag/owner': 'platform' });
  });

  it('is audited as CloudTrail writes it: tags, transitiveTagKeys', () => {
    const event = auditEvents('AssumeRole').find((e) => e['requestParameters']?.['roleSessionName'] === 'alice' && e['errorCode'] === undefined)!;
    expect(event['requestParameters']).toMatchObject({
      tags: [
        { key: 'Department', value: 'Engineering' },
        { key: 'Project', value: 'Unicorn' },
      ],
      transitiveTagKeys: ['Department'],
      sourceIdentity: 'alice@example.com',
    });
    expect(event['responseElements']['packedPolicySize']).toBeGreaterThan(0);
  });

  it('two chained AssumeRole calls carry the transitive tag, drop the other, and cannot override it', async () => {
    const second = await stsClient(b.url, first).send(new AssumeRoleCommand({ RoleArn: ROLE('Second'), RoleSessionName: 'alice-2' }));
    const secondKeys = temporary(second.Credentials);
    expect(second.SourceIdentity).toBe('alice@example.com');
    const asSecond = await readObjectTagged(secondKeys, 'Engineering');
    expect(asSecond['decision']).toBe('Allow');
    expect(asSecond['principal']['tags']).toEqual({ Department: 'Engineering' });

    const chained = auditEvents('AssumeRole').find((e) => e['requestParameters']?.['roleSessionName'] === 'alice-2')!;
    expect(chained['requestParameters']['incomingTransitiveTags']).toEqual({ Department: 'Engineering' });

    await rejectsWith(
      stsClient(b.url, secondKeys).send(new AssumeRoleCommand({ RoleArn: ROLE('Third'), RoleSessionName: 'alice-3', Tags: [{ Key: 'department', Value: 'Sales' }] })),
      'InvalidParameterValue',
      "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.",
    );
    const third = temporary((await stsClient(b.url, secondKeys).send(new AssumeRoleCommand({ RoleArn: ROLE('Third'), RoleSessionName: 'alice-3', Tags: [{ Key: 'Project', Value: 'Next' }] }))).Credentials);
    const asThird = await readObjectTagged(third, 'Engineering');
    expect(asThird['decision']).toBe('Allow');
    expect(asThird['principal']['tags']).toEqual({ Department: 'Engineering', Project: 'Next' });
  });
});

describe('GetFederationToken with Tags', () => {
  it("the federated user's tags are the user's own with the session's over them", async () => {
    const out = await stsClient(b.url, PORTAL).send(
      new GetFederationTokenCommand({
        Name: 'bob',
        Tags: [{ Key: 'Department', Value: 'Sales' }],
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }),
      }),
    );
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    const bob = temporary(out.Credentials);
    const sales = await readObjectTagged(bob, 'Sales');
    expect(sales['decision']).toBe('Allow');
    expect(sales['principal']['tags']).toEqual({ Team: 'portal-team', Department: 'Sales' });
    expect((await readObjectTagged(bob, 'Portal'))['decision']).toBe('Deny');
    expect(auditEvents('GetFederationToken').at(-1)!['requestParameters']['tags']).toEqual([{ key: 'Department', value: 'Sales' }]);
  });

  it("an IAM user's own tags are its aws:PrincipalTag, a role's tags its iam:ResourceTag in the trust policy", async () => {
    const sts = stsClient(b.url, PORTAL);
    await rejectsWith(sts.send(new AssumeRoleCommand({ RoleArn: ROLE('OtherTeam'), RoleSessionName: 'x1' })), 'AccessDenied');
    await rejectsWith(sts.send(new AssumeRoleCommand({ RoleArn: ROLE('OtherOwner'), RoleSessionName: 'x2' })), 'AccessDenied');
  });
});
