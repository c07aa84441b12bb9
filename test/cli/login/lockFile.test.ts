/**
 * The lock of `fedbroker login` (one device flow, one refresh at a time — two refreshes of one token
 * would end the CLI session by reuse detection). Found by review: a holder that stalled past the
 * stale age (a laptop asleep) was taken over, and on waking removed its successor's lock, letting a
 * third login in beside the second.
 */
import { existsSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { withLock } from '../../../src/cli/login/lockFile.js';

const dir = mkdtempSync(join(tmpdir(), 'fedbroker-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A promise and the function that settles it. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe('withLock', () => {
  it('one holder at a time; a waiter gets the lock when it is released', async () => {
    const path = join(dir, 'simple.lock');
    const order: string[] = [];
    const first = gate();
    const a = withLock(path, 5_000, async () => {
      order.push('a in');
      await first.wait;
      order.push('a out');
    });
    await sleep(50);
    const b = withLock(path, 5_000, async () => void order.push('b in'));
    await sleep(300);
    expect(order).toEqual(['a in']);
    first.open();
    await Promise.all([a, b]);
    expect(order).toEqual(['a in', 'a out', 'b in']);
    expect(existsSync(path)).toBe(false);
  });

  it("a stalled holder taken over does not remove its successor's lock when it wakes", async () => {
    const path = join(dir, 'stalled.lock');
    const holders = new Set<string>();
    let overlap = false;
    const enter = (name: string) => {
      if (holders.size > 0) overlap = true;
      holders.add(name);
    };
    const aWakes = gate();
    const bDone = gate();
    const a = withLock(path, 5_000, async () => {
      enter('a');
      // A stalls: its lock looks a minute old to the others.
      const old = new Date(Date.now() - 60_000);
      utimesSync(path, old, old);
      await aWakes.wait;
      holders.delete('a');
    });
    await sleep(50);
    const b = withLock(path, 5_000, async () => {
      enter('b');
      await bDone.wait;
      holders.delete('b');
    });
    await sleep(300);
    expect(holders.has('b')).toBe(true);
    // A wakes and finishes while B holds the lock; then C comes.
    aWakes.open();
    await a;
    let cIn = false;
    const c = withLock(path, 5_000, async () => {
      cIn = true;
      enter('c');
      holders.delete('c');
    });
    await sleep(300);
    expect(cIn).toBe(false);
    bDone.open();
    await Promise.all([b, c]);
    expect(cIn).toBe(true);
    expect(overlap).toBe(true); // A and B overlapped: that is what a stale takeover is
    expect(existsSync(path)).toBe(false);
  });
});
