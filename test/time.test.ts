/** isoSeconds: AWS's second-precision ISO 8601, and the same answer from its cache of recent seconds. */
import { expect, it } from 'vitest';
import { isoSeconds } from '../src/time.js';

it('formats to the second, whatever the milliseconds, and the cache never answers for another second', () => {
  const base = Date.UTC(2026, 10, 25, 21, 5, 39);
  expect(isoSeconds(base)).toBe('2026-11-25T21:05:39Z');
  expect(isoSeconds(base + 999)).toBe('2026-11-25T21:05:39Z');
  expect(isoSeconds(new Date(base + 1000))).toBe('2026-11-25T21:05:40Z');
  for (let i = 0; i < 50; i++) {
    const t = base + i * 3_600_000 + (i % 7) * 137;
    expect(isoSeconds(t)).toBe(`${new Date(Math.floor(t / 1000) * 1000).toISOString().slice(0, 19)}Z`);
    expect(isoSeconds(base)).toBe('2026-11-25T21:05:39Z');
  }
  expect(isoSeconds(Date.UTC(10000, 0, 1))).toBe('+010000-01-01T00:00:00Z');
  expect(() => isoSeconds(Number.NaN)).toThrow(RangeError);
});
