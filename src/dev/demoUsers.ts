/**
 * The demo people of the development identity providers (devIdentityProviders: true). They exist so a
 * newcomer can click through every flow on one machine; the broker treats their assertions and tokens
 * exactly like any other provider's.
 */
export interface DemoUser {
  readonly username: string;
  readonly name: string;
  readonly email: string;
  readonly groups: readonly string[];
  /** Whether the demo IdP claims to have done MFA for this user (amr / AuthnContextClassRef). */
  readonly mfa: boolean;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'alice', name: 'Alice Admin', email: 'alice@example.com', groups: ['developers', 'admins'], mfa: true },
  { username: 'bob', name: 'Bob Builder', email: 'bob@example.com', groups: ['developers'], mfa: false },
  { username: 'carol', name: 'Carol Auditor', email: 'carol@example.com', groups: ['auditors'], mfa: false },
];

export function findDemoUser(username: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.username === username);
}
