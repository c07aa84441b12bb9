/**
 * Real AWS clients against a throwaway node:http endpoint that runs the verifier: the SDK v3
 * (@aws-sdk/client-sts, header form, several regions) and the AWS CLI v2 at /usr/bin/aws.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CallerResolver } from '../../../src/federation/sigv4/callers.js';
import { sealSessionToken } from '../../../src/credentials/sessionToken.js';
import type { SessionClaims } from '../../../src/credentials/types.js';
import { ACCOUNT, ephemeralRing, PARTITION, roleSessionClaims, startVerifierServer, USER_KEY } from './helpers.js';
import type { VerifierServer } from './helpers.js';

const run = promisify(execFile);
const AWS_CLI = '/usr/bin/aws';
const ring = ephemeralRing();
const revoked = new Set<string>();
let server: VerifierServer;

beforeAll(async () => {
  server = await startVerifierServer(
    new CallerResolver({
      keyRing: ring,
      account: ACCOUNT,
      partition: PARTITION,
      longTermKeys: (id) => (id === USER_KEY.accessKeyId ? USER_KEY : undefined),
      sessionValid: (claims: SessionClaims) => !revoked.has(claims.accessKeyId),
    }),
  );
});

afterAll(async () => {
  await server.close();
});

function sts(region: string, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): STSClient {
  return new STSClient({ region, endpoint: server.url, credentials, maxAttempts: 1 });
}

describe('@aws-sdk/client-sts v3 (header form)', () => {
  it.each(['eu-west-1', 'us-east-1', 'ap-northeast-3'])('GetCallerIdentity with long-term keys, region %s', async (region) => {
    const out = await sts(region, USER_KEY).send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({ Arn: `arn:aws:iam::${ACCOUNT}:user/portal`, UserId: USER_KEY.userId, Account: ACCOUNT });
    const request = server.requests.at(-1)!;
    expect(String(request.headers['authorization'])).toContain(`/${region}/sts/aws4_request`);
    expect(request.headers['x-amz-content-sha256']).toBeDefined();
  });

  it('GetCallerIdentity with temporary credentials (session token)', async () => {
    const claims = roleSessionClaims();
    const out = await sts('eu-central-1', {
      accessKeyId: claims.accessKeyId,
      secretAccessKey: claims.secretAccessKey,
      sessionToken: sealSessionToken(ring, claims),
    }).send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({ Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Developer/alice@example.com`, UserId: 'AROA3XFRBF23VHKWA7BFQ:alice@example.com' });
  });

  it('gets SignatureDoesNotMatch for a wrong secret', async () => {
    const client = sts('eu-west-1', { accessKeyId: USER_KEY.accessKeyId, secretAccessKey: `${USER_KEY.secretAccessKey.slice(0, -1)}X` });
    await expect(client.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
  });

  it('gets InvalidClientTokenId for revoked temporary credentials', async () => {
    const claims = roleSessionClaims({ accessKeyId: 'ASIAREVOKEDSDK000000' });
    revoked.add(claims.accessKeyId);
    const client = sts('eu-west-1', { accessKeyId: claims.accessKeyId, secretAccessKey: claims.secretAccessKey, sessionToken: sealSessionToken(ring, claims) });
    await expect(client.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
  });
});

describe.skipIf(!existsSync(AWS_CLI))(`AWS CLI v2 (${AWS_CLI})`, () => {
  let home: string;
  let empty: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'fedbroker-cli-'));
    empty = join(home, 'empty');
    await writeFile(empty, '');
  });

  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  async function getCallerIdentity(credentials: Record<string, string>): Promise<{ Arn: string; UserId: string; Account: string }> {
    const { stdout } = await run(AWS_CLI, ['sts', 'get-caller-identity', '--endpoint-url', server.url, '--output', 'json'], {
      env: {
        PATH: '/usr/bin:/bin',
        HOME: home,
        AWS_CONFIG_FILE: empty,
        AWS_SHARED_CREDENTIALS_FILE: empty,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_DEFAULT_REGION: 'eu-west-1',
        AWS_PAGER: '',
        ...credentials,
      },
      timeout: 60_000,
    });
    return JSON.parse(stdout) as { Arn: string; UserId: string; Account: string };
  }

  it('signs GetCallerIdentity with long-term keys that the verifier accepts', async () => {
    const out = await getCallerIdentity({ AWS_ACCESS_KEY_ID: USER_KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: USER_KEY.secretAccessKey });
    expect(out).toEqual({ UserId: USER_KEY.userId, Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/portal` });
    const captured = server.requests.at(-1)!;
    // What platform-notes §6 describes: no x-amz-content-sha256, host with port signed, form body.
    expect(captured.headers['x-amz-content-sha256']).toBeUndefined();
    expect(String(captured.headers['authorization'])).toMatch(/Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/sts\/aws4_request, SignedHeaders=content-type;host;x-amz-date, /);
    expect(captured.headers['host']).toBe(new URL(server.url).host);
    expect(captured.body.toString()).toBe('Action=GetCallerIdentity&Version=2011-06-15');
  });

  it('signs GetCallerIdentity with a session token that the verifier accepts', async () => {
    const claims = roleSessionClaims();
    const out = await getCallerIdentity({
      AWS_ACCESS_KEY_ID: claims.accessKeyId,
      AWS_SECRET_ACCESS_KEY: claims.secretAccessKey,
      AWS_SESSION_TOKEN: sealSessionToken(ring, claims),
    });
    expect(out.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/Developer/alice@example.com`);
    expect(String(server.requests.at(-1)!.headers['authorization'])).toContain('SignedHeaders=content-type;host;x-amz-date;x-amz-security-token');
  });
});
