import { describe, expect, it } from 'vitest';
import { authorize, createContext, evaluatePolicies, parsePolicy } from '../../src/policy/index.js';
import type { AuthzRequest, CompiledPolicy, PolicyKind, RequestPrincipal } from '../../src/policy/index.js';

const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/productionapp`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/productionapp/s1`;
const roleSession: RequestPrincipal = { account: ACCOUNT, arns: [SESSION, ROLE] };

function policy(statements: object[], kind: PolicyKind = 'identity', name = `${kind}-policy`): CompiledPolicy {
  return parsePolicy({ Version: '2012-10-17', Statement: statements }, { kind, name });
}

function req(action: string, resource: string, principal?: RequestPrincipal, context: Record<string, string> = {}): AuthzRequest {
  const base = { action, resource, context: createContext(context) };
  return principal === undefined ? base : { ...base, principal };
}

// TV-R8a (role permission policy) and TV-R8b (passed session policy), G9860–G9916.
const role = policy(
  [
    { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::productionapp' },
    { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: 'arn:aws:s3:::productionapp/*' },
  ],
  'identity',
  'role:productionapp',
);
const passed = policy(
  [
    { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::productionapp' },
    { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::productionapp/*' },
  ],
  'session',
  'session',
);

describe('evaluatePolicies', () => {
  const allowAll = policy([{ Effect: 'Allow', Action: '*', Resource: '*' }], 'identity', 'all');
  const denyS3 = policy([{ Sid: 'NoS3', Effect: 'Deny', Action: 's3:*', Resource: '*' }], 'identity', 'no-s3');

  it('is an implicit deny with no policies or no matching statement', () => {
    expect(evaluatePolicies([], req('s3:GetObject', '*'))).toEqual({ decision: 'ImplicitDeny', matched: [] });
    expect(evaluatePolicies([denyS3], req('ec2:RunInstances', '*')).decision).toBe('ImplicitDeny');
  });

  it('ORs statements and policies; an explicit deny wins whatever the order (G18558)', () => {
    expect(evaluatePolicies([allowAll], req('ec2:RunInstances', '*'))).toEqual({
      decision: 'Allow',
      matched: [{ policy: 'all', index: 0, effect: 'Allow' }],
    });
    for (const order of [
      [allowAll, denyS3],
      [denyS3, allowAll],
    ]) {
      expect(evaluatePolicies(order, req('s3:GetObject', 'arn:aws:s3:::b/k'))).toEqual({
        decision: 'ExplicitDeny',
        matched: [{ policy: 'no-s3', index: 0, sid: 'NoS3', effect: 'Deny' }],
      });
    }
  });

  it('reports every matching statement', () => {
    const p = policy([
      { Effect: 'Allow', Action: 's3:Get*', Resource: '*' },
      { Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
    ]);
    expect(evaluatePolicies([p], req('s3:GetObject', 'arn:aws:s3:::b/k')).matched.map((m) => m.index)).toEqual([0, 2]);
  });

  it('NotAction and NotResource apply to everything else (G17455, G12885)', () => {
    const p = policy([
      { Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::only', 'arn:aws:s3:::only/*'] },
      { Effect: 'Deny', NotAction: 's3:*', NotResource: ['arn:aws:s3:::only', 'arn:aws:s3:::only/*'] },
    ]);
    expect(evaluatePolicies([p], req('s3:PutObject', 'arn:aws:s3:::only/a')).decision).toBe('Allow');
    expect(evaluatePolicies([p], req('ec2:DescribeInstances', '*')).decision).toBe('ExplicitDeny');
    expect(evaluatePolicies([p], req('s3:ListAllMyBuckets', '*')).decision).toBe('ImplicitDeny');
  });

  it('refuses policies not made by parsePolicy', () => {
    const fake = { name: 'fake', kind: 'identity', version: '2012-10-17', source: '{}', size: 2, statementCount: 0 } as const;
    expect(() => evaluatePolicies([fake], req('s3:GetObject', '*'))).toThrow(TypeError);
  });
});

describe('authorize: identity ∩ session ∩ boundary (G9839)', () => {
  it('role alone: DeleteObject allowed (TV-R8a)', () => {
    expect(authorize({ identity: [role] }, req('s3:DeleteObject', 'arn:aws:s3:::productionapp/x', roleSession)).decision).toBe('Allow');
  });

  it('role ∩ passed policy: only what both allow (TV-R8b)', () => {
    const layers = { identity: [role], session: [passed] };
    expect(authorize(layers, req('s3:DeleteObject', 'arn:aws:s3:::productionapp/x', roleSession)).decision).toBe('ImplicitDeny');
    const put = authorize(layers, req('s3:PutObject', 'arn:aws:s3:::productionapp/x', roleSession));
    expect(put.decision).toBe('Allow');
    expect(put.matched).toEqual([
      { policy: 'role:productionapp', index: 1, effect: 'Allow' },
      { policy: 'session', index: 1, effect: 'Allow' },
    ]);
    expect(authorize(layers, req('s3:ListBucket', 'arn:aws:s3:::productionapp', roleSession)).decision).toBe('Allow');
  });

  it('a session policy granting more than the role cannot widen it', () => {
    const everything = policy([{ Effect: 'Allow', Action: '*', Resource: '*' }], 'session', 'session');
    const layers = { identity: [role], session: [everything] };
    expect(authorize(layers, req('iam:CreateUser', `arn:aws:iam::${ACCOUNT}:user/x`, roleSession)).decision).toBe('ImplicitDeny');
    expect(authorize(layers, req('s3:GetObject', 'arn:aws:s3:::productionapp/x', roleSession)).decision).toBe('Allow');
  });

  it('several session policies (inline + PolicyArns) are OR-ed among themselves', () => {
    const getOnly = policy([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }], 'session', 'managed:get');
    const putOnly = policy([{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }], 'session', 'managed:put');
    const layers = { identity: [role], session: [getOnly, putOnly] };
    expect(authorize(layers, req('s3:GetObject', 'arn:aws:s3:::productionapp/x')).decision).toBe('Allow');
    expect(authorize(layers, req('s3:PutObject', 'arn:aws:s3:::productionapp/x')).decision).toBe('Allow');
    expect(authorize(layers, req('s3:DeleteObject', 'arn:aws:s3:::productionapp/x')).decision).toBe('ImplicitDeny');
  });

  it('session: [] allows nothing (GetFederationToken without a policy); undefined sets no limit', () => {
    expect(authorize({ identity: [role], session: [] }, req('s3:GetObject', 'arn:aws:s3:::productionapp/x')).decision).toBe('ImplicitDeny');
    expect(authorize({ identity: [role] }, req('s3:GetObject', 'arn:aws:s3:::productionapp/x')).decision).toBe('Allow');
  });

  it('a permissions boundary narrows too', () => {
    const boundary = policy([{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }], 'boundary', 'boundary');
    expect(authorize({ identity: [role], boundary }, req('s3:GetObject', 'arn:aws:s3:::productionapp/x')).decision).toBe('Allow');
    expect(authorize({ identity: [role], boundary }, req('s3:PutObject', 'arn:aws:s3:::productionapp/x')).decision).toBe('ImplicitDeny');
  });

  it('a Deny in any layer wins', () => {
    const denyInSession = policy(
      [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 's3:PutObject', Resource: '*' },
      ],
      'session',
      'session',
    );
    expect(authorize({ identity: [role], session: [denyInSession] }, req('s3:PutObject', 'arn:aws:s3:::productionapp/x')).decision).toBe('ExplicitDeny');
    const denyInBoundary = policy([{ Effect: 'Deny', Action: 's3:*', Resource: '*' }], 'boundary', 'boundary');
    expect(authorize({ identity: [role], boundary: denyInBoundary }, req('s3:GetObject', 'arn:aws:s3:::productionapp/x')).decision).toBe('ExplicitDeny');
  });
});

describe('authorize: resource policies', () => {
  const bucketDeny = policy([{ Principal: { AWS: '*' }, Effect: 'Deny', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::productionapp/*' }], 'resource', 'bucket');

  it('an explicit Deny in the resource policy wins over the role (TV-R8c)', () => {
    const result = authorize({ identity: [role], resource: bucketDeny }, req('s3:DeleteObject', 'arn:aws:s3:::productionapp/x', roleSession));
    expect(result).toEqual({ decision: 'ExplicitDeny', matched: [{ policy: 'bucket', index: 0, effect: 'Deny' }] });
  });

  it('a resource policy naming the caller grants on its own; session policies do not limit it (G10061)', () => {
    const carol: RequestPrincipal = { account: ACCOUNT, arns: [`arn:aws:sts::${ACCOUNT}:federated-user/Carol`, `arn:aws:iam::${ACCOUNT}:user/token-app`] };
    const jean: RequestPrincipal = { account: ACCOUNT, arns: [`arn:aws:sts::${ACCOUNT}:federated-user/Jean`, `arn:aws:iam::${ACCOUNT}:user/token-app`] };
    const bucket = policy(
      [{ Principal: { AWS: `arn:aws:sts::${ACCOUNT}:federated-user/Carol` }, Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::productionapp/*' }],
      'resource',
      'bucket',
    );
    const layers = { identity: [role], session: [], resource: bucket };
    expect(authorize(layers, req('s3:GetObject', 'arn:aws:s3:::productionapp/x', carol)).decision).toBe('Allow');
    expect(authorize(layers, req('s3:GetObject', 'arn:aws:s3:::productionapp/x', jean)).decision).toBe('ImplicitDeny');
    expect(authorize(layers, req('s3:GetObject', 'arn:aws:s3:::productionapp/x')).decision).toBe('ImplicitDeny');
  });

  it('a resource policy naming only the account delegates to the identity policies (G17160)', () => {
    const accountBucket = policy([{ Principal: { AWS: ACCOUNT }, Effect: 'Allow', Action: 's3:*', Resource: '*' }], 'resource', 'bucket');
    expect(authorize({ identity: [], resource: accountBucket }, req('s3:GetObject', 'arn:aws:s3:::x/y', roleSession)).decision).toBe('ImplicitDeny');
    expect(authorize({ identity: [role], resource: accountBucket }, req('s3:GetObject', 'arn:aws:s3:::productionapp/y', roleSession)).decision).toBe('Allow');
  });

  it('Principal "*" grants to every caller', () => {
    const open = policy([{ Principal: '*', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public/*' }], 'resource', 'bucket');
    expect(authorize({ identity: [], resource: open }, req('s3:GetObject', 'arn:aws:s3:::public/x', { federated: 'accounts.google.com' })).decision).toBe('Allow');
  });

  it('an Allow with NotPrincipal does not grant on its own', () => {
    const notBob = policy([{ NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:user/Bob` }, Effect: 'Allow', Action: 's3:*', Resource: '*' }], 'resource', 'bucket');
    expect(authorize({ identity: [], resource: notBob }, req('s3:GetObject', 'arn:aws:s3:::x/y', roleSession)).decision).toBe('ImplicitDeny');
  });
});

describe('authorize: a role trust policy as the resource layer', () => {
  const trustAccount = policy([{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }], 'trust', 'trust:target');
  const trustUser = policy([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/bob` }, Action: 'sts:AssumeRole' }], 'trust', 'trust:target');
  const bob: RequestPrincipal = { account: ACCOUNT, arns: [`arn:aws:iam::${ACCOUNT}:user/bob`] };
  const target = `arn:aws:iam::${ACCOUNT}:role/target`;
  const mayAssume = policy([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: target }]);
  const mayAssumeNothing = policy([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]);
  const trustNobody = policy([{ Effect: 'Allow', Principal: { AWS: '999999999999' }, Action: 'sts:AssumeRole' }], 'trust', 'trust:target');

  it('needs the trust policy AND the caller’s own permission when trust names the account (G8922)', () => {
    expect(authorize({ identity: [mayAssume], resource: trustAccount }, req('sts:AssumeRole', target, bob)).decision).toBe('Allow');
    expect(authorize({ identity: [mayAssumeNothing], resource: trustAccount }, req('sts:AssumeRole', target, bob)).decision).toBe('ImplicitDeny');
  });

  it('never allows without the trust policy, whatever the identity policies say', () => {
    expect(authorize({ identity: [mayAssume], resource: trustNobody }, req('sts:AssumeRole', target, bob)).decision).toBe('ImplicitDeny');
  });

  it('a trust policy naming the user itself is enough', () => {
    expect(authorize({ identity: [], resource: trustUser }, req('sts:AssumeRole', target, bob)).decision).toBe('Allow');
  });

  it('role chaining: a trust naming the caller’s ROLE (or "*") is still filtered by its session policies and boundary', () => {
    const chainer: RequestPrincipal = { account: ACCOUNT, arns: [`arn:aws:sts::${ACCOUNT}:assumed-role/A/s`, `arn:aws:iam::${ACCOUNT}:role/A`] };
    const trustRoleA = policy([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/A` }, Action: 'sts:AssumeRole' }], 'trust', 'trust:target');
    const trustAnyone = policy([{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }], 'trust', 'trust:target');
    const everything = policy([{ Effect: 'Allow', Action: '*', Resource: '*' }]);
    const onlyGetObject = policy([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }], 'session', 'session');
    const s3Boundary = policy([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }], 'boundary', 'boundary');
    for (const trust of [trustRoleA, trustAnyone]) {
      expect(authorize({ identity: [everything], session: [onlyGetObject], resource: trust }, req('sts:AssumeRole', target, chainer)).decision).toBe('ImplicitDeny');
      expect(authorize({ identity: [everything], boundary: s3Boundary, resource: trust }, req('sts:AssumeRole', target, chainer)).decision).toBe('ImplicitDeny');
      expect(authorize({ identity: [], session: [], resource: trust }, req('sts:AssumeRole', target, chainer)).decision).toBe('ImplicitDeny');
      // Without a session policy or boundary the grant stands on its own.
      expect(authorize({ identity: [], resource: trust }, req('sts:AssumeRole', target, chainer)).decision).toBe('Allow');
    }
    // Naming the session itself is a grant after the session was made: not filtered (AWS's session-policy rule).
    const trustSession = policy([{ Effect: 'Allow', Principal: { AWS: `arn:aws:sts::${ACCOUNT}:assumed-role/A/s` }, Action: 'sts:AssumeRole' }], 'trust', 'trust:target');
    expect(authorize({ identity: [everything], session: [onlyGetObject], resource: trustSession }, req('sts:AssumeRole', target, chainer)).decision).toBe('Allow');
  });
});
