/**
 * security.md "Found by review": AssumeRole on a role that does not exist vs one whose trust policy
 * refuses → the same error code and message shape (no role-existence oracle). Checked for AssumeRole,
 * AssumeRoleWithWebIdentity and AssumeRoleWithSAML through the running broker, including parameters
 * that only an existing role could judge (DurationSeconds beyond its maximum, an MFA code).
 */
import { describe, expect, it } from 'vitest';
import { TEST_ACCOUNT } from '../helpers/broker.js';
import { stsBrokerForFile } from '../helpers/stsBroker.js';
import { ACS_URL, PORTAL, SAML_PROVIDER_ARN, SP_ENTITY_ID, roleArn } from '../helpers/stsFixture.js';
import { AWS_ROLE, AWS_ROLE_SESSION_NAME } from '../helpers/samlIdp.js';
import { awsError, stsQuery, type RawResponse } from '../helpers/stsHttp.js';

const MISSING = roleArn('NoSuchRole');
/** Trusts only another account (and conditions nobody here meets): refuses everyone the tests are. */
const REFUSING = roleArn('Elsewhere');
const otherAccountTrust = (action: string, principal: Record<string, string>) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: principal, Action: action, Condition: { StringEquals: { 'sts:RoleSessionName': 'never-this-one' } } }],
});

const env = stsBrokerForFile((fx) => {
  const base = fx.config();
  return {
    ...base,
    roles: [
      ...(base['roles'] as object[]),
      {
        name: 'Elsewhere',
        maxSessionDuration: 3600,
        trustPolicy: {
          Version: '2012-10-17',
          Statement: [
            ...otherAccountTrust('sts:AssumeRole', { AWS: 'arn:aws:iam::210987654321:root' }).Statement,
            ...otherAccountTrust('sts:AssumeRoleWithWebIdentity', { Federated: `arn:aws:iam::${TEST_ACCOUNT}:oidc-provider/idp.fedbroker.test` }).Statement.map((s) => ({
              ...s,
              Condition: { StringEquals: { 'idp.fedbroker.test:aud': 'another-app' } },
            })),
            ...otherAccountTrust('sts:AssumeRoleWithSAML', { Federated: SAML_PROVIDER_ARN }).Statement.map((s) => ({ ...s, Condition: { StringEquals: { 'SAML:aud': 'https://elsewhere.test/saml' } } })),
          ],
        },
      },
    ],
  };
});

/** The message with the role ARN and the sealed blob replaced, plus the blob's length. */
function shape(r: RawResponse, arn: string): { status: number; code: string; message: string; sealedLength: number } {
  const e = awsError(r);
  const sealed = /Encoded authorization failure message: ([A-Za-z0-9_-]+)$/.exec(e.message);
  expect(sealed, e.message).not.toBeNull();
  return {
    status: r.status,
    code: e.code,
    message: e.message.split(arn).join('<role>').replace(sealed![1]!, '<sealed>'),
    sealedLength: sealed![1]!.length,
  };
}

async function expectSameAnswer(call: (arn: string) => Promise<RawResponse>): Promise<string> {
  const missing = shape(await call(MISSING), MISSING);
  const refusing = shape(await call(REFUSING), REFUSING);
  expect(missing).toEqual(refusing);
  expect(missing.status).toBe(403);
  expect(missing.code).toBe('AccessDenied');
  return missing.message;
}

describe('security: a role that does not exist and a role whose trust policy refuses answer alike', () => {
  it('AssumeRole: the same AccessDenied, message and sealed-message length', async () => {
    const assume = (extra: Record<string, string> = {}) => (arn: string) =>
      stsQuery(env.b.url, { Action: 'AssumeRole', RoleArn: arn, RoleSessionName: 'probe', ...extra }, { credentials: PORTAL });
    const message = await expectSameAnswer(assume());
    expect(message).toBe(`User: arn:aws:iam::${TEST_ACCOUNT}:user/portal is not authorized to perform: sts:AssumeRole on resource: <role> Encoded authorization failure message: <sealed>`);
    // What only an existing role can judge is not judged for a caller its trust policy refuses.
    await expectSameAnswer(assume({ DurationSeconds: '43200' }));
    await expectSameAnswer(assume({ SerialNumber: `arn:aws:iam::${TEST_ACCOUNT}:mfa/portal`, TokenCode: '123456' }));
  });

  it('AssumeRoleWithWebIdentity: the same AccessDenied, message and sealed-message length', async () => {
    const token = await env.fx.webToken();
    const web = (extra: Record<string, string> = {}) => (arn: string) =>
      stsQuery(env.b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: arn, RoleSessionName: 'probe', WebIdentityToken: token, ...extra });
    expect(await expectSameAnswer(web())).toBe('Not authorized to perform sts:AssumeRoleWithWebIdentity Encoded authorization failure message: <sealed>');
    await expectSameAnswer(web({ DurationSeconds: '43200' }));
  });

  it('AssumeRoleWithSAML: the same AccessDenied for a missing, a refusing and an unoffered role', async () => {
    const assertionFor = (arn: string) =>
      env.fx.idp.response({
        acsUrl: ACS_URL,
        audience: SP_ENTITY_ID,
        nameId: 'alice@example.com',
        attributes: { [AWS_ROLE]: [`${arn},${SAML_PROVIDER_ARN}`], [AWS_ROLE_SESSION_NAME]: ['alice'] },
      });
    const saml = (extra: Record<string, string> = {}, offered?: string) => (arn: string) =>
      stsQuery(env.b.url, { Action: 'AssumeRoleWithSAML', RoleArn: arn, PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: assertionFor(offered ?? arn), ...extra });
    expect(await expectSameAnswer(saml())).toBe('Not authorized to perform sts:AssumeRoleWithSAML Encoded authorization failure message: <sealed>');
    await expectSameAnswer(saml({ DurationSeconds: '43200' }));
    // A role the assertion does not offer (its Role attribute names SamlDev only) answers alike too.
    const unoffered = shape(await saml({}, roleArn('SamlDev'))(MISSING), MISSING);
    expect(unoffered).toEqual(shape(await saml({}, roleArn('SamlDev'))(REFUSING), REFUSING));
    expect(unoffered.message).toBe('Not authorized to perform sts:AssumeRoleWithSAML Encoded authorization failure message: <sealed>');
  });

  it('a role the caller may take still gets its specific answers (DurationSeconds beyond its maximum)', async () => {
    const r = await stsQuery(env.b.url, { Action: 'AssumeRole', RoleArn: roleArn('Target'), RoleSessionName: 'ok', DurationSeconds: '43201' }, { credentials: PORTAL });
    expect(awsError(r).code).toBe('ValidationError');
  });
});
