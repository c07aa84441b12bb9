import { describe, expect, it } from 'vitest';
import type { BrokerModel, RoleModel } from '../../src/config/model.js';
import type { RoleIssuer } from '../../src/sessions/issuer.js';
import type { RoleSessionRequest } from '../../src/sessions/roleSession.js';
import { personIssuer } from '../../src/sso/issuer.js';
import type { Person } from '../../src/sso/person.js';

type Model = Pick<BrokerModel, 'samlProviders' | 'oidcProviders'>;
/** A provider named Okta whose people own MFA devices by `mfaSubject` (undefined: by their NameID). */
const modelWith = (mfaSubject?: string): Model => ({ samlProviders: [{ settings: { name: 'Okta' }, mfaSubjectRule: mfaSubject === undefined ? {} : { mfaSubject } }], oidcProviders: [] }) as unknown as Model;

const person: Person = Object.freeze({
  type: 'saml',
  provider: 'Okta',
  providerArn: 'arn:aws:iam::111122223333:saml-provider/Okta',
  issuer: 'https://okta.example.com',
  subject: 'alice@example.com',
  sessionName: 'alice@example.com',
  conditionKeys: Object.freeze({ 'saml:sub': 'alice@example.com', 'saml:sub_type': 'persistent', 'saml:attr/employeeid': 'E-17', 'saml:doc': '111122223333/Okta' }),
  signedInAt: 1_800_000_000_000,
  sessionEnd: 1_800_028_800,
}) as unknown as Person;
const role = { name: 'Dev', arn: 'arn:aws:iam::111122223333:role/Dev' } as RoleModel;
const lifetime = { issuedAt: 1_800_000_000, expiresAt: 1_800_003_600, durationSeconds: 3600 };

/** The issuer records what it is asked to issue (the broker's issuers mint or call AWS with it). */
function recording(): { requests: RoleSessionRequest[]; issuerFor: (r: RoleModel) => RoleIssuer } {
  const requests: RoleSessionRequest[] = [];
  const issuer = { issue: async (request: RoleSessionRequest) => (requests.push(request), {}) } as unknown as RoleIssuer;
  return { requests, issuerFor: () => issuer };
}

describe('personIssuer', () => {
  it('asks for the session a browser sign-in of the person would get, its identity and context worked out once per configuration', async () => {
    let model = modelWith();
    const { requests, issuerFor } = recording();
    const issue = personIssuer(issuerFor, () => model);
    await issue({ role, person, lifetime });
    await issue({ role, person, lifetime });
    expect(requests[0]).toMatchObject({
      issuer: 'AssumeRoleWithSAML',
      sessionName: 'alice@example.com',
      federated: { type: 'saml', provider: 'Okta', subject: 'alice@example.com', mfaSubject: 'alice@example.com' },
      context: { 'aws:federatedprovider': person.providerArn, 'saml:sub': 'alice@example.com', 'saml:sub_type': 'persistent', 'saml:doc': '111122223333/Okta' },
      notAfter: person.sessionEnd,
    });
    expect(requests[1]!.federated).toBe(requests[0]!.federated);
    expect(requests[1]!.context).toBe(requests[0]!.context);

    // A new configuration (MFA devices now owned by the employee id): worked out again.
    model = modelWith('saml:attr/employeeId');
    await issue({ role, person, lifetime });
    expect(requests[2]!.federated).toMatchObject({ mfaSubject: 'E-17' });
  });
});
