/**
 * Requests that must reach one particular broker process: one keep-alive connection, reused for every
 * request (and checked to be: a request that went out on another connection throws), and — for a
 * node:cluster broker — which worker process holds the server side of it, read from /proc (the
 * socket's inode in /proc/net/tcp*, found among a worker's open file descriptors). So a test can
 * prove that two requests were served by two different workers rather than hope for it.
 */
import { Agent } from 'node:http';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { rawRequest, type RawRequest, type RawResponse } from './stsHttp.js';

export class PinnedConnection {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1, keepAliveMsecs: 1000 });
  /** The client-side port of the one connection, once made. */
  localPort: number | undefined;

  constructor(readonly baseUrl: string) {}

  send = (spec: RawRequest): Promise<RawResponse> =>
    rawRequest(this.baseUrl, spec, {
      agent: this.agent,
      onSocket: (socket, req) => {
        const check = () => {
          const port = socket.localPort;
          if (this.localPort === undefined) this.localPort = port;
          else if (port !== this.localPort) req.destroy(new Error(`the pinned connection was replaced (port ${this.localPort} → ${port})`));
        };
        if (socket.localPort !== undefined) check();
        else socket.once('connect', check);
      },
    });

  /** GET `path` with optional headers (cookies). */
  get(path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
    return this.send({ method: 'GET', path, headers });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The pids of a process's children (a cluster primary's workers). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    if (text !== '') out.push(...text.split(/\s+/).map(Number));
  }
  return out;
}

/** Inode of the server-side TCP socket on `serverPort` whose peer is `clientPort` (loopback). */
function serverSocketInode(serverPort: number, clientPort: number): string | undefined {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      if (f[1]!.endsWith(`:${hex(serverPort)}`) && f[2]!.endsWith(`:${hex(clientPort)}`)) return f[9];
    }
  }
  return undefined;
}

/** Which of `pids` holds the server side of the pinned connection (undefined: none of them). */
export function servingPid(connection: PinnedConnection, serverPort: number, pids: readonly number[]): number | undefined {
  if (connection.localPort === undefined) throw new Error('the connection is not open yet: send a request first');
  const inode = serverSocketInode(serverPort, connection.localPort);
  if (inode === undefined) return undefined;
  const target = `socket:[${inode}]`;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === target) return pid;
      } catch {
        /* closed meanwhile */
      }
    }
  }
  return undefined;
}
