// Files on disk readable by their owner alone: the data dir Spool creates is 0700, spool.db and its
// -wal and -shm are 0600 (also in a data dir that already existed, whose own mode is the operator's
// and left alone), and so is a file `spool export --output` writes.
import assert from 'node:assert/strict';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/cli.js';
import { postJson } from '../support/http.js';
import { makeTempDir, startSpool } from '../support/spool.js';

function modeOf(path: string): string {
  return (statSync(path).mode & 0o777).toString(8).padStart(4, '0');
}

/** Starts a SQLite server on `dataDir` (in either pass), writes a thread, and returns the modes of what is on disk. */
async function modesAfterStart(dataDir: string): Promise<Record<string, string>> {
  const server = await startSpool({ dataDir, env: { SPOOL_DATABASE_URL: '' } });
  try {
    assert.equal((await postJson(`${server.baseURL}/threads`, {})).status, 200);
    const files = ['spool.db', 'spool.db-wal', 'spool.db-shm'];
    for (const file of files) assert.ok(existsSync(join(dataDir, file)), `${file} exists while the server runs`);
    return Object.fromEntries([['dir', modeOf(dataDir)], ...files.map((file) => [file, modeOf(join(dataDir, file))])]);
  } finally {
    await server.stop();
  }
}

test('a data dir Spool creates is 0700, with spool.db, -wal and -shm 0600, whatever the umask allows', async () => {
  const dataDir = join(makeTempDir(), 'nested', 'data');
  assert.deepEqual(await modesAfterStart(dataDir), {
    dir: '0700',
    'spool.db': '0600',
    'spool.db-wal': '0600',
    'spool.db-shm': '0600',
  });
  assert.equal(modeOf(join(dataDir, '..')), '0700', 'the parent it created too');
});

test('in a data dir that already existed, its mode is left alone, and files left readable by an earlier version are tightened', async () => {
  const dataDir = join(makeTempDir(), 'existing');
  mkdirSync(dataDir);
  chmodSync(dataDir, 0o755);
  for (const file of ['spool.db', 'spool.db-wal', 'spool.db-shm']) {
    closeSync(openSync(join(dataDir, file), 'w'));
    chmodSync(join(dataDir, file), 0o644);
  }
  assert.deepEqual(await modesAfterStart(dataDir), {
    dir: '0755',
    'spool.db': '0600',
    'spool.db-wal': '0600',
    'spool.db-shm': '0600',
  });
});

test('spool export --output writes a 0600 file, a new one or one that was readable by all', async () => {
  const dataDir = makeTempDir();
  const fresh = join(makeTempDir(), 'fresh.jsonl');
  const existing = join(makeTempDir(), 'existing.jsonl');
  closeSync(openSync(existing, 'w'));
  chmodSync(existing, 0o644);
  for (const output of [fresh, existing]) {
    const exported = await runCli(['export', '--output', output, '--data-dir', dataDir]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(modeOf(output), '0600', output);
  }
});
