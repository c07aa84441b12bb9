/**
 * Checks that depend on how the broker is started rather than on the file alone (the worker count it
 * can run, the environment it runs in). `fedbroker check-config` runs them too, so a file it accepts
 * is a file `fedbroker serve` starts with.
 */
import { isIP } from 'node:net';
import type { ConfigIssue } from './configError.js';
import type { RawConfig } from './schema.js';

export const WORKERS_MESSAGE =
  'several worker processes need a store they can share: sqlite:… or postgres://… (memory: lives inside one process)';
export const DEV_PROVIDERS_IN_PRODUCTION_MESSAGE = 'the development identity providers cannot be enabled when NODE_ENV=production';

export const DEV_PROVIDERS_PUBLIC_URL_MESSAGE =
  'the development identity providers issue tokens from {publicUrl}/dev/oidc, which must be https or a loopback address (localhost, 127.0.0.1)';

/** Why the development providers need a loopback listener (security.md "Found by review"). */
export const devProvidersListenerMessage = (host: string): string =>
  `the development identity providers sign anyone in as a demo user without a password, so they run only on a loopback listener; server.host is ${host}, which other machines can reach (use 127.0.0.1, ::1 or localhost, or set devIdentityProviders: false)`;

export function startupIssues(config: RawConfig, env: NodeJS.ProcessEnv, publicUrl?: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (config.server.workers !== 1 && config.store.trim() === 'memory:') issues.push({ path: 'server.workers', message: WORKERS_MESSAGE });
  if (config.devIdentityProviders && env['NODE_ENV'] === 'production') issues.push({ path: 'devIdentityProviders', message: DEV_PROVIDERS_IN_PRODUCTION_MESSAGE });
  // The listener decides who can reach them; publicUrl (http://localhost:<port> by default, even on
  // 0.0.0.0) says nothing about it.
  if (config.devIdentityProviders && !isLoopbackHost(config.server.host)) {
    issues.push({ path: 'server.host', message: devProvidersListenerMessage(config.server.host) });
  }
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

/** A listen address only this machine can reach: 127.0.0.0/8, ::1 (also IPv4-mapped) or localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (h === 'localhost') return true;
  const v4 = h.startsWith('::ffff:') && isIP(h.slice(7)) === 4 ? h.slice(7) : h;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return isIP(h) === 6 && /^(0{0,4}:){2,7}0{0,3}1$|^::1$/.test(h);
}
