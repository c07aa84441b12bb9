/**
 * security.md "Command-line sign-in, access portal, passkeys, upstream, tags" — the session tags row:
 * 51 tags, a 129-character key, a bad character, keys differing only in case, a transitive key that is
 * not a tag, a chained call overriding a transitive key, a key outside allowedSessionTagKeys, no
 * sts:TagSession in the trust policy, and tags too large to pack — each gets AWS's error and message,
 * on the wire (raw signed Query requests), and no credentials.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { AWS_ROLE, AWS_ROLE_SESSION_NAME } from '../helpers/samlIdp.js';
import { ACS_URL, createStsFixture, OIDC_PROVIDER_ARN, PROVIDER, roleArn, SAML_PROVIDER_ARN, SP_ENTITY_ID, type StsFixture } from '../helpers/stsFixture.js';
import { awsError, credentialsOf, stsQuery, type Keys, type RawResponse } from '../helpers/stsHttp.js';

const TAGGER: Keys = { accessKeyId: 'AKIATAGGER0000000001', secretAccessKey: 'taggerSecretKey/0123456789abcdefghijklmn' };
const DUPLICATE = 'Duplicate tag keys found. Please note that Tag keys are case insensitive.';
const NOT_A_TAG = 'The specified transitive tag key must be included in the requested tags.';
const CONFLICT = "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.";
const PATTERN = '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+';
const PT = 'https://aws.amazon.com/SAML/Attributes/PrincipalTag:';

const TAGGING = ['sts:AssumeRole', 'sts:TagSession'];
const allow = (action: string | string[]) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
const trusts = (principals: string[], actions: string[]) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principals }, Action: actions }] });
const TAGGER_ARN = `arn:aws:iam::${TEST_ACCOUNT}:user/tagger`;

let fx: StsFixture;
let b: StartedBroker;

beforeAll(async () => {
  fx = await createStsFixture();
  const federatedNoTagSession = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: TAGGER_ARN }, Action: 'sts:AssumeRole' },
      { Effect: 'Allow', Principal: { Federated: OIDC_PROVIDER_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${PROVIDER}:aud`]: 'test-app' } } },
      { Effect: 'Allow', Principal: { Federated: SAML_PROVIDER_ARN }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'saml:aud': ACS_URL } } },
    ],
  };
  const guardedTrust = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: [TAGGER_ARN, roleArn('Tagging')] }, Action: TAGGING },
      { Effect: 'Allow', Principal: { Federated: OIDC_PROVIDER_ARN }, Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'], Condition: { StringEquals: { [`${PROVIDER}:aud`]: 'test-app' } } },
    ],
  };
  b = await startBroker(
    fx.config({
      roles: [
        { name: 'Tagging', trustPolicy: trusts([TAGGER_ARN], TAGGING), inlinePolicies: [allow(TAGGING)] },
        { name: 'ChainTarget', trustPolicy: trusts([roleArn('Tagging')], TAGGING) },
        { name: 'Guarded', allowedSessionTagKeys: ['Department'], trustPolicy: guardedTrust },
        { name: 'NoTagSession', trustPolicy: federatedNoTagSession },
      ],
      users: [{ name: 'tagger', accessKeys: [{ id: TAGGER.accessKeyId, secret: TAGGER.secretAccessKey }], inlinePolicies: [allow([...TAGGING, 'sts:GetFederationToken'])] }],
    }),
    { dir: fx.dir },
  );
}, 60_000);

afterAll(async () => {
  await b?.close();
  fx?.cleanup();
});

function expectError(r: RawResponse, status: number, code: string, message: string | RegExp): void {
  const e = awsError(r);
  expect({ status: r.status, code: e.code }, e.message).toEqual({ status, code });
  if (typeof message === 'string') expect(e.message).toBe(message);
  else expect(e.message).toMatch(message);
  expect(r.body).not.toContain('SecretAccessKey');
}

/** Query parameters for session tags (`Tags.member.N.Key/Value`, `TransitiveTagKeys.member.N`). */
function tagParams(tags: Array<[string, string]>, transitive: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  tags.forEach(([k, v], i) => {
    out[`Tags.member.${i + 1}.Key`] = k;
    out[`Tags.member.${i + 1}.Value`] = v;
  });
  transitive.forEach((k, i) => (out[`TransitiveTagKeys.member.${i + 1}`] = k));
  return out;
}

const assumeRole = (role: string, extra: Record<string, string>, credentials: Keys = TAGGER) =>
  stsQuery(b.url, { Action: 'AssumeRole', RoleArn: roleArn(role), RoleSessionName: 'tags-test', ...extra }, { credentials });
const validation = (value: string | null, member: string, constraint: string) =>
  `1 validation error detected: Value ${value === null ? '' : `'${value}' `}at '${member}' failed to satisfy constraint: Member must ${constraint}`;

describe('security: session tags — AWS limits and messages', () => {
  it('51 tags → ValidationError (AssumeRole and GetFederationToken); 50 are accepted', async () => {
    const many = (n: number) => tagParams(Array.from({ length: n }, (_, i): [string, string] => [`k${i}`, 'v']));
    expectError(await assumeRole('Tagging', many(51)), 400, 'ValidationError', validation(null, 'tags', 'have length less than or equal to 50'));
    expectError(await stsQuery(b.url, { Action: 'GetFederationToken', Name: 'bob', ...many(51) }, { credentials: TAGGER }), 400, 'ValidationError', validation(null, 'tags', 'have length less than or equal to 50'));
    expect((await assumeRole('Tagging', many(50))).status).toBe(200);
  });

  it('a 129-character key, a 257-character value, a bad character, a key without value → ValidationError naming the member', async () => {
    const long = 'k'.repeat(129);
    expectError(await assumeRole('Tagging', tagParams([[long, 'v']])), 400, 'ValidationError', validation(long, 'tags.1.member.key', 'have length less than or equal to 128'));
    expectError(await assumeRole('Tagging', tagParams([['ok', 'v'.repeat(257)]])), 400, 'ValidationError', /at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256$/);
    expectError(await assumeRole('Tagging', tagParams([['a', 'b'], ['Dept;x', 'v']])), 400, 'ValidationError', validation('Dept;x', 'tags.2.member.key', `satisfy regular expression pattern: ${PATTERN}`));
    expectError(await assumeRole('Tagging', { 'Tags.member.1.Key': 'Department' }), 400, 'ValidationError', validation('null', 'tags.1.member.value', 'not be null').replace("'null'", 'null'));
    expectError(await assumeRole('Tagging', tagParams([['a', 'b']], ['a', 'bad,key'])), 400, 'ValidationError', validation('bad,key', 'transitiveTagKeys.2.member', `satisfy regular expression pattern: ${PATTERN}`));
  });

  it('keys differing only in case → InvalidParameterValue (Query, SAML attributes, OIDC claim)', async () => {
    expectError(await assumeRole('Tagging', tagParams([['Department', 'a'], ['department', 'b']])), 400, 'InvalidParameterValue', DUPLICATE);
    const assertion = fx.idp.response({
      acsUrl: ACS_URL,
      audience: SP_ENTITY_ID,
      attributes: { [AWS_ROLE]: [`${roleArn('NoTagSession')},${SAML_PROVIDER_ARN}`], [AWS_ROLE_SESSION_NAME]: ['alice'], [`${PT}Team`]: ['a'], [`${PT}TEAM`]: ['b'] },
    });
    expectError(await stsQuery(b.url, { Action: 'AssumeRoleWithSAML', RoleArn: roleArn('NoTagSession'), PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: assertion }), 400, 'InvalidParameterValue', DUPLICATE);
    const token = await fx.webToken({ 'https://aws.amazon.com/tags': { principal_tags: { Team: ['a'], team: ['b'] } } });
    expectError(await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('Guarded'), RoleSessionName: 'alice', WebIdentityToken: token }), 400, 'InvalidParameterValue', DUPLICATE);
  });

  it('a transitive key that is not a tag → InvalidParameterValue', async () => {
    expectError(await assumeRole('Tagging', tagParams([['Department', 'a']], ['Team'])), 400, 'InvalidParameterValue', NOT_A_TAG);
    const token = await fx.webToken({ 'https://aws.amazon.com/tags': { principal_tags: { Department: ['a'] }, transitive_tag_keys: ['Team'] } });
    expectError(await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('Guarded'), RoleSessionName: 'alice', WebIdentityToken: token }), 400, 'InvalidParameterValue', NOT_A_TAG);
  });

  it('a chained call overriding a transitive key (tag or transitive key, any case) → InvalidParameterValue', async () => {
    const first = credentialsOf(await assumeRole('Tagging', tagParams([['Department', 'eng'], ['Project', 'x']], ['Department'])));
    expectError(await assumeRole('ChainTarget', tagParams([['DEPARTMENT', 'sales']]), first), 400, 'InvalidParameterValue', CONFLICT);
    expectError(await assumeRole('ChainTarget', tagParams([['department', 'sales']], ['department']), first), 400, 'InvalidParameterValue', CONFLICT);
    // A transitive key must name one of the request's own tags, whatever the calling session has.
    expectError(await assumeRole('ChainTarget', tagParams([['Project', 'y']], ['Department']), first), 400, 'InvalidParameterValue', NOT_A_TAG);
    // A non-transitive key of the caller may be set again.
    expect((await assumeRole('ChainTarget', tagParams([['Project', 'y']]), first)).status).toBe(200);
  });

  it('a key outside allowedSessionTagKeys → AccessDenied naming the key (passed, from the IdP, or arriving by chaining)', async () => {
    const refused = (key: string) => new RegExp(`^Not authorized to perform sts:TagSession: role Guarded does not accept the session tag key ${key} \\(allowedSessionTagKeys\\)`);
    expectError(await assumeRole('Guarded', tagParams([['Department', 'eng'], ['CostCenter', '1']])), 403, 'AccessDenied', refused('CostCenter'));
    expect((await assumeRole('Guarded', tagParams([['department', 'eng']]))).status).toBe(200);
    const chained = credentialsOf(await assumeRole('Tagging', tagParams([['Team', 'blue']], ['Team'])));
    expectError(await assumeRole('Guarded', {}, chained), 403, 'AccessDenied', refused('Team'));
    const token = await fx.webToken({ 'https://aws.amazon.com/tags': { principal_tags: { Team: ['blue'] } } });
    expectError(await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('Guarded'), RoleSessionName: 'alice', WebIdentityToken: token }), 403, 'AccessDenied', refused('Team'));
  });

  it('no sts:TagSession in the trust policy → AccessDenied (AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity); without tags the role works', async () => {
    expectError(await assumeRole('NoTagSession', tagParams([['Department', 'eng']])), 403, 'AccessDenied', new RegExp(`^User: ${TAGGER_ARN} is not authorized to perform: sts:TagSession on resource: ${roleArn('NoTagSession')}`));
    expect((await assumeRole('NoTagSession', {})).status).toBe(200);
    const assertion = fx.idp.response({
      acsUrl: ACS_URL,
      audience: SP_ENTITY_ID,
      attributes: { [AWS_ROLE]: [`${roleArn('NoTagSession')},${SAML_PROVIDER_ARN}`], [AWS_ROLE_SESSION_NAME]: ['alice'], [`${PT}Department`]: ['eng'] },
    });
    expectError(await stsQuery(b.url, { Action: 'AssumeRoleWithSAML', RoleArn: roleArn('NoTagSession'), PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: assertion }), 403, 'AccessDenied', /^Not authorized to perform sts:TagSession/);
    const token = await fx.webToken({ 'https://aws.amazon.com/tags': { principal_tags: { Department: ['eng'] } } });
    expectError(await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('NoTagSession'), RoleSessionName: 'alice', WebIdentityToken: token }), 403, 'AccessDenied', /^Not authorized to perform sts:TagSession/);
    // Transitive tags arriving by chaining are tags of the new session too: sts:TagSession is needed.
    const chained = credentialsOf(await assumeRole('Tagging', tagParams([['Team', 'blue']], ['Team'])));
    const viaChain = await stsQuery(b.url, { Action: 'AssumeRole', RoleArn: roleArn('ChainTarget'), RoleSessionName: 'ok' }, { credentials: chained });
    expect(viaChain.status, viaChain.body).toBe(200);
  });

  it('tags too large to pack → PackedPolicyTooLarge naming the percentage', async () => {
    // Random values do not compress: 12 of them are far beyond the packed budget.
    const big = Array.from({ length: 12 }, (_, i): [string, string] => [`key-${i}`, randomBytes(192).toString('base64').replace(/[^A-Za-z0-9]/g, 'z')]);
    expectError(await assumeRole('Tagging', tagParams(big)), 400, 'PackedPolicyTooLarge', /^Packed size of session tags consumes \d{3}% of allotted space$/);
  });
});
