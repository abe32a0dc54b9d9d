// Two Spool replicas on one PostgreSQL database: what either one writes, both serve, and writes
// racing on one thread or one idempotency key through both come out as if made one after another.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postJson, raw } from '../support/http.js';
import { createTestDatabase, queryDatabase } from '../support/postgres.js';
import { runSpool, type SpoolProcess, startSpool } from '../support/spool.js';

interface Thread {
  id: string;
  metadata: Record<string, string>;
  tool_resources: Record<string, unknown>;
}
interface ListOf<T> {
  data: T[];
  has_more: boolean;
  last_id: string | null;
}

let databaseUrl: string;
let replicaA: SpoolProcess;
let replicaB: SpoolProcess;

async function createThread(replica: SpoolProcess, body: unknown, headers: Record<string, string> = {}) {
  const response = await postJson(`${replica.baseURL}/threads`, body, headers);
  assert.equal(response.status, 200, response.text);
  return { thread: response.json as Thread, replayed: response.headers.get('idempotent-replayed') === 'true' };
}

async function get<T>(replica: SpoolProcess, path: string): Promise<T> {
  const response = await raw(`${replica.baseURL}${path}`);
  assert.equal(response.status, 200, response.text);
  return response.json as T;
}

/** Every id of a list, walking pages of `limit` with `after`. */
async function walk(replica: SpoolProcess, path: string, order: 'asc' | 'desc', limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor = '';
  for (;;) {
    const page = await get<ListOf<{ id: string }>>(
      replica,
      `${path}${path.includes('?') ? '&' : '?'}order=${order}&limit=${limit}${cursor}`,
    );
    ids.push(...page.data.map((item) => item.id));
    if (!page.has_more) return ids;
    cursor = `&after=${page.last_id}`;
  }
}

/** The migrations one `spool migrate` applies on an empty database, with nobody else around. */
async function migrationsAppliedAlone(): Promise<Array<{ name: string }>> {
  const alone = await createTestDatabase();
  const result = await runSpool(['migrate', '--database-url', alone]);
  assert.equal(result.code, 0, result.stderr);
  const applied = await queryDatabase<{ name: string }>(alone, 'select name from kysely_migration order by name');
  assert.ok(applied.some((row) => row.name === '0001_threads_and_messages'));
  return applied;
}

before(async () => {
  databaseUrl = await createTestDatabase();
  // Started together on an empty database: both run the migrations at the same moment.
  [replicaA, replicaB] = await Promise.all([startSpool({ databaseUrl }), startSpool({ databaseUrl })]);
});
after(async () => {
  await Promise.all([replicaA?.stop(), replicaB?.stop()]);
});

describe('two replicas on one PostgreSQL database', () => {
  test('replicas started together apply each migration exactly once', async () => {
    const applied = await queryDatabase<{ name: string }>(
      databaseUrl,
      'select name from kysely_migration order by name',
    );
    assert.deepEqual(applied, await migrationsAppliedAlone());
    const projects = await queryDatabase<{ id: string }>(databaseUrl, 'select id from projects');
    assert.deepEqual(projects, [{ id: 'proj_default' }]);
  });

  test('four `spool migrate` at once on an empty database all succeed', async () => {
    const fresh = await createTestDatabase();
    const results = await Promise.all([1, 2, 3, 4].map(() => runSpool(['migrate', '--database-url', fresh])));
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    const applied = await queryDatabase<{ name: string }>(fresh, 'select name from kysely_migration order by name');
    assert.deepEqual(applied, await migrationsAppliedAlone());
  });

  test('threads and messages written alternately through each replica are all served by both', async () => {
    const tag = `interleaved-${Date.now()}`;
    const created: string[] = [];
    for (let index = 0; index < 10; index++) {
      const { thread } = await createThread(index % 2 === 0 ? replicaA : replicaB, { metadata: { tag } });
      created.push(thread.id);
    }
    const conversation = created[0] as string;
    const messages: string[] = [];
    for (let index = 0; index < 10; index++) {
      const response = await postJson(
        `${(index % 2 === 0 ? replicaB : replicaA).baseURL}/threads/${conversation}/messages`,
        { role: 'user', content: `turn ${index}` },
      );
      assert.equal(response.status, 200, response.text);
      messages.push((response.json as { id: string }).id);
    }
    for (const replica of [replicaA, replicaB]) {
      assert.deepEqual(await walk(replica, `/threads?metadata[tag]=${tag}`, 'asc', 3), created);
      assert.deepEqual(await walk(replica, `/threads/${conversation}/messages`, 'asc', 4), messages);
      for (const id of created) assert.equal((await get<Thread>(replica, `/threads/${id}`)).id, id);
    }
  });

  test('messages created at once through both replicas into one thread: all kept, each listed once, in commit order', async () => {
    const { thread } = await createThread(replicaA, {});
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        postJson(`${(index % 2 === 0 ? replicaA : replicaB).baseURL}/threads/${thread.id}/messages`, {
          role: 'user',
          content: `m${index}`,
        }),
      ),
    );
    for (const response of responses) assert.equal(response.status, 200, response.text);
    const createdIds = responses.map((response) => (response.json as { id: string }).id);
    const ascending = await walk(replicaB, `/threads/${thread.id}/messages`, 'asc', 7);
    assert.deepEqual([...ascending].sort(), [...createdIds].sort(), 'every message exactly once');
    assert.deepEqual(await walk(replicaA, `/threads/${thread.id}/messages`, 'desc', 9), [...ascending].reverse());
    // The listing order is the order in which the messages committed (the sequence), on both replicas.
    const bySequence = await queryDatabase<{ id: string }>(
      databaseUrl,
      'select id from messages where thread_id = $1 order by created_at, seq',
      [thread.id],
    );
    assert.deepEqual(
      ascending,
      bySequence.map((row) => row.id),
    );
  });

  test('modifying one thread through both replicas at once loses neither change', async () => {
    for (let round = 0; round < 25; round++) {
      const { thread } = await createThread(replicaA, {
        metadata: { round: 'start' },
        tool_resources: { code_interpreter: { file_ids: ['file-start'] } },
      });
      const [metadataChange, toolsChange] = await Promise.all([
        postJson(`${replicaA.baseURL}/threads/${thread.id}`, { metadata: { round: String(round), by: 'a' } }),
        postJson(`${replicaB.baseURL}/threads/${thread.id}`, {
          tool_resources: { code_interpreter: { file_ids: [`file-${round}`] } },
        }),
      ]);
      assert.equal(metadataChange.status, 200, metadataChange.text);
      assert.equal(toolsChange.status, 200, toolsChange.text);
      const final = await get<Thread>(replicaB, `/threads/${thread.id}`);
      assert.deepEqual(final.metadata, { round: String(round), by: 'a' }, `round ${round}: metadata kept`);
      assert.deepEqual(
        final.tool_resources,
        { code_interpreter: { file_ids: [`file-${round}`] } },
        `round ${round}: tool_resources kept`,
      );
      const found = await get<ListOf<Thread>>(replicaA, `/threads?metadata[round]=${round}&metadata[by]=a`);
      assert.ok(
        found.data.some((each) => each.id === thread.id),
        `round ${round}: the metadata filter agrees with the thread`,
      );
    }
  });

  test('one Idempotency-Key sent to both replicas at once creates one thread, and both get it', async () => {
    for (let round = 0; round < 15; round++) {
      const key = `race-${Date.now()}-${round}`;
      const body = { metadata: { key } };
      const [first, second] = await Promise.all([
        createThread(replicaA, body, { 'idempotency-key': key }),
        createThread(replicaB, body, { 'idempotency-key': key }),
      ]);
      assert.equal(first.thread.id, second.thread.id, `round ${round}: the same thread`);
      assert.equal(
        [first.replayed, second.replayed].filter(Boolean).length,
        1,
        `round ${round}: one of the two is a replay`,
      );
      const listed = await get<ListOf<Thread>>(replicaB, `/threads?metadata[key]=${key}`);
      assert.deepEqual(
        listed.data.map((each) => each.id),
        [first.thread.id],
        `round ${round}: exactly one thread was created`,
      );
    }
  });

  test('deleting a thread while messages are added to it through the other replica leaves no orphan message', async () => {
    for (let round = 0; round < 10; round++) {
      const { thread } = await createThread(replicaA, {});
      const adds = Array.from({ length: 6 }, () =>
        postJson(`${replicaB.baseURL}/threads/${thread.id}/messages`, { role: 'user', content: 'racing' }),
      );
      const deletion = raw(`${replicaA.baseURL}/threads/${thread.id}`, { method: 'DELETE' });
      const [deleted, ...added] = await Promise.all([deletion, ...adds]);
      assert.equal(deleted?.status, 200, deleted?.text);
      for (const response of added) assert.ok(response.status === 200 || response.status === 404, response.text);
    }
    const orphans = await queryDatabase(
      databaseUrl,
      'select m.id from messages m left join threads t on t.id = m.thread_id where t.id is null',
    );
    assert.deepEqual(orphans, []);
  });
});
