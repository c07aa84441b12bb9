/**
 * The configuration of a CLI command (--config). The parser itself is in argv.ts, which loads nothing
 * else: `fedbroker login` runs before every AWS command and must start fast.
 */
import { configPathFrom, loadConfigFile, type LoadedConfig } from '../config/load.js';
import { option, type CliArgs } from './argv.js';

export { option, parseArgs, type CliArgs } from './argv.js';

/** The configuration named by --config, $FEDBROKER_CONFIG, or config/broker.yaml. */
export function loadConfigFromArgs(args: CliArgs, explicit?: string): LoadedConfig {
  return loadConfigFile(configPathFrom(explicit ?? option(args, 'config')));
}
