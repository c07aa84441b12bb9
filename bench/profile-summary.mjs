#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (from `BENCH_CPU_PROF=1 npm run bench`, i.e. the broker run with
 * `node --cpu-prof`): top functions by self time, and self time grouped by package / source file.
 *
 *   node bench/profile-summary.mjs bench/results/profiles/CPU.….cpuprofile [--top 30] [--inclusive fnA,fnB]
 *
 * --inclusive: for each named function, the share of busy time spent in it or in what it calls
 * (samples whose stack contains it), and the callers of the hottest self-time functions.
 */
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const topIndex = args.indexOf('--top');
const TOP = topIndex >= 0 ? Number(args[topIndex + 1]) : 30;
const incIndex = args.indexOf('--inclusive');
const INCLUSIVE = incIndex >= 0 ? args[incIndex + 1].split(',') : [];
const files = args.filter((a, i) => !a.startsWith('--') && (topIndex < 0 || i !== topIndex + 1) && (incIndex < 0 || i !== incIndex + 1));
if (files.length === 0) {
  console.error('usage: node bench/profile-summary.mjs FILE.cpuprofile [--top N]');
  process.exit(2);
}

function where(url) {
  if (!url) return '(native/V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

for (const file of files) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = prof.timeDeltas;
  for (let i = 0; i < prof.samples.length; i++) self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (dt[i] ?? 0));
  let total = 0;
  let idle = 0;
  const byFn = new Map();
  const byWhere = new Map();
  for (const [id, us] of self) {
    const n = byId.get(id);
    const cf = n.callFrame;
    total += us;
    if (cf.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const key = `${cf.functionName || '(anonymous)'}  ${where(cf.url)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
    const w = where(cf.url);
    byWhere.set(w, (byWhere.get(w) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us) => `${((us / busy) * 100).toFixed(1).padStart(5)}%`;
  console.log(`\n${file}\n  sampled ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (percentages of busy time)`);
  console.log(`\n  Top ${TOP} functions by self time:`);
  for (const [k, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`  ${pct(us)}  ${k}`);
  console.log(`\n  Self time by package / file:`);
  for (const [k, us] of [...byWhere].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`  ${pct(us)}  ${k}`);

  if (INCLUSIVE.length > 0) {
    const parent = new Map();
    for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const inc = new Map(INCLUSIVE.map((f) => [f, 0]));
    for (const [id, us] of self) {
      if (byId.get(id).callFrame.functionName === '(idle)') continue;
      const seen = new Set();
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
        const fn = byId.get(cur).callFrame.functionName;
        if (inc.has(fn) && !seen.has(fn)) {
          seen.add(fn);
          inc.set(fn, inc.get(fn) + us);
        }
      }
    }
    console.log(`\n  Inclusive time (function and everything it calls):`);
    for (const [k, us] of inc) console.log(`  ${pct(us)}  ${k}`);
  }
  // Who calls the hottest self-time frames (first named non-internal ancestor).
  const parentOf = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const hottest = [...self].filter(([id]) => byId.get(id).callFrame.functionName !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log(`\n  Callers of the hottest frames:`);
  for (const [id, us] of hottest) {
    const chain = [];
    for (let cur = parentOf.get(id); cur !== undefined && chain.length < 6; cur = parentOf.get(cur)) {
      const cf = byId.get(cur).callFrame;
      if (cf.functionName) chain.push(`${cf.functionName}(${where(cf.url)})`);
    }
    const cf = byId.get(id).callFrame;
    console.log(`  ${pct(us)}  ${cf.functionName || '(anonymous)'} ${where(cf.url)}:${cf.lineNumber + 1} ← ${chain.join(' ← ')}`);
  }
}
