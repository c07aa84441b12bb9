/**
 * Audit event ids: UUIDs of version 7 (RFC 9562), i.e. a 48-bit Unix-millisecond timestamp followed
 * by 74 random bits. CloudTrail's eventID is just a unique GUID; a time-ordered one matters for the
 * store: the mirror's unique index on the id then grows at its end instead of being written at a
 * random leaf per event (random v4 ids dirtied one index page per event — ~4 KB of SQLite WAL on
 * top of the ~1 KB row). The timestamp is already in the event as eventTime, so nothing new leaks.
 */
import { randomBytesPooled } from '../keys/randomPool.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function timeOrderedUuid(nowMs: number = Date.now()): string {
  const b = randomBytesPooled(16);
  // 48-bit big-endian milliseconds (exact up to year 10889).
  b.writeUIntBE(nowMs, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70; // version 7
  b[8] = (b[8]! & 0x3f) | 0x80; // variant 10
  const h = (i: number) => HEX[b[i]!]!;
  return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${h(6)}${h(7)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}
