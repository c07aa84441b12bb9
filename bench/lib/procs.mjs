/**
 * Child processes and temporary folders of one benchmark run, and what we read about a process from
 * /proc. Everything started or created here is registered and torn down by `cleanup()`, which run.mjs
 * calls on normal exit, on failure and on SIGINT/SIGTERM.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const children = new Set();
const tempDirs = new Set();

export function tempDir(prefix = 'fedbroker-bench-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/**
 * Spawns `cmd args` pinned to `cpu` (taskset execs the command, so the pid is the command's own).
 * stdout/stderr go to `logFile` when given. Returns { child, pid, exited: Promise<{code, signal}> }.
 */
export function spawnPinned(cpu, cmd, args, { env = process.env, cwd, logFile, stdio } = {}) {
  let out = 'ignore';
  let fd;
  if (logFile) {
    fd = openSync(logFile, 'a');
    out = fd;
  }
  const child = spawn('taskset', ['-c', String(cpu), cmd, ...args], { env, cwd, stdio: stdio ?? ['ignore', out, out] });
  if (fd !== undefined) closeSync(fd);
  children.add(child);
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
    child.once('error', (e) => {
      children.delete(child);
      resolve({ code: -1, signal: null, error: e });
    });
  });
  return { child, pid: child.pid, exited };
}

/** SIGTERM, then SIGKILL after `graceMs`. Resolves when the process is gone. */
export async function stopChild(proc, graceMs = 5000) {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return proc?.exited;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  const r = await proc.exited;
  clearTimeout(timer);
  return r;
}

/** Synchronous last-resort clean-up (process 'exit' handler): kill what is left, remove temp dirs. */
export function cleanupSync() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

export async function cleanup() {
  await Promise.all([...children].map((child) => stopChild({ child, exited: new Promise((r) => child.once('exit', r)) }, 3000)));
  cleanupSync();
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

let clockTicks;
function ticksPerSecond() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU seconds (user + system, all threads) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid) {
  const { user, sys } = cpuTimes(pid);
  return user + sys;
}

/** { user, sys } CPU seconds of a process (all threads), from /proc/<pid>/stat. */
export function cpuTimes(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces: fields after the closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / ticksPerSecond(), sys: Number(fields[12]) / ticksPerSecond() };
}

/** The pids of a process's children (a cluster primary's workers). */
export function childPids(pid) {
  const out = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text !== '') out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    /* gone */
  }
  return out;
}

/** cpuTimes of a process and its child processes (a cluster broker: the primary and its workers). */
export function cpuTimesTree(pid) {
  const total = { user: 0, sys: 0 };
  for (const p of [pid, ...childPids(pid)]) {
    try {
      const t = cpuTimes(p);
      total.user += t.user;
      total.sys += t.sys;
    } catch {
      /* exited meanwhile */
    }
  }
  return total;
}

/** { rssMB, hwmMB } from /proc/<pid>/status. */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMB: round(kb('VmRSS') / 1024, 1), hwmMB: round(kb('VmHWM') / 1024, 1) };
}

/** Per-core jiffies from /proc/stat: { cpuN: { busy, idle, steal, total } }. */
export function coreTimes() {
  const out = {};
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const m = /^(cpu\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = m[2].split(' ').map(Number);
    out[m[1]] = { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal: steal ?? 0, total: user + nice + system + idle + iowait + irq + softirq + (steal ?? 0) };
  }
  return out;
}

/** Shares of busy / steal time per core between two coreTimes() snapshots. */
export function coreShares(before, after) {
  const out = {};
  for (const k of Object.keys(after)) {
    const d = (f) => after[k][f] - (before[k]?.[f] ?? 0);
    const total = d('total');
    out[k] = total > 0 ? { busy: round(d('busy') / total, 2), steal: round(d('steal') / total, 2) } : { busy: 0, steal: 0 };
  }
  return out;
}

export function loadAverage() {
  const [one, five, fifteen] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  return { one, five, fifteen };
}

export const round = (n, digits = 0) => {
  if (typeof n !== 'number' || !Number.isFinite(n)) return n;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `url` until it answers `status` (default 200). Rejects after `timeoutMs`, or as soon as
 * `proc` exits. Resolves with the milliseconds waited.
 */
export async function waitForHttp(url, { timeoutMs = 30_000, intervalMs = 10, status = 200, proc } = {}) {
  const started = performance.now();
  let exited = false;
  proc?.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`process exited before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === status) return performance.now() - started;
    } catch {
      /* not listening yet */
    }
    if (performance.now() - started > timeoutMs) throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}
