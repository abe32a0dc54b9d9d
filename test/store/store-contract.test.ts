// The store contract: what the rest of Spool relies on from its store, checked on the store of this
// pass (SQLite, or PostgreSQL when SPOOL_TEST_DATABASE_URL is set).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Message } from '../../src/domain/message.js';
import type { Thread } from '../../src/domain/thread.js';
import { isDatabaseUnavailable, isUniqueViolation } from '../../src/store/dialect.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { openStore, type StoreSettings } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, testStore } from '../support/postgres.js';
import { makeTempDir } from '../support/spool.js';

let settings: StoreSettings;
let store: Store;
let counter = 0;

const projectA = 'proj_default';
const projectB = 'proj_other';

async function newSettings(): Promise<StoreSettings> {
  return {
    databaseUrl: testStore === 'postgres' ? await createTestDatabase() : undefined,
    databasePoolSize: 5,
    statementTimeoutMs: 10_000,
    sqliteFile: join(makeTempDir(), 'spool.db'),
    durability: 'normal',
  };
}

function thread(createdAt: number, metadata: Record<string, string> = {}): Thread {
  counter += 1;
  return {
    id: `thread_contract${String(counter).padStart(12, '0')}`,
    created_at: createdAt,
    metadata,
    tool_resources: {},
  };
}

function message(threadId: string, createdAt: number, text: string): Message {
  counter += 1;
  return {
    id: `msg_contract${String(counter).padStart(12, '0')}`,
    created_at: createdAt,
    thread_id: threadId,
    status: 'completed',
    incomplete_details: null,
    completed_at: createdAt,
    incomplete_at: null,
    role: 'user',
    content: [{ type: 'text', text: { value: text, annotations: [] } }],
    assistant_id: null,
    run_id: null,
    attachments: [],
    metadata: {},
  };
}

const list = { limit: 20, order: 'asc' as const };

before(async () => {
  settings = await newSettings();
  store = await openStore(settings);
});
after(async () => {
  await store.close();
});

describe(`store contract (${testStore})`, () => {
  test('migrations are idempotent: opening the same database again applies nothing', async () => {
    assert.deepEqual(await migrateToLatest(store.db, store.dialect), []);
    const again = await openStore(settings);
    await again.close();
  });

  test('64-bit columns read back as numbers, not strings', async () => {
    const created = thread(1_700_000_000);
    await store.threads.insert(projectA, created);
    const row = await store.db
      .selectFrom('threads')
      .select(['seq', 'created_at'])
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    assert.equal(typeof row.seq, 'number');
    assert.equal(typeof row.created_at, 'number');
    assert.deepEqual(await store.threads.get(projectA, created.id), created);
    const counted = await store.db
      .selectFrom('threads')
      .select((eb) => eb.fn.countAll().as('count'))
      .executeTakeFirstOrThrow();
    assert.equal(typeof counted.count, 'number', 'count(*) is a bigint on PostgreSQL');
  });

  test('threads are scoped by project', async () => {
    const created = thread(1_700_000_001, { team: 'a' });
    await store.threads.insert(projectA, created);
    assert.equal(await store.threads.get(projectB, created.id), undefined);
    assert.equal(await store.threads.update(projectB, created.id, { metadata: {} }), undefined);
    assert.equal(await store.threads.delete(projectB, created.id), false);
    assert.deepEqual(await store.threads.get(projectA, created.id), created);
  });

  test('update replaces metadata (and the metadata index) and keeps what is not given', async () => {
    const created = thread(1_700_000_002, { colour: 'red', size: 'l' });
    await store.threads.insert(projectA, created);
    const updated = await store.transaction((tx) =>
      tx.threads.update(projectA, created.id, { metadata: { colour: 'blue' } }),
    );
    assert.deepEqual(updated, { ...created, metadata: { colour: 'blue' } });
    const byOld = await store.threads.list(projectA, list, { metadata: [['colour', 'red']] });
    assert.deepEqual(byOld.items, []);
    const byNew = await store.threads.list(projectA, list, { metadata: [['colour', 'blue']] });
    assert.deepEqual(byNew.items, [updated]);
  });

  test('lists order by created_at then creation order, with cursors either way', async () => {
    const tag = { batch: `ties-${counter}` };
    const threads = [
      thread(1_700_000_100, tag),
      thread(1_700_000_100, tag),
      thread(1_700_000_099, tag),
      thread(1_700_000_100, tag),
      thread(1_700_000_101, tag),
    ];
    for (const each of threads) await store.threads.insert(projectA, each);
    const expected = [threads[2], threads[0], threads[1], threads[3], threads[4]].map((each) => each?.id);
    const ids = (page: { items: Thread[] }) => page.items.map((each) => each.id);
    const filter = { metadata: [['batch', tag.batch]] as Array<[string, string]> };
    assert.deepEqual(ids(await store.threads.list(projectA, list, filter)), expected);
    assert.deepEqual(
      ids(await store.threads.list(projectA, { limit: 20, order: 'desc' }, filter)),
      [...expected].reverse(),
    );
    const afterSecond = await store.threads.list(
      projectA,
      { limit: 2, order: 'asc', after: expected[1] as string },
      filter,
    );
    assert.deepEqual(ids(afterSecond), expected.slice(2, 4));
    assert.equal(afterSecond.hasMore, true);
    const beforeLast = await store.threads.list(
      projectA,
      { limit: 2, order: 'asc', before: expected[4] as string },
      filter,
    );
    assert.deepEqual(ids(beforeLast), expected.slice(2, 4));
    const between = await store.threads.list(projectA, list, {
      ...filter,
      createdAfter: 1_700_000_099,
      createdBefore: 1_700_000_101,
    });
    assert.deepEqual(ids(between), expected.slice(1, 4));
  });

  test('metadata filters AND their pairs', async () => {
    const both = thread(1_700_000_200, { env: 'prod', region: 'eu' });
    const one = thread(1_700_000_200, { env: 'prod', region: 'us' });
    await store.threads.insert(projectA, both);
    await store.threads.insert(projectA, one);
    const page = await store.threads.list(projectA, list, {
      metadata: [
        ['env', 'prod'],
        ['region', 'eu'],
      ],
    });
    assert.deepEqual(page.items, [both]);
    const reversed = await store.threads.list(projectA, list, {
      metadata: [
        ['region', 'eu'],
        ['env', 'prod'],
      ],
    });
    assert.deepEqual(reversed.items, [both], 'the order of the pairs does not matter');
    assert.deepEqual((await store.threads.list(projectB, list, { metadata: [['env', 'prod']] })).items, []);
  });

  test('messages: insert, list in order, change metadata, delete; deleting the thread deletes them', async () => {
    const parent = thread(1_700_000_300);
    await store.threads.insert(projectA, parent);
    const messages = [
      message(parent.id, 1_700_000_300, 'one'),
      message(parent.id, 1_700_000_300, 'two'),
      message(parent.id, 1_700_000_301, 'three'),
    ];
    for (const each of messages) await store.messages.insert(projectA, each);
    assert.deepEqual((await store.messages.list(projectA, parent.id, list)).items, messages);
    assert.deepEqual((await store.messages.list(projectB, parent.id, list)).items, []);
    const first = messages[0] as Message;
    assert.deepEqual(await store.messages.updateMetadata(projectA, parent.id, first.id, { k: 'v' }), {
      ...first,
      metadata: { k: 'v' },
    });
    assert.equal(await store.messages.delete(projectA, parent.id, first.id), true);
    assert.equal(await store.messages.delete(projectA, parent.id, first.id), false);
    assert.equal(await store.transaction((tx) => tx.threads.delete(projectA, parent.id)), true);
    assert.deepEqual((await store.messages.list(projectA, parent.id, list)).items, []);
  });

  test('a second insert of a unique key is recognised as a unique violation', async () => {
    const response = { requestHash: 'h', statusCode: 200, body: '{}', createdAt: 1_700_000_400 };
    await store.idempotency.storeResponse(projectA, 'key-1', response, 0);
    const duplicate = await store.db
      .insertInto('idempotency_keys')
      .values({
        project_id: projectA,
        key: 'key-1',
        request_hash: 'h',
        status_code: 200,
        response_body: '{}',
        created_at: 1,
      })
      .execute()
      .catch((error: unknown) => error);
    assert.ok(isUniqueViolation(duplicate), `not a unique violation: ${String(duplicate)}`);
    assert.equal(isDatabaseUnavailable(duplicate), false);
    assert.deepEqual(await store.idempotency.findStoredResponse(projectA, 'key-1'), response);
  });

  test('a stored response is replaced only once it has expired', async () => {
    const first = { requestHash: 'first', statusCode: 200, body: '{"n":1}', createdAt: 1_700_000_450 };
    const second = { requestHash: 'second', statusCode: 200, body: '{"n":2}', createdAt: 1_700_000_460 };
    await store.idempotency.storeResponse(projectA, 'key-2', first, 0);
    const clash = await store
      .transaction((tx) => tx.idempotency.storeResponse(projectA, 'key-2', second, first.createdAt - 1))
      .catch((error: unknown) => error);
    assert.ok(isUniqueViolation(clash), 'a fresh response is kept, and the second writer learns of it');
    assert.deepEqual(await store.idempotency.findStoredResponse(projectA, 'key-2'), first);
    await store.transaction((tx) => tx.idempotency.storeResponse(projectA, 'key-2', second, first.createdAt));
    assert.deepEqual(await store.idempotency.findStoredResponse(projectA, 'key-2'), second);
  });

  test("threads.lock holds off a second writer until the first one's transaction ends", async () => {
    const locked = thread(1_700_000_500);
    await store.threads.insert(projectA, locked);
    const events: string[] = [];
    let releaseFirst = () => {};
    const firstHolds = new Promise<void>((done) => (releaseFirst = done));
    let firstLocked = () => {};
    const lockTaken = new Promise<void>((done) => (firstLocked = done));
    const first = store.transaction(async (tx) => {
      await tx.threads.lock(projectA, locked.id);
      firstLocked();
      await firstHolds;
      await tx.threads.update(projectA, locked.id, { metadata: { by: 'first' } });
      events.push('first commits');
    });
    await lockTaken;
    const second = store.transaction(async (tx) => {
      const seen = await tx.threads.lock(projectA, locked.id);
      events.push('second locked');
      return seen;
    });
    await new Promise((done) => setTimeout(done, 200));
    events.push('released');
    releaseFirst();
    await first;
    const seen = await second;
    assert.deepEqual(events, ['released', 'first commits', 'second locked']);
    assert.deepEqual(seen?.metadata, { by: 'first' }, 'the second writer reads what the first committed');
  });
});

// A server that cannot be reached only exists for PostgreSQL; SQLite has no connection to lose.
if (testStore === 'postgres') {
  describe('an unreachable PostgreSQL', () => {
    test('fails with an error recognised as the database being unavailable', async () => {
      const error = await openStore({ ...settings, databaseUrl: 'postgres://spool:spool@127.0.0.1:9/spool' }).catch(
        (caught: unknown) => caught,
      );
      assert.ok(isDatabaseUnavailable(error), `not recognised: ${String(error)}`);
    });
  });
}
