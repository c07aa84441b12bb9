/**
 * Work that arrives during one turn of the event loop, run together right after it (setImmediate):
 * the requests then move through their pipeline stage by stage — all token checks, all sealings, all
 * store claims — instead of each running its whole pipeline between two socket reads, so the code
 * and keys of a stage stay in the CPU caches (the Query path does the same, see server.ts). Nothing
 * is shared between tasks; the delay is one event-loop turn.
 */
let queue: Array<() => void> = [];

function runQueue(): void {
  const batch = queue;
  queue = [];
  for (const task of batch) task();
}

export function afterTurn(task: () => void): void {
  if (queue.length === 0) setImmediate(runQueue);
  queue.push(task);
}
