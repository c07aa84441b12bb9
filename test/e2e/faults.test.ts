/**
 * Faults under load (quality.md "Reliability"), each proven against a running broker:
 * (PostgreSQL stopped under load: test/protocol/reliability.test.ts.)
 * - the broker killed with SIGKILL in the middle of issuing (one process, and one worker of a
 *   cluster): after a restart every issuance a client received has its audit event and
 *   `fedbroker audit verify` passes;
 * - an identity provider whose JWKS or metadata URL accepts connections and never answers: the broker
 *   starts without waiting for it, requests that need it fail with IDPCommunicationError within 5 s,
 *   and requests that do not need it are not slowed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { freePort, startBroker, TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { fedbroker, spawnFedbroker } from '../helpers/fedbrokerCli.js';
import { idTokenClaims, mintLocalToken } from '../helpers/oidcProvider.js';
import { childPids } from '../helpers/pinnedConnection.js';
import { createStsFixture, PORTAL, PUBLIC_URL, roleArn, SAML_PROVIDER_ARN, type StsFixture } from '../helpers/stsFixture.js';
import { awsError, credentialsOf, rawRequest, stsQuery, type Keys, type RawRequest, type RawResponse } from '../helpers/stsHttp.js';


describe('SIGKILL in the middle of issuing', () => {
  let fx: StsFixture;
  beforeAll(async () => {
    fx = await createStsFixture();
  });
  afterAll(() => fx?.cleanup());

  async function killedWhileIssuing(workers: number): Promise<void> {
    const port = await freePort();
    const name = `kill-${workers}`;
    const config = fx.config({
      account: { id: TEST_ACCOUNT },
      server: { host: '127.0.0.1', port, publicUrl: PUBLIC_URL, workers },
      store: `sqlite:${name}/broker.db`,
      keys: { dir: 'keys' },
      audit: { file: `${name}/audit.jsonl` },
      limits: { requestsPerMinutePerIp: 0 },
    });
    const file = join(fx.dir, `${name}.yaml`);
    writeFileSync(file, stringify(config));
    const url = `http://127.0.0.1:${port}`;
    const token = await fx.webToken();
    const answered: string[] = [];
    // A connection node's cluster was handing to the worker as it died is never answered (the
    // primary keeps it, waiting for the dead worker's acknowledgement): a client gives up on it.
    const send = (spec: RawRequest) => rawRequest(url, spec, { timeoutMs: 10_000 });
    const issue = (i: number) => stsQuery(url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('WebDev'), RoleSessionName: `k${i}`, WebIdentityToken: token }, { send });

    const first = spawnFedbroker(['serve', '--config', file]);
    await first.waitFor(/fedbroker listening/, 150_000);
    if (workers > 1) await first.waitFor(/with \d+ workers/, 150_000);
    // The process that dies: the broker itself, or one worker of the cluster.
    const victim = workers > 1 ? childPids(first.child.pid!)[0]! : first.child.pid!;
    let killed = false;
    let n = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (!killed) {
          try {
            const r = await issue(n++);
            if (r.status === 200) answered.push(credentialsOf(r).accessKeyId);
            if (answered.length >= 200 && !killed) {
              killed = true;
              process.kill(victim, 'SIGKILL');
            }
          } catch {
            // The connection died with the process: that request was never answered.
            if (workers === 1) killed = true;
          }
        }
      }),
    );
    if (workers > 1) {
      // The cluster replaces the worker and goes on; stop it cleanly.
      expect(await first.stop()).toBe(0);
    } else {
      await first.exited;
      // Restarted: its first append cuts off a line the kill may have left half-written.
      const second = spawnFedbroker(['serve', '--config', file]);
      await second.waitFor(/fedbroker listening/, 60_000);
      expect((await issue(n++)).status).toBe(200);
      expect(await second.stop()).toBe(0);
    }

    const verified = await fedbroker(['audit', 'verify', '--config', file]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    const events = readFileSync(join(fx.dir, name, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { responseElements?: { credentials?: { accessKeyId?: string } } });
    const audited = new Set(events.map((e) => e.responseElements?.credentials?.accessKeyId).filter((k) => k !== undefined));
    expect(answered.length).toBeGreaterThanOrEqual(200);
    expect(answered.filter((k) => !audited.has(k))).toEqual([]);
  }

  it('one broker process: every answered issuance is audited, the chain verifies after the restart', () => killedWhileIssuing(1), 300_000);
  it('one worker of a cluster: the same (the primary wrote each event before the worker answered)', () => killedWhileIssuing(2), 300_000);
});

describe('an identity provider whose JWKS and metadata URLs never answer', () => {
  let fx: StsFixture;
  let b: StartedBroker;
  let hang: Server;
  const held: Socket[] = [];
  let startMs = 0;
  // http is accepted only on loopback, and the issuer's scheme must match its JWKS URL's.
  const HANG_ISSUER = 'http://localhost/hanging';

  beforeAll(async () => {
    fx = await createStsFixture();
    // Accepts connections and reads requests, never answers.
    hang = createServer((socket) => {
      held.push(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const hangUrl = `http://127.0.0.1:${(hang.address() as { port: number }).port}`;
    const base = fx.config();
    const hangTrust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${TEST_ACCOUNT}:oidc-provider/localhost/hanging` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'localhost/hanging:aud': 'test-app' } } }],
    };
    const started = Date.now();
    b = await startBroker(
      fx.config({
        identityProviders: [
          ...(base['identityProviders'] as unknown[]),
          { type: 'oidc', issuer: HANG_ISSUER, clientIds: ['test-app'], jwksUri: `${hangUrl}/jwks` },
          { type: 'saml', name: 'Hanging', metadata: `${hangUrl}/metadata` },
        ],
        roles: [...(base['roles'] as unknown[]), { name: 'HangingWeb', trustPolicy: hangTrust }],
      }),
      { dir: fx.dir },
    );
    startMs = Date.now() - started;
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    for (const s of held) s.destroy();
    hang?.close();
    fx?.cleanup();
  });

  it('the broker starts without waiting for them', () => {
    // The fetch deadline is 5 s: a start that waited for the metadata would take at least that.
    expect(startMs).toBeLessThan(4000);
  });

  it('requests that need them fail with IDPCommunicationError within 5 s; the others are not slowed meanwhile', async () => {
    const hangingToken = await mintLocalToken(fx.key, idTokenClaims(HANG_ISSUER, {}));
    const goodToken = await fx.webToken();
    const creds: Keys = credentialsOf(await stsQuery(b.url, { Action: 'AssumeRole', RoleArn: roleArn('WebDev'), RoleSessionName: 'portal' }, { credentials: PORTAL }));

    const timed = async (call: () => Promise<RawResponse>) => {
      const t = Date.now();
      const r = await call();
      return { r, ms: Date.now() - t };
    };
    const needing = Array.from({ length: 4 }, (_, i) =>
      timed(() => stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('HangingWeb'), RoleSessionName: `h${i}`, WebIdentityToken: hangingToken })),
    );
    const samlOfHanging = timed(() =>
      stsQuery(b.url, { Action: 'AssumeRoleWithSAML', RoleArn: roleArn('SamlDev'), PrincipalArn: `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/Hanging`, SAMLAssertion: fx.samlResponse() }),
    );
    // While those wait on the provider that never answers:
    const others: number[] = [];
    for (let i = 0; i < 10; i++) {
      for (const call of [
        () => stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn('WebDev'), RoleSessionName: `g${i}`, WebIdentityToken: goodToken }),
        () => stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: creds }),
        () => stsQuery(b.url, { Action: 'AssumeRoleWithSAML', RoleArn: roleArn('SamlDev'), PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: fx.samlResponse() }),
      ]) {
        const { r, ms } = await timed(call);
        expect(r.status, r.body).toBe(200);
        others.push(ms);
      }
    }
    expect(Math.max(...others)).toBeLessThan(1000);

    for (const { r, ms } of await Promise.all(needing)) {
      expect(awsError(r).code).toBe('IDPCommunicationError');
      expect(ms).toBeLessThanOrEqual(5000);
    }
    const saml = await samlOfHanging;
    expect(awsError(saml.r).code).toBe('IDPCommunicationError');
    expect(saml.ms).toBeLessThan(1000);
    // /readyz tells the operator which provider is missing.
    const ready = await fetch(`${b.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).toMatch(/Hanging \(no metadata yet\).*localhost\/hanging \(no signing keys yet\)/);
  }, 30_000);
});
