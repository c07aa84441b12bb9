/**
 * Logs on stdout (pino): JSON lines with ISO timestamps when stdout is a file, pipe or journal;
 * pretty, coloured lines with local times when it is a terminal. Redaction is on for every field that
 * could carry a secret, as a second line of defence: code never logs secrets in the first place.
 *
 * JSON lines are buffered for the rest of the event-loop turn and written with one write(2) after it
 * (and at exit): a busy broker logs one line per request, and one system call per line would cost more
 * than the line.
 */
import { createRequire } from 'node:module';
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
  const pretty = options.destination === undefined && (options.pretty ?? process.stdout.isTTY === true);
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

/** stdout, written once per event-loop turn (see above). */
function turnBufferedStdout(): DestinationStream {
  const out = pino.destination({ dest: 1, sync: true, minLength: 8192 });
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    out.flushSync();
  };
  process.once('exit', () => out.flushSync());
  return {
    write(line: string) {
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
      out.write(line);
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
