/**
 * AWS's attribute-based access control examples as policy vectors, with the condition keys built by
 * the session-tag module exactly as the broker builds them: `aws:PrincipalTag/…` (session tags over
 * the role's own tags), `aws:RequestTag/…` and `aws:TagKeys` (the tags a sign-in passes), and
 * `aws:ResourceTag/…` (the resource, as a service describes it).
 */
import { describe, expect, it } from 'vitest';
import type { SessionTag, SessionTags } from '../../../src/credentials/types.js';
import { effectivePrincipalTags, principalTagKeys, requestTagKeys } from '../../../src/sessions/tags/index.js';
import { evaluate, federated, policy, type ContextEntries } from '../fixtures/seed-vectors.js';

const tags = (entries: Record<string, string>): SessionTag[] => Object.entries(entries).map(([key, value]) => ({ key, value }));
const principal = (own: Record<string, string>, session?: Record<string, string>): ContextEntries => ({
  ...principalTagKeys(effectivePrincipalTags(tags(own), session ? { tags: tags(session), transitiveTagKeys: [] } : undefined)),
});
const resource = (entries: Record<string, string>): ContextEntries => Object.fromEntries(Object.entries(entries).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));

describe('Department: aws:PrincipalTag against aws:ResourceTag (the ABAC example of the IAM guide)', () => {
  const p = policy({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['ec2:StartInstances', 'ec2:StopInstances'], Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/Department': '${aws:PrincipalTag/Department}' } } }],
  });
  const act = (context: ContextEntries) => evaluate(p, { action: 'ec2:StartInstances', resource: 'arn:aws:ec2:us-east-1:123456789012:instance/i-1', context });

  it('same department → ALLOW; another department → DENY-implicit', () => {
    expect(act({ ...principal({}, { Department: 'Engineering' }), ...resource({ Department: 'Engineering' }) })).toBe('ALLOW');
    expect(act({ ...principal({}, { Department: 'Engineering' }), ...resource({ Department: 'Sales' }) })).toBe('DENY-implicit');
  });

  it('StringEquals is case-sensitive on values; the tag key in the condition key is not', () => {
    expect(act({ ...principal({}, { Department: 'Engineering' }), ...resource({ Department: 'engineering' }) })).toBe('DENY-implicit');
    expect(act({ ...principal({}, { department: 'Engineering' }), ...resource({ DEPARTMENT: 'Engineering' }) })).toBe('ALLOW');
  });

  it('no Department tag on the principal: the variable does not resolve → DENY-implicit, even for an untagged resource', () => {
    expect(act({ ...resource({ Department: 'Engineering' }) })).toBe('DENY-implicit');
    expect(act({})).toBe('DENY-implicit');
  });

  it("the session tag overrides the role's own tag of the same key; the role's tag applies without one", () => {
    expect(act({ ...principal({ Department: 'Sales' }, { Department: 'Engineering' }), ...resource({ Department: 'Engineering' }) })).toBe('ALLOW');
    expect(act({ ...principal({ Department: 'Sales' }, { department: 'Engineering' }), ...resource({ Department: 'Sales' }) })).toBe('DENY-implicit');
    expect(act({ ...principal({ Department: 'Sales' }), ...resource({ Department: 'Sales' }) })).toBe('ALLOW');
  });
});

describe("The guide's ABAC tutorial: access-same-project-team (Secrets Manager)", () => {
  const p = policy({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllActionsSecretsManagerSameProjectSameTeam',
        Effect: 'Allow',
        Action: 'secretsmanager:*',
        Resource: '*',
        Condition: {
          StringEquals: {
            'aws:ResourceTag/access-project': '${aws:PrincipalTag/access-project}',
            'aws:ResourceTag/access-team': '${aws:PrincipalTag/access-team}',
            'aws:ResourceTag/cost-center': '${aws:PrincipalTag/cost-center}',
          },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['access-project', 'access-team', 'cost-center', 'Name', 'OwnedBy'] },
          StringEqualsIfExists: {
            'aws:RequestTag/access-project': '${aws:PrincipalTag/access-project}',
            'aws:RequestTag/access-team': '${aws:PrincipalTag/access-team}',
            'aws:RequestTag/cost-center': '${aws:PrincipalTag/cost-center}',
          },
        },
      },
    ],
  });
  const pegasusDev = principal({}, { 'access-project': 'peg', 'access-team': 'eng', 'cost-center': '987654' });
  const secret = (project: string) => resource({ 'access-project': project, 'access-team': 'eng', 'cost-center': '987654' });
  const withRequestTags = (t: SessionTags) => ({ ...requestTagKeys(t) });

  it('reads a secret of the same project, team and cost center → ALLOW; another project → DENY-implicit', () => {
    expect(evaluate(p, { action: 'secretsmanager:GetSecretValue', context: { ...pegasusDev, ...secret('peg') } })).toBe('ALLOW');
    expect(evaluate(p, { action: 'secretsmanager:GetSecretValue', context: { ...pegasusDev, ...secret('uni') } })).toBe('DENY-implicit');
  });

  it('tagging a secret with its own project → ALLOW; with another project, or an extra tag key → DENY-implicit', () => {
    const tagRequest = (t: Record<string, string>) => withRequestTags({ tags: tags(t), transitiveTagKeys: [] });
    const base = { ...pegasusDev, ...secret('peg') };
    expect(evaluate(p, { action: 'secretsmanager:TagResource', context: { ...base, ...tagRequest({ 'access-project': 'peg', Name: 'db' }) } })).toBe('ALLOW');
    expect(evaluate(p, { action: 'secretsmanager:TagResource', context: { ...base, ...tagRequest({ 'access-project': 'uni' }) } })).toBe('DENY-implicit');
    expect(evaluate(p, { action: 'secretsmanager:TagResource', context: { ...base, ...tagRequest({ Owner: 'me' }) } })).toBe('DENY-implicit');
  });
});

describe("The guide's SAML session-tags tutorial: a trust policy that requires tags", () => {
  const provider = 'arn:aws:iam::123456789012:saml-provider/ExampleCorpProvider';
  const trust = policy(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: provider },
          Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
          Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' }, StringLike: { 'aws:RequestTag/cost-center': '*', 'aws:RequestTag/project': '*' } },
        },
      ],
    },
    'trust',
  );
  const signIn = (action: string, sessionTags: Record<string, string>) =>
    evaluate(trust, {
      action,
      principal: federated(provider),
      context: { 'saml:aud': 'https://signin.aws.amazon.com/saml', ...requestTagKeys({ tags: tags(sessionTags), transitiveTagKeys: [] }) },
    });

  it('with both tags: AssumeRoleWithSAML and TagSession → ALLOW', () => {
    expect(signIn('sts:AssumeRoleWithSAML', { 'cost-center': '987654', project: 'unicorn' })).toBe('ALLOW');
    expect(signIn('sts:TagSession', { 'cost-center': '987654', project: 'unicorn' })).toBe('ALLOW');
  });

  it('without the project tag → DENY-implicit', () => {
    expect(signIn('sts:AssumeRoleWithSAML', { 'cost-center': '987654' })).toBe('DENY-implicit');
  });
});
