/**
 * security.md, "Found by review": an OIDC token with `amr` MFA but no `auth_time` →
 * `aws:MultiFactorAuthAge` counted from `iat`, never from the time of the call (a replayed or
 * long-lived token must not look like a fresh MFA). Through the running broker: a role whose trust
 * policy wants MFA no older than 10 minutes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type StartedBroker } from '../helpers/broker.js';
import { createStsFixture, ISSUER, OIDC_PROVIDER_ARN, PROVIDER, roleArn, type StsFixture } from '../helpers/stsFixture.js';
import { awsError, stsQuery } from '../helpers/stsHttp.js';

let fx: StsFixture;
let b: StartedBroker;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  fx = await createStsFixture();
  b = await startBroker(
    fx.config({
      identityProviders: [{ type: 'oidc', issuer: ISSUER, clientIds: ['test-app'], jwksFile: 'jwks.json', mfaAmr: ['mfa'] }],
      roles: [
        {
          name: 'FreshMfa',
          trustPolicy: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Federated: OIDC_PROVIDER_ARN },
                Action: 'sts:AssumeRoleWithWebIdentity',
                Condition: {
                  StringEquals: { [`${PROVIDER}:aud`]: 'test-app' },
                  Bool: { 'aws:MultiFactorAuthPresent': 'true' },
                  NumericLessThan: { 'aws:MultiFactorAuthAge': '600' },
                },
              },
            ],
          },
        },
      ],
      users: [],
    }),
    { dir: fx.dir },
  );
});
afterAll(async () => {
  await b?.close();
  fx?.cleanup();
});

async function assume(claims: Record<string, unknown>) {
  return stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('FreshMfa'), RoleSessionName: 'alice', WebIdentityToken: await fx.webToken(claims) });
}

describe('security.md Found by review: OIDC MFA age without auth_time', () => {
  it('amr mfa, no auth_time, iat 50 minutes ago → the MFA is 50 minutes old: a role wanting < 10 minutes refuses', async () => {
    const old = await assume({ amr: ['mfa'], iat: now() - 3000, auth_time: undefined });
    expect(old.status).toBe(403);
    expect(awsError(old).code).toBe('AccessDenied');
    // The same token issued just now passes: the age is the token's, not a constant.
    expect((await assume({ amr: ['mfa'], iat: now() - 30, auth_time: undefined })).status).toBe(200);
    // auth_time, when present, wins over iat.
    expect((await assume({ amr: ['mfa'], iat: now(), auth_time: now() - 3000 })).status).toBe(403);
  });

  it('amr mfa without auth_time and without iat → the MFA cannot be dated, so it does not count', async () => {
    const undated = await assume({ amr: ['mfa'], iat: undefined, auth_time: undefined });
    expect(undated.status).toBe(403);
    expect(awsError(undated).code).toBe('AccessDenied');
  });
});
