/**
 * A small Prometheus text-format registry: counters and histograms with labels. Enough for /metrics
 * (requests by action and outcome, latency, provider key fetches, MFA failures, rate-limit hits)
 * without a dependency; O(1) per observation.
 */

type Labels = Readonly<Record<string, string>>;

export const labelKey = (labels: Labels): string =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');

export class Counter {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}

  inc(labels: Labels = {}, by = 1): void {
    this.incKey(labelKey(labels), by);
  }

  /** Hot paths render their label set once (`labelKey`) and pass the result. */
  incKey(key: string, by = 1): void {
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${v}`);
    return lines.join('\n');
  }
}

export class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: readonly number[]) {}

  observe(value: number, labels: Labels = {}): void {
    this.observeKey(value, labelKey(labels));
  }

  observeKey(value: number, key: string): void {
    let s = this.series.get(key);
    if (s === undefined) {
      s = { counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]! += 1;
    s.sum += value;
    s.count += 1;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [k, s] of this.series) {
      const sep = k ? `${k},` : '';
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket{${sep}le="${b}"} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket{${sep}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum${k ? `{${k}}` : ''} ${s.sum}`);
      lines.push(`${this.name}_count${k ? `{${k}}` : ''} ${s.count}`);
    }
    return lines.join('\n');
  }
}

/** A value read when /metrics is scraped (e.g. JWKS fetch counts kept by the providers). */
export class Gauge {
  constructor(readonly name: string, readonly help: string, readonly read: () => ReadonlyArray<[Labels, number]>, readonly type: 'gauge' | 'counter' = 'gauge') {}

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const [labels, v] of this.read()) {
      const k = labelKey(labels);
      lines.push(`${this.name}${k ? `{${k}}` : ''} ${v}`);
    }
    return lines.join('\n');
  }
}

export class Metrics {
  readonly requests = new Counter('fedbroker_requests_total', 'Requests by action and outcome (error code or "ok").');
  readonly latency = new Histogram('fedbroker_request_duration_seconds', 'Request latency by action.', [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);
  readonly rateLimited = new Counter('fedbroker_rate_limited_total', 'Requests refused by the per-IP rate limit.');
  readonly mfaFailures = new Counter('fedbroker_mfa_failures_total', 'Wrong, reused or locked-out TOTP codes.');
  private readonly extra: Gauge[] = [];

  addGauge(gauge: Gauge): void {
    this.extra.push(gauge);
  }

  render(): string {
    return [this.requests, this.latency, this.rateLimited, this.mfaFailures, ...this.extra].map((m) => m.render()).join('\n') + '\n';
  }
}
