/**
 * fedbroker's client of the upstream AWS STS: `@aws-sdk/client-sts` with the credentials of
 * `upstream.credentials` (credentials.ts), bounded by `upstream.timeoutMs` — retries included: the
 * SDK makes at most two attempts, each with connection and request timeouts of half the budget, and
 * the whole call (credential resolution too) is abandoned when the budget is spent.
 *
 * The SDK is loaded on first use, so a broker without upstream roles never pays for it.
 */
import type { AssumeRoleCommandInput, AssumeRoleCommandOutput, GetCallerIdentityCommandOutput, STSClient } from '@aws-sdk/client-sts';
import type { AwsError } from '../errors.js';
import type { Logger } from '../log.js';
import { upstreamCredentials, type OwnCredentials, type OwnCredentialsProvider } from './credentials.js';
import { describeFailure, mapStsFailure } from './errors.js';
import type { UpstreamSettings } from './settings.js';

/** At most one retry (upstream.md). */
const MAX_ATTEMPTS = 2;

export interface UpstreamResult<T> {
  readonly output: T;
  readonly requestId: string;
}

export class UpstreamSts {
  readonly #credentials: OwnCredentialsProvider;
  #client: Promise<STSClient> | undefined;

  constructor(
    readonly settings: UpstreamSettings,
    private readonly logger?: Logger,
  ) {
    this.#credentials = upstreamCredentials(settings);
  }

  /** The endpoint as an operator would name it in a message. */
  get endpoint(): string {
    return this.settings.stsEndpoint ?? `https://sts.${this.settings.region}.amazonaws.com`;
  }

  assumeRole(input: AssumeRoleCommandInput): Promise<UpstreamResult<AssumeRoleCommandOutput>> {
    return this.call(input.RoleArn, async (client, abortSignal) => {
      const { AssumeRoleCommand } = await import('@aws-sdk/client-sts');
      return client.send(new AssumeRoleCommand(input), { abortSignal });
    });
  }

  /** Which AWS identity fedbroker runs as (check-config --upstream). */
  callerIdentity(): Promise<UpstreamResult<GetCallerIdentityCommandOutput>> {
    return this.call(undefined, async (client, abortSignal) => {
      const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
      return client.send(new GetCallerIdentityCommand({}), { abortSignal });
    });
  }

  /** fedbroker's own credentials (for the federation endpoint's rule on role chaining). */
  ownCredentials(): Promise<OwnCredentials> {
    return this.#credentials();
  }

  close(): void {
    void this.#client?.then((c) => c.destroy()).catch(() => {});
  }

  private client(): Promise<STSClient> {
    this.#client ??= import('@aws-sdk/client-sts').then(({ STSClient: Client }) => {
      const perAttempt = Math.max(250, Math.floor(this.settings.timeoutMs / MAX_ATTEMPTS));
      return new Client({
        region: this.settings.region,
        ...(this.settings.stsEndpoint !== null ? { endpoint: this.settings.stsEndpoint } : {}),
        credentials: this.#credentials,
        maxAttempts: MAX_ATTEMPTS,
        requestHandler: { connectionTimeout: perAttempt, requestTimeout: perAttempt, throwOnRequestTimeout: true },
      });
    });
    return this.#client;
  }

  /** One upstream call within timeoutMs; any failure becomes the mapped AwsError. */
  private async call<T extends { $metadata: { requestId?: string } }>(
    roleArn: string | undefined,
    send: (client: STSClient, abortSignal: AbortSignal) => Promise<T>,
  ): Promise<UpstreamResult<T>> {
    const { timeoutMs, region } = this.settings;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new UpstreamTimeout());
      }, timeoutMs);
    });
    try {
      const output = await Promise.race([this.client().then((client) => send(client, controller.signal)), deadline]);
      return { output, requestId: output.$metadata.requestId ?? '' };
    } catch (e) {
      const failure = describeFailure(e);
      const mapped: AwsError = mapStsFailure(failure, { ...(roleArn !== undefined ? { roleArn } : {}), endpoint: this.endpoint, region, timeoutMs, timedOut: e instanceof UpstreamTimeout });
      this.logger?.warn({ upstream: { ...failure, ...(roleArn !== undefined ? { roleArn } : {}) }, answered: mapped.code }, 'upstream AWS STS call failed');
      throw mapped;
    } finally {
      clearTimeout(timer);
    }
  }
}

class UpstreamTimeout extends Error {
  override readonly name = 'TimeoutError';
}
