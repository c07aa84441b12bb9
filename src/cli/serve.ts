/**
 * `fedbroker serve`: load and validate the configuration (a broken one never starts serving), start
 * the broker, reload on SIGHUP, shut down gracefully on SIGTERM/SIGINT.
 */
import cluster from 'node:cluster';
import { Broker } from '../broker.js';
import { runPrimary } from '../cluster/primary.js';
import { joinCluster, workerCount } from '../cluster/worker.js';
import { configPathFrom, loadConfigFile } from '../config/load.js';
import { createLogger } from '../log.js';
import { option, type CliArgs } from './args.js';

export async function serve(args: CliArgs): Promise<number> {
  const started = performance.now();
  const logger = createLogger();
  const file = configPathFrom(option(args, 'config'));
  const loaded = loadConfigFile(file);
  // server.workers > 1: this process is the cluster's primary (src/cluster/), or one of its workers.
  const workers = workerCount(loaded.config.server.workers);
  if (workers > 1 && cluster.isPrimary) return runPrimary({ file, loaded, workers, logger });
  const broker = await Broker.start(loaded, { logger, ...(cluster.isWorker ? { cluster: joinCluster() } : {}) });
  let address;
  try {
    address = await broker.listen();
  } catch (e) {
    await broker.close();
    const problem = listenProblem(e, broker.loaded.config.server, file);
    if (problem === undefined) throw e;
    process.stderr.write(`fedbroker: ${problem}\n`);
    return 1;
  }
  logger.info(
    { address: `${address.address}:${address.port}`, publicUrl: broker.loaded.publicUrl, config: file, startupMs: Math.round(performance.now() - started) },
    `fedbroker listening on ${broker.loaded.publicUrl}`,
  );

  process.on('SIGHUP', () => {
    try {
      void broker.reload(loadConfigFile(file)).catch((e: unknown) => logger.error({ err: e }, 'configuration reload failed; keeping the running configuration'));
    } catch (e) {
      logger.error({ err: e }, 'configuration reload failed; keeping the running configuration');
    }
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    broker.close().then(
      () => process.exit(0),
      (e: unknown) => {
        logger.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return -1;
}

/** Why the broker could not listen, said so that the person knows what to do; undefined for other errors. */
function listenProblem(e: unknown, server: { host: string; port: number }, file: string): string | undefined {
  const code = (e as NodeJS.ErrnoException).code;
  const where = `${server.host}:${server.port}`;
  const choose = `Choose another port: PORT=${server.port === 8080 ? 8081 : server.port + 1} npm start, or set server.port in ${file}.`;
  if (code === 'EADDRINUSE') return `port ${server.port} is already in use on ${server.host} (another fedbroker, or another program: \`ss -ltnp 'sport = :${server.port}'\` shows which). ${choose}`;
  if (code === 'EACCES') return `not allowed to listen on ${where} (ports below 1024 need privileges). ${choose}`;
  if (code === 'EADDRNOTAVAIL') return `${server.host} is not an address of this machine (server.host in ${file}).`;
  return undefined;
}
