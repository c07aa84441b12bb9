/**
 * Audit events for what an operator does from the command line (semantics.md "Audit": revocations and
 * key rotations are audit events too). Written to the same hash-chained file a running broker appends
 * to — AuditLog continues the chain from whatever line is last — and mirrored to the store.
 */
import { hostname, userInfo } from 'node:os';
import { AuditLog } from '../audit/auditLog.js';
import type { LoadedConfig } from '../config/load.js';
import type { Store } from '../store/types.js';

/** Who ran the command: the local account and host (there is no AWS principal behind a CLI run). */
export function operatorIdentity(account: string, command: string): Record<string, unknown> {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep "unknown".
  }
  return { type: 'FedbrokerAdministrator', principalId: `${user}@${hostname()}`, accountId: account, userName: user, invokedBy: command };
}

export interface OperatorEvent {
  readonly name: string;
  /** e.g. `fedbroker revoke` */
  readonly command: string;
  readonly requestParameters: Record<string, unknown>;
  readonly responseElements?: Record<string, unknown>;
}

/** Records one operator event (file, and the store when one is given). */
export async function recordOperatorEvent(loaded: LoadedConfig, store: Store | null, event: OperatorEvent): Promise<void> {
  const { config } = loaded;
  if (config.audit.file === null && store === null) return;
  const audit = new AuditLog(
    config.audit.file,
    store,
    (e) => {
      process.stderr.write(`warning: the audit event could not be mirrored to the store: ${e instanceof Error ? e.message : String(e)}\n`);
    },
    'occasional',
  );
  try {
    await audit.record({
      eventSource: 'fedbroker',
      eventName: event.name,
      eventType: 'FedbrokerEvent',
      userAgent: 'fedbroker-cli',
      userIdentity: operatorIdentity(config.account.id, event.command),
      requestParameters: event.requestParameters,
      responseElements: event.responseElements ?? null,
      recipientAccountId: config.account.id,
    });
  } finally {
    await audit.close();
  }
}
