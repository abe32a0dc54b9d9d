// Every query on threads and their metadata index, for both engines. Each method takes the
// project: no query here reads or changes another project's threads.
import { type Kysely, type Selectable, sql } from 'kysely';
import type { MetadataMap } from '../domain/metadata.js';
import type { ListParams, Page } from '../domain/pagination.js';
import type { Thread } from '../domain/thread.js';
import type { ToolResources } from '../domain/tool-resources.js';
import { type DialectName, forUpdate } from './dialect.js';
import { fetchPage, resolveCursors } from './paging.js';
import { precompiled } from './precompiled.js';
import type { Database, ThreadsTable } from './schema.js';

export interface ThreadFilter {
  metadata: Array<[key: string, value: string]>;
  createdAfter?: number | undefined;
  createdBefore?: number | undefined;
}

function distinctPairs(pairs: ReadonlyArray<[key: string, value: string]>): Array<[key: string, value: string]> {
  const seen = new Map(pairs.map((pair) => [JSON.stringify(pair), pair]));
  return [...seen.values()];
}

function threadFromRow(row: Selectable<ThreadsTable>): Thread {
  return {
    id: row.id,
    created_at: Number(row.created_at),
    metadata: JSON.parse(row.metadata) as MetadataMap,
    tool_resources: JSON.parse(row.tool_resources) as ToolResources,
  };
}

// The queries on every request's path, compiled once (see precompiled.ts).
const queries = {
  insertThread: precompiled(
    (db, _dialect, id: string, projectId: string, createdAt: number, metadata: string, toolResources: string) =>
      db
        .insertInto('threads')
        .values({ id, project_id: projectId, created_at: createdAt, metadata, tool_resources: toolResources })
        .returning('seq'),
  ),
  insertThreadMetadataPair: precompiled(
    (db, _dialect, projectId: string, threadSeq: number, key: string, value: string, createdAt: number) =>
      db
        .insertInto('thread_metadata')
        .values({ project_id: projectId, thread_seq: threadSeq, key, value, created_at: createdAt }),
  ),
  selectThread: precompiled((db, _dialect, id: string, projectId: string) =>
    db.selectFrom('threads').selectAll().where('id', '=', id).where('project_id', '=', projectId),
  ),
  selectThreadForUpdate: precompiled((db, dialect, id: string, projectId: string) =>
    forUpdate(db.selectFrom('threads').selectAll().where('id', '=', id).where('project_id', '=', projectId), dialect),
  ),
  updateThread: precompiled((db, _dialect, seq: number, metadata: string, toolResources: string) =>
    db.updateTable('threads').set({ metadata, tool_resources: toolResources }).where('seq', '=', seq),
  ),
  deleteThreadMetadata: precompiled((db, _dialect, threadSeq: number) =>
    db.deleteFrom('thread_metadata').where('thread_seq', '=', threadSeq),
  ),
  deleteThread: precompiled((db, _dialect, id: string, projectId: string) =>
    db.deleteFrom('threads').where('id', '=', id).where('project_id', '=', projectId).returning('seq'),
  ),
  deleteMessagesOfThread: precompiled((db, _dialect, threadId: string, projectId: string) =>
    db.deleteFrom('messages').where('thread_id', '=', threadId).where('project_id', '=', projectId),
  ),
};

export class ThreadsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  async insert(projectId: string, thread: Thread): Promise<void> {
    const inserted = await queries.insertThread(
      this.db,
      this.dialect,
      thread.id,
      projectId,
      thread.created_at,
      JSON.stringify(thread.metadata),
      JSON.stringify(thread.tool_resources),
    );
    const seq = inserted.rows[0]?.seq;
    if (seq === undefined) throw new Error('insert into threads returned no seq');
    await this.insertThreadMetadata(projectId, Number(seq), thread.created_at, thread.metadata);
  }

  private async insertThreadMetadata(
    projectId: string,
    threadSeq: number,
    createdAt: number,
    metadata: MetadataMap,
  ): Promise<void> {
    for (const [key, value] of Object.entries(metadata))
      await queries.insertThreadMetadataPair(this.db, this.dialect, projectId, threadSeq, key, value, createdAt);
  }

  async get(projectId: string, id: string): Promise<Thread | undefined> {
    const row = (await queries.selectThread(this.db, this.dialect, id, projectId)).rows[0];
    return row ? threadFromRow(row) : undefined;
  }

  /**
   * The thread, locked until the transaction ends: changes to one thread (its modification, new
   * messages, its deletion) then happen one after another, on every replica, in commit order.
   */
  async lock(projectId: string, id: string): Promise<Thread | undefined> {
    const row = await this.selectThreadForUpdate(projectId, id);
    return row ? threadFromRow(row) : undefined;
  }

  private async selectThreadForUpdate(projectId: string, id: string): Promise<Selectable<ThreadsTable> | undefined> {
    return (await queries.selectThreadForUpdate(this.db, this.dialect, id, projectId)).rows[0];
  }

  async update(
    projectId: string,
    id: string,
    changes: { metadata?: MetadataMap | undefined; tool_resources?: ToolResources | undefined },
  ): Promise<Thread | undefined> {
    const row = await this.selectThreadForUpdate(projectId, id);
    if (!row) return undefined;
    const thread = threadFromRow(row);
    if (changes.metadata !== undefined) {
      thread.metadata = changes.metadata;
      await queries.deleteThreadMetadata(this.db, this.dialect, row.seq);
      await this.insertThreadMetadata(projectId, Number(row.seq), thread.created_at, thread.metadata);
    }
    if (changes.tool_resources !== undefined) thread.tool_resources = changes.tool_resources;
    await queries.updateThread(
      this.db,
      this.dialect,
      row.seq,
      JSON.stringify(thread.metadata),
      JSON.stringify(thread.tool_resources),
    );
    return thread;
  }

  /** Deletes the thread with its messages and metadata rows; false when there was no such thread. */
  async delete(projectId: string, id: string): Promise<boolean> {
    const deleted = (await queries.deleteThread(this.db, this.dialect, id, projectId)).rows[0];
    if (!deleted) return false;
    await queries.deleteThreadMetadata(this.db, this.dialect, deleted.seq);
    await queries.deleteMessagesOfThread(this.db, this.dialect, id, projectId);
    return true;
  }

  async list(projectId: string, params: ListParams, filter: ThreadFilter): Promise<Page<Thread>> {
    const cursors = await resolveCursors(params, 'thread', (id) =>
      this.db
        .selectFrom('threads')
        .select(['created_at', 'seq'])
        .where('id', '=', id)
        .where('project_id', '=', projectId)
        .executeTakeFirst(),
    );
    const [first, ...others] = await this.rarestFirst(projectId, distinctPairs(filter.metadata));
    if (first) {
      // The first pair drives the scan through its index, already in (created_at, seq) order.
      let query = this.db
        .selectFrom('thread_metadata as m')
        .innerJoin('threads as t', 't.seq', 'm.thread_seq')
        .selectAll('t')
        .where('m.project_id', '=', projectId)
        .where('m.key', '=', first[0])
        .where('m.value', '=', first[1]);
      if (others.length > 0) {
        // The other pairs in one correlated count over the thread's own metadata rows (at most 16, by
        // its primary key): the same small cost per candidate thread whatever the number of pairs,
        // and a query whose plan does not grow with them. The pairs are distinct and a row holds one
        // key and one value, so each row matches at most one pair: all match when the count does.
        // No project_id term: thread_seq already names one thread, and without it no engine can
        // read the pairs through the pair index (all of a common pair's rows) instead of the key.
        query = query.where(({ eb, selectFrom }) =>
          eb(
            selectFrom('thread_metadata as o')
              .select(({ fn }) => fn.countAll().as('matched'))
              .whereRef('o.thread_seq', '=', 't.seq')
              .where(({ and, or, eb: inner }) =>
                or(others.map(([key, value]) => and([inner('o.key', '=', key), inner('o.value', '=', value)]))),
              ),
            '=',
            others.length,
          ),
        );
      }
      if (filter.createdAfter !== undefined) query = query.where('m.created_at', '>', filter.createdAfter);
      if (filter.createdBefore !== undefined) query = query.where('m.created_at', '<', filter.createdBefore);
      const page = await fetchPage(query, { createdAt: 'm.created_at', seq: 'm.thread_seq' }, params, cursors);
      return { items: page.items.map(threadFromRow), hasMore: page.hasMore };
    }
    let query = this.db.selectFrom('threads').selectAll().where('project_id', '=', projectId);
    if (filter.createdAfter !== undefined) query = query.where('created_at', '>', filter.createdAfter);
    if (filter.createdBefore !== undefined) query = query.where('created_at', '<', filter.createdBefore);
    const page = await fetchPage(query, { createdAt: 'created_at', seq: 'seq' }, params, cursors);
    return { items: page.items.map(threadFromRow), hasMore: page.hasMore };
  }

  /**
   * The pairs, rarest first: the first pair drives the scan and the others are checked on each
   * thread it yields, so a common first pair would read many threads to fill a page. One statement
   * counts every pair's threads up to a cap, so this costs at most pairs x cap index entries and a
   * single round trip; equal counts (both past the cap, say) keep the client's order. Both engines
   * need it: no planner can tell which of the pairs folded into one count is the rarer.
   */
  private async rarestFirst(
    projectId: string,
    pairs: Array<[key: string, value: string]>,
  ): Promise<Array<[key: string, value: string]>> {
    if (pairs.length < 2) return pairs;
    const cap = 1_000;
    const counts = pairs.map(
      ([key, value], index) =>
        sql`(select count(*) from (select 1 from thread_metadata where project_id = ${projectId} and key = ${key} and value = ${value} limit ${cap}) as matches) as ${sql.ref(`c${index}`)}`,
    );
    const { rows } = await sql<Record<string, number | string | bigint>>`select ${sql.join(counts)}`.execute(this.db);
    const row = rows[0] ?? {};
    return pairs
      .map((pair, index) => ({ pair, count: Number(row[`c${index}`] ?? 0) }))
      .sort((a, b) => a.count - b.count)
      .map(({ pair }) => pair);
  }
}
