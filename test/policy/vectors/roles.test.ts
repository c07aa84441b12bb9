/** seed-digest §12.6: role, principal and STS vectors TV-R1 … TV-R12. */
import { describe, expect, it } from 'vitest';
import { authorize, createContext } from '../../../src/policy/index.js';
import {
  allowAll,
  authorized,
  evaluate,
  federatedUser,
  iamUser,
  policy,
  roleSession,
  service,
  vectorLines,
  vectorPolicy,
  vectorText,
} from '../fixtures/seed-vectors.js';

describe('TV-R1: third-party trust with ExternalId 12345', () => {
  const trust = vectorPolicy('TV-R1', 'trust');
  const exampleCorp = iamUser("Example Corp's AWS Account ID", 'broker');
  const act = (externalId: string | undefined) =>
    evaluate(trust, { action: 'sts:AssumeRole', principal: exampleCorp, context: { 'sts:ExternalId': externalId } });

  it("AssumeRole from Example Corp's account with ExternalId=12345 → ALLOW", () => expect(act('12345')).toBe('ALLOW'));
  it('with 67890 → DENY-implicit', () => expect(act('67890')).toBe('DENY-implicit'));
  it('without ExternalId → DENY-implicit: the key is absent, so StringEquals fails', () => expect(act(undefined)).toBe('DENY-implicit'));
  it('another account with the right ExternalId → DENY-implicit', () => {
    expect(evaluate(trust, { action: 'sts:AssumeRole', principal: iamUser('111122223333', 'x'), context: { 'sts:ExternalId': '12345' } })).toBe(
      'DENY-implicit',
    );
  });
});

describe('TV-R2: service principals as an array in one Service key', () => {
  const trust = vectorPolicy('TV-R2', 'trust');

  it('datapipeline.amazonaws.com calls AssumeRole → ALLOW', () => {
    expect(evaluate(trust, { action: 'sts:AssumeRole', principal: service('datapipeline.amazonaws.com') })).toBe('ALLOW');
    expect(evaluate(trust, { action: 'sts:AssumeRole', principal: service('elasticmapreduce.amazonaws.com') })).toBe('ALLOW');
  });
  it('ec2.amazonaws.com → DENY-implicit', () => {
    expect(evaluate(trust, { action: 'sts:AssumeRole', principal: service('ec2.amazonaws.com') })).toBe('DENY-implicit');
  });
  it('two separate Service keys in one Principal are a duplicate-key error', () => {
    const duplicate =
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "elasticmapreduce.amazonaws.com", "Service": "datapipeline.amazonaws.com"}, "Action": "sts:AssumeRole"}]}';
    expect(() => policy(duplicate, 'trust')).toThrow(/Duplicate/i);
  });
});

describe('TV-R3: EC2 service trust', () => {
  const trust = vectorPolicy('TV-R3', 'trust');

  it('ec2.amazonaws.com → ALLOW', () => expect(evaluate(trust, { action: 'sts:AssumeRole', principal: service('ec2.amazonaws.com') })).toBe('ALLOW'));
  it('an IAM user → DENY-implicit', () => {
    expect(evaluate(trust, { action: 'sts:AssumeRole', principal: iamUser('123456789012', 'bob') })).toBe('DENY-implicit');
  });
});

describe('TV-R4: identity policy, assume any role whose name starts with Test', () => {
  const p = vectorPolicy('TV-R4');
  const act = (role: string) => evaluate(p, { action: 'sts:AssumeRole', resource: `arn:aws:iam::ACCOUNT-ID-WITHOUT-HYPHENS:role/${role}` });

  it('role/TestAdmin → ALLOW', () => expect(act('TestAdmin')).toBe('ALLOW'));
  it('role/test → DENY-implicit: ARN matching is case-sensitive', () => expect(act('test')).toBe('DENY-implicit'));
  it('role/Prod → DENY-implicit', () => expect(act('Prod')).toBe('DENY-implicit'));
});

describe('TV-R5: GetFederationToken only for names starting with Manager', () => {
  const p = vectorPolicy('TV-R5');
  const act = (name: string) => evaluate(p, { action: 'sts:GetFederationToken', resource: `arn:aws:sts::123456789012:federated-user/${name}` });

  it('Name=ManagerBob → ALLOW', () => expect(act('ManagerBob')).toBe('ALLOW'));
  it('Name=Bob → DENY-implicit', () => expect(act('Bob')).toBe('DENY-implicit'));
});

describe('TV-R6: NotPrincipal + Deny, everyone except Bob (user ARN plus account root listed)', () => {
  const bucketPolicy = vectorPolicy('TV-R6', 'resource');
  const object = 'arn:aws:s3::::BUCKETNAME/report.csv';
  const bob = iamUser('444455556666', 'Bob');
  const alice = iamUser('444455556666', 'Alice');

  it('a request by user/Bob → not denied; access still needs an Allow', () => {
    expect(evaluate(bucketPolicy, { action: 's3:GetObject', resource: object, principal: bob })).toBe('DENY-implicit');
    expect(evaluate([bucketPolicy, allowAll()], { action: 's3:GetObject', resource: object, principal: bob })).toBe('ALLOW');
    expect(authorized({ identity: [allowAll()], resource: bucketPolicy }, { action: 's3:GetObject', resource: object, principal: bob })).toBe('ALLOW');
  });

  it('by user/Alice of 444455556666 → DENY-explicit', () => {
    expect(evaluate([bucketPolicy, allowAll()], { action: 's3:GetObject', resource: object, principal: alice })).toBe('DENY-explicit');
    expect(authorized({ identity: [allowAll()], resource: bucketPolicy }, { action: 's3:GetObject', resource: object, principal: alice })).toBe(
      'DENY-explicit',
    );
  });

  it("variant listing only Bob's ARN → Bob is denied as well, via the account check (G17346)", () => {
    const onlyBob = policy(vectorText('TV-R6').replace(', "arn:aws:iam::444455556666:root"', ''), 'resource');
    expect(evaluate([onlyBob, allowAll()], { action: 's3:GetObject', resource: object, principal: bob })).toBe('DENY-explicit');
  });

  it('the account as a bare id counts like its root ARN', () => {
    const byId = policy(vectorText('TV-R6').replace('"arn:aws:iam::444455556666:root"', '"444455556666"'), 'resource');
    expect(evaluate([byId, allowAll()], { action: 's3:GetObject', resource: object, principal: bob })).toBe('ALLOW');
    expect(evaluate([byId, allowAll()], { action: 's3:GetObject', resource: object, principal: alice })).toBe('DENY-explicit');
  });
});

describe('TV-R7: NotPrincipal + Deny, everyone except one assumed-role session', () => {
  const bucketPolicy = vectorPolicy('TV-R7', 'resource');
  const object = 'arn:aws:s3:::Bucket_AccountAudit/2026/x';

  it('session cross-account-audit-app → not denied', () => {
    const audit = roleSession('444455556666', 'cross-account-read-only-role', 'cross-account-audit-app');
    expect(evaluate([bucketPolicy, allowAll()], { action: 's3:GetObject', resource: object, principal: audit })).toBe('ALLOW');
  });

  it('another session of the same role → DENY-explicit', () => {
    const other = roleSession('444455556666', 'cross-account-read-only-role', 'someone-else');
    expect(evaluate([bucketPolicy, allowAll()], { action: 's3:GetObject', resource: object, principal: other })).toBe('DENY-explicit');
  });

  it('listing the session and the account but not the role → the session is denied', () => {
    const noRole = policy(vectorText('TV-R7').replace('"arn:aws:iam::444455556666:role/cross-account-read-only-role", ', ''), 'resource');
    const audit = roleSession('444455556666', 'cross-account-read-only-role', 'cross-account-audit-app');
    expect(evaluate([noRole, allowAll()], { action: 's3:GetObject', resource: object, principal: audit })).toBe('DENY-explicit');
  });
});

describe('TV-R8a/b: role permission policy ∩ passed session policy', () => {
  const role = vectorPolicy('TV-R8a');
  const passed = vectorPolicy('TV-R8b', 'session');
  const object = 'arn:aws:s3:::productionapp/x';

  it('R8a alone: s3:DeleteObject on productionapp/x → ALLOW', () => {
    expect(evaluate(role, { action: 's3:DeleteObject', resource: object })).toBe('ALLOW');
    expect(authorized({ identity: [role] }, { action: 's3:DeleteObject', resource: object })).toBe('ALLOW');
  });

  it('session = R8a ∩ R8b: s3:DeleteObject → DENY-implicit', () => {
    expect(authorized({ identity: [role], session: [passed] }, { action: 's3:DeleteObject', resource: object })).toBe('DENY-implicit');
  });

  it('s3:PutObject on productionapp/x → ALLOW; s3:ListBucket on productionapp → ALLOW', () => {
    expect(authorized({ identity: [role], session: [passed] }, { action: 's3:PutObject', resource: object })).toBe('ALLOW');
    expect(authorized({ identity: [role], session: [passed] }, { action: 's3:ListBucket', resource: 'arn:aws:s3:::productionapp' })).toBe('ALLOW');
  });

  it('a passed policy that grants more than the role (s3:* on *) → still only the role\'s permissions (G9839)', () => {
    const wide = policy('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}', 'session');
    const layers = { identity: [role], session: [wide] };
    expect(authorized(layers, { action: 's3:DeleteObject', resource: object })).toBe('ALLOW');
    expect(authorized(layers, { action: 's3:DeleteBucket', resource: 'arn:aws:s3:::productionapp' })).toBe('DENY-implicit');
    expect(authorized(layers, { action: 's3:GetObject', resource: 'arn:aws:s3:::otherbucket/x' })).toBe('DENY-implicit');
  });

  it('the Allow result lists the role and session statements that matched', () => {
    const result = authorize({ identity: [role], session: [passed] }, { action: 's3:PutObject', resource: object, context: createContext({}) });
    expect(result.decision).toBe('Allow');
    expect(result.matched.map((m) => m.policy).sort()).toEqual(['TV-R8a', 'TV-R8b']);
  });
});

describe('TV-R8c: bucket policy, Deny DeleteObject to Principal {"AWS": "*"}', () => {
  it('with R8a alone: s3:DeleteObject on productionapp/x → DENY-explicit', () => {
    const role = vectorPolicy('TV-R8a');
    const bucket = vectorPolicy('TV-R8c', 'resource');
    const caller = roleSession('123456789012', 'productionapp-role', 'app');
    expect(authorized({ identity: [role], resource: bucket }, { action: 's3:DeleteObject', resource: 'arn:aws:s3:::productionapp/x', principal: caller })).toBe(
      'DENY-explicit',
    );
    expect(authorized({ identity: [role], resource: bucket }, { action: 's3:GetObject', resource: 'arn:aws:s3:::productionapp/x', principal: caller })).toBe(
      'ALLOW',
    );
  });
});

describe('TV-R9: GetFederationToken, token-app policy ∩ passed policy, and a bucket policy naming a federated user', () => {
  const [tokenAppDoc, passedDoc, bucketDoc] = JSON.parse(vectorText('TV-R9')) as [object, object, object];
  const tokenApp = policy(tokenAppDoc, 'identity', 'token-app');
  const passed = policy(passedDoc, 'session', 'passed');
  const bucket = policy(bucketDoc, 'resource', 'productionapp-bucket');
  const jean = federatedUser('ACCOUNT-ID-WITHOUT-HYPHENS', 'Jean', 'token-app');
  const carol = federatedUser('ACCOUNT-ID-WITHOUT-HYPHENS', 'Carol', 'token-app');

  it('federated user Jean (token-app ∩ passed), s3:GetObject on productionapp/x → ALLOW', () => {
    expect(authorized({ identity: [tokenApp], session: [passed] }, { action: 's3:GetObject', resource: 'arn:aws:s3:::productionapp/x', principal: jean })).toBe(
      'ALLOW',
    );
  });

  it('sns:Publish → DENY-implicit: not in the passed policy', () => {
    expect(authorized({ identity: [tokenApp], session: [passed] }, { action: 'sns:Publish', resource: 'arn:aws:sns:us-east-1:1:topic', principal: jean })).toBe(
      'DENY-implicit',
    );
  });

  it('with no passed policy → DENY-implicit for everything', () => {
    expect(authorized({ identity: [tokenApp], session: [] }, { action: 's3:GetObject', resource: 'arn:aws:s3:::productionapp/x', principal: jean })).toBe(
      'DENY-implicit',
    );
    expect(
      authorized({ identity: [tokenApp], session: [], resource: bucket }, { action: 's3:GetObject', resource: 'arn:aws:s3:::productionapp/x', principal: jean }),
    ).toBe('DENY-implicit');
  });

  it('…except where the bucket policy names federated-user/Carol: Carol → ALLOW on productionapp/* Get/Put/Delete', () => {
    for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']) {
      expect(
        authorized({ identity: [tokenApp], session: [], resource: bucket }, { action, resource: 'arn:aws:s3:::productionapp/x', principal: carol }),
      ).toBe('ALLOW');
    }
    expect(
      authorized({ identity: [tokenApp], session: [], resource: bucket }, { action: 's3:ListBucket', resource: 'arn:aws:s3:::productionapp', principal: carol }),
    ).toBe('DENY-implicit');
  });
});

describe('TV-R10: deny-by-name principals in resource policies', () => {
  const [statement = '', tokenAppPrincipal = '', maryPrincipal = '', rolePrincipal = ''] = vectorLines('TV-R10');
  const bucket = 'arn:aws:s3:::EXAMPLE-BUCKET';
  const withPrincipal = (principalFragment: string) =>
    policy(
      `{"Version": "2012-10-17", "Statement": [{${principalFragment}, "Effect": "Deny", "Action": "s3:*", "Resource": "${bucket}"}]}`,
      'resource',
    );
  const denied = (p: ReturnType<typeof policy>, principal: ReturnType<typeof iamUser>) =>
    evaluate([p, allowAll()], { action: 's3:ListBucket', resource: bucket, principal });
  const account = 'ACCOUNT-ID-WITHOUT-HYPHENS';

  it('the federated-user/Bob principal denies only Bob', () => {
    const p = policy(`{"Version": "2012-10-17", "Statement": [${statement}]}`, 'resource');
    expect(denied(p, federatedUser(account, 'Bob', 'token-app'))).toBe('DENY-explicit');
    expect(denied(p, federatedUser(account, 'Alice', 'token-app'))).toBe('ALLOW');
  });

  it('the user/token-app principal denies all federated users created by token-app (G10167)', () => {
    const p = withPrincipal(tokenAppPrincipal);
    expect(denied(p, federatedUser(account, 'Bob', 'token-app'))).toBe('DENY-explicit');
    expect(denied(p, federatedUser(account, 'Alice', 'token-app'))).toBe('DENY-explicit');
    expect(denied(p, iamUser(account, 'token-app'))).toBe('DENY-explicit');
    expect(denied(p, federatedUser(account, 'Bob', 'other-app'))).toBe('ALLOW');
  });

  it('the assumed-role ARN denies only session Mary', () => {
    const p = withPrincipal(maryPrincipal);
    expect(denied(p, roleSession(account, 'Accounting-Role', 'Mary'))).toBe('DENY-explicit');
    expect(denied(p, roleSession(account, 'Accounting-Role', 'John'))).toBe('ALLOW');
  });

  it('the role ARN denies all sessions of the role (G10179)', () => {
    const p = withPrincipal(rolePrincipal);
    expect(denied(p, roleSession(account, 'Accounting-Role', 'Mary'))).toBe('DENY-explicit');
    expect(denied(p, roleSession(account, 'Accounting-Role', 'John'))).toBe('DENY-explicit');
    expect(denied(p, roleSession(account, 'Other-Role', 'Mary'))).toBe('ALLOW');
  });
});

describe('TV-R11: cross-account explicit deny (AccountBDeny)', () => {
  it('a user in 111122223333 whose own policy allows s3:* on mybucket/* → DENY-explicit (G8192)', () => {
    const bucket = vectorPolicy('TV-R11', 'resource');
    const own = policy('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::mybucket/*"}]}');
    const user = iamUser('111122223333', 'bob');
    expect(authorized({ identity: [own], resource: bucket }, { action: 's3:PutObject', resource: 'arn:aws:s3:::mybucket/k', principal: user })).toBe(
      'DENY-explicit',
    );
    expect(authorized({ identity: [own], resource: bucket }, { action: 's3:PutObject', resource: 'arn:aws:s3:::mybucket/k', principal: iamUser('999988887777', 'x') })).toBe(
      'ALLOW',
    );
  });
});

describe('TV-R12: manage one bucket only (Allow s3:* on it + Deny NotAction s3:* on NotResource it)', () => {
  const p = vectorPolicy('TV-R12');

  it('s3:PutObject on <BUCKET-NAME>/a → ALLOW', () => {
    expect(evaluate(p, { action: 's3:PutObject', resource: 'arn:aws:s3:::<BUCKET-NAME>/a' })).toBe('ALLOW');
  });

  it('ec2:DescribeInstances → DENY-explicit: NotAction matches and the EC2 resource is not in NotResource', () => {
    expect(evaluate([p, allowAll()], { action: 'ec2:DescribeInstances', resource: '*' })).toBe('DENY-explicit');
    expect(evaluate([p, allowAll()], { action: 'ec2:DescribeInstances', resource: 'arn:aws:ec2:us-east-1:123456789012:instance/i-1' })).toBe('DENY-explicit');
  });

  it('s3:ListAllMyBuckets (resource *) → DENY-implicit: the Deny does not apply and the Allow\'s Resource does not match *', () => {
    expect(evaluate(p, { action: 's3:ListAllMyBuckets', resource: '*' })).toBe('DENY-implicit');
  });
});
