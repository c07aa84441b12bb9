/**
 * Several broker instances on one PostgreSQL (quality.md "Scale"), as an operator deploys them: two
 * `fedbroker serve` processes, each with its own port and audit file, sharing the keys folder and
 * one throwaway PostgreSQL database. The shared suite proves across them, through the public API:
 * SAML replay, TOTP code reuse, a lockout, a sign-in token used twice, `fedbroker revoke` and a
 * console sign-out (both within a second on the other instance).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { stringify } from 'yaml';
import { freePort } from '../helpers/broker.js';
import { spawnFedbroker, type ServeProcess } from '../helpers/fedbrokerCli.js';
import { PinnedConnection } from '../helpers/pinnedConnection.js';
import { postgresSkipReason, startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { sharedStateConfig, sharedStateTests, type TwoProcesses } from '../helpers/sharedState.js';
import { createStsFixture, PUBLIC_URL, type StsFixture } from '../helpers/stsFixture.js';

const skip = postgresSkipReason();

describe.skipIf(skip !== null)(`two broker instances on one PostgreSQL${skip ? ` — skipped: ${skip}` : ''}`, () => {
  let pg: TestPostgres | null;
  let fx: StsFixture;
  const instances: ServeProcess[] = [];
  const connections: PinnedConnection[] = [];
  let env: TwoProcesses;

  beforeAll(async () => {
    pg = await startPostgres();
    fx = await createStsFixture();
    const files: string[] = [];
    for (const name of ['a', 'b']) {
      const port = await freePort();
      const config = sharedStateConfig(fx, {
        server: { host: '127.0.0.1', port, publicUrl: PUBLIC_URL },
        store: pg!.url,
        keys: { dir: 'keys' },
        // One audit file per instance (a file has one writer); the store mirrors both.
        audit: { file: `data/audit-${name}.jsonl` },
      });
      const file = join(fx.dir, `broker-${name}.yaml`);
      writeFileSync(file, stringify(config));
      files.push(file);
      // One after the other: the first creates the keys the second then loads.
      const serve = spawnFedbroker(['serve', '--config', file]);
      instances.push(serve);
      await serve.waitFor(/fedbroker listening/, 60_000);
      connections.push(new PinnedConnection(`http://127.0.0.1:${port}`));
    }
    env = { fx, a: connections[0]!, b: connections[1]!, configFile: files[0]! };
  }, 180_000);

  afterAll(async () => {
    for (const c of connections) c.close();
    await Promise.all(instances.map((s) => s.stop()));
    await pg?.stop();
    fx?.cleanup();
  });

  sharedStateTests(() => env);
});
