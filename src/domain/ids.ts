// Object IDs as OpenAI shapes them: a type prefix, '_', then 24 base62 characters from a CSPRNG.
import { randomBytes } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const idLength = 24;
// Bytes at or above this bound are rejected so that every character is equally likely (248 = 4 * 62).
const unbiasedBound = 248;

export type IdPrefix = 'thread' | 'msg' | 'asst' | 'run' | 'step' | 'call' | 'vs' | 'proj' | 'key';

export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= unbiasedBound) continue;
      out += alphabet[byte % 62];
      if (out.length === length) break;
    }
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
