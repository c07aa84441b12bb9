/**
 * Structured JSON logs on stdout (pino). Redaction is on for every field that could carry a secret,
 * as a second line of defence: code never logs secrets in the first place.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
      base: { service: 'fedbroker' },
      redact: {
        paths: [
          '*.secret', '*.secretAccessKey', '*.SecretAccessKey', '*.sessionToken', '*.SessionToken', '*.password',
          '*.WebIdentityToken', '*.SAMLAssertion', '*.SAMLResponse', '*.TokenCode', '*.clientSecret', '*.seed',
          'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-amz-security-token"]',
        ],
        censor: '[redacted]',
      },
    },
    options.destination as pino.DestinationStream | undefined,
  );
}

/** A logger that discards everything (tests, CLI commands). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
