/**
 * WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside whichever write
 * happens to cross the threshold and, with synchronous=NORMAL, syncs the database file there: the
 * event loop stalls for tens to hundreds of milliseconds now and then. The serving connection turns
 * automatic checkpoints off; this worker thread, with its own connection to the same file, runs a
 * PASSIVE checkpoint (which never blocks writers) every 200 ms instead. Often and small on purpose: on
 * a machine whose cores are all busy the thread takes its time from the serving thread, and copying a
 * whole second of a busy broker's log (~15 MB) in one go showed in the requests' p99 (ConsoleSignin
 * p99 ~19 ms at one second, ~14.5 ms at 200 ms, same p50).
 *
 * A PASSIVE checkpoint alone does not bound the WAL: SQLite rewinds the log only when a writer starts
 * after a checkpoint that copied every frame, and under steady load some write nearly always lands
 * while the checkpoint runs, so the file grew without end (measured: ~570 MB after 120,000 audited
 * requests). When the log is still longer than `restartFrames` after the PASSIVE pass, a RESTART
 * checkpoint follows: it holds off writers only while it copies the few frames written meanwhile,
 * and the next write then starts the log from its beginning (the serving connection's
 * journal_size_limit trims the file).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { timeout: 1000 });
const timer = setInterval(() => {
  try {
    const [passive] = db.pragma('wal_checkpoint(PASSIVE)');
    if (passive && passive.log >= workerData.restartFrames) db.pragma('wal_checkpoint(RESTART)');
  } catch { /* busy or closed: try again next time */ }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); try { db.close(); } catch {} process.exit(0); });
`;

/** WAL length (in pages, 4 KiB each by default) above which the log is rewound: ~16 MB. */
export const WAL_RESTART_FRAMES = 4096;

export class WalCheckpointer {
  private readonly worker: Worker;

  constructor(file: string, intervalMs = 200, restartFrames = WAL_RESTART_FRAMES) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, module, intervalMs, restartFrames } });
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
