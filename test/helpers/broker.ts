/**
 * Starts a real broker for end-to-end tests: a configuration written to a temporary folder (keys,
 * SQLite store and audit file in it too), listening on a free loopback port whose URL is also the
 * broker's publicUrl.
 *
 *   const b = await startBroker({ roles: [...], identityProviders: [...] });
 *   // b.url = http://127.0.0.1:PORT, b.broker = the Broker, b.dir = its folder
 *   await b.close();
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Broker } from '../../src/broker.js';
import { loadConfigFile } from '../../src/config/load.js';
import { silentLogger, type Logger } from '../../src/log.js';

export interface StartedBroker {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly configFile: string;
  readonly broker: Broker;
  /** Rewrites the configuration file (same port) and reloads it, as SIGHUP does. */
  reload(config: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export const TEST_ACCOUNT = '123456789012';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * `config` is merged over defaults: account 123456789012, SQLite store, keys and audit in the temp dir,
 * no rate limit. Pass `store: 'memory:'` for speed where persistence does not matter. `options.logger`
 * replaces the silent logger (e.g. to capture logs).
 */
export async function startBroker(config: Record<string, unknown>, options: { env?: NodeJS.ProcessEnv; dir?: string; logger?: Logger; publicHost?: string } = {}): Promise<StartedBroker> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'fedbroker-test-'));
  const port = await freePort();
  // publicHost 'localhost': a public URL that can be a WebAuthn relying party (an IP address cannot).
  const url = `http://${options.publicHost ?? '127.0.0.1'}:${port}`;
  const full = (c: Record<string, unknown>) => ({
    account: { id: TEST_ACCOUNT },
    store: 'sqlite:data/broker.db',
    keys: { dir: 'keys' },
    audit: { file: 'data/audit.jsonl' },
    limits: { requestsPerMinutePerIp: 0 },
    ...c,
    server: { host: '127.0.0.1', port, publicUrl: url, ...((c['server'] as object | undefined) ?? {}) },
  });
  const configFile = join(dir, 'broker.yaml');
  writeFileSync(configFile, stringify(full(config)));
  const env = { ...process.env, ...options.env };
  delete env['PORT'];
  const broker = await Broker.start(loadConfigFile(configFile, env), { logger: options.logger ?? silentLogger(), env });
  await broker.listen();
  return {
    url,
    port,
    dir,
    configFile,
    broker,
    async reload(next) {
      writeFileSync(configFile, stringify(full(next)));
      await broker.reload(loadConfigFile(configFile, env));
    },
    async close() {
      await broker.close();
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
