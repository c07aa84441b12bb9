/** seed-digest §12.3: policy-variable vectors TV-V1 … TV-V16. */
import { describe, expect, it } from 'vitest';
import { PolicySyntaxError } from '../../../src/policy/index.js';
import {
  allowAll,
  evaluate,
  iamUser,
  policy,
  roleSession,
  userKeys,
  vectorPolicy,
  vectorText,
} from '../fixtures/seed-vectors.js';
import type { ContextEntries } from '../fixtures/seed-vectors.js';
import type { RequestPrincipal } from '../../../src/policy/index.js';

/** An assumed-role (or federated) session: aws:userid but no aws:username. */
const sessionKeys: ContextEntries = { 'aws:userid': 'AROAEXAMPLE:session', 'aws:PrincipalType': 'AssumedRole' };

describe('TV-V1: S3 home directory, ${aws:username} in StringLike and in Resource', () => {
  const p = vectorPolicy('TV-V1');
  const list = (prefix: string, keys: ContextEntries = userKeys('David')) =>
    evaluate(p, { action: 's3:ListBucket', resource: 'arn:aws:s3:::BUCKET-NAME', context: { ...keys, 's3:prefix': prefix } });
  const put = (key: string, keys: ContextEntries = userKeys('David')) =>
    evaluate(p, { action: 's3:PutObject', resource: `arn:aws:s3:::BUCKET-NAME/${key}`, context: keys });

  it('David, s3:ListBucket with s3:prefix=home/David/ → ALLOW', () => expect(list('home/David/')).toBe('ALLOW'));
  it('with s3:prefix=home/Adele/ → DENY-implicit', () => expect(list('home/Adele/')).toBe('DENY-implicit'));
  it('with s3:prefix= (empty) → ALLOW, and with home/ → ALLOW', () => {
    expect(list('')).toBe('ALLOW');
    expect(list('home/')).toBe('ALLOW');
  });
  it('s3:PutObject on home/David/x → ALLOW; on home/Adele/x → DENY-implicit', () => {
    expect(put('home/David/x')).toBe('ALLOW');
    expect(put('home/Adele/x')).toBe('DENY-implicit');
  });
  it('an assumed-role or federated caller (no aws:username) → DENY-implicit for the username-based statements', () => {
    expect(put('home/David/x', sessionKeys)).toBe('DENY-implicit');
    expect(list('home/David/', sessionKeys)).toBe('DENY-implicit');
    expect(put('home/${aws:username}/x', sessionKeys)).toBe('DENY-implicit');
    // The ListBucket statement uses the variable in one of its values: the whole statement does not apply.
    expect(list('home/', sessionKeys)).toBe('DENY-implicit');
    // The statement without variables still works for them.
    expect(evaluate(p, { action: 's3:ListAllMyBuckets', resource: 'arn:aws:s3:::anything', context: sessionKeys })).toBe('ALLOW');
  });
  it('the same document with Version removed → the variable is literal', () => {
    const literal = policy(vectorText('TV-V1').replace('"Version": "2012-10-17", ', ''));
    expect(literal.version).toBe('2008-10-17');
    const ctx = { ...userKeys('David'), 's3:prefix': 'home/David/' };
    expect(evaluate(literal, { action: 's3:ListBucket', resource: 'arn:aws:s3:::BUCKET-NAME', context: ctx })).toBe('DENY-implicit');
    expect(
      evaluate(literal, { action: 's3:ListBucket', resource: 'arn:aws:s3:::BUCKET-NAME', context: { ...ctx, 's3:prefix': 'home/${aws:username}/' } }),
    ).toBe('ALLOW');
    expect(evaluate(literal, { action: 's3:PutObject', resource: 'arn:aws:s3:::BUCKET-NAME/home/David/x', context: ctx })).toBe('DENY-implicit');
    expect(evaluate(literal, { action: 's3:PutObject', resource: 'arn:aws:s3:::BUCKET-NAME/home/${aws:username}/x', context: ctx })).toBe('ALLOW');
  });
});

describe('TV-V2: mybucket, per-user prefix', () => {
  const p = vectorPolicy('TV-V2');
  const adele = userKeys('Adele');

  it('Adele: s3:GetObject on mybucket/Adele/notes.txt → ALLOW; on mybucket/David/x → DENY-implicit', () => {
    expect(evaluate(p, { action: 's3:GetObject', resource: 'arn:aws:s3:::mybucket/Adele/notes.txt', context: adele })).toBe('ALLOW');
    expect(evaluate(p, { action: 's3:GetObject', resource: 'arn:aws:s3:::mybucket/David/x', context: adele })).toBe('DENY-implicit');
  });

  it('s3:ListBucket with prefix Adele/photos/ → ALLOW; with prefix Adele → DENY-implicit (the pattern is Adele/*)', () => {
    const list = (prefix: string) => evaluate(p, { action: 's3:ListBucket', resource: 'arn:aws:s3:::mybucket', context: { ...adele, 's3:prefix': prefix } });
    expect(list('Adele/photos/')).toBe('ALLOW');
    expect(list('Adele')).toBe('DENY-implicit');
  });
});

describe('TV-V3: manage your own access keys', () => {
  const p = vectorPolicy('TV-V3');

  it('David, iam:CreateAccessKey on user/David → ALLOW; on user/Bob → DENY-implicit', () => {
    const act = (user: string) =>
      evaluate(p, { action: 'iam:CreateAccessKey', resource: `arn:aws:iam::ACCOUNT-ID-WITHOUT-HYPHENS:user/${user}`, context: userKeys('David') });
    expect(act('David')).toBe('ALLOW');
    expect(act('Bob')).toBe('DENY-implicit');
  });
});

describe('TV-V4: missing Version, so the variable is literal', () => {
  it('David, iam:CreateAccessKey on user/David → DENY-implicit: the Resource literally contains ${aws:username}', () => {
    const p = vectorPolicy('TV-V4');
    expect(p.version).toBe('2008-10-17');
    expect(evaluate(p, { action: 'iam:CreateAccessKey', resource: 'arn:aws:iam::123456789012:user/David', context: userKeys('David') })).toBe(
      'DENY-implicit',
    );
    expect(
      evaluate(p, { action: 'iam:CreateAccessKey', resource: 'arn:aws:iam::123456789012:user/${aws:username}', context: userKeys('David') }),
    ).toBe('ALLOW');
  });

  it('adding "Version": "2012-10-17" → ALLOW', () => {
    const p = policy(vectorText('TV-V4').replace('{"Statement"', '{"Version": "2012-10-17", "Statement"'));
    expect(evaluate(p, { action: 'iam:CreateAccessKey', resource: 'arn:aws:iam::123456789012:user/David', context: userKeys('David') })).toBe('ALLOW');
  });
});

describe('TV-V5: DynamoDB table named after the user', () => {
  const p = vectorPolicy('TV-V5');

  it('alice: dynamodb:GetItem on table/alice → ALLOW; on table/bob → DENY-implicit', () => {
    const act = (table: string) =>
      evaluate(p, { action: 'dynamodb:GetItem', resource: `arn:aws:dynamodb:us-east-2:ACCOUNT-ID-WITHOUT-HYPHENS:table/${table}`, context: userKeys('alice') });
    expect(act('alice')).toBe('ALLOW');
    expect(act('bob')).toBe('DENY-implicit');
  });
});

describe('TV-V6: per-user queue name in us-east-2', () => {
  const p = vectorPolicy('TV-V6');
  const act = (arn: string) => evaluate(p, { action: 'sns:CreateQueue', resource: arn, context: userKeys('bob') });

  it('bob: sns:CreateQueue on arn:aws:sns:us-east-2:123456789012:bob-queue → ALLOW', () => {
    expect(act('arn:aws:sns:us-east-2:123456789012:bob-queue')).toBe('ALLOW');
  });
  it('region us-west-2 → DENY-implicit', () => expect(act('arn:aws:sns:us-west-2:123456789012:bob-queue')).toBe('DENY-implicit'));
  it('alice-queue → DENY-implicit', () => expect(act('arn:aws:sns:us-east-2:123456789012:alice-queue')).toBe('DENY-implicit'));
});

describe('TV-V7: SNS topic policy with a variable in StringLike and no Resource', () => {
  it('as printed (no Resource/NotResource) a resource policy is rejected', () => {
    expect(() => vectorPolicy('TV-V7', 'resource')).toThrow(PolicySyntaxError);
    try {
      vectorPolicy('TV-V7', 'resource');
    } catch (e) {
      expect((e as PolicySyntaxError).message).toMatch(/Policy statement must contain resources/);
      expect((e as PolicySyntaxError).path).toBe('Statement[0]');
    }
  });

  it('with a resource: bob of 999999999999, sns:Subscribe with sns:endpoint=https://example.com/bob/hook → ALLOW; alice\'s → DENY-implicit', () => {
    const topic = 'arn:aws:sns:us-east-1:999999999999:topic';
    const p = policy(vectorText('TV-V7').replace('"Action": "sns:*",', `"Action": "sns:*", "Resource": "${topic}",`), 'resource');
    const act = (endpoint: string) =>
      evaluate(p, { action: 'sns:Subscribe', resource: topic, principal: iamUser('999999999999', 'bob'), context: { ...userKeys('bob'), 'sns:endpoint': endpoint } });
    expect(act('https://example.com/bob/hook')).toBe('ALLOW');
    expect(act('https://example.com/alice/x')).toBe('DENY-implicit');
  });
});

describe('TV-V8: start or stop instances tagged Owner=<username>', () => {
  const p = vectorPolicy('TV-V8');
  const act = (tag: string | undefined) =>
    evaluate(p, { action: 'ec2:StopInstances', resource: 'arn:aws:ec2:<REGION>:<ACCOUNTNUMBER>:instance/i-1', context: { ...userKeys('bob'), 'ec2:ResourceTag/Owner': tag } });

  it('bob, tag Owner=bob → ALLOW', () => expect(act('bob')).toBe('ALLOW'));
  it('tag Owner=Bob → DENY-implicit: StringEquals is case-sensitive', () => expect(act('Bob')).toBe('DENY-implicit'));
  it('no tag → DENY-implicit', () => expect(act(undefined)).toBe('DENY-implicit'));
  it('ec2:DescribeInstances → ALLOW', () => expect(evaluate(p, { action: 'ec2:DescribeInstances', context: userKeys('bob') })).toBe('ALLOW'));
});

describe('TV-V9: attach or detach volumes, instance tag department=dev, volume tag volume_user=<username>', () => {
  const p = vectorPolicy('TV-V9');
  const instance = 'arn:aws:ec2:<REGION>:<ACCOUNTNUMBER>:instance/i-1';
  const volume = 'arn:aws:ec2:<REGION>:<ACCOUNTNUMBER>:volume/vol-1';

  it('bob, ec2:AttachVolume on the instance (department=dev) and on the volume (volume_user=bob) → ALLOW', () => {
    expect(evaluate(p, { action: 'ec2:AttachVolume', resource: instance, context: { ...userKeys('bob'), 'ec2:ResourceTag/department': 'dev' } })).toBe('ALLOW');
    expect(evaluate(p, { action: 'ec2:AttachVolume', resource: volume, context: { ...userKeys('bob'), 'ec2:ResourceTag/volume_user': 'bob' } })).toBe('ALLOW');
  });

  it('volume tag volume_user=alice → DENY-implicit', () => {
    expect(evaluate(p, { action: 'ec2:AttachVolume', resource: volume, context: { ...userKeys('bob'), 'ec2:ResourceTag/volume_user': 'alice' } })).toBe(
      'DENY-implicit',
    );
  });
});

describe('TV-V10: Deny DataPipeline actions unless PipelineCreator equals ${aws:userid}', () => {
  const p = vectorPolicy('TV-V10');
  const act = (keys: ContextEntries, creator: string) =>
    evaluate([p, allowAll()], { action: 'datapipeline:ActivatePipeline', context: { ...keys, 'datapipeline:PipelineCreator': creator } });

  it('IAM user with unique ID AIDAEXAMPLE1 on its own pipeline → not denied', () => {
    expect(act(userKeys('alice', 'AIDAEXAMPLE1'), 'AIDAEXAMPLE1')).toBe('ALLOW');
  });

  it('creator AIDAOTHER → DENY-explicit', () => expect(act(userKeys('alice', 'AIDAEXAMPLE1'), 'AIDAOTHER')).toBe('DENY-explicit'));

  it('an assumed-role caller (aws:userid=AROAID:session) is not denied only if the creator equals that value', () => {
    const keys = { 'aws:userid': 'AROAID:session' };
    expect(act(keys, 'AROAID:session')).toBe('ALLOW');
    expect(act(keys, 'AROAID:other')).toBe('DENY-explicit');
  });

  it('a caller without aws:userid → the variable cannot resolve, the Deny does not apply (decision, §10 #8)', () => {
    expect(act({ 'aws:PrincipalType': 'AssumedRole' }, 'AIDAOTHER')).toBe('ALLOW');
  });
});

describe('TV-V11: DynamoDB row-level access by Cognito identity (ForAllValues on LeadingKeys)', () => {
  const p = vectorPolicy('TV-V11');
  const act = (keys: string[]) =>
    evaluate(p, {
      action: 'dynamodb:GetItem',
      resource: 'arn:aws:dynamodb:<REGION>:<ACCOUNTNUMBER>:table/<TABLE-NAME>',
      context: { 'cognito-identity.amazonaws.com:sub': 'us-east-1:abcd', 'dynamodb:LeadingKeys': keys },
    });

  it('LeadingKeys=[us-east-1:abcd] → ALLOW', () => expect(act(['us-east-1:abcd'])).toBe('ALLOW'));
  it('LeadingKeys [us-east-1:abcd, other] → DENY-implicit', () => expect(act(['us-east-1:abcd', 'other'])).toBe('DENY-implicit'));
});

describe('TV-V12: S3 objects under cognito/<app>/<sub>', () => {
  const p = vectorPolicy('TV-V12');
  const cognito = { 'cognito-identity.amazonaws.com:sub': 'us-east-1:abcd' };

  it('s3:PutObject on …/cognito/<APPLICATION-NAME>/us-east-1:abcd/f → ALLOW; another sub → DENY-implicit', () => {
    const put = (sub: string) =>
      evaluate(p, { action: 's3:PutObject', resource: `arn:aws:s3:::<BUCKET-NAME>/cognito/<APPLICATION-NAME>/${sub}/f`, context: cognito });
    expect(put('us-east-1:abcd')).toBe('ALLOW');
    expect(put('us-east-1:efgh')).toBe('DENY-implicit');
  });

  it('s3:ListBucket with s3:prefix=cognito/<APPLICATION-NAME>/ → ALLOW', () => {
    expect(
      evaluate(p, { action: 's3:ListBucket', resource: 'arn:aws:s3:::<BUCKET-NAME>', context: { ...cognito, 's3:prefix': 'cognito/<APPLICATION-NAME>/' } }),
    ).toBe('ALLOW');
  });
});

describe('TV-V13: Login-with-Amazon user folder, ${www.amazon.com:user_id}', () => {
  const p = vectorPolicy('TV-V13');
  const amazon = { 'www.amazon.com:user_id': 'amzn1.account.X' };
  const get = (user: string, context: ContextEntries) =>
    evaluate(p, { action: 's3:GetObject', resource: `arn:aws:s3:::myBucket/Amazon/mynumbersgame/${user}/save.dat`, context });

  it('s3:GetObject on …/amzn1.account.X/save.dat → ALLOW', () => expect(get('amzn1.account.X', amazon)).toBe('ALLOW'));
  it('on …/amzn1.account.Y/… → DENY-implicit', () => expect(get('amzn1.account.Y', amazon)).toBe('DENY-implicit'));
  it('a Google session (no www.amazon.com:user_id) → DENY-implicit', () => {
    expect(get('amzn1.account.X', { 'accounts.google.com:sub': '123' })).toBe('DENY-implicit');
  });
  it('s3:ListBucket with the user\'s prefix → ALLOW', () => {
    expect(
      evaluate(p, { action: 's3:ListBucket', resource: 'arn:aws:s3:::myBucket', context: { ...amazon, 's3:prefix': 'Amazon/mynumbersgame/amzn1.account.X/saves' } }),
    ).toBe('ALLOW');
  });
});

describe('TV-V14: resource policy with ${aws:FederatedProvider} in Resource and Principal *', () => {
  const p = vectorPolicy('TV-V14', 'resource');
  const google = { federated: 'accounts.google.com' };
  const get = (key: string, context: ContextEntries, principal: RequestPrincipal = google) =>
    evaluate(p, { action: 's3:GetObject', resource: `arn:aws:s3:::BUCKET-NAME/${key}`, principal, context });

  it('a web-identity session from accounts.google.com: …/accounts.google.com/x → ALLOW', () => {
    expect(get('accounts.google.com/x', { 'aws:FederatedProvider': 'accounts.google.com' })).toBe('ALLOW');
  });
  it('…/www.amazon.com/x → DENY-implicit', () => {
    expect(get('www.amazon.com/x', { 'aws:FederatedProvider': 'accounts.google.com' })).toBe('DENY-implicit');
  });
  it('a caller without a federated provider → DENY-implicit', () => {
    expect(get('accounts.google.com/x', {}, roleSession('123456789012', 'r', 's'))).toBe('DENY-implicit');
  });
});

describe('TV-V15: SAML per-user backup folder ${saml:namequalifier}/${saml:sub}, persistent subjects only', () => {
  const p = vectorPolicy('TV-V15');
  const saml = (subType: string) => ({ 'saml:namequalifier': '1uAJanUnBc2XeUkHURMht+xam2c=', 'saml:sub': 'u123', 'saml:sub_type': subType });
  const put = (subType: string) =>
    evaluate(p, { action: 's3:PutObject', resource: 'arn:aws:s3:::exampleorgBucket/backup/1uAJanUnBc2XeUkHURMht+xam2c=/u123/f', context: saml(subType) });

  it('persistent → ALLOW', () => expect(put('persistent')).toBe('ALLOW'));
  it('transient → DENY-implicit', () => expect(put('transient')).toBe('DENY-implicit'));
  it('another subject\'s folder → DENY-implicit', () => {
    expect(
      evaluate(p, { action: 's3:PutObject', resource: 'arn:aws:s3:::exampleorgBucket/backup/1uAJanUnBc2XeUkHURMht+xam2c=/u999/f', context: saml('persistent') }),
    ).toBe('DENY-implicit');
  });
});

describe('TV-V16: ForAnyValue:StringNotEquals on aws:username (negated-operator semantics)', () => {
  const p = vectorPolicy('TV-V16');
  const group = 'arn:aws:iam::123456789012:group/AllUsers';
  const act = (action: string, user: string) => evaluate(p, { action, resource: group, context: userKeys(user) });

  it('iam:AddUserToGroup on group/AllUsers by srodriguez → ALLOW', () => expect(act('iam:AddUserToGroup', 'srodriguez')).toBe('ALLOW'));
  it('iam:DeleteGroup on group/AllUsers by srodriguez → ALLOW: the Deny must not fire', () => {
    expect(act('iam:DeleteGroup', 'srodriguez')).toBe('ALLOW');
    expect(act('iam:DeleteGroup', 'mjackson')).toBe('ALLOW');
    expect(act('iam:DeleteGroup', 'adesai')).toBe('ALLOW');
  });
  it('by jdoe → DENY-explicit', () => expect(act('iam:DeleteGroup', 'jdoe')).toBe('DENY-explicit'));
  it('iam:ListGroups by anyone → ALLOW', () => {
    expect(act('iam:ListGroups', 'jdoe')).toBe('ALLOW');
    expect(act('iam:ListGroups', 'srodriguez')).toBe('ALLOW');
  });
});
