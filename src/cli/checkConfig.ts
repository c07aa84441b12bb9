/**
 * `fedbroker check-config FILE`: the same validation the server runs at start — schema, every policy,
 * ARN and identity provider (metadata parsed, issuers checked), the unconstrained-trust guard — without
 * starting anything or writing any file.
 */
import { configPathFrom, loadConfigFile } from '../config/load.js';
import { buildModel } from '../config/model.js';
import type { RawOidcProvider } from '../config/schema.js';
import { DEV_OIDC_CLIENT_ID, DEV_OIDC_PATH, DEV_OIDC_PROVIDER_NAME } from '../dev/oidcIdp.js';
import { option, type CliArgs } from './args.js';

export async function checkConfig(args: CliArgs, rest: string[]): Promise<number> {
  const file = configPathFrom(rest[0] ?? option(args, 'config'));
  const loaded = loadConfigFile(file);
  const extra: RawOidcProvider[] = loaded.config.devIdentityProviders
    ? [{ type: 'oidc', name: DEV_OIDC_PROVIDER_NAME, enabled: true, issuer: `${loaded.publicUrl}${DEV_OIDC_PATH}`, clientIds: [DEV_OIDC_CLIENT_ID], mfaAmr: ['mfa'] }]
    : [];
  const model = await buildModel(loaded, { extraProviders: extra, fetchMetadata: args.options.get('offline') !== true });
  model.close();
  for (const w of model.warnings) process.stdout.write(`warning: ${w}\n`);
  process.stdout.write(
    `${file}: OK — ${model.roles.size} roles, ${model.users.size} users, ${model.managedPolicies.size} managed policies, ` +
      `${model.samlProviders.length} SAML and ${model.oidcProviders.length} OIDC providers\n`,
  );
  return 0;
}
