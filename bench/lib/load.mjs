/**
 * Orchestrator side of a load run: writes the spec, starts loadgen.mjs pinned to the generator core,
 * and samples the server's CPU time (from /proc) around the run, so every result also says how many
 * requests the server answered per CPU-second it used.
 */
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { coreShares, coreTimes, cpuTimesTree, memoryOf, spawnPinned } from './procs.mjs';

const LOADGEN = join(dirname(fileURLToPath(import.meta.url)), 'loadgen.mjs');
let specCounter = 0;

/**
 * @param spec loadgen spec (see loadgen.mjs)
 * @param o { serverPid, cpu (generator core), dir (for the spec file) }
 */
export async function runLoad(spec, { serverPid, cpu, dir, sampleRssMs }) {
  const specFile = join(dir, `load-${++specCounter}.json`);
  writeFileSync(specFile, JSON.stringify(spec));
  const proc = spawnPinned(cpu, process.execPath, [LOADGEN, specFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.child.stdout.on('data', (d) => (stdout += d));
  proc.child.stderr.on('data', (d) => (stderr += d));
  // The server is idle until the generator connects, so sampling CPU now rather than at the first
  // request changes nothing: requests per CPU-second divides by CPU used, not by wall time.
  // With its child processes: a cluster broker's workers do the work.
  const cpuBefore = serverPid ? cpuTimesTree(serverPid) : undefined;
  const coresBefore = coreTimes();
  // Optional: the server's RSS every `sampleRssMs` while the load runs.
  const rssSamples = [];
  const sampler = sampleRssMs && serverPid ? setInterval(() => rssSamples.push(memoryOf(serverPid).rssMB), sampleRssMs) : undefined;
  const { code } = await proc.exited;
  if (sampler) clearInterval(sampler);
  const cpuAfter = serverPid ? cpuTimesTree(serverPid) : undefined;
  const cores = coreShares(coresBefore, coreTimes());
  const line = stdout.trim().split('\n').pop() ?? '';
  let result;
  try {
    result = JSON.parse(line);
  } catch {
    throw new Error(`load generator failed (exit ${code}): ${stderr.slice(-2000) || stdout.slice(-2000)}`);
  }
  if (result.error) throw new Error(`load generator failed: ${result.error}`);
  // Whole-core shares over the run (any process): is the generator's core saturated, is there steal?
  result.cores = cores;
  if (sampler) result.rssSamples = rssSamples;
  if (serverPid) {
    result.serverUserS = cpuAfter.user - cpuBefore.user;
    result.serverSysS = cpuAfter.sys - cpuBefore.sys;
    result.serverCpuS = result.serverUserS + result.serverSysS;
    result.serverSysShare = result.serverCpuS > 0 ? result.serverSysS / result.serverCpuS : 0;
    result.serverCpuUtil = result.durationS > 0 ? result.serverCpuS / result.durationS : 0;
    result.reqPerCpuS = result.serverCpuS > 0 ? result.total / result.serverCpuS : 0;
  }
  return result;
}
