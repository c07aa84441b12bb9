/**
 * Logs on stdout (pino): JSON lines with ISO timestamps when stdout is a file, pipe or journal;
 * pretty, coloured lines with local times when it is a terminal. Redaction is on for every field that
 * could carry a secret, as a second line of defence: code never logs secrets in the first place.
 *
 * JSON lines are buffered for the rest of the event-loop turn and written with one write(2) after it
 * (and at exit): a busy broker logs one line per request, and one system call per line would cost more
 * than the line.
 */
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isatty } from 'node:tty';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

const REDACT = {
  paths: [
    '*.secret', '*.secretAccessKey', '*.SecretAccessKey', '*.sessionToken', '*.SessionToken', '*.password',
    '*.WebIdentityToken', '*.SAMLAssertion', '*.SAMLResponse', '*.TokenCode', '*.clientSecret', '*.seed',
    'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-amz-security-token"]',
  ],
  censor: '[redacted]',
};

export interface LoggerOptions {
  readonly level?: string;
  /** Where lines go (tests); default stdout, pretty when it is a terminal. */
  readonly destination?: NodeJS.WritableStream;
  /** Force pretty (true) or JSON (false) output on stdout; default: pretty on a terminal. */
  readonly pretty?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const pretty = options.destination === undefined && (options.pretty ?? isatty(1));
  return pino(
    {
      level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
      base: { service: 'fedbroker' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: REDACT,
    },
    (options.destination as DestinationStream | undefined) ?? (pretty ? prettyStdout() : turnBufferedStdout()),
  );
}

/** A logger that discards everything (tests, CLI commands). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** stdout, written once per event-loop turn (see above); one per process, however many loggers. */
let sharedStdout: DestinationStream | undefined;
function turnBufferedStdout(): DestinationStream {
  sharedStdout ??= createTurnBufferedStdout(1);
  return sharedStdout;
}

/** How long a flush waits for a full, non-blocking stdout before it drops its lines. */
const FULL_STDOUT_WAIT_MS = 1000;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Lines collected during a turn, written with one writeSync after it. Logging never stops the
 * broker: when stdout is gone (EPIPE, EBADF) or stays full, the lines are dropped. (pino's own
 * sonic-boom retries a broken pipe forever in flushSync and fsyncs after every flush.)
 */
function createTurnBufferedStdout(fd: number): DestinationStream {
  let lines: string[] = [];
  let broken = false;
  const flush = () => {
    const batch = lines;
    lines = [];
    if (broken || batch.length === 0) return;
    let data = Buffer.from(batch.join(''), 'utf8');
    let waited = 0;
    while (data.length > 0) {
      try {
        data = data.subarray(writeSync(fd, data));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN' && waited < FULL_STDOUT_WAIT_MS) {
          Atomics.wait(pause, 0, 0, 10);
          waited += 10;
          continue;
        }
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') broken = true;
        return;
      }
    }
  };
  process.once('exit', flush);
  return {
    write(line: string) {
      if (lines.length === 0) setImmediate(flush);
      lines.push(line);
    },
  };
}

/**
 * pino-pretty as a synchronous stream in this thread (a terminal is slow anyway), loaded only when
 * stdout is one: `12:04:05.123 INFO  AssumeRoleWithWebIdentity 200 … 3.1 ms`.
 */
function prettyStdout(): DestinationStream {
  const pinoPretty = createRequire(import.meta.url)('pino-pretty') as (options: Record<string, unknown>) => DestinationStream;
  return pinoPretty({
    sync: true,
    colorize: true,
    translateTime: 'SYS:HH:MM:ss.l',
    // The request log's fields are all in its message already.
    ignore: 'pid,hostname,service,request',
    singleLine: true,
  });
}
