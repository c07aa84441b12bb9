/**
 * `fedbroker check-config FILE`: the same validation the server runs at start — schema, every policy,
 * ARN and identity provider (metadata parsed, issuers checked), the unconstrained-trust guard — plus the
 * checks for typos that leave roles unusable (src/config/lint), without starting anything or writing
 * any file. (The development identity providers, when enabled, are created by the server itself; their
 * trust policies are still checked here.)
 */
import { configPathFrom, loadConfigFile } from '../config/load.js';
import { ConfigError } from '../config/configError.js';
import { buildModel } from '../config/model.js';
import { formatFindings, lintConfiguration } from '../config/lint/index.js';
import { DEV_OIDC_PROVIDER_NAME, DEV_SAML_PROVIDER_NAME } from '../dev/providerNames.js';
import { startupIssues } from '../config/startup.js';
import { upstreamIdentity } from './upstreamIdentity.js';
import { option, type CliArgs } from './args.js';

export async function checkConfig(args: CliArgs, rest: string[]): Promise<number> {
  const file = configPathFrom(rest[0] ?? option(args, 'config'));
  const loaded = loadConfigFile(file);
  // What `serve` refuses at start (worker count; development providers under NODE_ENV=production),
  // reported together with every problem of the model.
  const startup = startupIssues(loaded.config, process.env, loaded.publicUrl);
  const dev = loaded.config.devIdentityProviders ? { saml: [DEV_SAML_PROVIDER_NAME], oidc: [DEV_OIDC_PROVIDER_NAME] } : undefined;
  let model;
  try {
    model = await buildModel(loaded, { fetchMetadata: args.options.get('offline') !== true, ...(dev ? { otherProviderNames: [...dev.saml, ...dev.oidc] } : {}) });
  } catch (e) {
    if (e instanceof ConfigError && startup.length > 0) throw new ConfigError([...startup, ...e.issues], loaded.file);
    throw e;
  }
  model.close();
  if (startup.length > 0) throw new ConfigError(startup, loaded.file);
  // Typos that parse but make roles unusable (src/config/lint): errors fail the check, warnings are said.
  const findings = lintConfiguration(model, dev ? { extraProviders: dev } : {});
  if (loaded.config.devIdentityProviders) process.stdout.write('warning: devIdentityProviders is on: never use this configuration in production (NODE_ENV=production refuses it)\n');
  for (const w of [...model.warnings, ...formatFindings(findings.filter((f) => f.severity === 'warning'))]) process.stdout.write(`warning: ${w}\n`);
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) throw new ConfigError(errors, loaded.file);
  process.stdout.write(
    `${file}: OK — ${model.roles.size} roles, ${model.users.size} users, ${model.managedPolicies.size} managed policies, ` +
      `${model.samlProviders.length} SAML and ${model.oidcProviders.length} OIDC providers` +
      `${loaded.config.devIdentityProviders ? ' (plus the development identity providers)' : ''}\n`,
  );
  if (args.options.get('upstream') === true) return upstreamIdentity(model.upstream);
  return 0;
}
