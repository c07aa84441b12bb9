/**
 * security.md, "Found by review": AssumeRoleWithSAML without the RoleSessionName attribute →
 * `InvalidIdentityToken` "RoleSessionName is required in AuthnResponse" (the guide, G16299); the
 * NameID fallback only where a provider sets `sessionNameFrom: nameId`, and in the browser flow.
 * Against the running broker, with Responses signed by xmlsec1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type StartedBroker } from '../helpers/broker.js';
import { ACS_URL, createStsFixture, roleArn, SAML_PROVIDER, SAML_PROVIDER_ARN, SP_ENTITY_ID, type StsFixture } from '../helpers/stsFixture.js';
import { awsError, resultValue, stsQuery } from '../helpers/stsHttp.js';
import { AWS_ROLE } from '../helpers/samlIdp.js';

let fx: StsFixture;
let b: StartedBroker;

beforeAll(async () => {
  fx = await createStsFixture();
  b = await startBroker(fx.config(), { dir: fx.dir });
});
afterAll(async () => {
  await b?.close();
  fx?.cleanup();
});

/** A signed Response for SamlDev with the Role attribute but no RoleSessionName attribute. */
function withoutSessionName(nameId: string): string {
  return fx.idp.response({ acsUrl: ACS_URL, audience: SP_ENTITY_ID, nameId, attributes: { [AWS_ROLE]: [`${roleArn('SamlDev')},${SAML_PROVIDER_ARN}`] } });
}

const assume = (assertion: string) =>
  stsQuery(b.url, { Action: 'AssumeRoleWithSAML', RoleArn: roleArn('SamlDev'), PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: assertion });

describe('security.md Found by review: AssumeRoleWithSAML without RoleSessionName', () => {
  it('→ InvalidIdentityToken "RoleSessionName is required in AuthnResponse" (400), no credentials', async () => {
    const r = await assume(withoutSessionName('alice@example.com'));
    expect(r.status).toBe(400);
    expect(awsError(r)).toMatchObject({ code: 'InvalidIdentityToken', message: 'RoleSessionName is required in AuthnResponse', type: 'Sender' });
    expect(r.body).not.toContain('<Credentials>');
  });

  it('a provider with sessionNameFrom: nameId takes the NameID (made safe) instead', async () => {
    const base = fx.config();
    await b.reload({
      ...base,
      identityProviders: (base['identityProviders'] as Array<Record<string, unknown>>).map((p) => (p['name'] === SAML_PROVIDER ? { ...p, sessionNameFrom: 'nameId' } : p)),
    });
    try {
      const r = await assume(withoutSessionName('bob smith@example.com'));
      expect(r.status, r.body).toBe(200);
      expect(resultValue(r, 'AssumedRoleUser/Arn')).toBe(`${roleArn('SamlDev').replace(':iam:', ':sts:').replace(':role/', ':assumed-role/')}/bob-smith@example.com`);
    } finally {
      await b.reload(fx.config());
    }
  });
});
