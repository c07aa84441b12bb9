/**
 * `fedbroker revoke role ARN | session ACCESS_KEY_ID | subject PROVIDER SUBJECT`: sessions issued
 * before now stop working on every broker instance sharing the store (they poll it every 500 ms).
 * Every revocation is an audit event. A target that cannot name anything of this configuration (not
 * a role ARN of its account and roles, not a temporary access key id, not one of its identity
 * providers) is refused, so an operator never believes a typo revoked something.
 *
 * An upstream role (upstream.md): fedbroker cannot recall what AWS issued. It stops issuing for the
 * role at once — until everything it issued before has expired (the role's maxSessionDuration) — and
 * prints the AWS way to revoke the issued credentials.
 */
import type { LoadedConfig } from '../config/load.js';
import { parseRoleArn, roleArn } from '../credentials/arns.js';
import { DEV_OIDC_PROVIDER_NAME } from '../dev/oidcIdp.js';
import { DEV_SAML_PROVIDER_NAME } from '../dev/samlIdp.js';
import { oidcProviderName } from '../federation/oidc/providerSettings.js';
import { isTemporaryAccessKeyId } from '../credentials/ids.js';
import { openStore } from '../store/index.js';
import { RevocationCache, subjectKey } from '../sessions/revocations.js';
import { loadConfigFromArgs, type CliArgs } from './args.js';
import { recordOperatorEvent } from './operatorAudit.js';
import { upstreamRevocationAdvice } from './upstreamRevocation.js';

const USAGE = 'usage: fedbroker revoke role ARN | session ACCESS_KEY_ID | subject PROVIDER SUBJECT [--config FILE]\n';

/**
 * A provider given by name, by ARN (…:saml-provider/NAME, …:oidc-provider/NAME) or by its OpenID
 * issuer URL → its name, as sessions carry it.
 */
function providerName(value: string): string {
  const m = /^arn:[^:]+:iam::\d{12}:(?:saml|oidc)-provider\/(.+)$/.exec(value);
  if (m) return m[1]!;
  return /^https?:\/\//i.test(value) ? oidcProviderName(value) : value;
}

/** Why `target` can match no session of this configuration, or undefined when it can. */
function unknownTarget(loaded: LoadedConfig, scope: string, value: string): string | undefined {
  const config = loaded.config;
  if (scope === 'role') {
    if (config.roles.some((r) => r.upstream?.roleArn === value)) return undefined;
    const arn = parseRoleArn(value)!;
    if (arn.account !== config.account.id) return `${value} is not a role of account ${config.account.id} nor an upstream role`;
    const known = config.roles.some((r) => roleArn(config.account.partition, config.account.id, r.path, r.name) === value);
    if (!known) return `there is no role ${value} in the configuration (sessions of a removed role already have no permissions)`;
  }
  if (scope === 'subject') {
    const names = [
      ...config.identityProviders.map((p) => (p.type === 'saml' ? p.name : oidcProviderName(p.issuer, p.name))),
      ...(config.devIdentityProviders ? [DEV_SAML_PROVIDER_NAME, DEV_OIDC_PROVIDER_NAME] : []),
    ];
    if (!names.includes(value)) return `there is no identity provider named ${value} in the configuration (known: ${names.join(', ') || 'none'})`;
  }
  return undefined;
}

export async function revoke(args: CliArgs, rest: string[]): Promise<number> {
  const [scope, a, b] = rest;
  let target: string | undefined;
  let problem: string | undefined;
  if (scope === 'role' && a !== undefined) {
    target = a;
    if (parseRoleArn(a) === null) problem = `${a} is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)`;
  } else if (scope === 'session' && a !== undefined) {
    target = a;
    if (!isTemporaryAccessKeyId(a)) problem = `${a} is not a temporary access key id (ASIA…, 20 characters)`;
  } else if (scope === 'subject' && a !== undefined && b !== undefined) {
    target = subjectKey(providerName(a), b);
  }
  if (target === undefined || (scope !== 'role' && scope !== 'session' && scope !== 'subject')) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (problem !== undefined) {
    process.stderr.write(`fedbroker revoke: ${problem}\n${USAGE}`);
    return 2;
  }
  const loaded = loadConfigFromArgs(args);
  const unknown = unknownTarget(loaded, scope, scope === 'subject' ? providerName(a!) : target);
  if (unknown !== undefined) {
    process.stderr.write(`fedbroker revoke: ${unknown}\n`);
    return 2;
  }
  const upstreamRole = scope === 'role' ? loaded.config.roles.find((r) => r.upstream?.roleArn === target) : undefined;
  const store = await openStore(loaded.config.store, { baseDir: loaded.baseDir });
  try {
    const now = Date.now();
    // An upstream role: nothing new until all fedbroker issued before now has expired.
    const until = upstreamRole !== undefined ? now + upstreamRole.maxSessionDuration * 1000 : undefined;
    const revocation = await new RevocationCache(store).revoke(scope, target, now, until);
    const issuedBefore = new Date(revocation.issuedBefore).toISOString();
    await recordOperatorEvent(loaded, store, {
      name: 'RevokeSessions',
      command: 'fedbroker revoke',
      requestParameters: { scope, ...(scope === 'subject' ? { provider: providerName(a!), subject: b } : { target }) },
      responseElements: { issuedBefore },
    });
    if (upstreamRole !== undefined) process.stdout.write(upstreamRevocationAdvice(target, now, revocation.issuedBefore));
    else process.stdout.write(`Revoked ${scope} ${target}: sessions issued before ${issuedBefore} are refused.\n`);
    return 0;
  } finally {
    await store.close();
  }
}
