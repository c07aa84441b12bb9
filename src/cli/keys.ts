/** `fedbroker keys rotate`: a new sealing key becomes active; the old ones keep opening what they sealed. */
import { rotateKeys } from '../keys/keyRing.js';
import { loadConfigFromArgs, type CliArgs } from './args.js';

export async function keys(args: CliArgs, rest: string[]): Promise<number> {
  if (rest[0] !== 'rotate') {
    process.stderr.write('usage: fedbroker keys rotate [--config FILE]\n');
    return 2;
  }
  const loaded = loadConfigFromArgs(args);
  const { kid } = await rotateKeys(loaded.config.keys.dir);
  process.stdout.write(`New sealing key ${kid} is active in ${loaded.config.keys.dir}. Restart or reload (SIGHUP) running brokers to use it.\n`);
  return 0;
}
