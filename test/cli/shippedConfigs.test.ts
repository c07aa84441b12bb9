/**
 * The configurations the repository ships pass `check-config` as they are: the development one (no
 * warning about itself besides the development providers' notice, on any port), and the production
 * example (with its secrets in the environment, NODE_ENV=production, offline: its URLs are examples).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fedbroker, REPO_ROOT } from '../helpers/fedbrokerCli.js';

describe('shipped configurations', () => {
  it('config/broker.yaml: OK, the only warning is the development providers\' notice, on port 8080 and on another port', async () => {
    for (const env of [{}, { PORT: '8081' }]) {
      const r = await fedbroker(['check-config', join(REPO_ROOT, 'config/broker.yaml')], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.split('\n').filter((l) => l.startsWith('warning:'))).toEqual([
        'warning: devIdentityProviders is on: never use this configuration in production (NODE_ENV=production refuses it)',
      ]);
    }
  }, 60_000);

  it('config/production.example.yaml: OK without any warning', async () => {
    const env = {
      NODE_ENV: 'production',
      FEDBROKER_DB_PASSWORD: 'db-password',
      OIDC_CLIENT_SECRET: 'oidc-client-secret',
      PORTAL_SECRET: 'portal-secret-0123456789',
      REPORTS_SECRET: 'reports-secret-0123456789',
    };
    const r = await fedbroker(['check-config', join(REPO_ROOT, 'config/production.example.yaml'), '--offline'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/production\.example\.yaml: OK — 3 roles, 2 users, 1 managed policies, 1 SAML and 1 OIDC providers\n$/);
    expect(r.stdout).not.toContain('warning');
  }, 60_000);
});
