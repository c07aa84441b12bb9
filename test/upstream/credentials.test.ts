/**
 * `upstream.credentials: default` is the AWS SDK's default provider chain, as every AWS tool uses it:
 * `fedbroker serve` started with the broker user's keys in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
 * then with a `credential_process` profile in a temporary HOME (~/.aws/config), each issuing AWS
 * credentials through the second instance that plays AWS. `check-config --upstream` shows the
 * identity the chain found.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type StartedBroker } from '../helpers/broker.js';
import { fedbroker, spawnFedbroker } from '../helpers/fedbrokerCli.js';
import { createStsFixture, OIDC_PROVIDER_ARN, PROVIDER, type StsFixture } from '../helpers/stsFixture.js';
import { AWS_ACCOUNT, BROKER_KEYS, PROD_ADMIN, startAws, upstreamBlock } from '../helpers/upstreamAws.js';

let fx: StsFixture;
let aws: StartedBroker;
let home: string;

/** No credentials anywhere unless a test puts them there; no instance metadata service to wait for. */
function chainEnv(extra: Record<string, string>): Record<string, string> {
  return {
    HOME: home,
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_SESSION_TOKEN: '',
    AWS_PROFILE: '',
    AWS_CONFIG_FILE: '',
    AWS_SHARED_CREDENTIALS_FILE: '',
    AWS_WEB_IDENTITY_TOKEN_FILE: '',
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

async function writeConfig(): Promise<{ file: string; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const file = join(fx.dir, `broker-${port}.yaml`);
  writeFileSync(
    file,
    stringify({
      server: { host: '127.0.0.1', port, publicUrl: url },
      account: { id: '123456789012' },
      store: 'memory:',
      keys: { dir: 'keys' },
      audit: { file: null },
      identityProviders: [{ type: 'oidc', issuer: 'https://idp.fedbroker.test', clientIds: ['test-app'], jwksFile: 'jwks.json' }],
      upstream: { ...upstreamBlock(aws), credentials: 'default' },
      roles: [
        {
          name: 'ProdAdmin',
          trustPolicy: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Federated: OIDC_PROVIDER_ARN }, Action: ['sts:AssumeRoleWithWebIdentity', 'sts:SetSourceIdentity'], Condition: { StringEquals: { [`${PROVIDER}:aud`]: 'test-app' } } }],
          },
          upstream: { roleArn: PROD_ADMIN },
        },
      ],
    }),
  );
  return { file, url };
}

/** Serves the configuration with `env`, takes ProdAdmin for alice, and checks the credentials at AWS. */
async function issueThroughServe(env: Record<string, string>): Promise<string> {
  const { file, url } = await writeConfig();
  const serve = spawnFedbroker(['serve', '--config', file], { env: chainEnv(env) });
  try {
    await serve.waitFor(/fedbroker listening/, 60_000);
    const token = await fx.webToken({ sub: 'alice' });
    const client = new STSClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'unused' }, maxAttempts: 1 });
    const out = await client.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: PROD_ADMIN, RoleSessionName: 'alice', WebIdentityToken: token }));
    const c = out.Credentials!;
    const aws1 = new STSClient({ endpoint: aws.url, region: 'us-east-1', credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! }, maxAttempts: 1 });
    return (await aws1.send(new GetCallerIdentityCommand({}))).Arn!;
  } finally {
    await serve.stop();
  }
}

beforeAll(async () => {
  fx = await createStsFixture();
  aws = await startAws();
}, 60_000);

afterAll(async () => {
  await aws?.close();
  fx?.cleanup();
});

describe('upstream.credentials: default — the AWS SDK default provider chain', () => {
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'fedbroker-home-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment', async () => {
    const keys = { AWS_ACCESS_KEY_ID: BROKER_KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: BROKER_KEYS.secretAccessKey };
    expect(await issueThroughServe(keys)).toBe(`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/fedbroker-ProdAdmin/alice`);
    const { file } = await writeConfig();
    const check = await fedbroker(['check-config', file, '--upstream'], { env: chainEnv(keys) });
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`fedbroker runs as arn:aws:iam::${AWS_ACCOUNT}:user/broker`);
    expect(check.stdout).toContain('the AWS SDK default credential chain');
  }, 90_000);

  it('from a credential_process profile in ~/.aws/config of a temporary HOME', async () => {
    const script = join(home, 'print-credentials.mjs');
    const marker = join(home, 'credential-process-ran');
    writeFileSync(
      script,
      `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(marker)}, 'ran\\n');\n` +
        `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(BROKER_KEYS.accessKeyId)}, SecretAccessKey: ${JSON.stringify(BROKER_KEYS.secretAccessKey)} }));\n`,
    );
    mkdirSync(join(home, '.aws'), { recursive: true });
    writeFileSync(join(home, '.aws', 'config'), `[default]\ncredential_process = ${process.execPath} ${script}\n`);
    expect(await issueThroughServe({})).toBe(`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/fedbroker-ProdAdmin/alice`);
    expect(existsSync(marker) && readFileSync(marker, 'utf8')).toContain('ran');
  }, 90_000);

  it('with no credentials anywhere: ServiceUnavailable saying the operator must fix upstream.credentials', async () => {
    rmSync(join(home, '.aws'), { recursive: true, force: true });
    const { file } = await writeConfig();
    const check = await fedbroker(['check-config', file, '--upstream'], { env: chainEnv({}) });
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('ServiceUnavailable');
    expect(check.stderr).toContain('upstream.credentials');
  }, 90_000);
});
