/**
 * Random bytes from the CSPRNG, drawn from a pooled buffer: a request needs several small random values
 * (access key id, secret, IVs), and one `randomFillSync` of 4 KiB costs about what a single small
 * `randomBytes` call does. Every byte is used once. (Node's own randomUUID pools the same way.)
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

/** `n` fresh random bytes (n ≤ 4096), as a new Buffer the caller owns. */
export function randomBytesPooled(n: number): Buffer {
  if (n > POOL_BYTES) throw new RangeError('randomBytesPooled takes at most 4096 bytes');
  if (offset + n > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + n));
  // Never hand out the same bytes twice, even if the copy above is kept around.
  pool.fill(0, offset, offset + n);
  offset += n;
  return out;
}
