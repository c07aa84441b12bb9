/**
 * `fedbroker simulate` with session tags: the tags a sign-in would carry (the IdP's PrincipalTag
 * attributes and the provider's sessionTags mapping), the roles that refuse them (no sts:TagSession,
 * allowedSessionTagKeys) and the policy statements that read them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fedbroker, writeOfflineConfig } from '../helpers/fedbrokerCli.js';
import { createTestIdp } from '../helpers/samlIdp.js';

const ACCOUNT = '123456789012';
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/Corp`;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedbroker-simulate-tags-'));
  writeFileSync(join(dir, 'idp.xml'), createTestIdp({ entityId: 'https://idp.example.test/metadata', keyLabel: 'simulate-tags-idp' }).metadataXml());
  const trust = (actions: string[]) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER_ARN }, Action: actions, Condition: { StringEquals: { 'saml:aud': 'https://broker.example.com/saml' } } }],
  });
  writeOfflineConfig(dir, {
    identityProviders: [{ type: 'saml', name: 'Corp', metadata: 'idp.xml', sessionTags: { Team: { from: '${saml:attr/groups}', match: '^team-(.+)$' }, transitive: ['Team'] } }],
    roles: [
      {
        name: 'Abac',
        trustPolicy: trust(['sts:AssumeRoleWithSAML', 'sts:TagSession']),
        inlinePolicies: [{ Version: '2012-10-17', Statement: [{ Sid: 'SameTeam', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/${aws:PrincipalTag/Team}/*' }] }],
      },
      { name: 'NoTags', trustPolicy: trust(['sts:AssumeRoleWithSAML']) },
      { name: 'DeptOnly', allowedSessionTagKeys: ['Department'], trustPolicy: trust(['sts:AssumeRoleWithSAML', 'sts:TagSession']) },
    ],
  });
  writeFileSync(
    join(dir, 'alice.json'),
    JSON.stringify({ nameId: 'alice@example.com', attributes: { 'https://aws.amazon.com/SAML/Attributes/PrincipalTag:Department': 'Engineering', groups: ['team-blue', 'all'] } }),
  );
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ nameId: 'bob', attributes: { 'https://aws.amazon.com/SAML/Attributes/PrincipalTag:Dept': 'a,b' } }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const simulate = (file: string, ...extra: string[]) => fedbroker(['simulate', '--config', join(dir, 'broker.yaml'), '--provider', 'Corp', '--attributes', join(dir, file), ...extra]);

it('shows the tags, the roles they rule out, and the statements that read them', async () => {
  const run = await simulate('alice.json');
  expect(run.stderr).toBe('');
  expect(run.stdout).toContain('Session tags: Department=Engineering, Team=blue (transitive)');
  expect(run.stdout).toMatch(/ALLOW {2}arn:aws:iam::123456789012:role\/Abac\n {9}tags: inline:Abac#0 Statement\[0\] \(SameTeam\) reads aws:principaltag\/team/);
  expect(run.stdout).toMatch(/DENY {3}arn:aws:iam::123456789012:role\/NoTags\n/);
  expect(run.stdout).toContain('role DeptOnly does not accept the session tag key Team (allowedSessionTagKeys)');

  const json = JSON.parse((await simulate('alice.json', '--json')).stdout) as { sessionTags: unknown; roles: Array<{ role: string; allowed: boolean }> };
  expect(json.sessionTags).toEqual({ tags: [{ key: 'Department', value: 'Engineering' }, { key: 'Team', value: 'blue' }], transitiveTagKeys: ['Team'] });
  expect(json.roles.filter((r) => r.allowed).map((r) => r.role)).toEqual([`arn:aws:iam::${ACCOUNT}:role/Abac`]);
}, 60_000);

it('says why tags would refuse the sign-in', async () => {
  const run = await simulate('bad.json');
  expect(run.code).toBe(1);
  expect(run.stderr).toContain("The sign-in would be refused for its session tags: ValidationError: 1 validation error detected: Value 'a,b' at 'https://aws.amazon.com/SAML/Attributes/PrincipalTag:Dept'");
}, 60_000);
