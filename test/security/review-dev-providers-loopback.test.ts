/**
 * security.md, "Found by review": `devIdentityProviders: true` with `server.host` not loopback (0.0.0.0,
 * ::, a LAN address), whatever `publicUrl` says → refusal to start, with a message saying why.
 * The demo users sign in without a password, so the development providers must never be reachable
 * from the network; publicUrl (which defaults to http://localhost:<port> even on 0.0.0.0) proves nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker } from '../../src/broker.js';
import { ConfigError } from '../../src/config/configError.js';
import { loadConfigFile } from '../../src/config/load.js';
import { silentLogger } from '../../src/log.js';
import { freePort, TEST_ACCOUNT } from '../helpers/broker.js';
import { fedbroker } from '../helpers/fedbrokerCli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedbroker-devhost-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = { PATH: process.env['PATH'] };

function configFile(server: Record<string, unknown>): string {
  const file = join(dir, `broker-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    stringify({ account: { id: TEST_ACCOUNT }, store: 'memory:', keys: { dir: 'keys' }, audit: { file: null }, devIdentityProviders: true, server }),
  );
  return file;
}

async function startError(server: Record<string, unknown>): Promise<unknown> {
  return Broker.start(loadConfigFile(configFile(server), env), { logger: silentLogger(), env }).then(
    async (started) => {
      await started.close();
      return undefined;
    },
    (e: unknown) => e,
  );
}

const WHY = /development identity providers.*loopback.*server\.host/;

describe('security.md Found by review: development IdPs only on a loopback listener', () => {
  it.each([
    ['0.0.0.0 (publicUrl defaults to http://localhost)', { host: '0.0.0.0', port: 8080 }],
    ['::', { host: '::', port: 8080 }],
    ['a LAN address', { host: '192.168.1.20', port: 8080 }],
    ['0.0.0.0 with a loopback publicUrl', { host: '0.0.0.0', port: 8080, publicUrl: 'http://127.0.0.1:8080' }],
    ['0.0.0.0 with an https publicUrl', { host: '0.0.0.0', port: 8080, publicUrl: 'https://broker.example.com' }],
    ['a host name that is not localhost', { host: 'broker.internal', port: 8080, publicUrl: 'https://broker.example.com' }],
  ])('server.host %s → refusal to start, naming server.host and why', async (_label, server) => {
    const error = await startError(server);
    expect(error).toBeInstanceOf(ConfigError);
    const issue = (error as ConfigError).issues.find((i) => i.path === 'server.host');
    expect(issue?.message).toMatch(WHY);
    expect(issue?.message).toContain(String(server.host));
  });

  it('`fedbroker serve` on 0.0.0.0 with the development providers exits non-zero, saying why, without serving', async () => {
    const port = await freePort();
    const r = await fedbroker(['serve', '--config', configFile({ host: '0.0.0.0', port })]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(WHY);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('`fedbroker check-config` reports it too (a file it accepts is one serve starts with)', async () => {
    const r = await fedbroker(['check-config', configFile({ host: '0.0.0.0', port: 8080 })]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(WHY);
  });

  it('Broker.listen() on a non-loopback address is refused too; loopback listeners (127.0.0.0/8, ::1, localhost) start', async () => {
    for (const host of ['127.0.0.2', '::1', 'localhost']) {
      const error = await startError({ host, port: 0, publicUrl: 'http://localhost:8080' });
      expect(error, host).toBeUndefined();
    }
    const broker = await Broker.start(loadConfigFile(configFile({ host: '127.0.0.1', port: 0 }), env), { logger: silentLogger(), env });
    try {
      await expect(broker.listen(0, '0.0.0.0')).rejects.toThrow(WHY);
      expect(broker.server.listening).toBe(false);
    } finally {
      await broker.close();
    }
  });
});
