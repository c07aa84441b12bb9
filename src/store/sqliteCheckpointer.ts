/**
 * WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside whichever write
 * happens to cross the threshold and, with synchronous=NORMAL, syncs the database file there: the
 * event loop stalls for tens to hundreds of milliseconds now and then. The serving connection turns
 * automatic checkpoints off; this worker thread, with its own connection to the same file, runs a
 * PASSIVE checkpoint (which never blocks writers) every second instead.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { timeout: 1000 });
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closed: try again next time */ }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); try { db.close(); } catch {} process.exit(0); });
`;

export class WalCheckpointer {
  private readonly worker: Worker;

  constructor(file: string, intervalMs = 1000) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, module, intervalMs } });
    // Never keeps the process alive, and never takes it down.
    this.worker.unref();
    this.worker.on('error', () => {});
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    // Keep the event loop alive while it winds down (it is unref'd otherwise).
    this.worker.ref();
    this.worker.postMessage('stop');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)))]);
    clearTimeout(timer);
    await this.worker.terminate().catch(() => 0);
  }
}
