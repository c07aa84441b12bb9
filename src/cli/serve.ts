/**
 * `fedbroker serve`: load and validate the configuration (a broken one never starts serving), start
 * the broker, reload on SIGHUP, shut down gracefully on SIGTERM/SIGINT.
 */
import { Broker } from '../broker.js';
import { configPathFrom, loadConfigFile } from '../config/load.js';
import { createLogger } from '../log.js';
import { option, type CliArgs } from './args.js';

export async function serve(args: CliArgs): Promise<number> {
  const started = performance.now();
  const logger = createLogger();
  const file = configPathFrom(option(args, 'config'));
  const broker = await Broker.start(loadConfigFile(file), { logger });
  const address = await broker.listen();
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
