/**
 * `server.workers: auto|N` (N > 1): the primary process of a node:cluster. It serves no request
 * itself: node's cluster hands the connections of the one listening port to the workers (round
 * robin), each of which is an ordinary broker (`fedbroker serve` in a worker process).
 *
 * What the primary owns, because exactly one process must:
 * - the audit file: the workers' batches are appended here, so the hash chain never forks
 *   (auditRelay.ts);
 * - SQLite's WAL checkpoints (one checkpointer per database file; the workers' connections only
 *   read and write, each write one atomic statement or an IMMEDIATE transaction, busy timeout 5 s);
 * - creating the keys (and the development IdPs' keys) before any worker starts, so all load the same;
 * - /metrics of the whole cluster: prom-client's aggregator asks every worker for its series and
 *   sums them; a worker asked for /metrics gets the sum from here.
 *
 * Signals: SIGHUP checks the configuration file and, when it loads, has every worker reload it (a
 * broken file is logged once and the running configuration kept); SIGTERM/SIGINT has every worker
 * stop accepting, finish its in-flight requests and exit, then closes the audit file and the store.
 * A worker that dies is replaced (at most 5 times in 60 s; more means something is wrong: the
 * cluster shuts down).
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { AuditFile } from '../audit/auditFile.js';
import { ConfigError } from '../config/configError.js';
import { loadConfigFile, type LoadedConfig } from '../config/load.js';
import { startupIssues } from '../config/startup.js';
import { startDevProviders } from '../dev/devProviders.js';
import { loadOrCreateKeyRing } from '../keys/keyRing.js';
import type { Logger } from '../log.js';
import { SqliteStore } from '../store/sqlite.js';
import { parseStoreUrl } from '../store/url.js';
import { answerAuditAppend } from './auditRelay.js';
import { answer } from './ipc.js';

export const CLUSTER_METRICS = 'cluster-metrics';
/** How long workers get to finish their in-flight requests on shutdown before they are killed. */
const STOP_GRACE_MS = 15_000;
const RESTARTS_WINDOW_MS = 60_000;
const MAX_RESTARTS_IN_WINDOW = 5;

export interface PrimaryOptions {
  readonly file: string;
  readonly loaded: LoadedConfig;
  readonly workers: number;
  readonly logger: Logger;
  readonly env?: NodeJS.ProcessEnv;
}

/** Starts the workers; resolves -1 once all listen (the process then lives on), or an exit code. */
export async function runPrimary(options: PrimaryOptions): Promise<number> {
  const { loaded, logger } = options;
  const { config } = loaded;
  const issues = startupIssues(config, options.env ?? process.env, loaded.publicUrl);
  if (issues.length > 0) throw new ConfigError(issues, loaded.file);

  await loadOrCreateKeyRing(config.keys.dir, { spCommonName: new URL(loaded.publicUrl).hostname });
  if (config.devIdentityProviders) await startDevProviders(loaded);
  const location = parseStoreUrl(config.store, loaded.baseDir);
  // Creates and migrates the file before the workers open it, and runs its checkpoints.
  const sqlite = 'kind' in location && location.kind === 'sqlite' ? new SqliteStore(location.path) : undefined;
  const audit = config.audit.file === null ? undefined : new AuditFile(config.audit.file, 'broker', (e) => logger.error({ err: e }, 'audit file'));
  const aggregator = new AggregatorRegistry();

  cluster.on('message', (worker, message) => {
    if (audit !== undefined && answerAuditAppend(audit, worker, message)) return;
    answer(worker, message, CLUSTER_METRICS, () => aggregator.clusterMetrics());
  });

  let stopping = false;
  const restarts: number[] = [];
  const fork = (): Worker => cluster.fork();
  const release = async () => {
    audit?.close();
    await sqlite?.close();
  };

  // Start: every worker must come up; one that exits first means it never will (bad port, store…).
  const started = await new Promise<boolean>((resolve) => {
    let listening = 0;
    const onListening = () => {
      if (++listening === options.workers) done(true);
    };
    const onExit = () => done(false);
    const done = (ok: boolean) => {
      cluster.off('listening', onListening);
      cluster.off('exit', onExit);
      resolve(ok);
    };
    cluster.on('listening', onListening);
    cluster.on('exit', onExit);
    for (let i = 0; i < options.workers; i++) fork();
  });
  if (!started) {
    logger.error('a worker failed to start; stopping the others');
    await stopWorkers();
    await release();
    return 1;
  }
  logger.info({ workers: options.workers, address: `${config.server.host}:${config.server.port}`, publicUrl: loaded.publicUrl, primaryPid: process.pid }, `fedbroker listening on ${loaded.publicUrl} with ${options.workers} workers`);

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const now = Date.now();
    while (restarts.length > 0 && now - restarts[0]! > RESTARTS_WINDOW_MS) restarts.shift();
    if (restarts.length >= MAX_RESTARTS_IN_WINDOW) {
      logger.error({ pid: worker.process.pid, code, signal }, `workers keep dying (${restarts.length} restarts in a minute); shutting down`);
      void stop('workers keep dying', 1);
      return;
    }
    restarts.push(now);
    logger.warn({ pid: worker.process.pid, code, signal }, 'a worker died; starting another');
    fork();
  });

  process.on('SIGHUP', () => {
    try {
      loadConfigFile(options.file);
    } catch (e) {
      logger.error({ err: e }, 'configuration reload failed; keeping the running configuration');
      return;
    }
    for (const w of Object.values(cluster.workers ?? {})) if (w?.process.pid !== undefined) process.kill(w.process.pid, 'SIGHUP');
  });

  const stop = async (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down all workers');
    await stopWorkers();
    await release();
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  return -1;
}

/** SIGTERM to every worker (each drains and exits), SIGKILL to those still there after the grace. */
async function stopWorkers(): Promise<void> {
  const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.isDead()) return resolve();
          const kill = setTimeout(() => w.process.kill('SIGKILL'), STOP_GRACE_MS);
          w.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          w.process.kill('SIGTERM');
        }),
    ),
  );
}
