/**
 * Session policies stored in a session token are compiled again when the session is used. A stored
 * policy the grammar refuses today (it grew stricter since the session was issued) must narrow, never
 * fail the request with a 400 or widen the session.
 */
import { describe, expect, it } from 'vitest';
import type { BrokerModel } from '../../src/config/model.js';
import { authorize, createContext, parsePolicy } from '../../src/policy/index.js';
import { SessionPolicyCache } from '../../src/sessions/sessionPolicy.js';

const ALLOW_ALL = parsePolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, { kind: 'identity', name: 'role' });
const READ = parsePolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }] }, { kind: 'identity', name: 'Read' });
const model = { managedPolicies: new Map([['Read', { name: 'Read', policy: READ }]]) } as unknown as BrokerModel;
/** Accepted before the grammar checked vendors; refused now. */
const OLD_TEXT = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'GetObject', Resource: '*' }] });

const decide = (session: ReturnType<SessionPolicyCache['policiesOf']>, action: string) =>
  authorize({ identity: [ALLOW_ALL], ...(session !== undefined ? { session } : {}) }, { action, resource: '*', context: createContext({}) }).decision;

describe('SessionPolicyCache', () => {
  it('compiles a stored inline policy once and reuses it', () => {
    const cache = new SessionPolicyCache();
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });
    const first = cache.policiesOf(model, { inline: text });
    expect(cache.policiesOf(model, { inline: text })![0]).toBe(first![0]);
    expect(decide(first, 's3:GetObject')).toBe('Allow');
    expect(decide(first, 'iam:ListUsers')).toBe('ImplicitDeny');
  });

  it('a stored policy that no longer parses allows nothing on its own, and only narrows beside others', () => {
    const cache = new SessionPolicyCache();
    const alone = cache.policiesOf(model, { inline: OLD_TEXT });
    expect(alone).toEqual([]);
    expect(decide(alone, 's3:GetObject')).toBe('ImplicitDeny');
    const withManaged = cache.policiesOf(model, { inline: OLD_TEXT, managed: ['Read'] });
    expect(decide(withManaged, 's3:GetObject')).toBe('Allow');
    expect(decide(withManaged, 'iam:ListUsers')).toBe('ImplicitDeny');
  });
});
