/**
 * Summaries and printing: medians over rounds, the results table, PASS/FAIL lines, and the change
 * against the previous run.
 */
import { round } from './procs.mjs';

export const median = (xs) => {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};

const fmtInt = (n) => (typeof n === 'number' && Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const fmtMs = (n) => (typeof n === 'number' && Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : '—');
const fmtRatio = (n) => (typeof n === 'number' && Number.isFinite(n) ? n.toFixed(2) : '—');
const pad = (s, n, left = false) => (left ? String(s).padEnd(n) : String(s).padStart(n));

export function printTable(paths, log = console.log) {
  const head =
    `${pad('Path', 26, true)} ${pad('rps', 8)} ${pad('p50ms', 7)} ${pad('p99ms', 7)} ${pad('req/CPUs', 9)} | ` +
    `${pad('baseline', 20, true)} ${pad('rps', 8)} ${pad('p50ms', 7)} ${pad('p99ms', 7)} ${pad('req/CPUs', 9)} | ${pad('ratio', 5)} ${pad('cpu-r', 5)}`;
  log(head);
  log('-'.repeat(head.length));
  for (const p of paths) {
    if (!p.measured) {
      log(`${pad(p.name, 26, true)} not measured: ${p.reason}`);
      continue;
    }
    log(
      `${pad(p.name, 26, true)} ${pad(fmtInt(p.rps), 8)} ${pad(fmtMs(p.p50Ms), 7)} ${pad(fmtMs(p.p99Ms), 7)} ${pad(fmtInt(p.reqPerCpuS), 9)} | ` +
        `${pad(p.baseline, 20, true)} ${pad(fmtInt(p.baselineRps), 8)} ${pad(fmtMs(p.baselineP50Ms), 7)} ${pad(fmtMs(p.baselineP99Ms), 7)} ${pad(fmtInt(p.baselineReqPerCpuS), 9)} | ` +
        `${pad(fmtRatio(p.ratio), 5)} ${pad(fmtRatio(p.cpuRatio), 5)}` +
        (p.baselineGeneratorBound ? `  (baseline held back by the generator: ${p.baselineCpuUtil} CPU)` : ''),
    );
  }
}

/** One line per path: how this run compares with the previous latest.json. */
export function printChange(results, previous, log = console.log) {
  const { paths } = results;
  if (!previous?.paths) {
    log('No previous run to compare with (bench/results/previous.json).');
    return;
  }
  const pct = (a, b) => (typeof a === 'number' && typeof b === 'number' && b > 0 ? `${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(0)}%` : 'n/a');
  log(`Change against the previous run (${previous.machine?.date ?? 'unknown date'}):`);
  for (const p of paths) {
    const q = previous.paths.find((x) => x.name === p.name);
    if (!q || !p.measured || !q.rps) {
      log(`  ${pad(p.name, 26, true)} ${p.measured ? 'no previous figure' : 'not measured'}`);
      continue;
    }
    log(
      `  ${pad(p.name, 26, true)} rps ${fmtInt(q.rps)} → ${fmtInt(p.rps)} (${pct(p.rps, q.rps)}), ratio ${fmtRatio(q.ratio)} → ${fmtRatio(p.ratio)}, ` +
        `req/CPU-s ${fmtInt(q.reqPerCpuS)} → ${fmtInt(p.reqPerCpuS)} (${pct(p.reqPerCpuS, q.reqPerCpuS)})`,
    );
  }
  const growth = (m) => m?.troughGrowthMB ?? m?.growthMB;
  if (growth(previous.memory) !== undefined) log(`  ${pad('memory growth (RSS troughs)', 26, true)} ${growth(previous.memory)} MB → ${growth(results.memory) ?? 'n/a'} MB`);
}

export const PASS = (ok) => (ok === undefined ? 'N/A ' : ok ? 'PASS' : 'FAIL');

export { fmtInt, fmtMs, fmtRatio, round };
