// Wrong API keys slowed down: each further wrong key from one client address is answered later
// (100 ms, doubling, up to 3 s), without holding up anyone else: a right key is answered at once,
// even while that address waits; and the count kept for a bounded number of addresses.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { KeyThrottle } from '../../src/http/key-throttle.js';
import { envelopeOf, postJson, type RawResponse } from '../support/http.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';

const key = 'sk-throttle-test-key-0123456789abcdefghij';
const wrongKey = 'sk-throttle-wrong-key-0000000000000000000';
const firstDelayMs = 100;
const capMs = 3_000;

let spool: SpoolProcess;

before(async () => {
  spool = await startSpool({ env: { SPOOL_API_KEYS: key } });
});
after(async () => {
  await spool?.stop();
});

async function timed(bearer: string): Promise<{ reply: RawResponse; ms: number }> {
  const started = performance.now();
  const reply = await postJson(`${spool.baseURL}/threads`, {}, { authorization: `Bearer ${bearer}` });
  return { reply, ms: performance.now() - started };
}

/** A wrong-key request from another loopback address (127.0.0.2): its status and how long it took. */
function fromOtherAddress(): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${spool.baseURL}/threads`,
      { method: 'GET', localAddress: '127.0.0.2', headers: { authorization: `Bearer ${wrongKey}` } },
      (incoming) => {
        incoming.resume();
        incoming.once('end', () => resolve({ status: incoming.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    outgoing.once('error', reject);
    outgoing.end();
  });
}

describe('wrong keys slowed down', () => {
  test('each further wrong key from an address waits longer, doubling from 100 ms up to a 3 s cap; the 401 is unchanged', async () => {
    const baseline = await timed(key);
    assert.equal(baseline.reply.status, 200);
    const expected = [1, 2, 4, 8, 16, 32, 64].map((factor) => Math.min(capMs, firstDelayMs * factor));
    const took: number[] = [];
    for (const floor of expected) {
      const { reply, ms } = await timed(wrongKey);
      assert.equal(reply.status, 401);
      assert.equal(envelopeOf(reply).code, 'invalid_api_key');
      took.push(Math.round(ms));
      // A timer never fires much early; the margin is for clock granularity only.
      assert.ok(
        ms >= floor - 5,
        `wrong key ${took.length} answered after ${Math.round(ms)} ms, expected at least ${floor} ms (all: ${took.join(', ')})`,
      );
    }
    // The cap: the last two waited the cap, not twice the one before (wide margin for a busy machine).
    const last = took.at(-1) ?? 0;
    assert.ok(last < capMs + 1_500, `the cap holds: ${took.join(', ')} ms (baseline ${Math.round(baseline.ms)} ms)`);
  });

  test('a right key is answered at once, even while a wrong one from the same address is waiting', async () => {
    const waiting = timed(wrongKey);
    let wrongAnswered = false;
    void waiting.then(() => {
      wrongAnswered = true;
    });
    const right = await timed(key);
    assert.equal(right.reply.status, 200);
    assert.equal(wrongAnswered, false, `the right key (${Math.round(right.ms)} ms) did not wait behind the wrong one`);
    assert.ok(right.ms < capMs / 2, `the right key took ${Math.round(right.ms)} ms`);
    const wrong = await waiting;
    assert.equal(wrong.reply.status, 401);
    assert.ok(wrong.ms >= capMs - 5, `the wrong key still waited the cap: ${Math.round(wrong.ms)} ms`);
  });

  test('another client address is not slowed by this one', async () => {
    const other = await fromOtherAddress();
    assert.equal(other.status, 401);
    assert.ok(other.ms < capMs / 2, `another address's first wrong key took ${Math.round(other.ms)} ms`);
  });
});

describe('the wrong-key count', () => {
  test('is kept for at most maxAddresses addresses, forgetting the stalest; an IPv6 /64 counts as one', async () => {
    const throttle = new KeyThrottle({ firstDelayMs: 0, maxDelayMs: 0, forgetAfterMs: 60_000, maxAddresses: 3 });
    for (let index = 1; index <= 10; index++) await throttle.wrongKey(`10.0.0.${index}`);
    assert.equal(throttle.size, 3);
    const other = new KeyThrottle({ firstDelayMs: 0, maxDelayMs: 0, forgetAfterMs: 60_000, maxAddresses: 100 });
    for (const address of ['2001:db8::1', '2001:DB8:0:0:ffff::2', '2001:0db8:0000:0000:1:2:3:4', '2001:db8:0:1::1'])
      await other.wrongKey(address);
    assert.equal(other.size, 2, 'three addresses of 2001:db8::/64, one of 2001:db8:0:1::/64');
  });
});
