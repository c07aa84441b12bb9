/** seed-digest §12.2: time, IP, transport, revocation and other condition-operator vectors TV-T1 … TV-T20. */
import { describe, expect, it } from 'vitest';
import { PolicySyntaxError } from '../../../src/policy/index.js';
import {
  LT,
  allowAll,
  evaluate,
  iamUser,
  policy,
  vectorPolicy,
  vectorText,
  withPlaceholdersFilled,
  wrapCondition,
  wrapStatement,
} from '../fixtures/seed-vectors.js';

const now = (time: string) => ({ 'aws:CurrentTime': time });
const from = (ip: string) => ({ 'aws:SourceIp': ip });

describe('TV-T1: allow within 2017-07-01 and 2017-12-31 (UTC)', () => {
  const p = policy(withPlaceholdersFilled(vectorText('TV-T1')));
  const act = (time: string) => evaluate(p, { action: 'service-name:action-name', context: now(time) });

  it('as printed, the placeholder vendor is refused, as IAM does', () => {
    expect(() => vectorPolicy('TV-T1')).toThrow('Vendor <SERVICE-NAME> is not valid');
  });

  it('2017-07-01T00:00:01Z → ALLOW', () => expect(act('2017-07-01T00:00:01Z')).toBe('ALLOW'));
  it('2017-07-01T00:00:00Z → DENY-implicit: DateGreaterThan is strict', () => expect(act('2017-07-01T00:00:00Z')).toBe('DENY-implicit'));
  it('2017-12-31T23:59:58Z → ALLOW', () => expect(act('2017-12-31T23:59:58Z')).toBe('ALLOW'));
  it('2018-01-01T00:00:00Z → DENY-implicit', () => expect(act('2018-01-01T00:00:00Z')).toBe('DENY-implicit'));
  it('aws:EpochTime-style values compare on the same axis (epoch seconds)', () => {
    // 2017-09-01T00:00:00Z = 1504224000
    expect(act('1504224000')).toBe('ALLOW');
    expect(act('1514764800')).toBe('DENY-implicit'); // 2018-01-01
  });
});

describe('TV-T2: deny everything from outside 192.0.2.0/24 and 203.0.113.0/24', () => {
  const p = vectorPolicy('TV-T2');

  it('192.0.2.77 → not denied: DENY-implicit alone, ALLOW together with an allow-all', () => {
    expect(evaluate(p, { action: 'ec2:RunInstances', context: from('192.0.2.77') })).toBe('DENY-implicit');
    expect(evaluate([p, allowAll()], { action: 'ec2:RunInstances', context: from('192.0.2.77') })).toBe('ALLOW');
  });

  it('198.51.100.1 → DENY-explicit', () => {
    expect(evaluate([p, allowAll()], { action: 'ec2:RunInstances', context: from('198.51.100.1') })).toBe('DENY-explicit');
  });

  it('IPv6 2001:db8::1 → DENY-explicit (not in either range)', () => {
    expect(evaluate([p, allowAll()], { action: 'ec2:RunInstances', context: from('2001:db8::1') })).toBe('DENY-explicit');
  });
});

describe('TV-T3: allow TerminateInstances, but deny it outside the IP ranges', () => {
  const p = vectorPolicy('TV-T3');
  const ec2FullAccess = policy('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}');

  it('from 203.0.113.9 → ALLOW', () => {
    expect(evaluate(p, { action: 'ec2:TerminateInstances', context: from('203.0.113.9') })).toBe('ALLOW');
  });

  it('from 10.0.0.1 → DENY-explicit, even with AmazonEC2FullAccess attached', () => {
    expect(evaluate(p, { action: 'ec2:TerminateInstances', context: from('10.0.0.1') })).toBe('DENY-explicit');
    expect(evaluate([p, ec2FullAccess], { action: 'ec2:TerminateInstances', context: from('10.0.0.1') })).toBe('DENY-explicit');
  });
});

describe('TV-T4: queue policy for account B, 12:00–15:00 on 2014-11-30 only', () => {
  const p = vectorPolicy('TV-T4', 'resource');
  const req = (time: string) => ({
    action: 'sns:SendMessage',
    resource: 'arn:aws:sns:us-east-2:123456789012:queue1',
    principal: iamUser('111122223333', 'b'),
    context: now(time),
  });

  it('principal 111122223333, sns:SendMessage at 2014-11-30T13:00:00Z → ALLOW', () => {
    expect(evaluate(p, req('2014-11-30T13:00:00Z'))).toBe('ALLOW');
  });

  it('at 2014-11-30T15:00:00Z → DENY-implicit', () => {
    expect(evaluate(p, req('2014-11-30T15:00:00Z'))).toBe('DENY-implicit');
  });

  it('dates without seconds (2014-11-30T12:00Z) parse as ISO 8601', () => {
    expect(evaluate(p, req('2014-11-30T12:00:01Z'))).toBe('ALLOW');
    expect(evaluate(p, req('2014-11-30T12:00:00Z'))).toBe('DENY-implicit');
    expect(evaluate(p, req('2014-11-30T12:30Z'))).toBe('ALLOW');
  });
});

describe('TV-T5: date window AND source IP (OR of two CIDRs)', () => {
  const p = policy(wrapCondition(vectorText('TV-T5').trim()));
  const act = (time: string, ip: string) => evaluate(p, { action: 'test:Action', context: { ...now(time), ...from(ip) } });

  it('13:00 from 203.0.113.5 → match', () => expect(act('2013-08-16T13:00:00Z', '203.0.113.5')).toBe('ALLOW'));
  it('13:00 from 198.51.100.5 → no match', () => expect(act('2013-08-16T13:00:00Z', '198.51.100.5')).toBe('DENY-implicit'));
  it('16:00 from 192.0.2.5 → no match', () => expect(act('2013-08-16T16:00:00Z', '192.0.2.5')).toBe('DENY-implicit'));
});

describe('TV-T6: iam:*AccessKey* on any user before 2013-06-30', () => {
  const p = vectorPolicy('TV-T6');
  const user = 'arn:aws:iam::ACCOUNT-ID-WITHOUT-HYPHENS:user/bob';

  it('iam:CreateAccessKey on user/bob at 2013-06-29T23:59:59Z → ALLOW', () => {
    expect(evaluate(p, { action: 'iam:CreateAccessKey', resource: user, context: now('2013-06-29T23:59:59Z') })).toBe('ALLOW');
  });

  it('at 2013-06-30T00:00:00Z → DENY-implicit', () => {
    expect(evaluate(p, { action: 'iam:CreateAccessKey', resource: user, context: now('2013-06-30T00:00:00Z') })).toBe('DENY-implicit');
  });

  it('iam:ListUsers → DENY-implicit: the wildcard *AccessKey* does not match', () => {
    expect(evaluate(p, { action: 'iam:ListUsers', resource: user, context: now('2013-06-29T23:59:59Z') })).toBe('DENY-implicit');
  });
});

describe('TV-T7: source IP 203.0.113.0/24', () => {
  const p = vectorPolicy('TV-T7');
  const act = (ip: string) => evaluate(p, { action: 'iam:CreateAccessKey', resource: 'arn:aws:iam::ACCOUNT-ID-WITHOUT-HYPHENS:user/bob', context: from(ip) });

  it('203.0.113.255 → ALLOW', () => expect(act('203.0.113.255')).toBe('ALLOW'));
  it('203.0.114.0 → DENY-implicit', () => expect(act('203.0.114.0')).toBe('DENY-implicit'));
  it('a bare IP in a policy means /32 (G17828)', () => {
    const bare = policy(vectorText('TV-T7').replace('203.0.113.0/24', '203.0.113.7'));
    const req = (ip: string) => ({ action: 'iam:CreateAccessKey', resource: 'arn:aws:iam::ACCOUNT-ID-WITHOUT-HYPHENS:user/bob', context: from(ip) });
    expect(evaluate(bare, req('203.0.113.7'))).toBe('ALLOW');
    expect(evaluate(bare, req('203.0.113.8'))).toBe('DENY-implicit');
  });
});

describe('TV-T8: mixed IPv4 and IPv6 CIDRs', () => {
  const p = vectorPolicy('TV-T8');
  const act = (ip: string) => evaluate(p, { action: 'someservice:Act', context: from(ip) });

  it('2001:db8:1234:5678::1 → ALLOW: IPv6, case-insensitive hex', () => expect(act('2001:db8:1234:5678::1')).toBe('ALLOW'));
  it('2001:db8:1234:5679::1 → DENY-implicit', () => expect(act('2001:db8:1234:5679::1')).toBe('DENY-implicit'));
  it('the IPv4 block still applies', () => {
    expect(act('203.0.113.1')).toBe('ALLOW');
    expect(act('203.0.112.1')).toBe('DENY-implicit');
  });
});

describe('TV-T9: require SSL', () => {
  const p = vectorPolicy('TV-T9');
  const act = (secure: string | undefined) =>
    evaluate(p, { action: 'iam:CreateAccessKey', resource: 'arn:aws:iam::ACCOUNT-ID-WITHOUT-HYPHENS:user/bob', context: { 'aws:SecureTransport': secure } });

  it('aws:SecureTransport=true → ALLOW', () => expect(act('true')).toBe('ALLOW'));
  it('false → DENY-implicit', () => expect(act('false')).toBe('DENY-implicit'));
  it('absent → DENY-implicit', () => expect(act(undefined)).toBe('DENY-implicit'));
});

describe('TV-T10: StringEquals on the user agent', () => {
  const p = vectorPolicy('TV-T10');
  const act = (ua: string) =>
    evaluate(p, { action: 'iam:CreateAccessKey', resource: 'arn:aws:iam::ACCOUNT-ID-WITHOUT-HYPHENS:user/bob', context: { 'aws:UserAgent': ua } });

  it('"Example Corp Java Client" → ALLOW', () => expect(act('Example Corp Java Client')).toBe('ALLOW'));
  it('"example corp java client" → DENY-implicit: the match is case-sensitive', () => expect(act('example corp java client')).toBe('DENY-implicit'));
});

describe('TV-T11: revoke temporary credentials issued before 2014-05-07T23:47:00Z', () => {
  const p = vectorPolicy('TV-T11');
  const act = (issued: string | undefined) => evaluate([p, allowAll()], { action: 's3:GetObject', context: { 'aws:TokenIssueTime': issued } });

  it('TokenIssueTime=2014-05-07T23:46:59Z → DENY-explicit, for any action', () => {
    expect(act('2014-05-07T23:46:59Z')).toBe('DENY-explicit');
    expect(evaluate([p, allowAll()], { action: 'iam:ListUsers', context: { 'aws:TokenIssueTime': '2014-05-07T23:46:59Z' } })).toBe('DENY-explicit');
  });

  it('TokenIssueTime=2014-05-07T23:47:00Z → not denied: strict less-than', () => expect(act('2014-05-07T23:47:00Z')).toBe('ALLOW'));
  it('LT → not denied: the key is absent', () => expect(act(undefined)).toBe('ALLOW'));
});

describe('TV-T12: EC2 only with long-term credentials (Null check)', () => {
  const p = vectorPolicy('TV-T12');

  it('LT → ALLOW', () => expect(evaluate(p, { action: 'ec2:DescribeInstances', context: LT })).toBe('ALLOW'));
  it('any temporary credentials (TokenIssueTime present) → DENY-implicit', () => {
    expect(evaluate(p, { action: 'ec2:DescribeInstances', context: { 'aws:TokenIssueTime': '2026-11-25T10:00:00Z' } })).toBe('DENY-implicit');
  });
});

describe('TV-T13: trust fragment with the guide operator spelling DateGreaterThanOrEqual', () => {
  const trust = policy(wrapStatement(vectorText('TV-T13').trim()), 'trust');
  const act = (time: string) =>
    evaluate(trust, { action: 'sts:AssumeRole', principal: iamUser('123456789012', 'alice'), context: now(time) });

  it('AssumeRole from account 123456789012 at 2017-07-01T00:00:00Z → ALLOW (alias of DateGreaterThanEquals)', () => {
    expect(act('2017-07-01T00:00:00Z')).toBe('ALLOW');
  });

  it('at 2018-01-01T00:00:00Z → DENY-implicit', () => expect(act('2018-01-01T00:00:00Z')).toBe('DENY-implicit'));

  it('before the window → DENY-implicit: the alias is a real condition, never ignored', () => {
    expect(act('2017-06-30T23:59:59Z')).toBe('DENY-implicit');
  });

  it('DateLessThanOrEqual is accepted the same way', () => {
    const p = policy(wrapCondition('"Condition": {"DateLessThanOrEqual": {"aws:CurrentTime": "2017-07-01T00:00:00Z"}}'));
    expect(evaluate(p, { action: 'test:Action', context: now('2017-07-01T00:00:00Z') })).toBe('ALLOW');
    expect(evaluate(p, { action: 'test:Action', context: now('2017-07-01T00:00:01Z') })).toBe('DENY-implicit');
  });
});

describe('TV-T14: AssumeRole allowed until 2016-05-01T12:00:00Z (fragment lacking a comma)', () => {
  it('as printed (no comma after Resource) the statement is not JSON → rejected', () => {
    expect(() => policy(wrapStatement(vectorText('TV-T14').trim()))).toThrow(PolicySyntaxError);
  });

  it('with the comma restored: after 2016-05-01 → DENY-implicit ("the policy never matches", G16119)', () => {
    const fixed = policy(wrapStatement(vectorText('TV-T14').trim().replace('" "Condition"', '", "Condition"')));
    const role = 'arn:aws:iam::account_id_number:role/role-name-you-want-to-assume';
    expect(evaluate(fixed, { action: 'sts:AssumeRole', resource: role, context: now('2016-05-02T00:00:00Z') })).toBe('DENY-implicit');
    expect(evaluate(fixed, { action: 'sts:AssumeRole', resource: role, context: now('2016-04-30T00:00:00Z') })).toBe('ALLOW');
  });
});

describe('TV-T15: list up to 10 keys', () => {
  const p = vectorPolicy('TV-T15');
  const act = (maxKeys: string) => evaluate(p, { action: 's3:ListBucket', resource: 'arn:aws:s3:::example_bucket', context: { 's3:max-keys': maxKeys } });

  it('s3:max-keys=10 → ALLOW', () => expect(act('10')).toBe('ALLOW'));
  it('11 → DENY-implicit', () => expect(act('11')).toBe('DENY-implicit'));
  it('"10.0" → ALLOW: numeric comparison, not string', () => expect(act('10.0')).toBe('ALLOW'));
});

describe('TV-T16: BinaryEquals (generic key)', () => {
  const p = policy(wrapCondition(vectorText('TV-T16').trim()));
  // Context values are strings, so a binary key carries its bytes base 64 encoded; bytes are compared.
  const act = (bytes: string) => evaluate(p, { action: 'test:Action', context: { key: Buffer.from(bytes, 'latin1').toString('base64') } });

  it('a request value equal to the bytes of QmluYXJ5VmFsdWVJbkJhc2U2NA== (BinaryValueInBase64) → match', () => {
    expect(Buffer.from('QmluYXJ5VmFsdWVJbkJhc2U2NA==', 'base64').toString('latin1')).toBe('BinaryValueInBase64');
    expect(act('BinaryValueInBase64')).toBe('ALLOW');
  });

  it('any other bytes → no match', () => {
    expect(act('BinaryValueInBase65')).toBe('DENY-implicit');
    expect(act('binaryvalueinbase64')).toBe('DENY-implicit');
    expect(act('BinaryValueInBase64\u0000')).toBe('DENY-implicit');
  });
});

describe('TV-T17: ArnEquals on aws:SourceArn (SQS queue policy)', () => {
  const p = vectorPolicy('TV-T17', 'resource');
  const act = (sourceArn: string | undefined) =>
    evaluate(p, {
      action: 'sqs:SendMessage',
      resource: 'arn:aws:sqs:REGION:123456789012:QUEUE-ID',
      principal: iamUser('123456789012', 'publisher'),
      context: { 'aws:SourceArn': sourceArn },
    });

  it('aws:SourceArn=arn:aws:sns:REGION:123456789012:TOPIC-ID → ALLOW (and SQS:SendMessage matches sqs:SendMessage)', () => {
    expect(act('arn:aws:sns:REGION:123456789012:TOPIC-ID')).toBe('ALLOW');
  });

  it('another topic → DENY-implicit', () => expect(act('arn:aws:sns:REGION:123456789012:OTHER-TOPIC')).toBe('DENY-implicit'));
  it('absent → DENY-implicit', () => expect(act(undefined)).toBe('DENY-implicit'));
});

describe('TV-T18a: THISPOLICYDOESNOTWORK, StringLike on a key absent for some resources', () => {
  const p = vectorPolicy('TV-T18a');

  it('ec2:RunInstances against the image resource (no ec2:InstanceType) → DENY-implicit', () => {
    expect(evaluate(p, { action: 'ec2:RunInstances', resource: 'arn:aws:ec2:us-east-1::image/ami-1' })).toBe('DENY-implicit');
  });

  it('against the instance resource with t2.micro → ALLOW', () => {
    expect(evaluate(p, { action: 'ec2:RunInstances', resource: 'arn:aws:ec2:us-east-1:1:instance/*', context: { 'ec2:InstanceType': 't2.micro' } })).toBe(
      'ALLOW',
    );
  });
});

describe('TV-T18b: the fixed version with StringLikeIfExists', () => {
  const p = vectorPolicy('TV-T18b');

  it('instance resource with ec2:InstanceType=t2.micro → ALLOW', () => {
    expect(evaluate(p, { action: 'ec2:RunInstances', context: { 'ec2:InstanceType': 't2.micro' } })).toBe('ALLOW');
  });

  it('c4.large → DENY-implicit', () => {
    expect(evaluate(p, { action: 'ec2:RunInstances', context: { 'ec2:InstanceType': 'c4.large' } })).toBe('DENY-implicit');
  });

  it('image resource (key absent) → ALLOW', () => {
    expect(evaluate(p, { action: 'ec2:RunInstances', resource: 'arn:aws:ec2:us-east-1::image/ami-1' })).toBe('ALLOW');
  });
});

describe('TV-T19a: ForAllValues:StringLike on requested attributes (action written as bare GetItem)', () => {
  it('as printed, the bare action is refused, as IAM does ("Actions/Conditions must be prefaced by a vendor")', () => {
    expect(() => vectorPolicy('TV-T19a')).toThrow('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
  });

  const p = policy(vectorText('TV-T19a').replace('"GetItem"', '"dynamodb:GetItem"'));
  const act = (attributes: string[]) =>
    evaluate(p, {
      action: 'dynamodb:GetItem',
      resource: 'arn:aws:dynamodb:REGION:ACCOUNT-ID-WITHOUT-HYPHENS:table/Thread',
      context: { 'dynamodb:requestedAttributes': attributes },
    });

  it('{PostDateTime, Message} → ALLOW', () => expect(act(['PostDateTime', 'Message'])).toBe('ALLOW'));
  it('{PostDateTime, UserName} → DENY-implicit (G18115)', () => expect(act(['PostDateTime', 'UserName'])).toBe('DENY-implicit'));
  it('{} (empty) → ALLOW: ForAllValues over an empty set is true (G18149)', () => expect(act([])).toBe('ALLOW'));
});

describe('TV-T19b: ForAnyValue:StringLike Deny on PutItem', () => {
  it('as printed (bare PutItem), refused as IAM does', () => {
    expect(() => vectorPolicy('TV-T19b')).toThrow('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
  });

  const p = policy(vectorText('TV-T19b').replace('"PutItem"', '"dynamodb:PutItem"'));
  const act = (attributes: string[]) =>
    evaluate([p, allowAll()], {
      action: 'dynamodb:PutItem',
      resource: 'arn:aws:dynamodb:REGION:ACCOUNT-ID-WITHOUT-HYPHENS:table/Thread',
      context: { 'dynamodb:requestedAttributes': attributes },
    });

  it('{UserName, Message, PostDateTime} → DENY-explicit (G18139)', () => expect(act(['UserName', 'Message', 'PostDateTime'])).toBe('DENY-explicit'));
  it('{UserName} → not denied', () => expect(act(['UserName'])).toBe('ALLOW'));
  it('{} → not denied: ForAnyValue over an empty set is false', () => expect(act([])).toBe('ALLOW'));
});

describe('TV-T20: IfExists on two keys in two operators (AND across operators)', () => {
  const fragment = vectorText('TV-T20').trim().replace('"xxx"', '"192.0.2.0/24"').replace('"yyy"', '"vpc-1"');
  const p = policy(wrapCondition(fragment));
  const act = (context: Record<string, string>) => evaluate(p, { action: 'test:Action', context });

  it('SourceIp absent and SourceVpc=vpc-1 → match', () => expect(act({ 'aws:SourceVpc': 'vpc-1' })).toBe('ALLOW'));
  it('SourceIp=192.0.2.1 and SourceVpc=vpc-2 → no match (AND, not the "or" of the prose)', () => {
    expect(act({ 'aws:SourceIp': '192.0.2.1', 'aws:SourceVpc': 'vpc-2' })).toBe('DENY-implicit');
  });
  it('both absent → match', () => expect(act({})).toBe('ALLOW'));
  it('both present and matching → match; SourceIp outside → no match', () => {
    expect(act({ 'aws:SourceIp': '192.0.2.1', 'aws:SourceVpc': 'vpc-1' })).toBe('ALLOW');
    expect(act({ 'aws:SourceIp': '198.51.100.1' })).toBe('DENY-implicit');
  });
});
