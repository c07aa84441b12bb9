/**
 * A broker on the STS fixture (stsFixture.ts) for one test file: started before its tests, closed
 * and cleaned up after them.
 *
 *   const env = stsBrokerForFile((fx) => ({ ...fx.config(), roles: [...] }));
 *   it('…', async () => { await stsQuery(env.b.url, …); });
 */
import { afterAll, beforeAll } from 'vitest';
import { startBroker, type StartedBroker } from './broker.js';
import { createStsFixture, type StsFixture } from './stsFixture.js';

export interface StsBrokerEnv {
  readonly fx: StsFixture;
  readonly b: StartedBroker;
}

export function stsBrokerForFile(configure: (fx: StsFixture) => Record<string, unknown> = (fx) => fx.config()): StsBrokerEnv {
  const env = {} as { fx: StsFixture; b: StartedBroker };
  beforeAll(async () => {
    env.fx = await createStsFixture();
    env.b = await startBroker(configure(env.fx), { dir: env.fx.dir });
  }, 60_000);
  afterAll(async () => {
    await env.b?.close();
    env.fx?.cleanup();
  });
  return env;
}
