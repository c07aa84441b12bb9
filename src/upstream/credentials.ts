/**
 * fedbroker's own AWS credentials (`upstream.credentials`): `default` is the AWS SDK's default
 * provider chain — environment, shared config and credentials files (profiles, credential_process,
 * SSO), web identity token file, container and instance roles — refreshed by the SDK as every AWS tool
 * does; or an IAM user's access key from the configuration.
 */
import type { UpstreamSettings } from './settings.js';

export interface OwnCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export type OwnCredentialsProvider = () => Promise<OwnCredentials>;

export function upstreamCredentials(settings: Pick<UpstreamSettings, 'credentials'>): OwnCredentialsProvider {
  const configured = settings.credentials;
  if (configured !== 'default') {
    const keys: OwnCredentials = { accessKeyId: configured.accessKeyId, secretAccessKey: configured.secretAccessKey };
    return async () => keys;
  }
  // Loaded on first use; the chain memoizes and refreshes what it found.
  let chain: Promise<OwnCredentialsProvider> | undefined;
  return async () => {
    chain ??= import('@aws-sdk/credential-providers').then(({ fromNodeProviderChain }) => fromNodeProviderChain());
    return (await chain)();
  };
}
