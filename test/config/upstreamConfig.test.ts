/**
 * The configuration keys of upstream mode (upstream.md "Configuration"): `upstream`, `accounts` and a
 * role's `upstream` — defaults, the model (an upstream role's ARN and account are the AWS role's), and
 * each refusal with its key path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { configModel } from '../helpers/configModel.js';
import { accountsOfRoles, roleAccountLabel } from '../../src/roles/accounts.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedbroker-upstream-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }] };
const PROD = 'arn:aws:iam::111122223333:role/fedbroker-ProdAdmin';

const build = (extra: Record<string, unknown>) => configModel(dir, { PROD_EXTERNAL_ID: 'external-id-1234' }).build(extra);
const issues = (extra: Record<string, unknown>) => configModel(dir, { PROD_EXTERNAL_ID: 'external-id-1234' }).issues(extra);

it('an upstream role is the AWS role: its ARN and account; defaults of the upstream block; account names', async () => {
  const model = await build({
    upstream: {},
    accounts: [{ id: '111122223333', name: 'production', emailAddress: 'aws-prod@example.com' }],
    roles: [
      { name: 'ProdAdmin', trustPolicy: trust, upstream: { roleArn: PROD, externalId: '${env:PROD_EXTERNAL_ID}' } },
      { name: 'Local', trustPolicy: trust },
    ],
  });
  expect(model.upstream).toEqual({
    region: 'us-east-1',
    stsEndpoint: null,
    federationEndpoint: 'https://signin.aws.amazon.com/federation',
    consoleUrl: 'https://console.aws.amazon.com/',
    credentials: 'default',
    timeoutMs: 5000,
  });
  const prod = model.roleByArn(PROD)!;
  expect(prod.name).toBe('ProdAdmin');
  expect(prod.account).toBe('111122223333');
  expect(prod.upstream).toEqual({ roleArn: PROD, account: '111122223333', partition: 'aws', externalId: 'external-id-1234', sessionTags: true, sourceIdentity: true });
  expect(model.roleByArn('arn:aws:iam::123456789012:role/ProdAdmin')).toBeUndefined();
  const local = model.roleByName('Local')!;
  expect(local.account).toBe('123456789012');
  expect(local.upstream).toBeUndefined();
  expect(roleAccountLabel(model, prod)).toBe('production');
  expect(roleAccountLabel(model, local)).toBeUndefined();
  expect(accountsOfRoles(model, [local, prod])).toEqual([
    { accountId: '123456789012', accountName: '123456789012' },
    { accountId: '111122223333', accountName: 'production', emailAddress: 'aws-prod@example.com' },
  ]);
  model.close();
});

it('static credentials: an IAM user access key', async () => {
  const model = await build({ upstream: { credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } }, roles: [] });
  expect(model.upstream?.credentials).toEqual({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
  model.close();
});

it('refuses local permission policies on an upstream role', async () => {
  const found = await issues({
    upstream: {},
    policies: [{ name: 'P', document: trust }],
    roles: [{ name: 'ProdAdmin', trustPolicy: trust, managedPolicies: ['P'], inlinePolicies: [trust], permissionsBoundary: 'P', upstream: { roleArn: PROD } }],
  });
  expect(found).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^roles\[0\]\.managedPolicies: an upstream role has no local permission policies/),
      expect.stringMatching(/^roles\[0\]\.inlinePolicies: an upstream role has no local permission policies/),
      expect.stringMatching(/^roles\[0\]\.permissionsBoundary: an upstream role has no local permission policies/),
    ]),
  );
});

it('refuses an upstream role without the upstream block, a malformed ARN, an ARN used twice, a partition the federation endpoint cannot sign in to', async () => {
  expect(await issues({ roles: [{ name: 'A', trustPolicy: trust, upstream: { roleArn: PROD } }] })).toEqual(['roles[0].upstream: an upstream role needs the top-level upstream block (how fedbroker reaches AWS)']);
  expect(await issues({ upstream: {}, roles: [{ name: 'A', trustPolicy: trust, upstream: { roleArn: 'arn:aws:iam::1111:role/x' } }] })).toEqual([
    'roles[0].upstream.roleArn: must be an IAM role ARN: arn:aws:iam::ACCOUNT:role/NAME',
  ]);
  expect(
    await issues({
      upstream: {},
      roles: [
        { name: 'A', trustPolicy: trust, upstream: { roleArn: PROD } },
        { name: 'B', trustPolicy: trust, upstream: { roleArn: PROD } },
      ],
    }),
  ).toEqual([`roles[1].upstream.roleArn: ${PROD} is the ARN of another role`]);
  // An upstream role may not take a local role's ARN either.
  expect(
    await issues({
      upstream: {},
      roles: [
        { name: 'Local', trustPolicy: trust },
        { name: 'B', trustPolicy: trust, upstream: { roleArn: 'arn:aws:iam::123456789012:role/Local' } },
      ],
    }),
  ).toEqual(['roles[1].upstream.roleArn: arn:aws:iam::123456789012:role/Local is the ARN of another role']);
  expect(await issues({ upstream: {}, roles: [{ name: 'A', trustPolicy: trust, upstream: { roleArn: 'arn:aws-cn:iam::111122223333:role/x' } }] })).toEqual([
    'roles[0].upstream.roleArn: is in partition aws-cn, but upstream.federationEndpoint https://signin.aws.amazon.com/federation signs in to partition aws',
  ]);
  // The China sign-in endpoint signs in to aws-cn.
  const cn = await build({ upstream: { region: 'cn-north-1', federationEndpoint: 'https://signin.amazonaws.cn/federation', consoleUrl: 'https://console.amazonaws.cn/' }, roles: [{ name: 'A', trustPolicy: trust, upstream: { roleArn: 'arn:aws-cn:iam::111122223333:role/x' } }] });
  cn.close();
});

it('refuses malformed upstream and accounts keys', async () => {
  const found = await issues({
    upstream: { region: 'mars', stsEndpoint: 'http://sts.example.com', timeoutMs: 10, credentials: { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' }, color: 'blue' },
    accounts: [{ id: '111122223333', name: 'a' }, { id: '111122223333', name: 'b' }, { id: '42', name: '' }],
  });
  expect(found).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^upstream\.region: must be an AWS region/),
      expect.stringMatching(/^upstream\.stsEndpoint: must be https/),
      expect.stringMatching(/^upstream\.timeoutMs: /),
      expect.stringMatching(/^upstream\.credentials/),
      expect.stringMatching(/^upstream: .*color/),
      'accounts[1].id: account 111122223333 is listed twice',
      expect.stringMatching(/^accounts\[2\]\.id: must be a 12-digit AWS account id/),
      expect.stringMatching(/^accounts\[2\]\.name: /),
    ]),
  );
});
