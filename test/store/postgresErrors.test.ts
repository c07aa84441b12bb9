/**
 * Which PostgreSQL failures are "the store is unavailable" (ServiceUnavailable, 503 — quality.md) and
 * which are real faults (passed on as they are).
 */
import { expect, it } from 'vitest';
import { ServiceUnavailable } from '../../src/errors.js';
import { toStoreError } from '../../src/store/postgres-errors.js';

const pgError = (code: string) => Object.assign(new Error(`pg error ${code}`), { code });

it('connection, resources, shutdown, timeouts, lock timeouts, read-only replicas and deadlocks → ServiceUnavailable', () => {
  for (const code of ['08006', '53300', '57P01', '57P03', '57014', '55P03', '25006', '40P01', '40001', '28P01', 'ECONNREFUSED', 'ETIMEDOUT']) {
    expect(toStoreError(pgError(code)), code).toBeInstanceOf(ServiceUnavailable);
  }
});

it('a real fault (syntax, constraint, undefined table) stays what it is', () => {
  for (const code of ['42601', '23505', '42P01']) {
    const error = pgError(code);
    expect(toStoreError(error), code).toBe(error);
  }
});
