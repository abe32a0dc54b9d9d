// Wrong API keys answered later and later per client address, so that guessing keys is slow. Only
// the 401 for a wrong key waits, on a timer: the event loop, right keys and other addresses never do.
import { isIPv6 } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface KeyThrottleOptions {
  /** The wait before the first wrong key's 401; each further one doubles it. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** An address with no wrong key for this long starts afresh. */
  forgetAfterMs: number;
  /** Addresses tracked at most; past this, the one whose last wrong key is oldest is forgotten. */
  maxAddresses: number;
}

export const keyThrottleDefaults: KeyThrottleOptions = {
  firstDelayMs: 100,
  maxDelayMs: 3_000,
  forgetAfterMs: 15 * 60_000,
  maxAddresses: 10_000,
};

interface Failures {
  count: number;
  lastAt: number;
}

/** Where wrong keys are counted: the address, or for IPv6 its /64, which one client usually holds whole. */
function bucketOf(address: string): string {
  if (!isIPv6(address) || address.includes('.')) return address;
  const [head = '', tail = ''] = address.split('::', 2);
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
    : headGroups;
  return `${groups
    .slice(0, 4)
    .map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export class KeyThrottle {
  // A Map keeps insertion order: re-inserting on each failure keeps the stalest entry first.
  private readonly failures = new Map<string, Failures>();

  constructor(private readonly options: KeyThrottleOptions = keyThrottleDefaults) {}

  /** Counts a wrong key from `address` and resolves once its 401 may be sent. */
  async wrongKey(address: string, now = Date.now()): Promise<void> {
    const bucket = bucketOf(address);
    const previous = this.failures.get(bucket);
    const count = previous && now - previous.lastAt < this.options.forgetAfterMs ? previous.count + 1 : 1;
    this.failures.delete(bucket);
    if (this.failures.size >= this.options.maxAddresses) {
      const stalest = this.failures.keys().next();
      if (!stalest.done) this.failures.delete(stalest.value);
    }
    this.failures.set(bucket, { count, lastAt: now });
    // 2 ** 30 is already far past any cap: no overflow however long an address keeps trying.
    await sleep(Math.min(this.options.maxDelayMs, this.options.firstDelayMs * 2 ** Math.min(count - 1, 30)));
  }

  /** How many addresses are tracked (for tests of the bound). */
  get size(): number {
    return this.failures.size;
  }
}
