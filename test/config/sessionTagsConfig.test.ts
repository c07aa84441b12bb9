/**
 * The configuration keys of session tags: `tags:` of roles and users, `allowedSessionTagKeys`, and a
 * provider's `sessionTags` mapping — accepted when well-formed, refused with the key path otherwise.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { configModel } from '../helpers/configModel.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedbroker-tags-config-'));
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [] }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] };
const build = (extra: Record<string, unknown>) => configModel(dir).build(extra);
const issues = (extra: Record<string, unknown>) => configModel(dir).issues(extra);

it('role and user tags, a role tag guard and a provider mapping are read into the model', async () => {
  const model = await build({
    identityProviders: [{ type: 'oidc', issuer: 'https://idp.example.com', clientIds: ['app'], jwksFile: 'jwks.json', sessionTags: { Team: '${oidc:claim/team}', transitive: ['Team'] }, sessionTagsOverride: true }],
    roles: [{ name: 'Abac', trustPolicy: trust, tags: { Department: 'Engineering', Level: 3 }, allowedSessionTagKeys: ['Department', 'Team'] }],
    users: [{ name: 'portal', tags: { Team: 'portal' } }],
  });
  const role = model.roleByName('Abac')!;
  expect(role.tags).toEqual([{ key: 'Department', value: 'Engineering' }, { key: 'Level', value: '3' }]);
  expect([...role.allowedSessionTagKeys!]).toEqual(['department', 'team']);
  expect(model.users.get('portal')!.tags).toEqual([{ key: 'Team', value: 'portal' }]);
  expect(model.oidcProviders[0]!.sessionTags).toMatchObject({ transitiveTagKeys: ['Team'], override: true });
  model.close();
});

it('bad tags, guard keys and mappings are refused with their key paths', async () => {
  expect((await issues({ roles: [{ name: 'A', trustPolicy: trust, tags: { 'Bad,Key': 'x' } }] })).join('\n')).toMatch(/^roles\[0\]\.tags\.Bad,Key/m);
  expect((await issues({ roles: [{ name: 'A', trustPolicy: trust, tags: { Team: 'a', team: 'b' } }] })).join('\n')).toMatch(/roles\[0\]\.tags\.team: names a tag key twice/);
  expect((await issues({ roles: [{ name: 'A', trustPolicy: trust, allowedSessionTagKeys: ['ok', 'not;ok'] }] })).join('\n')).toMatch(/^roles\[0\]\.allowedSessionTagKeys\[1\]/m);
  expect((await issues({ users: [{ name: 'u', tags: { k: 'v'.repeat(257) } }] })).join('\n')).toMatch(/^users\[0\]\.tags\.k/m);
  const mapping = await issues({
    identityProviders: [{ type: 'oidc', issuer: 'https://idp.example.com', clientIds: ['app'], jwksFile: 'jwks.json', sessionTags: { Team: '${saml:attr/team}', transitive: ['Nope'] } }],
  });
  expect(mapping).toEqual([
    'identityProviders[0].sessionTags.Team: unknown reference ${saml:attr/team} for an OIDC provider (use ${oidc:claim/NAME} or ${oidc:sub})',
    'identityProviders[0].sessionTags.transitive[0]: Nope is not a tag of this mapping',
  ]);
});
