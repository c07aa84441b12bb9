import { describe, expect, it } from 'vitest';
import { createContext } from '../../src/policy/index.js';

describe('createContext', () => {
  it('lower-cases keys, keeps values as given and drops undefined values', () => {
    const context = createContext({ 'SAML:aud': 'https://Signin', 'aws:username': undefined, 'saml:Groups': ['A', 'b'] });
    expect([...context.keys()]).toEqual(['saml:aud', 'saml:groups']);
    expect(context.get('saml:aud')).toBe('https://Signin');
    expect(context.get('saml:groups')).toEqual(['A', 'b']);
  });

  it('accepts entries as an iterable', () => {
    const context = createContext(new Map<string, string | undefined>([['aws:SourceIp', '192.0.2.1'], ['x', undefined]]));
    expect([...context.entries()]).toEqual([['aws:sourceip', '192.0.2.1']]);
  });

  it('copies and freezes list values', () => {
    const groups = ['a'];
    const context = createContext({ groups });
    groups.push('b');
    expect(context.get('groups')).toEqual(['a']);
    expect(Object.isFrozen(context.get('groups'))).toBe(true);
  });

  it('refuses the same key twice in different case, so no claim can silently replace another', () => {
    expect(() => createContext({ 'accounts.example.com:aud': 'client', 'accounts.example.com:AUD': 'evil' })).toThrow(
      'Condition key "accounts.example.com:AUD" is given twice (keys are case-insensitive)',
    );
    expect(() => createContext([['k', 'a'], ['k', 'b']])).toThrow(TypeError);
  });

  it('merges several sources in order: a later source overrides an earlier one, undefined removes a key', () => {
    const context = createContext(
      { 'aws:SourceIp': '192.0.2.1', 'idp:sub': 'alice', 'aws:PrincipalType': 'claimed' },
      new Map<string, string | undefined>([['IDP:SUB', 'bob']]),
      { 'aws:principaltype': 'WebIdentityUser', 'aws:sourceip': undefined },
    );
    expect(Object.fromEntries(context)).toEqual({ 'idp:sub': 'bob', 'aws:principaltype': 'WebIdentityUser' });
  });

  it('still refuses a key given twice within one source when merging', () => {
    expect(() => createContext({ a: 'x' }, { 'idp:aud': 'client', 'idp:AUD': 'evil' })).toThrow(TypeError);
  });

  it('shares frozen lists instead of copying them', () => {
    const frozen = Object.freeze(['a', 'b']);
    expect(createContext({ groups: frozen }).get('groups')).toBe(frozen);
  });
});
