/**
 * security.md "Found by review": a denied AssumeRole* / trust evaluation, decoded with
 * DecodeAuthorizationMessage, explains which statement and which condition key failed, but never the
 * expected values of a trust policy (an sts:ExternalId, a list of subjects, an IP range would leak).
 * The caller's own permission policies keep their detail (docs/decisions.md "Denial messages").
 */
import { describe, expect, it } from 'vitest';
import { TEST_ACCOUNT } from '../helpers/broker.js';
import { stsBrokerForFile } from '../helpers/stsBroker.js';
import { ACS_URL, AUDITOR, OIDC_PROVIDER_ARN, PORTAL, PROVIDER, SAML_PROVIDER_ARN, SP_ENTITY_ID, roleArn } from '../helpers/stsFixture.js';
import { AWS_ROLE, AWS_ROLE_SESSION_NAME } from '../helpers/samlIdp.js';
import { awsError, resultValue, stsQuery, type RawResponse } from '../helpers/stsHttp.js';

const EXTERNAL_ID = 'partner-secret-external-id-4242';
const OFFICE_RANGE = '198.51.100.0/24';
const SUBJECTS = ['bob-secret-subject', 'carol-secret-subject'];
const SAML_SUBJECTS = ['dave@hidden.example', 'erin@hidden.example'];
const SECRETS = [EXTERNAL_ID, OFFICE_RANGE, '198.51.100', ...SUBJECTS, ...SAML_SUBJECTS];

const env = stsBrokerForFile((fx) => {
  const base = fx.config();
  const users = (base['users'] as Array<Record<string, unknown>>).map((u) =>
    u['name'] === 'portal'
      ? {
          ...u,
          inlinePolicies: [
            ...(u['inlinePolicies'] as object[]),
            // The caller's own policy: its values may be shown back to it.
            { Version: '2012-10-17', Statement: [{ Sid: 'OnlyOpsSessions', Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*', Condition: { StringNotLike: { 'sts:RoleSessionName': 'ops-*' } } }] },
          ],
        }
      : u,
  );
  return {
    ...base,
    users,
    roles: [
      ...(base['roles'] as object[]),
      {
        name: 'Partner',
        trustPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'PartnerWithExternalId',
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID }, IpAddress: { 'aws:SourceIp': OFFICE_RANGE } },
            },
          ],
        },
      },
      { name: 'OwnRule', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] } },
      {
        name: 'Subjects',
        trustPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'KnownSubjects',
              Effect: 'Allow',
              Principal: { Federated: OIDC_PROVIDER_ARN },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: { StringEquals: { [`${PROVIDER}:aud`]: 'test-app', [`${PROVIDER}:sub`]: SUBJECTS } },
            },
            {
              Sid: 'KnownSamlSubjects',
              Effect: 'Allow',
              Principal: { Federated: SAML_PROVIDER_ARN },
              Action: 'sts:AssumeRoleWithSAML',
              Condition: { StringEquals: { 'SAML:aud': ACS_URL }, 'ForAnyValue:StringEquals': { 'SAML:sub': SAML_SUBJECTS } },
            },
          ],
        },
      },
    ],
  };
});

interface Decoded {
  request: { action: string; context: Record<string, unknown> };
  policies: Array<{ kind: string; statements: Array<{ ref: { sid?: string; effect: string }; outcome: Record<string, unknown> }> }>;
}

/** Decodes the AccessDenied's message with the auditor's permission; returns the text and the JSON. */
async function decode(r: RawResponse): Promise<{ text: string; json: Decoded }> {
  const e = awsError(r);
  expect(e.code, e.message).toBe('AccessDenied');
  const encoded = /Encoded authorization failure message: (\S+)$/.exec(e.message)![1]!;
  const out = await stsQuery(env.b.url, { Action: 'DecodeAuthorizationMessage', EncodedMessage: encoded }, { credentials: AUDITOR });
  expect(out.status, out.body).toBe(200);
  const text = resultValue(out, 'DecodedMessage')!;
  return { text, json: JSON.parse(text) as Decoded };
}

function trustStatement(decoded: Decoded, sid: string): Record<string, unknown> {
  const trust = decoded.policies.find((p) => p.kind === 'trust');
  expect(trust, JSON.stringify(decoded)).toBeDefined();
  return trust!.statements.find((s) => s.ref.sid === sid)!.outcome;
}

function expectNoSecrets(text: string): void {
  for (const secret of SECRETS) expect(text, `the decoded message leaks ${secret}`).not.toContain(secret);
}

describe('security: a decoded trust-policy denial names the statement and the condition key, never the expected values', () => {
  it('AssumeRole with a wrong sts:ExternalId: the key is named, the expected ExternalId is not', async () => {
    const r = await stsQuery(env.b.url, { Action: 'AssumeRole', RoleArn: roleArn('Partner'), RoleSessionName: 'ops-p', ExternalId: 'guess-1' }, { credentials: PORTAL });
    const { text, json } = await decode(r);
    expect(trustStatement(json, 'PartnerWithExternalId')).toEqual({ applies: false, reason: 'condition', operator: 'StringEquals', key: 'sts:ExternalId', actual: 'guess-1' });
    expectNoSecrets(text);
  });

  it('AssumeRole from outside the allowed IP range: aws:SourceIp is named, the range is not', async () => {
    const r = await stsQuery(env.b.url, { Action: 'AssumeRole', RoleArn: roleArn('Partner'), RoleSessionName: 'ops-p', ExternalId: EXTERNAL_ID }, { credentials: PORTAL });
    const { text, json } = await decode(r);
    const outcome = trustStatement(json, 'PartnerWithExternalId');
    expect(outcome).toMatchObject({ applies: false, reason: 'condition', operator: 'IpAddress', key: 'aws:SourceIp' });
    expect(outcome).not.toHaveProperty('expected');
    // The caller's own ExternalId is part of its own request; the policy's range is not in the message.
    expect(text.replace(EXTERNAL_ID, '')).not.toContain('198.51.100');
  });

  it('AssumeRoleWithWebIdentity by a subject not on the list: the sub key is named, the list is not', async () => {
    const token = await env.fx.webToken({ sub: 'mallory' });
    const r = await stsQuery(env.b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('Subjects'), RoleSessionName: 'mallory', WebIdentityToken: token });
    const { text, json } = await decode(r);
    expect(trustStatement(json, 'KnownSubjects')).toEqual({ applies: false, reason: 'condition', operator: 'StringEquals', key: `${PROVIDER}:sub`, actual: 'mallory' });
    expectNoSecrets(text);
  });

  it('AssumeRoleWithSAML by a NameID not on the list: SAML:sub is named, the list is not', async () => {
    const assertion = env.fx.idp.response({
      acsUrl: ACS_URL,
      audience: SP_ENTITY_ID,
      nameId: 'mallory@example.com',
      attributes: { [AWS_ROLE]: [`${roleArn('Subjects')},${SAML_PROVIDER_ARN}`], [AWS_ROLE_SESSION_NAME]: ['mallory'] },
    });
    const r = await stsQuery(env.b.url, { Action: 'AssumeRoleWithSAML', RoleArn: roleArn('Subjects'), PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: assertion });
    const { text, json } = await decode(r);
    expect(trustStatement(json, 'KnownSamlSubjects')).toEqual({ applies: false, reason: 'condition', operator: 'ForAnyValue:StringEquals', key: 'SAML:sub', actual: 'mallory@example.com' });
    expectNoSecrets(text);
  });

  it("the caller's own permission policy keeps its detail (expected values included)", async () => {
    const own = async (r: RawResponse) => (await decode(r)).json.policies.flatMap((p) => (p.kind === 'identity' ? p.statements : [])).find((s) => s.ref.sid === 'OnlyOpsSessions')?.outcome;
    const denied = await stsQuery(env.b.url, { Action: 'AssumeRole', RoleArn: roleArn('OwnRule'), RoleSessionName: 'dev-1' }, { credentials: PORTAL });
    expect(await own(denied)).toEqual({ applies: true });
    const refused = await stsQuery(env.b.url, { Action: 'AssumeRole', RoleArn: roleArn('Partner'), RoleSessionName: 'ops-1', ExternalId: 'xx' }, { credentials: PORTAL });
    expect(await own(refused)).toEqual({ applies: false, reason: 'condition', operator: 'StringNotLike', key: 'sts:RoleSessionName', expected: ['ops-*'], actual: 'ops-1' });
  });
});
