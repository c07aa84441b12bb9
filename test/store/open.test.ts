import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory.js';
import { openStore } from '../../src/store/open.js';
import { PostgresStore } from '../../src/store/postgres.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { postgresSkipReason, startPostgres } from '../helpers/postgres.js';

const root = mkdtempSync(join(tmpdir(), 'fb-open-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('openStore', () => {
  it('memory: opens a MemoryStore', async () => {
    const store = await openStore('memory:');
    expect(store).toBeInstanceOf(MemoryStore);
    await store.close();
  });

  it('sqlite:RELATIVE resolves against baseDir (the config file folder)', async () => {
    const store = await openStore('sqlite:data/broker.db', { baseDir: join(root, 'config') });
    expect(store).toBeInstanceOf(SqliteStore);
    expect(existsSync(join(root, 'config', 'data', 'broker.db'))).toBe(true);
    await store.close();
  });

  it('sqlite:///ABSOLUTE and sqlite:/ABSOLUTE open that exact file', async () => {
    const three = await openStore(`sqlite://${join(root, 'abs3', 'a.db')}`, { baseDir: '/nonexistent' });
    const one = await openStore(`sqlite:${join(root, 'abs1', 'b.db')}`, { baseDir: '/nonexistent' });
    expect(existsSync(join(root, 'abs3', 'a.db'))).toBe(true);
    expect(existsSync(join(root, 'abs1', 'b.db'))).toBe(true);
    await three.close();
    await one.close();
  });

  it('refuses ambiguous or empty sqlite URLs', async () => {
    await expect(openStore('sqlite://relative/path.db')).rejects.toThrow(/accepted forms/);
    await expect(openStore('sqlite:')).rejects.toThrow(/accepted forms/);
  });

  it('refuses anything else, naming the accepted forms and never echoing the URL', async () => {
    const error = await openStore('mysql://admin:hunter2@db.example.com/broker').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/memory:.*sqlite:.*postgres:\/\//);
    expect((error as Error).message).toContain('"mysql:"');
    expect((error as Error).message).not.toContain('hunter2');
    await expect(openStore('')).rejects.toThrow(/accepted forms/);
    await expect(openStore('broker.db')).rejects.toThrow(/accepted forms/);
  });

  const skipReason = postgresSkipReason();
  it.skipIf(skipReason !== null)(`postgres:// and postgresql:// open an initialised PostgresStore${skipReason ? ` (skipped: ${skipReason})` : ''}`, async () => {
    const server = (await startPostgres())!;
    try {
      for (const url of [server.url, server.url.replace(/^postgres:/, 'postgresql:')]) {
        const store = await openStore(url);
        expect(store).toBeInstanceOf(PostgresStore);
        expect(await store.claimOnce('ns', url, Date.now() + 60_000)).toBe(true);
        await store.close();
      }
    } finally {
      await server.stop();
    }
  });
});
