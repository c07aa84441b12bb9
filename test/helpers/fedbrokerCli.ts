/**
 * Runs the real `fedbroker` command (src/cli/main.ts through tsx, i.e. the current source) as an
 * operator would, and collects its exit code and output. Never throws on a non-zero exit.
 *
 *   const r = await fedbroker(['check-config', file]);   // { code, stdout, stderr }
 *   const p = spawnFedbroker(['serve', '--config', file]); // a long-running child (serve)
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(REPO_ROOT, 'src/cli/main.ts');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment the CLI runs with: this process's, minus anything that would pick a config or port. */
function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of ['FEDBROKER_CONFIG', 'PORT', 'NODE_ENV']) if (!(k in extra)) delete env[k];
  return env;
}

export function fedbroker(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { cwd: options.cwd ?? REPO_ROOT, env: cliEnv(options.env), timeout: options.timeoutMs ?? 30_000, maxBuffer: 8 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolvePromise({ code, stdout, stderr });
      },
    );
  });
}

export interface ServeProcess {
  readonly child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** Resolves once a line of stdout matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<number | null>;
}

export function spawnFedbroker(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ServeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env: cliEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString('utf8');
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString('utf8');
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolveWait, reject) => {
        const check = () => {
          if (pattern.test(out)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolveWait();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; stdout: ${out.slice(-2000)}; stderr: ${err.slice(-2000)}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => {
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`process exited before ${pattern}; stdout: ${out.slice(-2000)}; stderr: ${err.slice(-2000)}`));
          }
        });
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * Writes `dir/broker.yaml` for commands that need no server (simulate, check-config): account
 * 123456789012, public URL https://broker.example.com, memory store, no audit file; `config` over it.
 */
export function writeOfflineConfig(dir: string, config: Record<string, unknown>): string {
  const file = join(dir, 'broker.yaml');
  const base = { server: { publicUrl: 'https://broker.example.com' }, account: { id: '123456789012' }, store: 'memory:', keys: { dir: 'keys' }, audit: { file: null } };
  writeFileSync(file, stringify({ ...base, ...config }));
  return file;
}
