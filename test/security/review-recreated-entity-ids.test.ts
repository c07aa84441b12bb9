/**
 * security.md, "Found by review": a role or user removed and later re-added under the same name → a
 * new unique id (AROA…/AIDA…), as in AWS; sessions issued to the old one stay dead. The absent →
 * present change is noticed across reloads and restarts through the store, and consistently by
 * several instances sharing one store.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker } from '../../src/broker.js';
import { loadConfigFile } from '../../src/config/load.js';
import { silentLogger } from '../../src/log.js';
import { freePort, TEST_ACCOUNT } from '../helpers/broker.js';
import { createStsFixture, PORTAL, roleArn, type StsFixture } from '../helpers/stsFixture.js';
import { credentialsOf, resultValue, stsQuery, type Keys } from '../helpers/stsHttp.js';

let fx: StsFixture;
beforeAll(async () => {
  fx = await createStsFixture();
});
afterAll(() => fx?.cleanup());

/** A broker on a given folder and SQLite file (so several can share one store, and restart on it). */
class Instance {
  private constructor(
    readonly broker: Broker,
    readonly url: string,
    private readonly file: string,
  ) {}

  static async start(dir: string, name: string, config: Record<string, unknown>): Promise<Instance> {
    const port = await freePort();
    const file = join(dir, `${name}.yaml`);
    const instance = (c: Record<string, unknown>) => ({ ...c, store: 'sqlite:shared.db', keys: { dir: 'keys' }, audit: { file: null }, limits: { requestsPerMinutePerIp: 0 }, server: { host: '127.0.0.1', port } });
    writeFileSync(file, stringify(instance(config)));
    const env = { PATH: process.env['PATH'] };
    const broker = await Broker.start(loadConfigFile(file, env), { logger: silentLogger(), env });
    await broker.listen();
    const started = new Instance(broker, `http://127.0.0.1:${port}`, file);
    started.write = (c) => writeFileSync(file, stringify(instance(c)));
    return started;
  }

  private write: (config: Record<string, unknown>) => void = () => {};

  async reload(config: Record<string, unknown>): Promise<void> {
    this.write(config);
    await this.broker.reload(loadConfigFile(this.file, { PATH: process.env['PATH'] }));
  }

  close(): Promise<void> {
    return this.broker.close();
  }
}

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fedbroker-ids-'));
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify(fx.key.jwks));
  writeFileSync(join(dir, 'idp.xml'), fx.idp.metadataXml());
  return dir;
}

const full = (): Record<string, unknown> => ({ ...fx.config(), account: { id: TEST_ACCOUNT } });
const without = (key: 'roles' | 'users', name: string) => {
  const c = full();
  return { ...c, [key]: (c[key] as Array<{ name: string }>).filter((e) => e.name !== name) };
};

async function assumeTarget(url: string): Promise<Keys & { roleId: string }> {
  const r = await stsQuery(url, { Action: 'AssumeRole', RoleArn: roleArn('Target'), RoleSessionName: 'alice' }, { credentials: PORTAL });
  expect(r.status, r.body).toBe(200);
  return { ...credentialsOf(r), roleId: resultValue(r, 'AssumedRoleUser/AssumedRoleId')!.split(':')[0]! };
}

const works = async (url: string, keys: Keys) => (await stsQuery(url, { Action: 'GetCallerIdentity' }, { credentials: keys })).status === 200;
const userIdOf = async (url: string, keys: Keys) => resultValue(await stsQuery(url, { Action: 'GetCallerIdentity' }, { credentials: keys }), 'UserId');

describe('security.md Found by review: a re-created role or user gets a new id', () => {
  it('a role removed and re-added (configuration reloads): new AROA id; the old sessions stay dead', async () => {
    const dir = folder();
    const a = await Instance.start(dir, 'a', full());
    try {
      const before = await assumeTarget(a.url);
      expect(await works(a.url, before)).toBe(true);
      await a.reload(without('roles', 'Target'));
      expect(await works(a.url, before)).toBe(false);
      await a.reload(full());
      const after = await assumeTarget(a.url);
      expect(after.roleId).toMatch(/^AROA/);
      expect(after.roleId).not.toBe(before.roleId);
      expect(await works(a.url, before)).toBe(false);
      expect(await works(a.url, after)).toBe(true);
      // An unchanged role keeps its id across reloads.
      await a.reload(full());
      expect((await assumeTarget(a.url)).roleId).toBe(after.roleId);
    } finally {
      await a.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a user removed and re-added: new AIDA id; its GetSessionToken credentials stay dead', async () => {
    const dir = folder();
    const a = await Instance.start(dir, 'a', full());
    try {
      const oldId = await userIdOf(a.url, PORTAL);
      const session = credentialsOf(await stsQuery(a.url, { Action: 'GetSessionToken' }, { credentials: PORTAL }));
      expect(await works(a.url, session)).toBe(true);
      await a.reload(without('users', 'portal'));
      await a.reload(full());
      const newId = await userIdOf(a.url, PORTAL);
      expect(newId).toMatch(/^AIDA/);
      expect(newId).not.toBe(oldId);
      expect(await works(a.url, session)).toBe(false);
    } finally {
      await a.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('across restarts: removed while stopped, re-added at a later start → new id, old sessions dead', async () => {
    const dir = folder();
    let a = await Instance.start(dir, 'a', full());
    const before = await assumeTarget(a.url);
    await a.close();
    a = await Instance.start(dir, 'a', without('roles', 'Target'));
    await a.close();
    a = await Instance.start(dir, 'a', full());
    try {
      const after = await assumeTarget(a.url);
      expect(after.roleId).not.toBe(before.roleId);
      expect(await works(a.url, before)).toBe(false);
      expect(await works(a.url, after)).toBe(true);
    } finally {
      await a.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('several instances sharing one store agree: one new id everywhere, the old sessions dead on each', async () => {
    const dir = folder();
    const a = await Instance.start(dir, 'a', full());
    const b = await Instance.start(dir, 'b', full());
    try {
      const before = await assumeTarget(a.url);
      expect(await works(b.url, before)).toBe(true);
      for (const i of [a, b]) await i.reload(without('roles', 'Target'));
      for (const i of [b, a]) await i.reload(full());
      const fromA = await assumeTarget(a.url);
      const fromB = await assumeTarget(b.url);
      expect(fromA.roleId).toBe(fromB.roleId);
      expect(fromA.roleId).not.toBe(before.roleId);
      for (const i of [a, b]) {
        expect(await works(i.url, before)).toBe(false);
        expect(await works(i.url, fromA)).toBe(true);
        expect(await works(i.url, fromB)).toBe(true);
      }
    } finally {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
