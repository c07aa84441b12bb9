/**
 * Per-client-IP request rate limit (limits.requestsPerMinutePerIp): a token bucket per address,
 * O(1) per request, idle buckets forgotten by a periodic sweep so memory stays bounded.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; last: number }>();
  private readonly refillPerMs: number;
  private readonly timer: NodeJS.Timeout | undefined;

  /** `perMinute` 0 disables the limit. */
  constructor(private readonly perMinute: number) {
    this.refillPerMs = perMinute / 60_000;
    if (perMinute > 0) {
      this.timer = setInterval(() => this.sweep(Date.now()), 60_000);
      this.timer.unref();
    }
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

  /** Buckets that are full again carry no information. */
  sweep(now: number): void {
    for (const [ip, b] of this.buckets) {
      if (b.tokens + (now - b.last) * this.refillPerMs >= this.perMinute) this.buckets.delete(ip);
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
