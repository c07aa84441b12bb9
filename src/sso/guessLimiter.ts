/**
 * Wrong user codes at the approval page are counted per person, per browser and per client address
 * (sso.md, security.md): beyond a limit within the window, no code is looked up at all — not even a
 * right one — until the window has passed. In memory, per instance, bounded (the oldest entries go
 * first). A user code is 8 letters of 20 (2.6·10^10), lives 10 minutes and works once: 10 tries per
 * person and browser and 50 per address in 10 minutes leave guessing hopeless.
 *
 * Why per person: only a signed-in person can enter codes, and a person cannot shed their identity the
 * way a browser sheds its cookie. It also keeps one insider behind a shared NAT from locking the whole
 * office out: their own 10 wrong codes stop them well before the address's 50.
 */
export interface GuessLimits {
  readonly perPerson: number;
  readonly perBrowser: number;
  readonly perAddress: number;
  readonly windowMs: number;
}

/** Who is guessing: the signed-in person's key, the browser's key (when it has one), the client address. */
export interface Guesser {
  readonly person: string;
  readonly browser: string | undefined;
  readonly address: string;
}

export const DEFAULT_GUESS_LIMITS: GuessLimits = { perPerson: 10, perBrowser: 10, perAddress: 50, windowMs: 10 * 60_000 };
const MAX_KEYS = 50_000;

export class GuessLimiter {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(private readonly limits: GuessLimits = DEFAULT_GUESS_LIMITS) {}

  /** May this guesser try a code now? */
  allowed(who: Guesser, nowMs = Date.now()): boolean {
    if (this.count(`a:${who.address}`, nowMs) >= this.limits.perAddress) return false;
    if (this.count(`p:${who.person}`, nowMs) >= this.limits.perPerson) return false;
    return who.browser === undefined || this.count(`b:${who.browser}`, nowMs) < this.limits.perBrowser;
  }

  /** A wrong (unknown, expired or used) code was entered. */
  failed(who: Guesser, nowMs = Date.now()): void {
    this.bump(`a:${who.address}`, nowMs);
    this.bump(`p:${who.person}`, nowMs);
    if (who.browser !== undefined) this.bump(`b:${who.browser}`, nowMs);
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
