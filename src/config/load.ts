/**
 * Reading the configuration file: YAML or JSON → `${env:}`/`${file:}` resolution → schema validation →
 * derived defaults and absolute paths. Every problem is collected with its key path; a broken config
 * never reaches the server.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument, type YAMLError } from 'yaml';
import { codeFrame, ConfigError, formatPath, type ConfigIssue } from './configError.js';
import { interpolate } from './interpolate.js';
import { configSchema, type RawConfig } from './schema.js';

export const DEFAULT_CONFIG_PATH = 'config/broker.yaml';

export interface LoadedConfig {
  /** Absolute path of the configuration file. */
  readonly file: string;
  /** Its folder: relative paths in the file are relative to it. */
  readonly baseDir: string;
  /** The validated configuration, with every file path made absolute. */
  readonly config: RawConfig;
  /** External base URL without a trailing slash. */
  readonly publicUrl: string;
  /** SAML Assertion Consumer Service URL: {publicUrl}/saml. */
  readonly acsUrl: string;
  /** SAML SP entity id. */
  readonly samlEntityId: string;
}

/** Which file to read: --config, then FEDBROKER_CONFIG, then config/broker.yaml under the working directory. */
export function configPathFrom(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  // An empty FEDBROKER_CONFIG counts as unset (as shells leave it after `FEDBROKER_CONFIG= cmd`).
  return resolve(cwd, explicit ?? (env['FEDBROKER_CONFIG'] || DEFAULT_CONFIG_PATH));
}

export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const absolute = resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (e) {
    throw new ConfigError([{ path: '', message: `cannot read ${absolute}: ${(e as NodeJS.ErrnoException).code ?? 'error'}` }]);
  }
  return loadConfigText(text, absolute, env);
}

export function loadConfigText(text: string, file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const baseDir = dirname(resolve(file));
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) throw new ConfigError([yamlSyntaxIssue(doc.errors[0]!, text)], file);
  const parsed: unknown = doc.toJS({ maxAliasCount: 50 }) ?? {};

  const issues: ConfigIssue[] = [];
  const resolved = interpolate(parsed, baseDir, env, issues) as Record<string, unknown>;
  if (issues.length > 0) throw new ConfigError(issues, file);

  applyEnvironmentOverrides(resolved, env, issues);
  if (issues.length > 0) throw new ConfigError(issues, file);

  const result = configSchema.safeParse(resolved);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
      file,
    );
  }
  const config = absolutize(result.data, baseDir);
  const publicUrl = (config.server.publicUrl ?? defaultPublicUrl(config.server.host, config.server.port)).replace(/\/+$/, '');
  return {
    file: resolve(file),
    baseDir,
    config,
    publicUrl,
    acsUrl: `${publicUrl}/saml`,
    samlEntityId: config.saml.entityId ?? `${publicUrl}/saml/metadata`,
  };
}

/**
 * The first YAML syntax error (those after it are mostly its echoes), with its line, column and the
 * lines around it. The parser's own message ends in "at line L, column C:" followed by its context.
 */
function yamlSyntaxIssue(error: YAMLError, text: string): ConfigIssue {
  const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
  const position = error.linePos?.[0];
  if (position === undefined) return { path: '', message: `YAML syntax error: ${reason}` };
  return { path: '', message: `YAML syntax error at line ${position.line}, column ${position.col}: ${reason}`, frame: codeFrame(text, position.line, position.col) };
}

function applyEnvironmentOverrides(config: Record<string, unknown>, env: NodeJS.ProcessEnv, issues: ConfigIssue[]): void {
  const port = env['PORT'];
  if (port === undefined || port === '') return;
  const n = Number(port);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    issues.push({ path: 'server.port', message: `PORT=${port} is not a port number` });
    return;
  }
  const server = (typeof config['server'] === 'object' && config['server'] !== null ? config['server'] : {}) as Record<string, unknown>;
  config['server'] = { ...server, port: n };
}

function defaultPublicUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' || host === '127.0.0.1' ? 'localhost' : host;
  return `http://${shown}:${port}`;
}

const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);

/** Relative paths in the file are relative to the file's folder. */
function absolutize(config: RawConfig, baseDir: string): RawConfig {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const document = <T>(d: T): T => (typeof d === 'string' ? (abs(d) as T) : d);
  return {
    ...config,
    keys: { dir: abs(config.keys.dir) },
    audit: { file: config.audit.file === null ? null : abs(config.audit.file) },
    identityProviders: config.identityProviders.map((p) =>
      p.type === 'saml'
        ? { ...p, metadata: isUrl(p.metadata) ? p.metadata : abs(p.metadata) }
        : { ...p, ...(p.jwksFile !== undefined ? { jwksFile: abs(p.jwksFile) } : {}) },
    ),
    policies: config.policies.map((p) => ({ ...p, document: document(p.document) })),
    roles: config.roles.map((r) => ({ ...r, trustPolicy: document(r.trustPolicy), inlinePolicies: r.inlinePolicies.map(document) })),
    users: config.users.map((u) => ({ ...u, inlinePolicies: u.inlinePolicies.map(document) })),
  };
}
