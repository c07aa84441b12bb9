/**
 * Wrong user codes at the approval page are counted per browser and per client address (sso.md,
 * security.md): beyond the limit within the window, no code is looked up at all — not even a right
 * one — until the window has passed. In memory, per instance, bounded (the oldest entries go first).
 * A user code is 8 letters of 20 (2.6·10^10), lives 10 minutes and works once: 10 tries per browser
 * and 50 per address in 10 minutes leave guessing hopeless.
 */
export interface GuessLimits {
  readonly perBrowser: number;
  readonly perAddress: number;
  readonly windowMs: number;
}

export const DEFAULT_GUESS_LIMITS: GuessLimits = { perBrowser: 10, perAddress: 50, windowMs: 10 * 60_000 };
const MAX_KEYS = 50_000;

export class GuessLimiter {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(private readonly limits: GuessLimits = DEFAULT_GUESS_LIMITS) {}

  /** May this browser (its key, if any) at this address try a code now? */
  allowed(browser: string | undefined, address: string, nowMs = Date.now()): boolean {
    if (this.count(`a:${address}`, nowMs) >= this.limits.perAddress) return false;
    return browser === undefined || this.count(`b:${browser}`, nowMs) < this.limits.perBrowser;
  }

  /** A wrong (unknown, expired or used) code was entered. */
  failed(browser: string | undefined, address: string, nowMs = Date.now()): void {
    this.bump(`a:${address}`, nowMs);
    if (browser !== undefined) this.bump(`b:${browser}`, nowMs);
  }

  private count(key: string, nowMs: number): number {
    const entry = this.failures.get(key);
    return entry !== undefined && nowMs - entry.since < this.limits.windowMs ? entry.count : 0;
  }

  private bump(key: string, nowMs: number): void {
    const entry = this.failures.get(key);
    if (entry !== undefined && nowMs - entry.since < this.limits.windowMs) {
      entry.count++;
      return;
    }
    this.failures.delete(key);
    if (this.failures.size >= MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
    this.failures.set(key, { count: 1, since: nowMs });
  }
}
