// When PostgreSQL restarts under write load, or a statement runs out of time, clients get a
// retriable 503 in OpenAI's envelope, no acknowledged write is lost, and Spool recovers on its own.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { envelopeOf, postJson, type RawResponse, raw } from '../support/http.js';
import { createTestDatabase, queryDatabase } from '../support/postgres.js';
import { type PrivatePostgres, postgresBinDir, startPrivatePostgres } from '../support/private-postgres.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function assertRetriable503(response: RawResponse): void {
  assert.equal(response.status, 503, response.text);
  assert.deepEqual(envelopeOf(response), {
    message: 'The server could not reach its database. Please retry your request in a moment.',
    type: 'server_error',
    param: null,
    code: 'service_unavailable',
  });
  assert.equal(response.headers.get('retry-after'), '1');
  assert.match(response.headers.get('x-request-id') ?? '', /^req_/);
}

describe('PostgreSQL restarting under write load', {
  skip: postgresBinDir() === undefined && 'needs initdb and pg_ctl to run a server of its own',
}, () => {
  test('no acknowledged write is lost, failures are 503s, and service returns without restarting Spool', async (t) => {
    const server: PrivatePostgres = await startPrivatePostgres();
    cleanups.push(() => server.destroy());
    const spool: SpoolProcess = await startSpool({ databaseUrl: server.url });
    cleanups.push(() => spool.stop());
    const tag = `load-${Date.now()}`;

    const acknowledged: string[] = [];
    const failures: RawResponse[] = [];
    let stopping = false;
    const worker = async (worker: number) => {
      for (let index = 0; !stopping; index++) {
        const response = await postJson(`${spool.baseURL}/threads`, {
          metadata: { tag, worker: String(worker), index: String(index) },
          messages: [{ role: 'user', content: `w${worker} #${index}` }],
        });
        if (response.status === 200) acknowledged.push((response.json as { id: string }).id);
        else failures.push(response);
        if (response.status !== 200) await sleep(50);
      }
    };
    const workers = [1, 2, 3, 4].map(worker);

    await sleep(500);
    const beforeRestart = acknowledged.length;
    server.stop();
    await sleep(1500);
    const duringOutage = failures.length;
    server.start();
    // Service returns by itself: wait for writes to succeed again through the same process.
    const restartedAt = Date.now();
    const acknowledgedAtRestart = acknowledged.length;
    while (acknowledged.length < acknowledgedAtRestart + 20 && Date.now() - restartedAt < 20_000) await sleep(100);
    stopping = true;
    await Promise.all(workers);
    t.diagnostic(
      `${acknowledged.length} writes acknowledged (${beforeRestart} before the restart), ${failures.length} answered 503, back ${Date.now() - restartedAt} ms after start`,
    );

    assert.ok(beforeRestart > 0, 'writes succeeded before the restart');
    assert.ok(duringOutage > 0, 'requests failed while PostgreSQL was down');
    assert.ok(acknowledged.length >= acknowledgedAtRestart + 20, 'writes succeed again after the restart');
    assert.equal(spool.child.exitCode, null, 'the same Spool process served throughout');
    for (const failure of failures) assertRetriable503(failure);

    // Every acknowledged thread is there, with its message, read through Spool and in the database.
    const stored = await queryDatabase<{ id: string }>(server.url, 'select id from threads');
    const storedIds = new Set(stored.map((row) => row.id));
    for (const id of acknowledged) {
      assert.ok(storedIds.has(id), `acknowledged ${id} is stored`);
    }
    const sample = acknowledged.filter((_, index) => index % 10 === 0);
    for (const id of sample) {
      const messages = await raw(`${spool.baseURL}/threads/${id}/messages`);
      assert.equal(messages.status, 200, messages.text);
      assert.equal((messages.json as { data: unknown[] }).data.length, 1);
    }
  });
});

describe('a statement that runs out of time', () => {
  test('gets a 503 in the envelope, and the next request is served', async () => {
    const databaseUrl = await createTestDatabase();
    const spool = await startSpool({ databaseUrl, args: ['--database-statement-timeout', '300ms'] });
    cleanups.push(() => spool.stop());
    const thread = (await postJson(`${spool.baseURL}/threads`, {})).json as { id: string };

    // Another session holds the thread's row lock longer than the statement timeout.
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    cleanups.push(() => holder.end());
    await holder.query('begin');
    await holder.query('select 1 from threads where id = $1 for update', [thread.id]);
    const blocked = await postJson(`${spool.baseURL}/threads/${thread.id}`, { metadata: { a: 'b' } });
    await holder.query('rollback');
    assertRetriable503(blocked);

    const retried = await postJson(`${spool.baseURL}/threads/${thread.id}`, { metadata: { a: 'b' } });
    assert.equal(retried.status, 200, retried.text);
    assert.deepEqual((retried.json as { metadata: unknown }).metadata, { a: 'b' });
  });
});
