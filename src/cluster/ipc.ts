/**
 * Requests from a cluster worker to the primary over the cluster's IPC channel, and their answers:
 * `{ fedbroker: kind, id, … }` out, `{ fedbroker: kind, id, ok | error }` back. Messages of other
 * senders on the same channel (node's own, prom-client's aggregator) are left alone.
 */
import type { Worker } from 'node:cluster';

interface Request {
  readonly fedbroker: string;
  readonly id: number;
  readonly payload: unknown;
}
interface Reply {
  readonly fedbroker: string;
  readonly id: number;
  readonly ok?: unknown;
  readonly error?: string;
}

function isMessage(m: unknown): m is Request & Reply {
  return typeof m === 'object' && m !== null && typeof (m as { fedbroker?: unknown }).fedbroker === 'string' && typeof (m as { id?: unknown }).id === 'number';
}

/** The worker's side: one channel per process. */
export class PrimaryChannel {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly proc: NodeJS.Process = process) {
    proc.on('message', (m: unknown) => {
      if (!isMessage(m)) return;
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.ok);
    });
    // The primary is gone: nothing will ever answer.
    proc.on('disconnect', () => this.failAll(new Error('the cluster primary process is gone')));
  }

  request<T>(kind: string, payload: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.proc.send === undefined || !this.proc.connected) {
        reject(new Error('the cluster primary process is gone'));
        return;
      }
      const id = this.nextId++;
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      const message: Request = { fedbroker: kind, id, payload };
      this.proc.send(message, undefined, {}, (e: Error | null) => {
        if (e === null) return;
        this.pending.delete(id);
        reject(e);
      });
    });
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

/** The primary's side: answers one kind of request from any worker. */
export function answer(worker: Worker, message: unknown, kind: string, handle: (payload: unknown) => unknown): boolean {
  if (!isMessage(message) || message.fedbroker !== kind || !('payload' in message)) return false;
  const reply = (r: Omit<Reply, 'fedbroker' | 'id'>) => {
    if (worker.isConnected()) worker.send({ fedbroker: kind, id: message.id, ...r });
  };
  try {
    Promise.resolve(handle(message.payload)).then(
      (ok) => reply({ ok }),
      (e: unknown) => reply({ error: e instanceof Error ? e.message : String(e) }),
    );
  } catch (e) {
    reply({ error: e instanceof Error ? e.message : String(e) });
  }
  return true;
}
