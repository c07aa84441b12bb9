/**
 * A broker for passkey tests: the command-line sign-in broker (ssoBroker.ts) on a public URL that can
 * be a WebAuthn relying party (http://localhost:PORT), the service that may ask POST /authorize, and
 * one more role: Guardian, which only a passkey opens (trust policy fedbroker:MfaMethod = webauthn),
 * and whose permissions also demand it (so /authorize shows what the session carries).
 */
import { authorizingServiceUser } from './authorize.js';
import { TEST_ACCOUNT, type StartedBroker } from './broker.js';
import { devRoles, devTrustPolicy, startSsoBroker } from './ssoBroker.js';

export function guardianRole(url: string): Record<string, unknown> {
  return {
    name: 'Guardian',
    description: 'Production access (passkey required)',
    trustPolicy: devTrustPolicy(url, ['developers'], { stringEquals: { 'fedbroker:MfaMethod': 'webauthn' } }),
    inlinePolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEquals: { 'fedbroker:MfaMethod': 'webauthn' } } }] }],
  };
}

export async function startPasskeyBroker(extra: Record<string, unknown> = {}): Promise<StartedBroker> {
  const base = { devIdentityProviders: true, store: 'memory:', users: [authorizingServiceUser], ...extra };
  const b = await startSsoBroker(base, { publicHost: 'localhost' });
  await b.reload({ ...base, roles: [...devRoles(b.url), guardianRole(b.url)], accounts: [{ id: TEST_ACCOUNT, name: 'Development' }] });
  return b;
}
