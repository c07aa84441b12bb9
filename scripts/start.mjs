#!/usr/bin/env node
/**
 * `npm start` / `npm run fedbroker`: runs the built command (dist/, compiled once by `npm install`'s
 * prepare step) at once. If a file under src/ (or the build's tsconfig) is newer than the build — a
 * `git pull`, an edit — it rebuilds first and says so, so a stale dist/ never silently runs old code.
 * The check is one stat per source file (a few milliseconds).
 *
 * package.json runs it with `exec`, so this process is the one `npm start` started: a SIGTERM sent to
 * npm (systemd, Docker, Kubernetes) reaches the broker, which drains and exits.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const main = join(root, 'dist/cli/main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function stale() {
  if (!existsSync(main)) return 'there is no build yet (dist/)';
  if (!existsSync(join(root, 'src'))) return undefined;
  const built = statSync(main).mtimeMs;
  const config = ['tsconfig.json', 'tsconfig.build.json'].map((f) => join(root, f)).filter(existsSync);
  const newest = Math.max(newestSource(join(root, 'src')), ...config.map((f) => statSync(f).mtimeMs));
  return newest > built ? 'src/ changed since the last build' : undefined;
}

const reason = stale();
if (reason !== undefined) {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  if (!existsSync(tsc)) {
    process.stderr.write(`fedbroker: ${reason}, and TypeScript is not installed to rebuild it: run \`npm install\` (or \`npm run build\`).\n`);
    process.exit(1);
  }
  process.stderr.write(`fedbroker: ${reason}: building (npm run build)…\n`);
  const build = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    process.stderr.write('fedbroker: the build failed (see above); not starting old code.\n');
    process.exit(build.status ?? 1);
  }
}

await import(pathToFileURL(main).href);
