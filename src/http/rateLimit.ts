/**
 * Per-client-IP request rate limit (limits.requestsPerMinutePerIp): a token bucket per address,
 * O(1) per request, idle buckets forgotten by a periodic sweep so memory stays bounded.
 */
const REPORT_EVERY_MS = 60_000;

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; last: number }>();
  /** When each address's refusals were last reported (audited), epoch ms. */
  private readonly reported = new Map<string, number>();
  private perMinute: number;
  private refillPerMs: number;
  private readonly timer: NodeJS.Timeout;

  /** `perMinute` 0 disables the limit. */
  constructor(perMinute: number) {
    this.perMinute = perMinute;
    this.refillPerMs = perMinute / 60_000;
    this.timer = setInterval(() => this.sweep(Date.now()), 60_000);
    this.timer.unref();
  }

  /** A new limit (configuration reload); existing buckets are capped to it. */
  setLimit(perMinute: number): void {
    this.perMinute = perMinute;
    this.refillPerMs = perMinute / 60_000;
    for (const b of this.buckets.values()) b.tokens = Math.min(b.tokens, perMinute);
  }

  /** True when the request may proceed; false when the client is over its limit. */
  take(ip: string, now = Date.now()): boolean {
    if (this.perMinute <= 0) return true;
    let bucket = this.buckets.get(ip);
    if (bucket === undefined) {
      bucket = { tokens: this.perMinute, last: now };
      this.buckets.set(ip, bucket);
    } else {
      bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.last) * this.refillPerMs);
      bucket.last = now;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /**
   * True for the first refusal of `ip` in a minute. A refused request must stay cheap — a flood must not
   * turn into as many audit writes — so only that one is worth an audit event; the others are counted
   * (fedbroker_rate_limited_total).
   */
  firstRefusal(ip: string, now = Date.now()): boolean {
    const last = this.reported.get(ip);
    if (last !== undefined && now - last < REPORT_EVERY_MS) return false;
    this.reported.set(ip, now);
    return true;
  }

  /** Buckets that are full again carry no information. */
  sweep(now: number): void {
    for (const [ip, b] of this.buckets) {
      if (b.tokens + (now - b.last) * this.refillPerMs >= this.perMinute) this.buckets.delete(ip);
    }
    for (const [ip, at] of this.reported) if (now - at >= REPORT_EVERY_MS) this.reported.delete(ip);
  }

  close(): void {
    clearInterval(this.timer);
  }
}
