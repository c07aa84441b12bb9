/**
 * `fedbroker revoke role ARN | session ACCESS_KEY_ID | subject PROVIDER SUBJECT`: sessions issued
 * before now stop working on every broker instance sharing the store (they poll it every 500 ms).
 */
import { openStore } from '../store/index.js';
import { RevocationCache, subjectKey } from '../sessions/revocations.js';
import { loadConfigFromArgs, type CliArgs } from './args.js';

export async function revoke(args: CliArgs, rest: string[]): Promise<number> {
  const [scope, a, b] = rest;
  let target: string | undefined;
  if (scope === 'role' && a !== undefined) target = a;
  else if (scope === 'session' && a !== undefined) target = a;
  else if (scope === 'subject' && a !== undefined && b !== undefined) target = subjectKey(a, b);
  if (target === undefined || (scope !== 'role' && scope !== 'session' && scope !== 'subject')) {
    process.stderr.write('usage: fedbroker revoke role ARN | session ACCESS_KEY_ID | subject PROVIDER SUBJECT [--config FILE]\n');
    return 2;
  }
  const loaded = loadConfigFromArgs(args);
  const store = await openStore(loaded.config.store, { baseDir: loaded.baseDir });
  try {
    const revocation = await new RevocationCache(store).revoke(scope, target);
    process.stdout.write(`Revoked ${scope} ${target}: sessions issued before ${new Date(revocation.issuedBefore).toISOString()} are refused.\n`);
    return 0;
  } finally {
    await store.close();
  }
}
