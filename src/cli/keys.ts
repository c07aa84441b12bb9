/**
 * `fedbroker keys rotate`: a new sealing key becomes active; the old ones keep opening what they sealed.
 * The rotation is an audit event (mirrored to the store when it can be reached).
 */
import { rotateKeys } from '../keys/keyRing.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/types.js';
import { loadConfigFromArgs, type CliArgs } from './args.js';
import { recordOperatorEvent } from './operatorAudit.js';

export async function keys(args: CliArgs, rest: string[]): Promise<number> {
  if (rest[0] !== 'rotate') {
    process.stderr.write('usage: fedbroker keys rotate [--config FILE]\n');
    return 2;
  }
  const loaded = loadConfigFromArgs(args);
  const { kid } = await rotateKeys(loaded.config.keys.dir);
  let store: Store | null = null;
  try {
    store = await openStore(loaded.config.store, { baseDir: loaded.baseDir });
  } catch (e) {
    process.stderr.write(`warning: the store is unreachable (${e instanceof Error ? e.message : String(e)}); the rotation is audited in the file only\n`);
  }
  try {
    await recordOperatorEvent(loaded, store, { name: 'RotateSealingKey', command: 'fedbroker keys rotate', requestParameters: {}, responseElements: { kid } });
  } finally {
    await store?.close();
  }
  process.stdout.write(`New sealing key ${kid} is active in ${loaded.config.keys.dir}. Restart running brokers to use it (a SIGHUP reload does not reload keys).\n`);
  return 0;
}
