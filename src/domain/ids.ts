// Object IDs as OpenAI shapes them: a type prefix, '_', then 24 base62 characters from a CSPRNG.
import { randomFillSync } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const idLength = 24;
// Bytes at or above this bound are rejected so that every character is equally likely (248 = 4 * 62).
const unbiasedBound = 248;

export type IdPrefix = 'thread' | 'msg' | 'asst' | 'run' | 'step' | 'call' | 'vs' | 'proj' | 'key';

// CSPRNG bytes are drawn 4 KiB at a time and each is used once: one randomBytes call per id cost
// about 4 µs, more than the rest of making the id.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomByte(): number {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++] ?? 0;
}

export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    if (byte < unbiasedBound) out += alphabet[byte % 62];
  }
  return out;
}

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase62(idLength)}`;
}

/** True when `id` carries the prefix the API expects for this kind of object. */
export function hasIdPrefix(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`);
}
