import { describe, expect, it } from 'vitest';
import { IDPRejectedClaim, InvalidIdentityToken, InvalidParameterValue, ValidationError } from '../../../src/errors.js';
import { compileSessionTagMapping, federatedSessionTags, type SessionTagMapping } from '../../../src/sessions/tags/index.js';
import { sessionTagMappingSchema, type MappingIssue } from '../../../src/sessions/tags/mapping.js';
import { oidcTags, samlTags, SAML_PRINCIPAL_TAG_PREFIX as PT, SAML_TRANSITIVE_TAG_KEYS as TTK } from '../../../src/sessions/tags/sources.js';

const attrs = (entries: Record<string, string[]>) => new Map(Object.entries(entries));

function mapping(raw: unknown, type: 'saml' | 'oidc' = 'saml', override = false): { mapping: SessionTagMapping; issues: MappingIssue[] } {
  const issues: MappingIssue[] = [];
  const m = compileSessionTagMapping(sessionTagMappingSchema.parse(raw), type, override, 'identityProviders[0].sessionTags', issues);
  return { mapping: m, issues };
}

describe('SAML PrincipalTag and TransitiveTagKeys attributes', () => {
  it('one tag per PrincipalTag:{Key} attribute, transitive keys from the multi-valued attribute', () => {
    const a = attrs({ [`${PT}Department`]: ['Engineering'], [`${PT}CostCenter`]: ['12345'], [TTK]: ['Department'], groups: ['eng'] });
    expect(samlTags(a)).toEqual({ tags: [{ key: 'Department', value: 'Engineering' }, { key: 'CostCenter', value: '12345' }], transitiveTagKeys: ['Department'] });
  });

  it('a PrincipalTag attribute with several values is refused', () => {
    expect(() => samlTags(attrs({ [`${PT}Team`]: ['a', 'b'] }))).toThrow(IDPRejectedClaim);
  });

  it('the limits apply to IdP tags too, naming the attribute', () => {
    const identity = (a: Map<string, string[]>) => ({ type: 'saml' as const, nameId: 'alice', attributes: a });
    expect(() => federatedSessionTags(identity(attrs({ [`${PT}Dept`]: ['a|b'] })), undefined)).toThrow(ValidationError);
    expect(() => federatedSessionTags(identity(attrs({ [`${PT}Dept`]: ['a'], [`${PT}dept`]: ['b'] })), undefined)).toThrow(InvalidParameterValue);
    expect(() => federatedSessionTags(identity(attrs({ [`${PT}Dept`]: ['a'], [TTK]: ['Team'] })), undefined)).toThrow(InvalidParameterValue);
    expect(federatedSessionTags(identity(attrs({ groups: ['x'] })), undefined)).toBeUndefined();
  });
});

describe('the OIDC https://aws.amazon.com/tags claim', () => {
  const claim = (value: unknown) => ({ 'https://aws.amazon.com/tags': value });

  it('principal_tags values are one-element lists (or plain strings); transitive_tag_keys a list', () => {
    expect(oidcTags(claim({ principal_tags: { Project: ['Automation'], CostCenter: '987654' }, transitive_tag_keys: ['Project'] }))).toEqual({
      tags: [{ key: 'Project', value: 'Automation' }, { key: 'CostCenter', value: '987654' }],
      transitiveTagKeys: ['Project'],
    });
    expect(oidcTags({ sub: 'alice' })).toEqual({ tags: [], transitiveTagKeys: [] });
  });

  it('a malformed claim → InvalidIdentityToken', () => {
    for (const bad of ['x', [], { principal_tags: [] }, { principal_tags: { a: ['1', '2'] } }, { principal_tags: { a: 1 } }, { transitive_tag_keys: 'a' }]) {
      expect(() => oidcTags(claim(bad)), JSON.stringify(bad)).toThrow(InvalidIdentityToken);
    }
  });
});

describe('the sessionTags mapping (beyond AWS)', () => {
  it('whole values, text around references, match with a group, transitive', () => {
    const { mapping: m, issues } = mapping({
      Department: '${saml:attr/department}',
      Who: 'user-${saml:nameid}',
      Team: { from: '${saml:attr/groups}', match: '^team-(.*)$' },
      Tenant: 'acme',
      transitive: ['department'],
    });
    expect(issues).toEqual([]);
    const tags = federatedSessionTags({ type: 'saml', nameId: 'alice', attributes: attrs({ Department: ['Engineering'], groups: ['everyone', 'team-blue'] }) }, m);
    expect(tags).toEqual({
      tags: [
        { key: 'Department', value: 'Engineering' },
        { key: 'Who', value: 'user-alice' },
        { key: 'Team', value: 'blue' },
        { key: 'Tenant', value: 'acme' },
      ],
      transitiveTagKeys: ['Department'],
    });
  });

  it('OIDC claims: strings, numbers, lists; the subject', () => {
    const { mapping: m } = mapping({ CostCenter: '${oidc:claim/cost_center}', Sub: '${oidc:sub}', Role: { from: '${oidc:claim/roles}', match: '^aws-(.+)$' } }, 'oidc');
    const tags = federatedSessionTags({ type: 'oidc', subject: 'u1', claims: { cost_center: 4711, roles: ['reader', 'aws-admin'] } }, m);
    expect(tags?.tags).toEqual([{ key: 'CostCenter', value: '4711' }, { key: 'Sub', value: 'u1' }, { key: 'Role', value: 'admin' }]);
  });

  it('no value → no tag; several different values → refused (a tag holds one value)', () => {
    const { mapping: m } = mapping({ Team: { from: '${saml:attr/groups}', match: '^team-(.*)$' } });
    expect(federatedSessionTags({ type: 'saml', nameId: 'a', attributes: attrs({ groups: ['x'] }) }, m)).toBeUndefined();
    expect(() => federatedSessionTags({ type: 'saml', nameId: 'a', attributes: attrs({ groups: ['team-a', 'team-b'] }) }, m)).toThrow(IDPRejectedClaim);
  });

  it("the IdP's tag wins a clash, unless sessionTagsOverride", () => {
    const a = attrs({ [`${PT}Department`]: ['FromIdp'], dept: ['FromMapping'] });
    const raw = { department: '${saml:attr/dept}' };
    expect(federatedSessionTags({ type: 'saml', nameId: 'a', attributes: a }, mapping(raw).mapping)?.tags).toEqual([{ key: 'Department', value: 'FromIdp' }]);
    expect(federatedSessionTags({ type: 'saml', nameId: 'a', attributes: a }, mapping(raw, 'saml', true).mapping)?.tags).toEqual([{ key: 'department', value: 'FromMapping' }]);
  });

  it('a mapped value breaking the limits is refused with AWS message', () => {
    const { mapping: m } = mapping({ Name: '${saml:attr/displayName}' });
    expect(() => federatedSessionTags({ type: 'saml', nameId: 'a', attributes: attrs({ displayName: ['Doe, Jane'] }) }, m)).toThrow(/sessionTags.Name' failed to satisfy constraint/);
  });

  it('configuration problems are reported with their paths', () => {
    const { issues } = mapping({ 'bad,key': 'x', Dept: '${oidc:claim/x}', Team: { from: '${saml:attr/g}', match: '(' }, Slow: { from: '${saml:attr/g}', match: '^(a+)+$' }, transitive: ['Nope'] });
    expect(issues.map((i) => i.path)).toEqual([
      'identityProviders[0].sessionTags.bad,key',
      'identityProviders[0].sessionTags.Dept',
      'identityProviders[0].sessionTags.Team.match',
      'identityProviders[0].sessionTags.Slow.match',
      'identityProviders[0].sessionTags.transitive[0]',
    ]);
    expect(issues[3]!.message).toContain('exponential');
  });

  it('values longer than 1024 characters are never matched (bounded regex work)', () => {
    const { mapping: m } = mapping({ Team: { from: '${saml:attr/g}', match: '^team-(.*)$' } });
    expect(federatedSessionTags({ type: 'saml', nameId: 'a', attributes: attrs({ g: [`team-${'a'.repeat(1020)}`] }) }, m)).toBeUndefined();
    expect(federatedSessionTags({ type: 'saml', nameId: 'a', attributes: attrs({ g: ['team-a'] }) }, m)?.tags).toEqual([{ key: 'Team', value: 'a' }]);
  });
});
