/** seed-digest §12.1: MFA vectors TV-M0 … TV-M15. */
import { describe, expect, it } from 'vitest';
import { parsePolicy, PolicySyntaxError } from '../../../src/policy/index.js';
import {
  LT,
  MFA,
  NO_MFA_TEMP,
  allowAll,
  authorized,
  evaluate,
  iamUser,
  policy,
  roleSession,
  vectorPolicy,
  vectorLines,
  vectorText,
  withPlaceholdersFilled,
  wrapStatement,
} from '../fixtures/seed-vectors.js';
import type { ContextEntries } from '../fixtures/seed-vectors.js';

describe('TV-M0: the first MFA trust policy, printed as invalid JSON (G4210)', () => {
  it('is rejected as malformed JSON, not evaluated', () => {
    const text = vectorText('TV-M0');
    expect(() => parsePolicy(text, { kind: 'trust', name: 'TV-M0' })).toThrow(PolicySyntaxError);
    try {
      parsePolicy(text, { kind: 'trust', name: 'TV-M0' });
    } catch (e) {
      expect(e).toBeInstanceOf(PolicySyntaxError);
      expect((e as PolicySyntaxError).code).toBe('MalformedPolicyDocument');
      expect((e as PolicySyntaxError).message).toMatch(/Syntax errors in policy/);
    }
  });

  it('the corrected form (TV-M1) parses', () => {
    expect(() => vectorPolicy('TV-M1', 'trust')).not.toThrow();
  });
});

describe('TV-M1: CrossAccountRole trust policy, assume only with MFA', () => {
  const trust = vectorPolicy('TV-M1', 'trust');
  const fromB = iamUser('ACCOUNT-B-ID', 'Bob');

  it('a principal of ACCOUNT-B-ID with MFA → ALLOW', () => {
    expect(evaluate(trust, { action: 'sts:AssumeRole', principal: fromB, context: MFA(5) })).toBe('ALLOW');
  });

  it('the same caller without MFA (false or absent) → DENY-implicit', () => {
    expect(evaluate(trust, { action: 'sts:AssumeRole', principal: fromB, context: NO_MFA_TEMP })).toBe('DENY-implicit');
    expect(evaluate(trust, { action: 'sts:AssumeRole', principal: fromB, context: LT })).toBe('DENY-implicit');
  });

  it('a caller from another account, with MFA → DENY-implicit (principal mismatch)', () => {
    expect(evaluate(trust, { action: 'sts:AssumeRole', principal: iamUser('ACCOUNT-C-ID', 'Bob'), context: MFA(5) })).toBe(
      'DENY-implicit',
    );
  });

  it('role credentials without MFA context fail a later Bool MultiFactorAuthPresent=true check', () => {
    // G4235: AssumeRole credentials carry no MFA context in the guide's reading; whatever the broker
    // records (seed-digest §10 #4), a context without the key must not satisfy the condition.
    const needsMfa = policy(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}',
    );
    expect(evaluate(needsMfa, { action: 'ec2:StopInstances', context: { 'aws:TokenIssueTime': '2026-11-25T10:00:00Z' } })).toBe(
      'DENY-implicit',
    );
  });
});

describe('TV-M2: trust policy for the root of 123456789012 with MFA', () => {
  const trust = vectorPolicy('TV-M2', 'trust');
  const user = iamUser('123456789012', 'alice');
  const roleArn = 'arn:aws:iam::123456789012:role/MfaRole';
  const canAssume = policy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"${roleArn}"}]}`);
  const cannotAssume = policy('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}');

  it('any IAM user of 123456789012 whose own policy allows sts:AssumeRole, with MFA → ALLOW', () => {
    expect(evaluate(trust, { action: 'sts:AssumeRole', resource: roleArn, principal: user, context: MFA(10) })).toBe('ALLOW');
    expect(evaluate(canAssume, { action: 'sts:AssumeRole', resource: roleArn, principal: user, context: MFA(10) })).toBe('ALLOW');
    expect(authorized({ identity: [canAssume], resource: trust }, { action: 'sts:AssumeRole', resource: roleArn, principal: user, context: MFA(10) })).toBe(
      'ALLOW',
    );
  });

  it('the same user, no MFA → DENY-implicit', () => {
    expect(evaluate(trust, { action: 'sts:AssumeRole', resource: roleArn, principal: user, context: LT })).toBe('DENY-implicit');
    expect(authorized({ identity: [canAssume], resource: trust }, { action: 'sts:AssumeRole', resource: roleArn, principal: user, context: LT })).toBe(
      'DENY-implicit',
    );
  });

  it('a user whose identity policy lacks sts:AssumeRole on the role → DENY: both halves are required (G8922)', () => {
    expect(evaluate(cannotAssume, { action: 'sts:AssumeRole', resource: roleArn, principal: user, context: MFA(10) })).toBe('DENY-implicit');
    // The trust policy names the account, not the user: it delegates to the account's own policies.
    expect(
      authorized({ identity: [cannotAssume], resource: trust }, { action: 'sts:AssumeRole', resource: roleArn, principal: user, context: MFA(10) }),
    ).toBe('DENY-implicit');
  });
});

describe("TV-M3: Bob's identity policy for AssumeRole on CrossAccountRole", () => {
  const bob = vectorPolicy('TV-M3');

  it('sts:AssumeRole on CrossAccountRole → ALLOW', () => {
    expect(evaluate(bob, { action: 'sts:AssumeRole', resource: 'arn:aws:iam::ACCOUNT-A-ID:role/CrossAccountRole' })).toBe('ALLOW');
  });

  it('sts:AssumeRole on any other role → DENY-implicit', () => {
    expect(evaluate(bob, { action: 'sts:AssumeRole', resource: 'arn:aws:iam::ACCOUNT-A-ID:role/OtherRole' })).toBe('DENY-implicit');
  });
});

describe('TV-M4: EC2-Admins, Stop/Terminate only with MFA', () => {
  const p = vectorPolicy('TV-M4');

  it('ec2:TerminateInstances with MFA(60) → ALLOW', () => {
    expect(evaluate(p, { action: 'ec2:TerminateInstances', context: MFA(60) })).toBe('ALLOW');
  });

  it('the same with LT → DENY-implicit (the key is absent, so Bool does not match)', () => {
    expect(evaluate(p, { action: 'ec2:TerminateInstances', context: LT })).toBe('DENY-implicit');
  });

  it('the same with noMFA-temp → DENY-implicit', () => {
    expect(evaluate(p, { action: 'ec2:TerminateInstances', context: NO_MFA_TEMP })).toBe('DENY-implicit');
  });

  it('ec2:StartInstances with MFA → DENY-implicit (action not listed)', () => {
    expect(evaluate(p, { action: 'ec2:StartInstances', context: MFA(60) })).toBe('DENY-implicit');
  });
});

describe('TV-M5: bucket policy, Put/Delete from accounts A, B or C only with MFA', () => {
  const bucket = vectorPolicy('TV-M5', 'resource');
  const object = 'arn:aws:s3:::ACCOUNT-A-BUCKET-NAME/x';
  const fromC = iamUser('ACCOUNT-C-ID', 'carol');

  it('s3:PutObject by a principal of ACCOUNT-C-ID with GetSessionToken+MFA credentials → ALLOW', () => {
    expect(evaluate(bucket, { action: 's3:PutObject', resource: object, principal: fromC, context: MFA(30) })).toBe('ALLOW');
  });

  it('the same principal with credentials lacking MFA context → DENY-implicit (G4389)', () => {
    const session = roleSession('ACCOUNT-C-ID', 'Writer', 'carol');
    expect(evaluate(bucket, { action: 's3:PutObject', resource: object, principal: session, context: { 'aws:TokenIssueTime': '2026-11-25T10:00:00Z' } })).toBe(
      'DENY-implicit',
    );
  });

  it('s3:GetObject → DENY-implicit', () => {
    expect(evaluate(bucket, { action: 's3:GetObject', resource: object, principal: fromC, context: MFA(30) })).toBe('DENY-implicit');
  });

  it('a principal of an unlisted account → DENY-implicit', () => {
    expect(evaluate(bucket, { action: 's3:PutObject', resource: object, principal: iamUser('ACCOUNT-D-ID', 'dan'), context: MFA(30) })).toBe(
      'DENY-implicit',
    );
  });
});

describe('TV-M6: EC2 only within 3600 s of MFA', () => {
  const p = vectorPolicy('TV-M6');

  it('MFA(1200) → ALLOW', () => {
    expect(evaluate(p, { action: 'ec2:DescribeInstances', context: MFA(1200) })).toBe('ALLOW');
  });

  it('MFA(3600) → DENY-implicit: NumericLessThan is strict', () => {
    expect(evaluate(p, { action: 'ec2:DescribeInstances', context: MFA(3600) })).toBe('DENY-implicit');
  });

  it('MFA(7200) → DENY-implicit', () => {
    expect(evaluate(p, { action: 'ec2:DescribeInstances', context: MFA(7200) })).toBe('DENY-implicit');
  });

  it('LT → DENY-implicit (key absent; G4407)', () => {
    expect(evaluate(p, { action: 'ec2:DescribeInstances', context: LT })).toBe('DENY-implicit');
  });

  it('variant with NumericLessThanIfExists and LT → ALLOW', () => {
    const variant = policy(vectorText('TV-M6').replace('"NumericLessThan"', '"NumericLessThanIfExists"'));
    expect(evaluate(variant, { action: 'ec2:DescribeInstances', context: LT })).toBe('ALLOW');
    expect(evaluate(variant, { action: 'ec2:DescribeInstances', context: MFA(7200) })).toBe('DENY-implicit');
  });
});

describe('TV-M7: all of EC2, Stop/Terminate denied without MFA (BoolIfExists)', () => {
  const p = vectorPolicy('TV-M7');

  it('ec2:TerminateInstances with LT → DENY-explicit (BoolIfExists passes on an absent key)', () => {
    expect(evaluate(p, { action: 'ec2:TerminateInstances', context: LT })).toBe('DENY-explicit');
  });

  it('ec2:TerminateInstances with noMFA-temp → DENY-explicit', () => {
    expect(evaluate(p, { action: 'ec2:TerminateInstances', context: NO_MFA_TEMP })).toBe('DENY-explicit');
  });

  it('ec2:TerminateInstances with MFA(10) → ALLOW', () => {
    expect(evaluate(p, { action: 'ec2:TerminateInstances', context: MFA(10) })).toBe('ALLOW');
  });

  it('ec2:DescribeInstances with LT → ALLOW', () => {
    expect(evaluate(p, { action: 'ec2:DescribeInstances', context: LT })).toBe('ALLOW');
  });

  it('the trap of G4429: Bool instead of BoolIfExists makes LT → ALLOW', () => {
    const trap = policy(vectorText('TV-M7').replace('"BoolIfExists"', '"Bool"'));
    expect(evaluate(trap, { action: 'ec2:TerminateInstances', context: LT })).toBe('ALLOW');
    expect(evaluate(trap, { action: 'ec2:TerminateInstances', context: NO_MFA_TEMP })).toBe('DENY-explicit');
  });
});

describe('TV-M8: Stop/Terminate need MFA within the last hour', () => {
  const p = vectorPolicy('TV-M8');

  it('ec2:StopInstances with MFA(1800) → ALLOW', () => {
    expect(evaluate(p, { action: 'ec2:StopInstances', context: MFA(1800) })).toBe('ALLOW');
  });

  it('MFA(3601) → DENY-explicit (third statement)', () => {
    expect(evaluate(p, { action: 'ec2:StopInstances', context: MFA(3601) })).toBe('DENY-explicit');
  });

  it('MFA(3600) → ALLOW: NumericGreaterThan is strict', () => {
    expect(evaluate(p, { action: 'ec2:StopInstances', context: MFA(3600) })).toBe('ALLOW');
  });

  it('LT → DENY-explicit (second and third statements both match)', () => {
    const req = { action: 'ec2:StopInstances', context: LT };
    expect(evaluate(p, req)).toBe('DENY-explicit');
  });

  it('ec2:RunInstances with LT → ALLOW', () => {
    expect(evaluate(p, { action: 'ec2:RunInstances', context: LT })).toBe('ALLOW');
  });
});

describe('TV-M9: the Force_MFA tutorial policy', () => {
  const forceMfa = vectorPolicy('TV-M9');
  const ec2FullAccess = policy('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}', 'identity', 'AmazonEC2FullAccess');
  const me = (context: ContextEntries) => ({ ...context, 'aws:username': 'MFAUser' });
  const userArn = 'arn:aws:iam::123456789012:user/MFAUser';
  const mfaArn = (name: string) => `arn:aws:iam::123456789012:mfa/${name}`;

  it('MFAUser with LT, ec2:DescribeInstances → DENY-explicit, even with AmazonEC2FullAccess attached', () => {
    expect(evaluate(forceMfa, { action: 'ec2:DescribeInstances', context: me(LT) })).toBe('DENY-explicit');
    expect(evaluate([forceMfa, ec2FullAccess], { action: 'ec2:DescribeInstances', context: me(LT) })).toBe('DENY-explicit');
  });

  it('MFAUser with MFA(5), ec2:DescribeInstances, plus AmazonEC2FullAccess → ALLOW; this policy alone → DENY-implicit', () => {
    expect(evaluate([forceMfa, ec2FullAccess], { action: 'ec2:DescribeInstances', context: me(MFA(5)) })).toBe('ALLOW');
    expect(evaluate(forceMfa, { action: 'ec2:DescribeInstances', context: me(MFA(5)) })).toBe('DENY-implicit');
  });

  it('MFAUser with LT, iam:CreateVirtualMFADevice on mfa/MFAUser → ALLOW; on mfa/Other → DENY-implicit', () => {
    const ctx = me(LT);
    expect(evaluate(forceMfa, { action: 'iam:CreateVirtualMFADevice', resource: mfaArn('MFAUser'), context: ctx })).toBe('ALLOW');
    expect(evaluate(forceMfa, { action: 'iam:CreateVirtualMFADevice', resource: mfaArn('Other'), context: ctx })).toBe('DENY-implicit');
  });

  it('MFAUser with LT, iam:EnableMFADevice on user/MFAUser → ALLOW', () => {
    expect(evaluate(forceMfa, { action: 'iam:EnableMFADevice', resource: userArn, context: me(LT) })).toBe('ALLOW');
  });

  it('MFAUser with LT, iam:DeactivateMFADevice on mfa/MFAUser → DENY-explicit; with MFA(5) → ALLOW', () => {
    expect(evaluate(forceMfa, { action: 'iam:DeactivateMFADevice', resource: mfaArn('MFAUser'), context: me(LT) })).toBe(
      'DENY-explicit',
    );
    expect(evaluate(forceMfa, { action: 'iam:DeactivateMFADevice', resource: mfaArn('MFAUser'), context: me(MFA(5)) })).toBe(
      'ALLOW',
    );
  });

  it('MFAUser with LT, sts:GetSessionToken → not denied (in NotAction) and not allowed by this policy → DENY-implicit', () => {
    expect(evaluate(forceMfa, { action: 'sts:GetSessionToken', context: me(LT) })).toBe('DENY-implicit');
    // "not denied": next to an allow-all it is allowed.
    expect(evaluate([forceMfa, allowAll()], { action: 'sts:GetSessionToken', context: me(LT) })).toBe('ALLOW');
  });

  it('MFAUser with LT, iam:ChangePassword on user/MFAUser → DENY-explicit (not in the NotAction list)', () => {
    expect(evaluate(forceMfa, { action: 'iam:ChangePassword', resource: userArn, context: me(LT) })).toBe('DENY-explicit');
  });
});

describe('TV-M10: IAM users self-manage an MFA device', () => {
  const p = vectorPolicy('TV-M10');
  const bob = (context: ContextEntries) => ({ ...context, 'aws:username': 'bob' });

  it('bob, LT, iam:EnableMFADevice on user/bob → ALLOW', () => {
    expect(evaluate(p, { action: 'iam:EnableMFADevice', resource: 'arn:aws:iam::111122223333:user/bob', context: bob({}) })).toBe('ALLOW');
  });

  it('bob, LT, iam:DeactivateMFADevice on mfa/bob → DENY-implicit; with MFA(5) → ALLOW', () => {
    const resource = 'arn:aws:iam::111122223333:mfa/bob';
    expect(evaluate(p, { action: 'iam:DeactivateMFADevice', resource, context: bob({}) })).toBe('DENY-implicit');
    expect(evaluate(p, { action: 'iam:DeactivateMFADevice', resource, context: bob(MFA(5)) })).toBe('ALLOW');
  });

  it('bob, iam:CreateVirtualMFADevice on mfa/alice → DENY-implicit', () => {
    expect(evaluate(p, { action: 'iam:CreateVirtualMFADevice', resource: 'arn:aws:iam::111122223333:mfa/alice', context: bob({}) })).toBe(
      'DENY-implicit',
    );
  });
});

describe('TV-M11: manage only your own virtual MFA device (JSON boolean true)', () => {
  const p = vectorPolicy('TV-M11');
  const bob = (context: ContextEntries) => ({ ...context, 'aws:username': 'bob' });
  const arn = (kind: string, name: string) => `arn:aws:iam::account-id-without-hyphens:${kind}/${name}`;

  it('bob, LT, iam:EnableMFADevice on user/bob → ALLOW', () => {
    expect(evaluate(p, { action: 'iam:EnableMFADevice', resource: arn('user', 'bob'), context: bob({}) })).toBe('ALLOW');
  });

  it('bob, LT, iam:DeactivateMFADevice on mfa/bob → DENY-implicit; with MFA(5) → ALLOW', () => {
    expect(evaluate(p, { action: 'iam:DeactivateMFADevice', resource: arn('mfa', 'bob'), context: bob({}) })).toBe('DENY-implicit');
    expect(evaluate(p, { action: 'iam:DeactivateMFADevice', resource: arn('mfa', 'bob'), context: bob(MFA(5)) })).toBe(
      'ALLOW',
    );
  });

  it('bob, iam:CreateVirtualMFADevice on mfa/alice → DENY-implicit', () => {
    expect(evaluate(p, { action: 'iam:CreateVirtualMFADevice', resource: arn('mfa', 'alice'), context: bob({}) })).toBe('DENY-implicit');
  });

  it('iam:DeleteVirtualMFADevice on mfa/bob with LT → ALLOW (deliberate, G15378)', () => {
    expect(evaluate(p, { action: 'iam:DeleteVirtualMFADevice', resource: arn('mfa', 'bob'), context: bob({}) })).toBe('ALLOW');
  });
});

describe('TV-M12: ChangePassword, ListAllMyBuckets, confidential data only with MFA', () => {
  const p = vectorPolicy('TV-M12');

  it('s3:GetObject on confidential-data/a with MFA → ALLOW; with LT → DENY-implicit', () => {
    expect(evaluate(p, { action: 's3:GetObject', resource: 'arn:aws:s3:::confidential-data/a', context: MFA(5) })).toBe('ALLOW');
    expect(evaluate(p, { action: 's3:GetObject', resource: 'arn:aws:s3:::confidential-data/a', context: LT })).toBe('DENY-implicit');
  });

  it('s3:ListAllMyBuckets with LT → ALLOW', () => {
    expect(evaluate(p, { action: 's3:ListAllMyBuckets', context: LT })).toBe('ALLOW');
  });
});

describe('TV-M13: MFA plus a date window, with a JSON-boolean true', () => {
  const p = policy(withPlaceholdersFilled(vectorText('TV-M13')));

  it('as printed, the placeholder vendor is refused, as IAM does', () => {
    expect(() => vectorPolicy('TV-M13')).toThrow('Vendor <SERVICE-NAME-1> is not valid');
  });

  const at = (time: string, creds: ContextEntries) => ({ ...creds, 'aws:CurrentTime': time });

  it('a SERVICE-NAME-1 action at 2017-09-01T00:00:00Z with MFA → ALLOW', () => {
    expect(evaluate(p, { action: 'service-name-1:Anything', context: at('2017-09-01T00:00:00Z', MFA(5)) })).toBe('ALLOW');
  });

  it('the same at 2018-01-01T00:00:00Z → DENY-implicit', () => {
    expect(evaluate(p, { action: 'service-name-1:Anything', context: at('2018-01-01T00:00:00Z', MFA(5)) })).toBe(
      'DENY-implicit',
    );
  });

  it('the same with LT → DENY-implicit', () => {
    expect(evaluate(p, { action: 'service-name-1:Anything', context: at('2017-09-01T00:00:00Z', {}) })).toBe('DENY-implicit');
  });

  it('SERVICE-NAME-2:ACTION-NAME-C → DENY-implicit; ACTION-NAME-A → ALLOW', () => {
    const ctx = at('2017-09-01T00:00:00Z', MFA(5));
    expect(evaluate(p, { action: 'service-name-2:action-name-c', context: ctx })).toBe('DENY-implicit');
    expect(evaluate(p, { action: 'service-name-2:action-name-a', context: ctx })).toBe('ALLOW');
  });
});

describe('TV-M14: Deny NotAction iam:* unless MFA (fragment)', () => {
  const p = policy(wrapStatement(vectorText('TV-M14').trim()));

  it('ec2:RunInstances with LT → DENY-explicit', () => {
    expect(evaluate(p, { action: 'ec2:RunInstances', context: LT })).toBe('DENY-explicit');
  });

  it('iam:ListUsers with LT → not denied; with MFA → not denied', () => {
    expect(evaluate([p, allowAll()], { action: 'iam:ListUsers', context: LT })).toBe('ALLOW');
    expect(evaluate([p, allowAll()], { action: 'iam:ListUsers', context: MFA(5) })).toBe('ALLOW');
    expect(evaluate([p, allowAll()], { action: 'ec2:RunInstances', context: MFA(5) })).toBe('ALLOW');
  });
});

describe('TV-M15: documented anti-patterns', () => {
  // Lines: banner, Bool fragment, BoolIfExists fragment, banner, `"Action" : "Deny",`, Null fragment.
  const [, boolFalse = '', boolIfExistsFalse = '', , , nullTrue = ''] = vectorLines('TV-M15');
  const deny = (condition: string) => policy(wrapStatement(`"Effect": "Deny", "Action": "*", "Resource": "*", ${condition}`));

  it('Bool …: false in a Deny on * with LT → does not match, so access is not denied (the bug the guide warns about)', () => {
    expect(evaluate([deny(boolFalse), allowAll()], { action: 'ec2:RunInstances', context: LT })).toBe('ALLOW');
  });

  it('BoolIfExists …: false with LT → matches → DENY-explicit; with MFA → no match', () => {
    expect(evaluate([deny(boolIfExistsFalse), allowAll()], { action: 'ec2:RunInstances', context: LT })).toBe('DENY-explicit');
    expect(evaluate([deny(boolIfExistsFalse), allowAll()], { action: 'ec2:RunInstances', context: MFA(5) })).toBe('ALLOW');
  });

  it('Null …: true in a Deny with LT → always DENY-explicit (API calls with LT never carry the key)', () => {
    expect(evaluate([deny(nullTrue), allowAll()], { action: 'ec2:RunInstances', context: LT })).toBe('DENY-explicit');
    expect(evaluate([deny(nullTrue), allowAll()], { action: 'ec2:RunInstances', context: MFA(5) })).toBe('ALLOW');
  });

  it('the guide\'s "Action" : "Deny" (meant as Effect) is not a valid statement: no Effect', () => {
    const broken = wrapStatement(`"Action" : "Deny", "Resource": "*", ${nullTrue}`);
    expect(() => policy(broken)).toThrow(PolicySyntaxError);
  });
});


describe('TV-M1…M12 parse as the kind the guide uses them for (TV-M13 once its placeholders are filled in)', () => {
  it.each([
    ['TV-M1', 'trust'],
    ['TV-M2', 'trust'],
    ['TV-M3', 'identity'],
    ['TV-M4', 'identity'],
    ['TV-M5', 'resource'],
    ['TV-M6', 'identity'],
    ['TV-M7', 'identity'],
    ['TV-M8', 'identity'],
    ['TV-M9', 'identity'],
    ['TV-M10', 'identity'],
    ['TV-M11', 'identity'],
    ['TV-M12', 'identity'],
    // TV-M13 only once its <PLACEHOLDER> names are filled in (above).
  ] as const)('%s as %s', (id, kind) => {
    const p = vectorPolicy(id, kind);
    expect(p.version).toBe('2012-10-17');
    expect(p.kind).toBe(kind);
    expect(p.source).toBe(vectorText(id));
  });
});
