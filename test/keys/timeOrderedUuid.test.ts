import { expect, it } from 'vitest';
import { timeOrderedUuid } from '../../src/keys/timeOrderedUuid.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

it('is an RFC 9562 version-7 UUID whose first 48 bits are the milliseconds given', () => {
  const now = Date.UTC(2026, 10, 25, 21, 5, 39, 123);
  const id = timeOrderedUuid(now);
  expect(id).toMatch(UUID_V7);
  expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(now);
});

it('sorts by time, so the store index on event ids grows at its end', () => {
  const ids = [0, 1, 2, 1000, 86_400_000].map((offset) => timeOrderedUuid(1_795_000_000_000 + offset));
  expect([...ids].sort()).toEqual(ids);
});

it('is unique: 74 random bits per id within one millisecond', () => {
  const now = Date.now();
  const ids = new Set(Array.from({ length: 20_000 }, () => timeOrderedUuid(now)));
  expect(ids.size).toBe(20_000);
  for (const id of [...ids].slice(0, 100)) expect(id).toMatch(UUID_V7);
});
