/**
 * `npm run loadtest` (quality.md: a bounded loopback load at the benchmark's concurrency ends with
 * zero 5xx), shortened to a few seconds and run from the current source, with one worker and with
 * two: the tool runs and the broker passes it.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/fedbrokerCli.js';

function loadtest(workers: number): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, 'bench/loadtest.mjs')],
      { cwd: REPO_ROOT, timeout: 150_000, env: { ...process.env, LOADTEST_DURATION: '4', LOADTEST_WORKERS: String(workers), LOADTEST_FROM_SOURCE: '1' } },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out: stdout + stderr }),
    );
  });
}

for (const workers of [1, 2]) {
  it(`${workers} worker(s): 50 connections of mixed requests, zero 5xx, no socket error, a short report`, async () => {
    const r = await loadtest(workers);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^PASS {2}zero 5xx \(0\)/m);
    expect(r.out).toMatch(/statuses \{"200":\d+,"302":\d+\}/);
  }, 180_000);
}
