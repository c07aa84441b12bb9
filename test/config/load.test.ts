/**
 * config.md: one YAML or JSON file; `${env:NAME}` and `${file:path}` anywhere a string is expected
 * (errors name the key path, never the secret); PORT overrides server.port; every error names the
 * exact key path; a broken configuration never serves (the real `fedbroker serve` exits non-zero).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/configError.js';
import { configPathFrom, loadConfigFile } from '../../src/config/load.js';
import { buildModel } from '../../src/config/model.js';
import { freePort } from '../helpers/broker.js';
import { fedbroker } from '../helpers/fedbrokerCli.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedbroker-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const allow = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
const accountTrust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }] };

function config(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    account: { id: '123456789012' },
    store: 'memory:',
    keys: { dir: 'keys' },
    audit: { file: null },
    policies: [{ name: 'Read', document: allow }],
    roles: [{ name: 'Portal', trustPolicy: accountTrust, managedPolicies: ['Read'] }],
    users: [{ name: 'portal', accessKeys: [{ id: 'AKIAPORTAL0000000001', secret: '${env:PORTAL_SECRET}' }] }],
    ...extra,
  };
}

function write(name: string, content: string): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** The ConfigError a load throws (fails the test when it loads). */
function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

async function modelError(file: string, env: NodeJS.ProcessEnv = { PORTAL_SECRET: 'portal-secret-0123456789' }): Promise<ConfigError> {
  const loaded = loadConfigFile(file, env);
  try {
    (await buildModel(loaded)).close();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('file formats', () => {
  it('YAML and JSON files give the same configuration', () => {
    const env = { PORTAL_SECRET: 'portal-secret-0123456789' };
    const fromYaml = loadConfigFile(write('broker.yaml', stringify(config())), env);
    const fromJson = loadConfigFile(write('broker.json', JSON.stringify(config(), null, 2)), env);
    expect(fromJson.config).toEqual(fromYaml.config);
    expect(fromYaml.config.users[0]!.accessKeys[0]!.secret).toBe('portal-secret-0123456789');
    // Relative paths are relative to the file's folder.
    expect(fromYaml.config.keys.dir).toBe(join(dir, 'keys'));
  });

  it('a YAML syntax error and a duplicate key are errors, not silently merged', () => {
    const e1 = configError(() => loadConfigFile(write('a.yaml', 'account:\n  id: "123456789012"\n roles: [\n'), {}));
    expect(e1.message).toMatch(/syntax/);
    const e2 = configError(() => loadConfigFile(write('b.yaml', 'account:\n  id: "123456789012"\naccount:\n  id: "999999999999"\n'), {}));
    expect(e2.message).toMatch(/syntax/);
  });

  it('an unreadable file → an error naming it', () => {
    const e = configError(() => loadConfigFile(join(dir, 'missing.yaml'), {}));
    expect(e.message).toContain('missing.yaml');
    expect(e.message).toContain('ENOENT');
  });
});

describe('${env:NAME} and ${file:path}', () => {
  it('resolve anywhere a string is expected; ${file:} is relative to the config and loses one trailing newline', () => {
    write('secret.txt', 'from-a-file-0123456789\n');
    const c = config({
      users: [{ name: 'portal', accessKeys: [{ id: 'AKIAPORTAL0000000001', secret: '${file:secret.txt}' }] }],
      roles: [{ name: '${env:ROLE_NAME}', trustPolicy: accountTrust, description: 'team ${env:TEAM} role' }],
    });
    const loaded = loadConfigFile(write('broker.yaml', stringify(c)), { ROLE_NAME: 'Deployer', TEAM: 'blue' });
    expect(loaded.config.users[0]!.accessKeys[0]!.secret).toBe('from-a-file-0123456789');
    expect(loaded.config.roles[0]!.name).toBe('Deployer');
    expect(loaded.config.roles[0]!.description).toBe('team blue role');
  });

  it('the prefix is case-insensitive (a typo must not become a literal secret); IAM policy variables are left alone', () => {
    const c = config({
      users: [{ name: 'portal', accessKeys: [{ id: 'AKIAPORTAL0000000001', secret: '${ENV:PORTAL_SECRET}' }] }],
      policies: [{ name: 'Home', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::home/${aws:username}/*' }] } }],
      roles: [],
    });
    const loaded = loadConfigFile(write('broker.yaml', stringify(c)), { PORTAL_SECRET: 'portal-secret-0123456789' });
    expect(loaded.config.users[0]!.accessKeys[0]!.secret).toBe('portal-secret-0123456789');
    expect(JSON.stringify(loaded.config.policies[0]!.document)).toContain('home/${aws:username}/*');
  });

  it('a missing variable → an error naming the key path and the variable', () => {
    const e = configError(() => loadConfigFile(write('broker.yaml', stringify(config())), {}));
    expect(e.issues).toEqual([{ path: 'users[0].accessKeys[0].secret', message: 'environment variable PORTAL_SECRET is not set' }]);
    expect(e.message).toContain('users[0].accessKeys[0].secret');
  });

  it('an unreadable ${file:} → an error naming the key path', () => {
    const c = config({ users: [{ name: 'portal', accessKeys: [{ id: 'AKIAPORTAL0000000001', secret: '${file:nope/secret.txt}' }] }] });
    const e = configError(() => loadConfigFile(write('broker.yaml', stringify(c)), {}));
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]!.path).toBe('users[0].accessKeys[0].secret');
    expect(e.issues[0]!.message).toMatch(/cannot read file nope\/secret\.txt: ENOENT/);
  });

  it('a secret that fails validation is never shown in the error', () => {
    const secret = `S3cr3t-${'x'.repeat(200)}`;
    write('secret.txt', secret);
    const e1 = configError(() => loadConfigFile(write('a.yaml', stringify(config())), { PORTAL_SECRET: secret }));
    expect(e1.issues.map((i) => i.path)).toEqual(['users[0].accessKeys[0].secret']);
    expect(e1.message).not.toContain('S3cr3t');
    const c = config({ users: [{ name: 'portal', accessKeys: [{ id: 'AKIAPORTAL0000000001', secret: 'short-${file:secret.txt}' }] }] });
    const e2 = configError(() => loadConfigFile(write('b.yaml', stringify(c)), {}));
    expect(e2.message).not.toContain('S3cr3t');
    // A secret put where a different type is expected is not echoed either.
    const e3 = configError(() => loadConfigFile(write('c.yaml', stringify(config({ server: { host: '127.0.0.1', port: '${env:PORTAL_SECRET}' } }))), { PORTAL_SECRET: 'TopS3cretValue!' }));
    expect(e3.issues.map((i) => i.path)).toContain('server.port');
    expect(e3.message).not.toContain('TopS3cretValue');
  });
});

describe('PORT', () => {
  it('overrides server.port', () => {
    const loaded = loadConfigFile(write('broker.yaml', stringify(config({ server: { port: 8080 } }))), { PORTAL_SECRET: 'portal-secret-0123456789', PORT: '18443' });
    expect(loaded.config.server.port).toBe(18443);
    expect(loaded.publicUrl).toBe('http://localhost:18443');
  });

  it('a PORT that is not a port number → error at server.port', () => {
    const e = configError(() => loadConfigFile(write('broker.yaml', stringify(config())), { PORTAL_SECRET: 'portal-secret-0123456789', PORT: 'eighty' }));
    expect(e.issues).toEqual([{ path: 'server.port', message: 'PORT=eighty is not a port number' }]);
  });
});

describe('errors name the exact key path', () => {
  it('inside a trust policy: roles[2].trustPolicy.Statement[0].Effect', async () => {
    const bad = { Version: '2012-10-17', Statement: [{ Effect: 'Permit', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }] };
    const c = config({
      roles: [
        { name: 'One', trustPolicy: accountTrust },
        { name: 'Two', trustPolicy: accountTrust },
        { name: 'Three', trustPolicy: bad },
      ],
    });
    const e = await modelError(write('broker.yaml', stringify(c)));
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]!.path).toBe('roles[2].trustPolicy.Statement[0].Effect');
    expect(e.issues[0]!.message).toMatch(/Permit/);
    expect(e.message).toContain('roles[2].trustPolicy.Statement[0].Effect');
  });

  it('schema problems: a value out of range, a typo in a key, a wrong type — each with its path', () => {
    const c = config({
      roles: [
        { name: 'Ok', trustPolicy: accountTrust },
        { name: 'TooLong', trustPolicy: accountTrust, maxSessionDuration: 50_000 },
        { name: 'Typo', trustPolicy: accountTrust, maxSesionDuration: 3600 },
      ],
      limits: { requestsPerMinutePerIp: 'many' },
      account: { id: '1234' },
    });
    const e = configError(() => loadConfigFile(write('broker.yaml', stringify(c)), { PORTAL_SECRET: 'portal-secret-0123456789' }));
    const paths = e.issues.map((i) => i.path);
    expect(paths).toContain('roles[1].maxSessionDuration');
    expect(paths).toContain('limits.requestsPerMinutePerIp');
    expect(paths).toContain('account.id');
    const typo = e.issues.find((i) => i.path === 'roles[2]' || i.path.startsWith('roles[2]'));
    expect(typo?.message).toMatch(/maxSesionDuration/);
  });

  it('identity providers: untrusted transport and unsafe algorithms are refused at load, with the key path', async () => {
    const providers = [
      { type: 'oidc', issuer: 'https://idp.example.com', clientIds: ['app'], jwksUri: 'http://idp.example.com/jwks' },
      { type: 'oidc', issuer: 'https://other.example.com', clientIds: ['app'], allowedAlgorithms: ['RS256', 'HS256'] },
      { type: 'saml', name: 'Corp', metadata: 'http://idp.example.com/metadata' },
      { type: 'saml', name: 'Corp2', metadata: 'ftp://idp.example.com/metadata' },
    ];
    const e = await modelError(write('broker.yaml', stringify(config({ identityProviders: providers }))));
    const byPath = new Map(e.issues.map((i) => [i.path, i.message]));
    expect(byPath.get('identityProviders[0].jwksUri')).toMatch(/https/);
    expect(byPath.get('identityProviders[1].allowedAlgorithms')).toMatch(/HS256 is not accepted/);
    expect(byPath.get('identityProviders[2].metadata')).toMatch(/must use https \(http is allowed only on loopback/);
    expect(byPath.get('identityProviders[3].metadata')).toMatch(/cannot read metadata file/); // not http(s): a file path
  });

  it('a SAML provider name follows IAM: [\\w.-], no + or comma (a comma would make Role values ambiguous)', () => {
    const saml = (name: string) => config({ identityProviders: [{ type: 'saml', name, metadata: 'md.xml' }] });
    for (const name of ['Corp+EU', 'Corp,EU', 'x'.repeat(129)]) {
      const e = configError(() => loadConfigFile(write('broker.yaml', stringify(saml(name))), { PORTAL_SECRET: 'portal-secret-0123456789' }));
      expect(e.issues.map((i) => i.path), name).toContain('identityProviders[0].name');
    }
  });

  it('a policy file given by path: problems are reported inside it', async () => {
    write('trust.json', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' } }] }));
    const e = await modelError(write('broker.yaml', stringify(config({ roles: [{ name: 'FromFile', trustPolicy: 'trust.json' }] }))));
    expect(e.issues[0]!.path).toMatch(/^roles\[0\]\.trustPolicy/);
    expect(e.issues[0]!.message).toMatch(/action/i);
  });
});

describe('a broken configuration never serves', () => {
  it('`fedbroker serve --config bad.yaml` exits non-zero, names the path, and never listens', async () => {
    const port = await freePort();
    const bad = {
      ...config({ roles: [{ name: 'A', trustPolicy: accountTrust }, { name: 'B', trustPolicy: accountTrust }, { name: 'C', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Sometimes', Principal: '*', Action: 'sts:AssumeRole' }] } }] }),
      server: { host: '127.0.0.1', port },
    };
    const file = write('bad.yaml', stringify(bad));
    const r = await fedbroker(['serve', '--config', file], { env: { PORTAL_SECRET: 'portal-secret-0123456789' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('roles[2].trustPolicy.Statement[0].Effect');
    expect(r.stdout).not.toMatch(/listening/);
    // Nothing listens on the configured port.
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  it('`fedbroker serve` with a missing variable exits non-zero naming the key, not the value', async () => {
    const file = write('broker.yaml', stringify(config()));
    const r = await fedbroker(['serve', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('users[0].accessKeys[0].secret: environment variable PORTAL_SECRET is not set');
  });

  it('an empty FEDBROKER_CONFIG counts as unset', () => {
    expect(configPathFrom(undefined, { FEDBROKER_CONFIG: '' }, dir)).toBe(join(dir, 'config', 'broker.yaml'));
    expect(configPathFrom(undefined, { FEDBROKER_CONFIG: 'x.yaml' }, dir)).toBe(join(dir, 'x.yaml'));
    expect(configPathFrom('y.yaml', { FEDBROKER_CONFIG: 'x.yaml' }, dir)).toBe(join(dir, 'y.yaml'));
  });

  it('FEDBROKER_CONFIG chooses the file when --config is absent', async () => {
    const file = write('chosen.yaml', stringify({ ...config(), account: { id: 'not-an-account' } }));
    const r = await fedbroker(['check-config'], { env: { FEDBROKER_CONFIG: file, PORTAL_SECRET: 'portal-secret-0123456789' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('chosen.yaml');
    expect(r.stderr).toContain('account.id');
  });
});
