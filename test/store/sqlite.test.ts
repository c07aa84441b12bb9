import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ServiceUnavailable } from '../../src/errors.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite-migrations.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { WalCheckpointer } from '../../src/store/sqliteCheckpointer.js';
import { runStoreConformance } from './conformance.js';

const root = mkdtempSync(join(tmpdir(), 'fb-sqlite-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let fileCounter = 0;
function newFilePath(): string {
  return join(root, `case-${++fileCounter}`, 'nested', 'broker.db');
}

let currentFile = '';
runStoreConformance(
  'sqlite',
  async () => {
    currentFile = newFilePath();
    return new SqliteStore(currentFile);
  },
  async () => new SqliteStore(currentFile),
);

const CHILD = fileURLToPath(new URL('./fixtures/sqlite-race-child.ts', import.meta.url));

interface Racer {
  ready: Promise<void>;
  go(startAt: number): void;
  result: Promise<number[]>;
}

/** Starts a second OS process running the race fixture against `file`. */
function startRacer(file: string, mode: 'claim' | 'take', count: number, direction: 'forward' | 'backward'): Racer {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, mode, String(count), direction], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const result = new Promise<number[]>((resolve, reject) => {
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`race child exited ${code}: ${stderr}`));
      const lines = stdout.trim().split('\n');
      resolve(JSON.parse(lines[lines.length - 1]!) as number[]);
    });
  });
  // A child that dies before "ready" must fail the test, not hang it.
  const failedEarly = result.then(() => undefined);
  return { ready: Promise.race([ready, failedEarly]), go: (startAt) => child.stdin.end(`${startAt}\n`), result };
}

/** Starts racers in separate processes and lets them all loose at the same moment. */
async function race(file: string, mode: 'claim' | 'take', count: number): Promise<number[][]> {
  const racers = [
    startRacer(file, mode, count, 'forward'),
    startRacer(file, mode, count, 'forward'),
    startRacer(file, mode, count, 'backward'),
  ];
  await Promise.all(racers.map((r) => r.ready));
  const startAt = Date.now() + 300;
  racers.forEach((r) => r.go(startAt));
  return Promise.all(racers.map((r) => r.result));
}

function expectEachIndexWonOnce(results: number[][], count: number): void {
  const all = results.flat().sort((a, b) => a - b);
  expect(all).toEqual(Array.from({ length: count }, (_, i) => i));
}

describe('SqliteStore (SQLite specifics)', () => {
  it('creates the folder and a database file readable by the owner only (0600), WAL files too', async () => {
    const file = newFilePath();
    const store = new SqliteStore(file);
    await store.claimOnce('ns', 'k', Date.now() + 60_000);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
    await store.close();
  });

  it('uses WAL journaling and records the schema version', async () => {
    const file = newFilePath();
    const store = new SqliteStore(file);
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare('SELECT version FROM fb_schema_version').get()).toEqual({ version: SQLITE_MIGRATIONS.length });
    raw.close();
    await store.close();
  });

  it('reopening an up-to-date file keeps its schema version and data', async () => {
    const file = newFilePath();
    const first = new SqliteStore(file);
    await first.putItem('ns', 'k', 'v', Date.now() + 60_000);
    await first.close();
    const again = new SqliteStore(file);
    expect(await again.getItem('ns', 'k')).toBe('v');
    await again.close();
  });

  it('refuses a file whose schema is newer than this code', async () => {
    const file = newFilePath();
    await new SqliteStore(file).close();
    const raw = new Database(file);
    raw.prepare('UPDATE fb_schema_version SET version = 999').run();
    raw.close();
    expect(() => new SqliteStore(file)).toThrow(/schema version 999 is newer/);
  });

  it('rejects with ServiceUnavailable when another process holds the write lock past busy_timeout', async () => {
    const file = newFilePath();
    const store = new SqliteStore(file, { busyTimeoutMs: 100 });
    const blocker = new Database(file);
    blocker.exec('BEGIN EXCLUSIVE');
    try {
      await expect(store.claimOnce('ns', 'k', Date.now() + 60_000)).rejects.toBeInstanceOf(ServiceUnavailable);
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    expect(await store.claimOnce('ns', 'k', Date.now() + 60_000)).toBe(true);
    await store.close();
  });

  it('claimOnce across three OS processes on one file: every key is won exactly once', async () => {
    const file = newFilePath();
    await new SqliteStore(file).close();
    const count = 2000;
    expectEachIndexWonOnce(await race(file, 'claim', count), count);
  });

  it('takeItem across three OS processes on one file: every item is taken exactly once', async () => {
    const file = newFilePath();
    const store = new SqliteStore(file);
    const count = 2000;
    for (let i = 0; i < count; i++) await store.putItem('race', `k${i}`, `v${i}`, Date.now() + 3_600_000);
    await store.close();
    expectEachIndexWonOnce(await race(file, 'take', count), count);
  });

  it('the WAL stays bounded under writes that never pause: the checkpointer rewinds it', async () => {
    // A PASSIVE checkpoint alone let the log grow without end under steady writes (one always landed
    // while the checkpoint ran, so SQLite never started the log over): ~570 MB after 120,000 audited
    // requests. Here 24 MB of rows are written in small transactions every 2 ms (a fixed amount, not a
    // fixed time: a loaded machine writes slower, it must not make the test pass or fail).
    const file = newFilePath();
    await new SqliteStore(file).close();
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.pragma(`journal_size_limit = ${256 * 1024}`);
    const checkpointer = new WalCheckpointer(file, 20, 64);
    const insert = db.prepare('INSERT INTO fb_audit (id, time, name, json) VALUES (?, ?, ?, ?)');
    const json = JSON.stringify({ pad: 'x'.repeat(2000) });
    let written = 0;
    let largestWal = 0;
    try {
      while (written * json.length < 24 * 1024 * 1024) {
        db.transaction(() => {
          for (let i = 0; i < 20; i++) insert.run(`id-${written++}`, Date.now(), 'Test', json);
        })();
        largestWal = Math.max(largestWal, statSync(`${file}-wal`).size);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    } finally {
      await checkpointer.stop();
      db.close();
    }
    expect(largestWal).toBeLessThan(written * json.length / 4);
    expect(largestWal).toBeLessThan(8 * 1024 * 1024);
  });
});
