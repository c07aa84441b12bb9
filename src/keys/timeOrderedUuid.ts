/**
 * UUIDs of version 7 (RFC 9562), i.e. a 48-bit Unix-millisecond timestamp followed by 74 random bits,
 * for ids a store indexes: audit event ids and the single-use keys of sign-in tokens. A time-ordered
 * key makes a B-tree index grow at its end instead of being written at a random leaf per insert
 * (random ids dirtied one index page per row — ~4 KB of SQLite WAL each). Used only where the time is
 * no secret (an event's eventTime; a sign-in token's key is sealed inside the token).
 */
import { randomBytesPooled } from './randomPool.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function timeOrderedUuid(nowMs: number = Date.now()): string {
  return uuidText(timeOrderedUuidBytes(nowMs));
}

/** The same id as its 16 bytes. */
export function timeOrderedUuidBytes(nowMs: number = Date.now()): Buffer {
  const b = randomBytesPooled(16);
  // 48-bit big-endian milliseconds (exact up to year 10889).
  b.writeUIntBE(nowMs, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70; // version 7
  b[8] = (b[8]! & 0x3f) | 0x80; // variant 10
  return b;
}

/** 16 bytes in the UUID's text form (lower-case hex, 8-4-4-4-12). */
export function uuidText(b: Uint8Array, at = 0): string {
  const h = (i: number) => HEX[b[at + i]!]!;
  return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${h(6)}${h(7)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}
