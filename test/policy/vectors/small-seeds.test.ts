/** seed-digest §12.9: vectors from the small seeds (S0 Traffic Mirroring, S3 Session Manager), TV-X0 … TV-X8. */
import { describe, expect, it } from 'vitest';
import { PolicySyntaxError } from '../../../src/policy/index.js';
import { evaluate, policy, userKeys, vectorLines, vectorPolicy, vectorText } from '../fixtures/seed-vectors.js';
import type { ContextEntries } from '../fixtures/seed-vectors.js';

/** S3:85/97/119 print `"Resource": ""` where a `*` was lost in conversion (seed-digest §10 #19). */
const withStar = (text: string) => text.replace('"Resource": ""', '"Resource": "*"');

describe('TV-X0: CreateTrafficMirrorSession restricted to target tmt-12345645678', () => {
  const p = vectorPolicy('TV-X0');
  const act = (resource: string) => evaluate(p, { action: 'ec2:CreateTrafficMirrorSession', resource });

  it('on …:traffic-mirror-target/tmt-12345645678 → ALLOW', () => {
    expect(act('arn:aws:ec2:us-east-1:111122223333:traffic-mirror-target/tmt-12345645678')).toBe('ALLOW');
  });
  it('on …:traffic-mirror-target/tmt-99999999999 → DENY-implicit', () => {
    expect(act('arn:aws:ec2:us-east-1:111122223333:traffic-mirror-target/tmt-99999999999')).toBe('DENY-implicit');
  });
  it('on …:traffic-mirror-filter/tmf-1 → ALLOW', () => expect(act('arn:aws:ec2:us-east-1:111122223333:traffic-mirror-filter/tmf-1')).toBe('ALLOW'));
  it('on …:network-interface/eni-1 → ALLOW', () => expect(act('arn:aws:ec2:us-east-1:111122223333:network-interface/eni-1')).toBe('ALLOW'));
  it('* matches any region or account, within one segment, but not an ARN with fewer segments', () => {
    expect(act('arn:aws:ec2:eu-west-3:999999999999:network-interface/eni-1')).toBe('ALLOW');
    expect(act('arn:aws:ec2:us-east-1:network-interface/eni-1')).toBe('DENY-implicit');
    expect(act('arn:aws:ec2::network-interface/eni-1')).toBe('DENY-implicit');
    expect(act('arn:aws:ec2:us-east-1:1:2:network-interface/eni-1')).toBe('DENY-implicit');
    expect(act('*')).toBe('DENY-implicit');
  });
});

describe('TV-X1: StartSession on three instances; TerminateSession on session/${aws:username}-*', () => {
  const p = vectorPolicy('TV-X1');
  const bob = userKeys('bob');

  it('bob: ssm:StartSession on instance/i-1234567890EXAMPLE → ALLOW; another instance → DENY-implicit', () => {
    expect(evaluate(p, { action: 'ssm:StartSession', resource: 'arn:aws:ec2:us-east-2:123456789012:instance/i-1234567890EXAMPLE', context: bob })).toBe('ALLOW');
    expect(evaluate(p, { action: 'ssm:StartSession', resource: 'arn:aws:ec2:us-east-2:123456789012:instance/i-9999999999EXAMPLE', context: bob })).toBe(
      'DENY-implicit',
    );
  });

  it('ssm:TerminateSession on session/bob-0abc → ALLOW; on session/alice-0abc → DENY-implicit', () => {
    expect(evaluate(p, { action: 'ssm:TerminateSession', resource: 'arn:aws:ssm:us-east-2:123456789012:session/bob-0abc', context: bob })).toBe('ALLOW');
    expect(evaluate(p, { action: 'ssm:TerminateSession', resource: 'arn:aws:ssm:us-east-2:123456789012:session/alice-0abc', context: bob })).toBe(
      'DENY-implicit',
    );
  });

  it('a federated (assumed-role) caller has no aws:username, so TerminateSession → DENY-implicit', () => {
    const session: ContextEntries = { 'aws:userid': 'AROAEXAMPLE:bob', 'aws:PrincipalType': 'AssumedRole' };
    expect(evaluate(p, { action: 'ssm:TerminateSession', resource: 'arn:aws:ssm:us-east-2:123456789012:session/bob-0abc', context: session })).toBe(
      'DENY-implicit',
    );
  });
});

describe('TV-X2: StartSession on instances tagged Finance=WebServers', () => {
  const p = vectorPolicy('TV-X2');
  const act = (tag: string | undefined) =>
    evaluate(p, { action: 'ssm:StartSession', resource: 'arn:aws:ec2:region:987654321098:instance/i-1', context: { 'ssm:resourceTag/Finance': tag } });

  it('tag Finance=WebServers → ALLOW', () => expect(act('WebServers')).toBe('ALLOW'));
  it('tag Finance=WebServer (the prose value) → DENY-implicit', () => expect(act('WebServer')).toBe('DENY-implicit'));
  it('no tag → DENY-implicit', () => expect(act(undefined)).toBe('DENY-implicit'));
});

describe('TV-X3: both tags must match (two keys under one StringLike = AND)', () => {
  const p = vectorPolicy('TV-X3');

  it('tag-key1=tag-value1 and tag-key2=tag-value2 → ALLOW', () => {
    expect(
      evaluate(p, { action: 'ssm:StartSession', context: { 'ssm:resourceTag/tag-key1': 'tag-value1', 'ssm:resourceTag/tag-key2': 'tag-value2' } }),
    ).toBe('ALLOW');
  });
  it('only the first tag → DENY-implicit', () => {
    expect(evaluate(p, { action: 'ssm:StartSession', context: { 'ssm:resourceTag/tag-key1': 'tag-value1' } })).toBe('DENY-implicit');
  });
});

describe('TV-X4: DescribeSessions on *; TerminateSession only on your own ${aws:username}-* sessions', () => {
  const p = vectorPolicy('TV-X4');
  const bob = userKeys('bob');

  it('bob, ssm:DescribeSessions on * → ALLOW', () => expect(evaluate(p, { action: 'ssm:DescribeSessions', resource: '*', context: bob })).toBe('ALLOW'));
  it('ssm:TerminateSession on session/bob-1 → ALLOW; on session/bobby-1 → DENY-implicit (the pattern bob-* needs the dash)', () => {
    expect(evaluate(p, { action: 'ssm:TerminateSession', resource: 'arn:aws:ssm:us-east-1:123456789012:session/bob-1', context: bob })).toBe('ALLOW');
    expect(evaluate(p, { action: 'ssm:TerminateSession', resource: 'arn:aws:ssm:us-east-1:123456789012:session/bobby-1', context: bob })).toBe(
      'DENY-implicit',
    );
  });
});

describe('TV-X5: TerminateSession where target-id = i-02573cafcfEXAMPLE ("Resource": "" verbatim)', () => {
  it('as printed, "Resource": "" is rejected at validation (seed-digest §10 #19)', () => {
    expect(() => vectorPolicy('TV-X5')).toThrow(PolicySyntaxError);
    try {
      vectorPolicy('TV-X5');
    } catch (e) {
      expect((e as PolicySyntaxError).path).toMatch(/^Statement\[0\]\.Resource/);
    }
  });

  it('with * substituted: a session tagged target-id=i-02573cafcfEXAMPLE → ALLOW; other targets → DENY-implicit', () => {
    const p = policy(withStar(vectorText('TV-X5')));
    const act = (target: string) => evaluate(p, { action: 'ssm:TerminateSession', context: { 'ssm:resourceTag/aws:ssmmessages:target-id': target } });
    expect(act('i-02573cafcfEXAMPLE')).toBe('ALLOW');
    expect(act('i-99999999999EXAMPLE')).toBe('DENY-implicit');
  });
});

describe('TV-X6: session-id tag equals a user ID, or ${aws:userid} for an AssumedRole caller', () => {
  const [byUserIdText = '', byVariableText = ''] = vectorLines('TV-X6');

  it('as printed ("Resource": "") both are rejected', () => {
    expect(() => policy(byUserIdText)).toThrow(PolicySyntaxError);
    expect(() => policy(byVariableText)).toThrow(PolicySyntaxError);
  });

  const byUserId = policy(withStar(byUserIdText));
  const byVariable = policy(withStar(byVariableText));
  const terminate = (p: typeof byUserId, sessionId: string, keys: ContextEntries) =>
    evaluate(p, { action: 'ssm:TerminateSession', context: { ...keys, 'ssm:resourceTag/aws:ssmmessages:session-id': sessionId } });

  it('an assumed-role session (aws:userid=AROAEXAMPLE:MyRole) terminating a session tagged AROAEXAMPLE:MyRole → ALLOW', () => {
    const keys = { 'aws:userid': 'AROAEXAMPLE:MyRole', 'aws:PrincipalType': 'AssumedRole' };
    expect(terminate(byVariable, 'AROAEXAMPLE:MyRole', keys)).toBe('ALLOW');
    expect(terminate(byVariable, 'AROAOTHER:MyRole', keys)).toBe('DENY-implicit');
  });

  it('a SAML or web-identity session: ALLOW, because the broker defines aws:userid = role-id:RoleSessionName for them (§10 #8)', () => {
    const samlSession = { 'aws:userid': 'AROAEXAMPLE:alice@example.com', 'aws:PrincipalType': 'AssumedRole', 'saml:sub': 'alice' };
    expect(terminate(byVariable, 'AROAEXAMPLE:alice@example.com', samlSession)).toBe('ALLOW');
    // Under the 2018 guide's table aws:userid would be absent: the variable does not resolve → DENY-implicit.
    expect(terminate(byVariable, 'AROAEXAMPLE:alice@example.com', { 'aws:PrincipalType': 'AssumedRole' })).toBe('DENY-implicit');
  });

  it('an IAM user with unique ID AIDIODR4TAW7CSEXAMPLE → ALLOW under the first policy', () => {
    expect(terminate(byUserId, 'AIDIODR4TAW7CSEXAMPLE', userKeys('someone', 'AIDIODR4TAW7CSEXAMPLE'))).toBe('ALLOW');
    expect(terminate(byUserId, 'AIDAOTHER', userKeys('someone', 'AIDIODR4TAW7CSEXAMPLE'))).toBe('DENY-implicit');
  });
});

describe('TV-X7: both system tags (target-id = instance-id, session-id = ${aws:username}-*)', () => {
  const p = vectorPolicy('TV-X7');
  const act = (sessionId: string) =>
    evaluate(p, {
      action: 'ssm:TerminateSession',
      context: { ...userKeys('bob'), 'ssm:resourceTag/aws:ssmmessages:target-id': 'instance-id', 'ssm:resourceTag/aws:ssmmessages:session-id': sessionId },
    });

  it('bob, target-id=instance-id and session-id=bob-42 → ALLOW', () => expect(act('bob-42')).toBe('ALLOW'));
  it('session-id=alice-42 → DENY-implicit', () => expect(act('alice-42')).toBe('DENY-implicit'));
});

describe('TV-X8: SSM admin, five actions on *', () => {
  const p = vectorPolicy('TV-X8');

  it('ssm:ResumeSession on anything → ALLOW', () => {
    expect(evaluate(p, { action: 'ssm:ResumeSession', resource: 'arn:aws:ssm:us-east-1:123456789012:session/x' })).toBe('ALLOW');
    expect(evaluate(p, { action: 'ssm:ResumeSession', resource: '*' })).toBe('ALLOW');
  });
  it('ssm:SendCommand → DENY-implicit', () => expect(evaluate(p, { action: 'ssm:SendCommand' })).toBe('DENY-implicit'));
});
