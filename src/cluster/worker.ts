/**
 * A broker in a cluster worker process: its audit batches go to the primary (one writer of the file)
 * and its /metrics are the whole cluster's (prom-client's aggregator, run by the primary).
 */
import { availableParallelism } from 'node:os';
import type { AuditChainWriter } from '../audit/auditFile.js';
import { AuditRelay } from './auditRelay.js';
import { PrimaryChannel } from './ipc.js';
import { CLUSTER_METRICS } from './primary.js';

export interface ClusterWorker {
  readonly auditChain: AuditChainWriter;
  clusterMetrics(): Promise<string>;
}

export function joinCluster(): ClusterWorker {
  const primary = new PrimaryChannel();
  // The primary is gone (killed): stop as on SIGTERM — drain, close, exit — rather than serve unaudited.
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  return { auditChain: new AuditRelay(primary), clusterMetrics: () => primary.request<string>(CLUSTER_METRICS, null) };
}

/** `server.workers`: `auto` is one per CPU the process may use. */
export function workerCount(setting: number | 'auto'): number {
  return setting === 'auto' ? availableParallelism() : setting;
}
