/**
 * Builds the model of a configuration written to a folder, for tests of configuration keys:
 *
 *   const config = configModel(dir, { PROD_EXTERNAL_ID: '…' });   // env for ${env:…}
 *   const model = await config.build({ roles: [...] });             // account 123456789012, memory store, no audit file
 *   expect(await config.issues({ roles: [...] })).toEqual(['roles[0].name: …']);
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { expect } from 'vitest';
import { ConfigError } from '../../src/config/configError.js';
import { loadConfigFile } from '../../src/config/load.js';
import { buildModel, type BrokerModel } from '../../src/config/model.js';

const base = (extra: Record<string, unknown>) => ({ account: { id: '123456789012' }, store: 'memory:', keys: { dir: 'keys' }, audit: { file: null }, ...extra });

export function configModel(dir: string, env: NodeJS.ProcessEnv = {}) {
  const build = (extra: Record<string, unknown>): Promise<BrokerModel> => {
    const file = join(dir, 'broker.yaml');
    writeFileSync(file, stringify(base(extra)));
    return buildModel(loadConfigFile(file, env));
  };
  /** The issues (`path: message`) of a configuration that must be refused. */
  const issues = async (extra: Record<string, unknown>): Promise<string[]> => {
    try {
      (await build(extra)).close();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
    }
    throw new Error('expected a ConfigError');
  };
  return { build, issues };
}
