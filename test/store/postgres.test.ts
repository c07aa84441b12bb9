import { createServer, type Server, type Socket } from 'node:net';
import { inspect } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceUnavailable } from '../../src/errors.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres-migrations.js';
import { PostgresStore } from '../../src/store/postgres.js';
import { postgresSkipReason, startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { runStoreConformance } from './conformance.js';

const skipReason = postgresSkipReason();
const PASSWORD = 'not-a-real-s3cret';

/** The URL with a password added (the throwaway cluster trusts everyone; it must never leak). */
function withPassword(url: string): string {
  const u = new URL(url);
  u.password = PASSWORD;
  return u.toString();
}

/** Everything an operator or caller could see of an error: message, cause chain, inspected form. */
function visibleText(error: unknown): string {
  return `${String(error)} ${inspect(error, { depth: 5 })}`;
}

async function waitUntilReachable(store: PostgresStore, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await store.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

describe.skipIf(skipReason !== null)(`PostgresStore${skipReason !== null ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: TestPostgres;
  let currentUrl = '';

  beforeAll(async () => {
    const started = await startPostgres();
    if (started === null) throw new Error('PostgreSQL expected to be available');
    server = started;
  });

  afterAll(async () => {
    await server?.stop();
  });

  runStoreConformance(
    'postgres',
    async () => {
      currentUrl = withPassword(await server.newDatabase());
      return PostgresStore.open(currentUrl, { poolSize: 4 });
    },
    async () => PostgresStore.open(currentUrl, { poolSize: 4 }),
  );

  describe('PostgreSQL specifics', () => {
    it('instances starting together migrate the schema once, without racing', async () => {
      const url = await server.newDatabase();
      const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open(url, { poolSize: 2 })));
      try {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        const { rows } = await client.query('SELECT version FROM fb_schema_version');
        await client.end();
        expect(rows).toEqual([{ version: POSTGRES_MIGRATIONS.length }]);
        expect(await stores[0]!.claimOnce('ns', 'k', Date.now() + 60_000)).toBe(true);
        expect(await stores[3]!.claimOnce('ns', 'k', Date.now() + 60_000)).toBe(false);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    it('refuses a database whose schema is newer than this code', async () => {
      const url = await server.newDatabase();
      await (await PostgresStore.open(url)).close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query('UPDATE fb_schema_version SET version = 999');
      await client.end();
      await expect(PostgresStore.open(url)).rejects.toThrow(/schema version 999 is newer/);
    });

    it('a malformed connection string is refused without echoing it', () => {
      let caught: unknown;
      try {
        new PostgresStore(`postgres://user:${PASSWORD}@[not-a-host/db`);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(Error);
      expect(visibleText(caught)).not.toContain(PASSWORD);
    });

    it('an unreachable database rejects with ServiceUnavailable that names no credentials', async () => {
      // A port nothing listens on: bind, learn the port, close.
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const port = (probe.address() as { port: number }).port;
      await new Promise((resolve) => probe.close(resolve));

      const error = await PostgresStore.open(`postgres://fedbroker:${PASSWORD}@127.0.0.1:${port}/broker`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceUnavailable);
      expect(visibleText(error)).not.toContain(PASSWORD);
    });

    it('a server that accepts connections but never answers fails within the connect timeout, not forever', async () => {
      const sockets: Socket[] = [];
      const silent: Server = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as { port: number }).port;
      try {
        const started = Date.now();
        const error = await PostgresStore.open(`postgres://fedbroker:${PASSWORD}@127.0.0.1:${port}/broker`).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ServiceUnavailable);
        expect(visibleText(error)).not.toContain(PASSWORD);
        // Not a performance bar: "fails fast instead of hanging" (connect timeout is 3 s).
        expect(Date.now() - started).toBeLessThan(15_000);
      } finally {
        sockets.forEach((s) => s.destroy());
        await new Promise((resolve) => silent.close(resolve));
      }
    });

    it('a database outage gives ServiceUnavailable, and the store recovers by itself when the server returns', async (ctx) => {
      if (!server.pausable) ctx.skip();
      const url = withPassword(await server.newDatabase());
      const store = await PostgresStore.open(url, { poolSize: 4 });
      try {
        await store.putItem('signin', 'before-outage', 'kept', Date.now() + 3_600_000);
        // Several connections left idle in the pool: their death must not crash the process.
        await Promise.all(Array.from({ length: 8 }, (_, i) => store.claimOnce('warm', `k${i}`, Date.now() + 60_000)));

        // Transactions in flight while the server goes away: connections die while checked out.
        const inFlight = Promise.allSettled(
          Array.from({ length: 40 }, (_, i) =>
            store.addRevocation({ scope: 'role', target: `t${i}`, issuedBefore: 1, createdAt: 1, expiresAt: Date.now() + 60_000 }),
          ),
        );
        await new Promise((resolve) => setTimeout(resolve, 5));
        await server.pause();
        for (const outcome of await inFlight) {
          if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(ServiceUnavailable);
        }

        const started = Date.now();
        const claimError = await store.claimOnce('saml', 'during-outage', Date.now() + 60_000).catch((e: unknown) => e);
        expect(claimError).toBeInstanceOf(ServiceUnavailable);
        expect(visibleText(claimError)).not.toContain(PASSWORD);
        await expect(store.ping()).rejects.toBeInstanceOf(ServiceUnavailable);
        await expect(store.getItem('signin', 'before-outage')).rejects.toBeInstanceOf(ServiceUnavailable);
        await expect(store.addRevocation({ scope: 'role', target: 'r', issuedBefore: 1, createdAt: 1, expiresAt: Date.now() + 60_000 })).rejects.toBeInstanceOf(
          ServiceUnavailable,
        );
        // Not a performance bar: "a dead database fails requests quickly instead of hanging them".
        expect(Date.now() - started).toBeLessThan(15_000);

        await server.resume();
        await waitUntilReachable(store, 30_000);
        expect(await store.getItem('signin', 'before-outage')).toBe('kept');
        expect(await store.claimOnce('saml', 'during-outage', Date.now() + 60_000)).toBe(true);
        expect(await store.claimOnce('saml', 'during-outage', Date.now() + 60_000)).toBe(false);
        expect((await store.addRevocation({ scope: 'role', target: 'r', issuedBefore: 1, createdAt: 1, expiresAt: Date.now() + 60_000 })).seq).toBeGreaterThan(0);
      } finally {
        await server.resume();
        await store.close();
      }
    });
  });
});
