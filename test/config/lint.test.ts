/**
 * Typos that parse but leave a role silently unusable (src/config/lint): each is found with the role's
 * name, the key path and a did-you-mean; an error where IAM would refuse the policy, a warning where it
 * would accept it. And `${fedbroker:AcsUrl}` makes a SAML trust policy follow the broker's port.
 */
import { loadConfigText } from '../../src/config/load.js';
import { buildModel } from '../../src/config/model.js';
import { lintConfiguration, type LintFinding } from '../../src/config/lint/index.js';
import { ConfigError } from '../../src/config/configError.js';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createTestIdp } from '../helpers/samlIdp.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ACCOUNT = '123456789012';
const SAML_ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/Corp`;
const OIDC_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/login.example.com`;

const dir = mkdtempSync(join(tmpdir(), 'fedbroker-lint-'));
writeFileSync(join(dir, 'idp.xml'), createTestIdp({ entityId: 'https://idp.example.test/metadata', keyLabel: 'lint-idp' }).metadataXml());
writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [] }));

const trust = (...statements: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement: statements });
const samlStatement = (condition: Record<string, unknown>, principal = SAML_ARN) => ({
  Effect: 'Allow',
  Principal: { Federated: principal },
  Action: 'sts:AssumeRoleWithSAML',
  Condition: { StringEquals: { 'saml:aud': '${fedbroker:AcsUrl}', ...condition } },
});

function configWith(roles: Record<string, unknown>[], extra: Record<string, unknown> = {}): string {
  return stringify({
    account: { id: ACCOUNT },
    store: 'memory:',
    keys: { dir: 'keys' },
    audit: { file: null },
    identityProviders: [
      { type: 'saml', name: 'Corp', metadata: 'idp.xml' },
      { type: 'oidc', issuer: 'https://login.example.com', clientIds: ['app'], jwksFile: 'jwks.json' },
    ],
    users: [{ name: 'portal' }],
    roles,
    ...extra,
  });
}

async function lint(text: string, env: NodeJS.ProcessEnv = {}): Promise<LintFinding[]> {
  const model = await buildModel(loadConfigText(text, join(dir, 'broker.yaml'), env));
  try {
    return lintConfiguration(model);
  } finally {
    model.close();
  }
}

const only = (findings: LintFinding[], severity: LintFinding['severity']) => findings.filter((f) => f.severity === severity);

describe('configuration checks (check-config, start-up warnings)', () => {
  it('a clean configuration has no findings', async () => {
    const findings = await lint(
      configWith([
        { name: 'Engineer', trustPolicy: trust(samlStatement({ 'saml:attr/groups': 'eng' })) },
        { name: 'Portal', trustPolicy: trust({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/portal` }, Action: ['sts:AssumeRole', 'sts:TagSession'] }) },
      ]),
    );
    expect(findings).toEqual([]);
  });

  it('${fedbroker:AcsUrl} follows the port (PORT=8081); a pinned saml:aud of another port is an error naming the role and the path', async () => {
    const roles = [
      { name: 'Follows', trustPolicy: trust(samlStatement({})) },
      { name: 'Pinned', trustPolicy: trust({ ...samlStatement({}), Condition: { StringEquals: { 'saml:aud': 'http://localhost:8080/saml' } } }) },
    ];
    expect(await lint(configWith(roles))).toEqual([]);
    const findings = await lint(configWith(roles), { PORT: '8081' });
    expect(findings).toEqual([
      {
        severity: 'error',
        path: 'roles[1].trustPolicy.Statement[0].Condition.StringEquals["saml:aud"]',
        message: expect.stringMatching(/^role Pinned: saml:aud is always this broker's ACS URL http:\/\/localhost:8081\/saml, but the condition admits only "http:\/\/localhost:8080\/saml".*\$\{fedbroker:AcsUrl\}/),
      },
    ]);
  });

  it('fedbroker:MfaMethod is a known key with the values webauthn, totp, idp; a misspelled fedbroker: key or value is a warning', async () => {
    expect(await lint(configWith([{ name: 'Passkey', trustPolicy: trust(samlStatement({ 'fedbroker:MfaMethod': 'webauthn' })) }]))).toEqual([]);
    const findings = await lint(
      configWith([
        { name: 'Typo', trustPolicy: trust(samlStatement({ 'fedbroker:MfaMethd': 'webauthn' })) },
        { name: 'Value', trustPolicy: trust(samlStatement({ 'fedbroker:MfaMethod': 'fido2' })) },
      ]),
    );
    expect(findings).toEqual([
      { severity: 'warning', path: 'roles[0].trustPolicy.Statement[0].Condition.StringEquals["fedbroker:mfamethd"]', message: expect.stringMatching(/^role Typo: no request carries the key fedbroker:mfamethd.*did you mean fedbroker:mfamethod/) },
      { severity: 'warning', path: 'roles[1].trustPolicy.Statement[0].Condition.StringEquals["fedbroker:mfamethod"]', message: 'role Value: fedbroker:MfaMethod is one of webauthn, totp, idp; "fido2" never matches' },
    ]);
  });

  it('a saml:aud pattern that matches the ACS URL (StringLike, ForAnyValue, IgnoreCase) is fine; a variable in the value is not judged', async () => {
    const findings = await lint(
      configWith([
        { name: 'Like', trustPolicy: trust({ ...samlStatement({}), Condition: { StringLike: { 'saml:aud': ['https://nowhere/*', 'http://localhost:*/saml'] } } }) },
        { name: 'Case', trustPolicy: trust({ ...samlStatement({}), Condition: { 'ForAnyValue:StringEqualsIgnoreCase': { 'saml:aud': 'HTTP://LOCALHOST:8080/SAML' } } }) },
        { name: 'Variable', trustPolicy: trust({ ...samlStatement({}), Condition: { StringEquals: { 'saml:aud': '${saml:iss}' } } }) },
      ]),
    );
    expect(findings).toEqual([]);
  });

  it('a Federated principal naming a provider that is not configured → error with did-you-mean; a bare web-identity host → warning', async () => {
    const findings = await lint(
      configWith([
        { name: 'SamlTypo', trustPolicy: trust(samlStatement({}, `arn:aws:iam::${ACCOUNT}:saml-provider/Crop`)) },
        {
          name: 'OidcTypo',
          trustPolicy: trust({
            Effect: 'Allow',
            Principal: { Federated: [`arn:aws:iam::${ACCOUNT}:oidc-provider/login.exmple.com`, 'accounts.google.com'] },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { 'login.example.com:aud': 'app', 'login.example.com:sub': 'x' } },
          }),
        },
      ]),
    );
    expect(only(findings, 'error')).toEqual([
      { severity: 'error', path: 'roles[0].trustPolicy.Statement[0].Principal.Federated', message: `role SamlTypo: no SAML provider named Crop is configured in identityProviders (did you mean ${SAML_ARN}?)` },
      { severity: 'error', path: 'roles[1].trustPolicy.Statement[0].Principal.Federated', message: `role OidcTypo: no OpenID provider named login.exmple.com is configured in identityProviders (did you mean ${OIDC_ARN}?)` },
    ]);
    expect(only(findings, 'warning')).toEqual([
      { severity: 'warning', path: 'roles[1].trustPolicy.Statement[0].Principal.Federated', message: expect.stringMatching(/^role OidcTypo: no OpenID provider named accounts\.google\.com is configured/) },
    ]);
  });

  it('an AWS principal naming a user or role that does not exist → error with did-you-mean; another account → warning', async () => {
    const findings = await lint(
      configWith([
        {
          name: 'Chained',
          path: '/team/',
          trustPolicy: trust({
            Effect: 'Allow',
            Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:user/portl`, `arn:aws:iam::${ACCOUNT}:role/Chaned`, `arn:aws:iam::${ACCOUNT}:role/team/Chained`, '111122223333'] },
            Action: 'sts:AssumeRole',
          }),
        },
      ]),
    );
    expect(findings).toEqual([
      { severity: 'error', path: 'roles[0].trustPolicy.Statement[0].Principal.AWS', message: `role Chained: no user arn:aws:iam::${ACCOUNT}:user/portl exists in users (did you mean arn:aws:iam::${ACCOUNT}:user/portal?)` },
      { severity: 'error', path: 'roles[0].trustPolicy.Statement[0].Principal.AWS', message: expect.stringMatching(/^role Chained: no role arn:aws:iam::123456789012:role\/Chaned exists in roles \(did you mean arn:aws:iam::123456789012:role\/team\/Chained\?\)/) },
      { severity: 'warning', path: 'roles[0].trustPolicy.Statement[0].Principal.AWS', message: `role Chained: account 111122223333 is not this broker's account (${ACCOUNT}): no caller of it exists here` },
    ]);
  });

  it('a misspelled action: in a trust policy an error, in a permission policy a warning; other services are not judged', async () => {
    const findings = await lint(
      configWith(
        [
          {
            name: 'Web',
            trustPolicy: trust({
              Effect: 'Allow',
              Principal: { Federated: OIDC_ARN },
              Action: ['sts:AssumeRoleWithWebIdentiy', 'sts:Assume*', 'sts:Get*Tokn'],
              Condition: { StringEquals: { 'login.example.com:aud': 'app', 'login.example.com:sub': 'x' } },
            }),
            inlinePolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['fedbroker:Authorise', 'iam:EnableMFADevic', 'iam:PassRole', 's3:GetObjct', 'sts:getcalleridentity'], Resource: '*' }] }],
          },
        ],
        { policies: [{ name: 'P', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'sts:DecodeAuthorisationMessage', Resource: '*' }] } }] },
      ),
    );
    expect(findings).toEqual([
      { severity: 'warning', path: 'policies[0].document.Statement[0].NotAction', message: 'policy P: "sts:DecodeAuthorisationMessage" is not an action of sts (did you mean sts:DecodeAuthorizationMessage?)' },
      { severity: 'error', path: 'roles[0].trustPolicy.Statement[0].Action', message: 'role Web: "sts:AssumeRoleWithWebIdentiy" is not an action of sts (did you mean sts:AssumeRoleWithWebIdentity?)' },
      { severity: 'error', path: 'roles[0].trustPolicy.Statement[0].Action', message: 'role Web: "sts:Get*Tokn" matches no action of sts' },
      { severity: 'warning', path: 'roles[0].inlinePolicies[0].Statement[0].Action', message: 'role Web: "fedbroker:Authorise" is not an action of fedbroker (did you mean fedbroker:Authorize?)' },
      { severity: 'warning', path: 'roles[0].inlinePolicies[0].Statement[0].Action', message: 'role Web: "iam:EnableMFADevic" is not an action of iam (did you mean iam:EnableMFADevice?)' },
    ]);
  });

  it('condition keys no request carries: a provider prefix or a saml: key that nothing fills → warnings with did-you-mean', async () => {
    const findings = await lint(
      configWith([
        { name: 'Saml', trustPolicy: trust(samlStatement({ 'saml:atr/groups': 'eng', 'saml:edupersonaffiliaton': 'staff' })) },
        {
          name: 'Web',
          trustPolicy: trust({
            Effect: 'Allow',
            Principal: { Federated: OIDC_ARN },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { 'login.example.com:aud': 'app', 'login.exampel.com:sub': 'alice', 'aws:SourceIp': '10.0.0.1' } },
          }),
          allowUnconstrainedTrust: true,
        },
      ]),
    );
    expect(findings.map((f) => [f.severity, f.path, f.message])).toEqual([
      ['warning', 'roles[0].trustPolicy.Statement[0].Condition.StringEquals["saml:atr/groups"]', 'role Saml: no SAML assertion carries the key saml:atr/groups (did you mean saml:attr/groups?)'],
      ['warning', 'roles[0].trustPolicy.Statement[0].Condition.StringEquals["saml:edupersonaffiliaton"]', 'role Saml: no SAML assertion carries the key saml:edupersonaffiliaton (did you mean saml:edupersonaffiliation?)'],
      ['warning', 'roles[1].trustPolicy.Statement[0].Condition.StringEquals["login.exampel.com:sub"]', 'role Web: no request carries the key login.exampel.com:sub: no OpenID provider named login.exampel.com is configured (did you mean login.example.com?)'],
    ]);
  });

  it('an unknown ${fedbroker:…} variable is a configuration error with did-you-mean', async () => {
    const text = configWith([{ name: 'S', trustPolicy: trust({ ...samlStatement({}), Condition: { StringEquals: { 'saml:aud': '${fedbroker:AcsURI}' } } }) }]);
    const error = await buildModel(loadConfigText(text, join(dir, 'broker.yaml'), {})).then(
      (m) => (m.close(), undefined),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([{ path: 'roles[0].trustPolicy', message: expect.stringMatching(/^unknown broker variable \$\{fedbroker:AcsURI\} \(did you mean \$\{fedbroker:AcsUrl\}\?\)/) }]);
  });
});
