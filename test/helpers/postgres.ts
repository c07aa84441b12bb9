/**
 * A PostgreSQL server for tests.
 *
 * - With `FEDBROKER_TEST_POSTGRES_URL` set (an admin URL, e.g. postgres://postgres:pw@db:5432/postgres),
 *   databases are created on that server and dropped by stop(). pause()/resume() are not supported
 *   there (`pausable` is false): tests that need an outage skip themselves.
 * - Otherwise, as root with PostgreSQL's `initdb` installed, a throwaway cluster is started as the
 *   `postgres` user in a temporary folder (platform-notes.md §7): trust auth, loopback only, socket in
 *   that folder, fsync off. stop() stops it and removes the folder; pause()/resume() stop and start
 *   the server keeping its data (an outage).
 * - Otherwise startPostgres() resolves null; postgresSkipReason() says why, for `describe.skipIf`.
 *
 * Usage: `const pg = await startPostgres()` in beforeAll, `await pg?.stop()` in afterAll. A cluster
 * still running when the test process exits is stopped by an exit hook, so none is ever left behind.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface TestPostgres {
  /** A fresh, empty database created for the caller. */
  readonly url: string;
  /** Whether pause()/resume() work (false on an external server). */
  readonly pausable: boolean;
  /** Creates another fresh, empty database on the same server and returns its URL. */
  newDatabase(): Promise<string>;
  /** Stops the throwaway server and removes its files (or drops the databases created on an external server). */
  stop(): Promise<void>;
  /** Stops the server, keeping its data: clients see a database outage. */
  pause(): Promise<void>;
  /** Starts a paused server again on the same port. */
  resume(): Promise<void>;
}

const EXTERNAL_URL_ENV = 'FEDBROKER_TEST_POSTGRES_URL';

function findExecutable(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/bin', '/usr/lib/postgresql/15/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

function postgresUserIds(): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : null;
  } catch {
    return null;
  }
}

/** Why startPostgres() would resolve null, or null when it can start (or reach) a server. */
export function postgresSkipReason(): string | null {
  if (process.env[EXTERNAL_URL_ENV]) return null;
  if (process.getuid?.() !== 0) return `needs root to run a throwaway cluster, or ${EXTERNAL_URL_ENV}`;
  for (const tool of ['initdb', 'pg_ctl', 'runuser']) {
    if (findExecutable(tool) === null) return `${tool} not found; install PostgreSQL or set ${EXTERNAL_URL_ENV}`;
  }
  if (postgresUserIds() === null) return `no "postgres" system user; set ${EXTERNAL_URL_ENV}`;
  return null;
}

function uniqueDatabaseName(): string {
  return `fb_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function urlForDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Databases on an external server named by FEDBROKER_TEST_POSTGRES_URL. */
async function useExternalServer(adminUrl: string): Promise<TestPostgres> {
  const created: string[] = [];
  const newDatabase = async (): Promise<string> => {
    const name = uniqueDatabaseName();
    await withClient(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
    created.push(name);
    return urlForDatabase(adminUrl, name);
  };
  const unsupported = async (): Promise<void> => {
    throw new Error(`pause()/resume() need the throwaway cluster; unset ${EXTERNAL_URL_ENV} to use it`);
  };
  return {
    url: await newDatabase(),
    pausable: false,
    newDatabase,
    stop: async () => {
      const names = created.splice(0);
      await withClient(adminUrl, async (c) => {
        for (const name of names) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      });
    },
    pause: unsupported,
    resume: unsupported,
  };
}

/** A throwaway cluster owned by the postgres user in a temporary folder. */
async function startThrowawayCluster(): Promise<TestPostgres> {
  const ids = postgresUserIds()!;
  const initdb = findExecutable('initdb')!;
  const pgCtl = findExecutable('pg_ctl')!;
  const dir = mkdtempSync(join(tmpdir(), 'fbpg-'));
  chownSync(dir, ids.uid, ids.gid);
  chmodSync(dir, 0o700);
  const dataDir = join(dir, 'data');
  const asPostgres = (tool: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', tool, ...args], { cwd: dir });

  let port = 0;
  let running = false;
  const serverOptions = () =>
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = () => asPostgres(pgCtl, ['-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-t', '30', '-o', serverOptions(), 'start']);
  const stopServer = async (): Promise<void> => {
    if (!running) return;
    try {
      await asPostgres(pgCtl, ['-D', dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
    } catch {
      await asPostgres(pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', '-t', '30', 'stop']);
    }
    running = false;
  };

  // Safety net: the test process is exiting with the server still up (a failed beforeAll, a crash).
  const onExit = (): void => {
    try {
      if (running) execFileSync('runuser', ['-u', 'postgres', '--', pgCtl, '-D', dataDir, '-m', 'immediate', '-w', 'stop'], { stdio: 'ignore' });
    } catch {
      // best effort
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const stop = async (): Promise<void> => {
    try {
      await stopServer();
    } finally {
      process.removeListener('exit', onExit);
      rmSync(dir, { recursive: true, force: true });
    }
  };

  try {
    await asPostgres(initdb, ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    // The free port can be taken between probing and binding: try a few.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await start();
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
    running = true;

    const serverUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const newDatabase = async (): Promise<string> => {
      const name = uniqueDatabaseName();
      await withClient(serverUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
      return urlForDatabase(serverUrl, name);
    };
    return {
      url: await newDatabase(),
      pausable: true,
      newDatabase,
      stop,
      pause: stopServer,
      resume: async () => {
        if (running) return;
        await start();
        running = true;
      },
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

export async function startPostgres(): Promise<TestPostgres | null> {
  const external = process.env[EXTERNAL_URL_ENV];
  if (external) return useExternalServer(external);
  if (postgresSkipReason() !== null) return null;
  return startThrowawayCluster();
}
