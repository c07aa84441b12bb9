/** How CLI commands report failures: configuration problems with their key paths, others in one line. */
import { ConfigError } from '../config/configError.js';

export function reportError(e: unknown): number {
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    return 1;
  }
  process.stderr.write(`fedbroker: ${e instanceof Error ? e.message : String(e)}\n`);
  return 1;
}
