/**
 * security.md "JWKS endpoint down or slow → … IDPCommunicationError within a few seconds (timeouts
 * set)", even while the garbage collector runs: the deadline must not depend on an object nothing
 * holds (an AbortSignal.timeout() referenced only by AbortSignal.any() could be collected, and the
 * fetch then hung for minutes).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('a JWKS endpoint that never answers fails the request at the deadline, with garbage collection running', async () => {
  const child = join(import.meta.dirname, 'fixtures/jwks-deadline-child.ts');
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['--expose-gc', '--import', 'tsx', child], { timeout: 30_000 }, (error, out) => (error ? reject(error) : resolve(out))),
  );
  const result = JSON.parse(stdout) as { outcome: string; ms: number };
  expect(result.outcome).toMatch(/^rejected /);
  expect(result.ms).toBeLessThan(5000);
}, 40_000);
