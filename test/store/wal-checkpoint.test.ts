// SQLite's write-ahead log is checkpointed in the background (src/store/wal-checkpointer.ts), not by
// the request that happens to commit the 1000th page: under sustained writes the WAL file stays
// near SPOOL_SQLITE_WAL_LIMIT, comes back under it once writes pause, and SIGTERM stops the
// checkpointer with the server, leaving a checkpointed database and every acknowledged write.
// SQLite only: the test picks it (an empty SPOOL_DATABASE_URL) in the PostgreSQL pass too.
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { postJson, raw } from '../support/http.js';
import { startSpool } from '../support/spool.js';

const mib = 1024 * 1024;
const sqliteOnly = { SPOOL_DATABASE_URL: '' };

function walSize(dataDir: string): number {
  const wal = join(dataDir, 'spool.db-wal');
  return existsSync(wal) ? statSync(wal).size : 0;
}

/** Polls `condition` every 20 ms; true as soon as it holds, false if it never did within `ms`. */
async function within(ms: number, condition: () => boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await sleep(20);
  }
  return condition();
}

test('the WAL stays bounded under sustained writes (none of which fails for a checkpoint), shrinks under its limit when they pause, and SIGTERM stops the checkpointer', async () => {
  const spool = await startSpool({ env: { ...sqliteOnly, SPOOL_SQLITE_WAL_LIMIT: '1mb', SPOOL_DRAIN_TIMEOUT: '5s' } });
  const acknowledged: string[] = [];
  let largest = 0;
  try {
    // 8 writers, 2,000 threads with a message each, each then modified: far more WAL than the old
    // auto-checkpoint's 1000 pages (4 MiB), after which that WAL file kept its 4 MiB for good.
    let remaining = 2_000;
    const sampler = setInterval(() => {
      largest = Math.max(largest, walSize(spool.dataDir));
    }, 10);
    const writer = async () => {
      while (remaining-- > 0) {
        const reply = await postJson(`${spool.baseURL}/threads`, {
          metadata: { load: 'wal' },
          messages: [{ role: 'user', content: 'keep me' }],
        });
        assert.equal(reply.status, 200, reply.text);
        const id = (reply.json as { id: string }).id;
        acknowledged.push(id);
        // A transaction that reads, then writes: it must wait for a checkpoint holding the write lock, not fail.
        const modified = await postJson(`${spool.baseURL}/threads/${id}`, {
          metadata: { load: 'wal', stage: 'modified' },
        });
        assert.equal(modified.status, 200, modified.text);
      }
    };
    try {
      await Promise.all(Array.from({ length: 8 }, writer));
    } finally {
      clearInterval(sampler);
    }
    assert.ok(largest > 0, 'the server wrote no WAL at all: the test measured nothing');
    // Bounded: the limit plus what a tenth of a second of writes (one checkpoint interval) adds, with
    // a wide margin for a busy machine. Without checkpoints this WAL would be well past it.
    assert.ok(largest <= 16 * mib, `the WAL reached ${(largest / mib).toFixed(1)} MiB under a 1 MiB limit`);
    // Once the writes stop, the next checkpoint empties a WAL over its limit; no request is needed.
    const shrunk = await within(5_000, () => walSize(spool.dataDir) <= 1 * mib);
    assert.ok(
      shrunk,
      `the WAL is still ${(walSize(spool.dataDir) / mib).toFixed(1)} MiB, 5 s after the writes stopped, under a 1 MiB limit`,
    );
  } finally {
    const started = Date.now();
    const code = await spool.stop('SIGTERM');
    assert.equal(code, 0, `SIGTERM exit code; output:\n${spool.output()}`);
    assert.ok(
      Date.now() - started < 5_000 + 1_000,
      `SIGTERM took ${Date.now() - started} ms, past the 5 s drain timeout`,
    );
  }
  // The last connection to close (the checkpointer's) checkpointed the WAL into the database and removed it.
  assert.equal(
    existsSync(join(spool.dataDir, 'spool.db-wal')),
    false,
    'a WAL file was left behind: the checkpointer did not close cleanly',
  );
  assert.doesNotMatch(spool.output(), /checkpoint failed/);

  const restarted = await startSpool({ dataDir: spool.dataDir, env: sqliteOnly });
  try {
    assert.equal(acknowledged.length, 2_000);
    for (const id of [acknowledged[0], acknowledged[999], acknowledged[1_999]]) {
      assert.equal(
        (await raw(`${restarted.baseURL}/threads/${id}`)).status,
        200,
        `acknowledged thread ${id} is missing after the restart`,
      );
    }
  } finally {
    await restarted.stop();
  }
});
