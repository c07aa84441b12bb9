/**
 * Checks that depend on how the broker is started rather than on the file alone (the worker count it
 * can run, the environment it runs in). `fedbroker check-config` runs them too, so a file it accepts
 * is a file `fedbroker serve` starts with.
 */
import type { ConfigIssue } from './configError.js';
import type { RawConfig } from './schema.js';

export const WORKERS_MESSAGE =
  'several worker processes need a store they can share: sqlite:… or postgres://… (memory: lives inside one process)';
export const DEV_PROVIDERS_IN_PRODUCTION_MESSAGE = 'the development identity providers cannot be enabled when NODE_ENV=production';

export const DEV_PROVIDERS_PUBLIC_URL_MESSAGE =
  'the development identity providers issue tokens from {publicUrl}/dev/oidc, which must be https or a loopback address (localhost, 127.0.0.1)';

export function startupIssues(config: RawConfig, env: NodeJS.ProcessEnv, publicUrl?: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (config.server.workers !== 1 && config.store.trim() === 'memory:') issues.push({ path: 'server.workers', message: WORKERS_MESSAGE });
  if (config.devIdentityProviders && env['NODE_ENV'] === 'production') issues.push({ path: 'devIdentityProviders', message: DEV_PROVIDERS_IN_PRODUCTION_MESSAGE });
  if (config.devIdentityProviders && publicUrl !== undefined && !devIssuerAcceptable(publicUrl)) {
    issues.push({ path: 'devIdentityProviders', message: DEV_PROVIDERS_PUBLIC_URL_MESSAGE });
  }
  return issues;
}

function devIssuerAcceptable(publicUrl: string): boolean {
  const url = new URL(publicUrl);
  if (url.protocol === 'https:') return true;
  return url.hostname === 'localhost' || url.hostname === '::1' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
}
