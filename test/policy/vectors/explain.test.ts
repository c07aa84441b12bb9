/**
 * Explanations and summaries of seed-digest §12 vectors: what `fedbroker simulate`, the console's
 * "why can't I take role X" and the sealed AccessDenied explanation show, and what configuration
 * checks read (does a web-identity trust policy constrain `<provider>:aud`?).
 */
import { describe, expect, it } from 'vitest';
import { explain, explainPolicies, summarizeStatements } from '../../../src/policy/index.js';
import type { StatementOutcome } from '../../../src/policy/index.js';
import { LT, MFA, federated, iamUser, request, vectorPolicy } from '../fixtures/seed-vectors.js';

function outcomes(...args: Parameters<typeof explainPolicies>): StatementOutcome[] {
  return explainPolicies(...args).flatMap((p) => p.statements.map((s) => s.outcome));
}

describe('explanations of seed vectors', () => {
  it('TV-M7 with LT: the Allow applies, the Deny applies (BoolIfExists on an absent key)', () => {
    const p = vectorPolicy('TV-M7');
    const [explanation] = explainPolicies([p], request({ action: 'ec2:TerminateInstances', context: LT }));
    expect(explanation?.policy).toBe('TV-M7');
    expect(explanation?.kind).toBe('identity');
    expect(explanation?.statements.map((s) => [s.ref.sid, s.ref.effect, s.outcome])).toEqual([
      ['AllowAllActionsForEC2', 'Allow', { applies: true }],
      ['DenyStopAndTerminateWhenMFAIsNotPresent', 'Deny', { applies: true }],
    ]);
  });

  it('TV-M7 with MFA: the Deny does not apply, and the explanation names the condition', () => {
    const p = vectorPolicy('TV-M7');
    expect(outcomes([p], request({ action: 'ec2:TerminateInstances', context: MFA(10) }))[1]).toEqual({
      applies: false,
      reason: 'condition',
      operator: 'BoolIfExists',
      key: 'aws:MultiFactorAuthPresent',
      expected: ['false'],
      actual: 'true',
    });
  });

  it('TV-M4: an unlisted action is reason "action"; a missing key shows actual undefined', () => {
    const p = vectorPolicy('TV-M4');
    expect(outcomes([p], request({ action: 'ec2:StartInstances', context: MFA(60) }))).toEqual([{ applies: false, reason: 'action' }]);
    const [missing] = outcomes([p], request({ action: 'ec2:StopInstances', context: LT }));
    expect(missing).toMatchObject({ applies: false, reason: 'condition', operator: 'Bool', key: 'aws:MultiFactorAuthPresent', expected: ['true'] });
    expect(missing && 'actual' in missing ? missing.actual : 'not a condition').toBeUndefined();
  });

  it('TV-X0: a resource outside every pattern is reason "resource"', () => {
    const p = vectorPolicy('TV-X0');
    expect(
      outcomes([p], request({ action: 'ec2:CreateTrafficMirrorSession', resource: 'arn:aws:ec2:us-east-1:111122223333:traffic-mirror-target/tmt-1' })),
    ).toEqual([{ applies: false, reason: 'resource' }]);
  });

  it('TV-R6: Bob is listed in NotPrincipal, so the Deny is reason "principal" for him and applies to Alice', () => {
    const p = vectorPolicy('TV-R6', 'resource');
    const req = (name: string) => request({ action: 's3:GetObject', resource: 'arn:aws:s3::::BUCKETNAME/x', principal: iamUser('444455556666', name) });
    expect(outcomes([p], req('Bob'))).toEqual([{ applies: false, reason: 'principal' }]);
    expect(outcomes([p], req('Alice'))).toEqual([{ applies: true }]);
  });

  it('TV-V10 for a caller without aws:userid: reason "variable" naming ${aws:userid}', () => {
    const p = vectorPolicy('TV-V10');
    const [outcome] = outcomes([p], request({ action: 'datapipeline:ActivatePipeline', context: { 'datapipeline:PipelineCreator': 'AIDAOTHER' } }));
    expect(outcome).toMatchObject({ applies: false, reason: 'variable' });
    expect(JSON.stringify(outcome)).toContain('aws:userid');
  });

  it('TV-V16 for jdoe: the Deny applies; for srodriguez it does not, with the substituted values', () => {
    const p = vectorPolicy('TV-V16');
    const req = (user: string) => request({ action: 'iam:DeleteGroup', resource: 'arn:aws:iam::123456789012:group/AllUsers', context: { 'aws:username': user } });
    expect(outcomes([p], req('jdoe'))[2]).toEqual({ applies: true });
    expect(outcomes([p], req('srodriguez'))[2]).toEqual({
      applies: false,
      reason: 'condition',
      operator: 'ForAnyValue:StringNotEquals',
      key: 'aws:username',
      expected: ['srodriguez', 'mjackson', 'adesai'],
      actual: 'srodriguez',
    });
  });

  it('TV-S1 with affiliation [staff, student]: the ForAllValues condition is named, with the multi-valued actual', () => {
    const trust = vectorPolicy('TV-S1', 'trust');
    const [outcome] = outcomes(
      [trust],
      request({
        action: 'sts:AssumeRoleWithSAML',
        principal: federated('arn:aws:iam::ACCOUNT-ID-WITHOUT-HYPHENS:saml-provider/ExampleOrgSSOProvider'),
        context: { 'saml:aud': 'https://signin.aws.amazon.com/saml', 'saml:iss': 'https://openidp.feide.no', 'saml:edupersonaffiliation': ['staff', 'student'] },
      }),
    );
    expect(outcome).toEqual({
      applies: false,
      reason: 'condition',
      operator: 'ForAllValues:StringLike',
      key: 'saml:edupersonaffiliation',
      expected: ['staff'],
      actual: ['staff', 'student'],
    });
  });

  it('explain(layers) covers identity, session, boundary and resource policies in that order and is JSON-serialisable', () => {
    const role = vectorPolicy('TV-R8a');
    const passed = vectorPolicy('TV-R8b', 'session');
    const bucket = vectorPolicy('TV-R8c', 'resource');
    const explanation = explain(
      { identity: [role], session: [passed], resource: bucket },
      request({ action: 's3:DeleteObject', resource: 'arn:aws:s3:::productionapp/x', principal: iamUser('123456789012', 'app') }),
    );
    expect(explanation.map((p) => [p.policy, p.kind])).toEqual([
      ['TV-R8a', 'identity'],
      ['TV-R8b', 'session'],
      ['TV-R8c', 'resource'],
    ]);
    expect(explanation[1]?.statements.map((s) => s.outcome.applies)).toEqual([false, false]);
    expect(explanation[2]?.statements[0]?.outcome).toEqual({ applies: true });
    expect(JSON.parse(JSON.stringify(explanation))).toEqual(explanation);
  });
});

describe('summaries of seed vectors (configuration checks)', () => {
  it('TV-W1: a web-identity trust policy that constrains cognito-identity.amazonaws.com:aud', () => {
    const [summary] = summarizeStatements(vectorPolicy('TV-W1', 'trust'));
    expect(summary).toMatchObject({
      index: 0,
      effect: 'Allow',
      actions: ['sts:AssumeRoleWithWebIdentity'],
      principal: { Federated: ['cognito-identity.amazonaws.com'] },
      notPrincipal: false,
    });
    expect(summary?.conditionKeys).toEqual(['cognito-identity.amazonaws.com:aud', 'cognito-identity.amazonaws.com:amr']);
  });

  it('TV-S3: condition keys are reported lower-cased (SAML:aud → saml:aud)', () => {
    const [summary] = summarizeStatements(vectorPolicy('TV-S3', 'trust'));
    expect(summary?.conditionKeys).toEqual(['saml:aud']);
    expect(summary?.actions).toEqual(['sts:AssumeRoleWithSAML']);
  });

  it('TV-R2: Service principals as written; TV-R3: the Sid', () => {
    expect(summarizeStatements(vectorPolicy('TV-R2', 'trust'))[0]?.principal).toEqual({
      Service: ['elasticmapreduce.amazonaws.com', 'datapipeline.amazonaws.com'],
    });
    expect(summarizeStatements(vectorPolicy('TV-R3', 'trust'))[0]?.sid).toBe('TrustPolicyStatementThatAllowsEC2ServiceToAssumeTheAttachedRole');
  });

  it('TV-M9: NotAction lists as written, and TV-R7: NotPrincipal entries', () => {
    const forceMfa = summarizeStatements(vectorPolicy('TV-M9'));
    expect(forceMfa).toHaveLength(6);
    expect(forceMfa[5]?.effect).toBe('Deny');
    expect(forceMfa[5]?.notActions).toContain('sts:GetSessionToken');
    expect(forceMfa[5]?.actions).toBeUndefined();
    const notPrincipal = summarizeStatements(vectorPolicy('TV-R7', 'resource'))[0];
    expect(notPrincipal?.notPrincipal).toBe(true);
    expect(notPrincipal?.principal).toEqual({
      AWS: [
        'arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app',
        'arn:aws:iam::444455556666:role/cross-account-read-only-role',
        'arn:aws:iam::444455556666:root',
      ],
    });
  });

  it('TV-V14: Principal "*" is reported as "*"', () => {
    expect(summarizeStatements(vectorPolicy('TV-V14', 'resource'))[0]?.principal).toBe('*');
  });
});
