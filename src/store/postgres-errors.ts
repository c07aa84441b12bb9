import { ServiceUnavailable } from '../errors.js';

/** Node socket errors that mean the server cannot be reached. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * SQLSTATEs meaning "the database cannot serve now": class 08 connection exception, 53 insufficient
 * resources, 57P0x shutdown/cannot-connect-now, 57014 statement timeout, 55P03 lock not available
 * (our own lock_timeout), 25006 read-only transaction (a replica after a failover), class 40
 * transaction rollback (deadlock, serialization failure), 28 authentication (the server refuses this
 * broker; an operator has to act, but requests still deserve a 503).
 */
function isUnavailableSqlState(code: string): boolean {
  return /^(08|53|28|40)/.test(code) || /^57P0/.test(code) || code === '57014' || code === '55P03' || code === '25006';
}

/** Messages node-postgres uses for its own connection failures (they carry no code). */
const CLIENT_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'is not queryable',
  'the database system is',
];

export function isPostgresUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && isUnavailableSqlState(code)))) return true;
  if (error instanceof AggregateError && error.errors.some(isPostgresUnavailable)) return true;
  return CLIENT_MESSAGES.some((m) => error.message.includes(m));
}

/**
 * The error a Store method rejects with. Unavailability becomes ServiceUnavailable whose cause keeps
 * only message and code: pg attaches its client (with the connection password) to some errors.
 */
export function toStoreError(error: unknown): unknown {
  if (!isPostgresUnavailable(error)) return error;
  const original = error as Error & { code?: unknown };
  const cause = new Error(original.message);
  if (typeof original.code === 'string') Object.assign(cause, { code: original.code });
  return new ServiceUnavailable(undefined, { cause });
}
