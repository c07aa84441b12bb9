/**
 * /metrics: the Prometheus exposition by `prom-client` — its text format, its default process, GC,
 * heap and event-loop-lag metrics, and its cluster aggregator, which sums the workers' series when
 * `server.workers > 1` (src/cluster/).
 *
 * The broker's own series are counted by the small Counter and Histogram below and handed to
 * prom-client in its own metric format when /metrics is scraped. prom-client's own classes hash and
 * validate the label set on every observation (a few µs; GetCallerIdentity costs ~40 µs in all);
 * these count by a label key rendered once per label set, O(1) per observation.
 */
import { AggregatorRegistry, collectDefaultMetrics, Registry } from 'prom-client';

type Labels = Readonly<Record<string, string>>;
/** A metric's values in prom-client's own shape (what its Registry formats and its aggregator sums). */
interface Value {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly metricName?: string;
}
interface MetricObject {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly values: Value[];
  readonly aggregator: 'sum';
}

export const labelKey = (labels: Labels): string =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');

/** The labels of a rendered key (at scrape time only). */
function labelsOf(key: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of key.matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    out[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return out;
}

/** What prom-client's Registry needs of a metric: a name and its current values. */
interface Exported {
  readonly name: string;
  get(): MetricObject;
}

export class Counter implements Exported {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}

  inc(labels: Labels = {}, by = 1): void {
    this.incKey(labelKey(labels), by);
  }

  /** Hot paths render their label set once (`labelKey`) and pass the result. */
  incKey(key: string, by = 1): void {
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  /** The count of one label set in this process. */
  value(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }

  get(): MetricObject {
    const values: Value[] = [];
    for (const [k, v] of this.values) values.push({ labels: labelsOf(k), value: v });
    return { name: this.name, help: this.help, type: 'counter', values, aggregator: 'sum' };
  }
}

export class Histogram implements Exported {
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

  get(): MetricObject {
    const values: Value[] = [];
    for (const [k, s] of this.series) {
      const labels = labelsOf(k);
      this.buckets.forEach((le, i) => values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le }, value: s.counts[i]! }));
      values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: s.count });
      values.push({ metricName: `${this.name}_sum`, labels, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels, value: s.count });
    }
    return { name: this.name, help: this.help, type: 'histogram', values, aggregator: 'sum' };
  }
}

/** A value read when /metrics is scraped (e.g. JWKS fetch counts kept by the providers). */
export class Gauge implements Exported {
  constructor(readonly name: string, readonly help: string, readonly read: () => ReadonlyArray<[Labels, number]>, readonly type: 'gauge' | 'counter' = 'gauge') {}

  get(): MetricObject {
    return { name: this.name, help: this.help, type: this.type, values: this.read().map(([labels, value]) => ({ labels, value })), aggregator: 'sum' };
  }
}

/** prom-client's default metrics of this process (collected once per process, whatever the brokers in it). */
let processMetrics: Registry | undefined;
export function processRegistry(): Registry {
  if (processMetrics === undefined) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

export class Metrics {
  readonly requests = new Counter('fedbroker_requests_total', 'Requests by action and outcome (error code or "ok").');
  readonly latency = new Histogram('fedbroker_request_duration_seconds', 'Request latency by action.', [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);
  readonly rateLimited = new Counter('fedbroker_rate_limited_total', 'Requests refused by the per-IP rate limit.');
  readonly mfaFailures = new Counter('fedbroker_mfa_failures_total', 'Wrong, reused or locked-out TOTP codes.');
  /** This broker's series, as prom-client sees them. */
  readonly registry = new Registry();
  readonly contentType = Registry.PROMETHEUS_CONTENT_TYPE;
  /** Set in a cluster worker: the whole cluster's exposition, from the primary. */
  private cluster: (() => Promise<string>) | undefined;

  constructor() {
    for (const m of [this.requests, this.latency, this.rateLimited, this.mfaFailures]) this.registry.registerMetric(m as never);
    // The default metrics start with the process's first broker, so GC and event-loop lag cover its whole life.
    processRegistry();
  }

  addGauge(gauge: Gauge): void {
    this.registry.registerMetric(gauge as never);
  }

  /**
   * In a cluster worker: hand this process's registries to prom-client's cluster aggregator (which
   * answers the primary's requests for them), and scrape the whole cluster through `clusterMetrics`.
   */
  joinCluster(clusterMetrics: () => Promise<string>): void {
    AggregatorRegistry.setRegistries([processRegistry(), this.registry]);
    // Constructing one installs the worker's listener for the primary's requests.
    new AggregatorRegistry();
    this.cluster = clusterMetrics;
  }

  /** The exposition: this process (default metrics and the broker's series), or the whole cluster. */
  render(): Promise<string> {
    if (this.cluster !== undefined) return this.cluster();
    return Registry.merge([processRegistry(), this.registry]).metrics();
  }
}
