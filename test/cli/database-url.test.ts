// Choosing the store on the command line: a bad --database-url is refused before anything starts,
// and an unreachable database is named in one line, on `serve` and on the admin commands alike.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runSpool } from '../support/spool.js';

const unreachable = 'postgres://spool:secret@127.0.0.1:9/spool';

describe('--database-url', () => {
  test('a URL that is not postgres:// is refused with exit code 2, without echoing it', async () => {
    const result = await runSpool(['serve', '--port', '0', '--database-url', 'mysql://root:hunter2@db/spool']);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'spool: --database-url must be a postgres:// or postgresql:// URL\n');
  });

  test('SPOOL_DATABASE_POOL_SIZE and SPOOL_DATABASE_STATEMENT_TIMEOUT are checked too', async () => {
    const pool = await runSpool(['serve', '--port', '0'], {
      SPOOL_DATABASE_URL: unreachable,
      SPOOL_DATABASE_POOL_SIZE: 'lots',
    });
    assert.equal(pool.code, 2);
    assert.equal(
      pool.stderr,
      "spool: SPOOL_DATABASE_POOL_SIZE must be a number of connections from 1 to 1000, got 'lots'\n",
    );
    const timeout = await runSpool(['serve', '--port', '0', '--database-statement-timeout', 'soon'], {
      SPOOL_DATABASE_URL: unreachable,
    });
    assert.equal(timeout.code, 2);
    assert.equal(
      timeout.stderr,
      "spool: --database-statement-timeout must be a duration such as 30000 (ms), 30s or 1m, got 'soon'\n",
    );
  });

  test('an unreachable database: serve, migrate and export exit 1 with one line naming the failure', async () => {
    for (const args of [['serve', '--port', '0'], ['migrate'], ['export']]) {
      const result = await runSpool([...args, '--database-url', unreachable]);
      assert.equal(result.code, 1, `${args[0]}: ${result.stderr}`);
      assert.equal(result.stderr, 'spool: cannot reach the database: connect ECONNREFUSED 127.0.0.1:9\n', args[0]);
    }
  });
});
