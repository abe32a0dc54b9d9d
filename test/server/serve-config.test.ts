// `spool serve` configuration: flags win over SPOOL_* variables; bad input is one line and exit 2.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeTempDir, runSpool, startSpool } from '../support/spool.js';

for (const [args, env, pattern] of [
  [['serve', '--bogus'], {}, /unknown option '--bogus'/],
  [['serve', '--port', 'eighty'], {}, /--port must be a port number from 0 to 65535, got 'eighty'/],
  [['serve', '--port', '70000'], {}, /--port must be a port number/],
  [['serve'], { SPOOL_PORT: '-1' }, /SPOOL_PORT must be a port number/],
  [['serve', '--durability', 'maybe'], {}, /--durability must be one of normal, full, got 'maybe'/],
  [['serve'], { SPOOL_BODY_LIMIT: 'lots' }, /SPOOL_BODY_LIMIT must be a size/],
  [['serve', '--log-level', 'loud'], {}, /--log-level must be one of/],
  [['frobnicate'], {}, /unknown command 'frobnicate'/],
] as const) {
  test(`spool ${args.join(' ')} ${JSON.stringify(env)} exits 2 with one line`, async () => {
    const result = await runSpool([...args, ...(args[0] === 'serve' ? ['--data-dir', makeTempDir()] : [])], env);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, pattern);
    assert.equal(result.stderr.trim().split('\n').length, 1, `one line, no stack trace: ${result.stderr}`);
  });
}

test('flags win over the environment; the environment over defaults', async () => {
  const flagDir = makeTempDir();
  const envDir = makeTempDir();
  // Where the SQLite file goes: a SQLite test in either pass.
  const server = await startSpool({
    dataDir: flagDir,
    env: { SPOOL_DATA_DIR: envDir, SPOOL_PORT: '1', SPOOL_DATABASE_URL: '' },
  });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(server.url.endsWith(':1'), true, '--port 0 won over SPOOL_PORT=1');
    const { existsSync } = await import('node:fs');
    assert.ok(existsSync(`${flagDir}/spool.db`), 'the database is under --data-dir');
    assert.ok(!existsSync(`${envDir}/spool.db`), 'not under SPOOL_DATA_DIR');
  } finally {
    await server.stop();
  }
});

test('spool migrate applies the schema and exits 0, twice in a row', async () => {
  const dataDir = makeTempDir();
  for (let round = 0; round < 2; round++) {
    const result = await runSpool(['migrate', '--data-dir', dataDir]);
    assert.equal(result.code, 0, result.stderr);
  }
});
