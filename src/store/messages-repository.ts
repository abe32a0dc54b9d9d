// Every query on messages, for both engines. Request-path methods take the project, so no query
// there reads or changes another project's messages; a run's own writes (its progress, its open
// messages) address the message or the run by its ID.
import type { Kysely, Selectable } from 'kysely';
import type { Message, MessageRole, MessageStatus } from '../domain/message.js';
import type { MetadataMap } from '../domain/metadata.js';
import type { ListParams, Page } from '../domain/pagination.js';
import type { DialectName } from './dialect.js';
import { fetchPage, resolveCursors } from './paging.js';
import { precompiled } from './precompiled.js';
import type { Database, MessagesTable } from './schema.js';

function messageFromRow(row: Selectable<MessagesTable>): Message {
  return {
    id: row.id,
    created_at: Number(row.created_at),
    thread_id: row.thread_id,
    status: row.status as MessageStatus,
    incomplete_details:
      row.incomplete_details === null ? null : (JSON.parse(row.incomplete_details) as { reason: string }),
    completed_at: row.completed_at === null ? null : Number(row.completed_at),
    incomplete_at: row.incomplete_at === null ? null : Number(row.incomplete_at),
    role: row.role as MessageRole,
    content: JSON.parse(row.content) as Message['content'],
    assistant_id: row.assistant_id,
    run_id: row.run_id,
    attachments: JSON.parse(row.attachments) as Message['attachments'],
    metadata: JSON.parse(row.metadata) as MetadataMap,
  };
}

// The queries on every request's path, compiled once (see precompiled.ts).
const queries = {
  insertMessage: precompiled(
    (
      db,
      _dialect,
      id: string,
      projectId: string,
      threadId: string,
      createdAt: number,
      role: string,
      status: string,
      content: string,
      attachments: string,
      metadata: string,
      assistantId: string | null,
      runId: string | null,
      completedAt: number | null,
      incompleteAt: number | null,
      incompleteDetails: string | null,
    ) =>
      db.insertInto('messages').values({
        id,
        project_id: projectId,
        thread_id: threadId,
        created_at: createdAt,
        role,
        status,
        content,
        attachments,
        metadata,
        assistant_id: assistantId,
        run_id: runId,
        completed_at: completedAt,
        incomplete_at: incompleteAt,
        incomplete_details: incompleteDetails,
      }),
  ),
  selectMessage: precompiled((db, _dialect, id: string, threadId: string, projectId: string) =>
    db
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', id)
      .where('thread_id', '=', threadId)
      .where('project_id', '=', projectId),
  ),
};

export class MessagesRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  async insert(projectId: string, message: Message): Promise<void> {
    await queries.insertMessage(
      this.db,
      this.dialect,
      message.id,
      projectId,
      message.thread_id,
      message.created_at,
      message.role,
      message.status,
      JSON.stringify(message.content),
      JSON.stringify(message.attachments),
      JSON.stringify(message.metadata),
      message.assistant_id,
      message.run_id,
      message.completed_at,
      message.incomplete_at,
      message.incomplete_details === null ? null : JSON.stringify(message.incomplete_details),
    );
  }

  async get(projectId: string, threadId: string, id: string): Promise<Message | undefined> {
    const row = (await queries.selectMessage(this.db, this.dialect, id, threadId, projectId)).rows[0];
    return row ? messageFromRow(row) : undefined;
  }

  async updateMetadata(
    projectId: string,
    threadId: string,
    id: string,
    metadata: MetadataMap,
  ): Promise<Message | undefined> {
    const row = await this.db
      .updateTable('messages')
      .set({ metadata: JSON.stringify(metadata) })
      .where('id', '=', id)
      .where('thread_id', '=', threadId)
      .where('project_id', '=', projectId)
      .returningAll()
      .executeTakeFirst();
    return row ? messageFromRow(row) : undefined;
  }

  /** Writes what a run changes as it writes a message: status, content and their times (never metadata). */
  async saveProgress(message: Message): Promise<void> {
    await this.db
      .updateTable('messages')
      .set({
        status: message.status,
        content: JSON.stringify(message.content),
        completed_at: message.completed_at,
        incomplete_at: message.incomplete_at,
        incomplete_details: message.incomplete_details === null ? null : JSON.stringify(message.incomplete_details),
      })
      .where('id', '=', message.id)
      .execute();
  }

  /** The messages a run is still writing. */
  async inProgressOfRun(runId: string): Promise<Message[]> {
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('run_id', '=', runId)
      .where('status', '=', 'in_progress')
      .execute();
    return rows.map(messageFromRow);
  }

  /** Every message of a thread, oldest first: a run's prompt. */
  async allOfThread(projectId: string, threadId: string): Promise<Message[]> {
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('thread_id', '=', threadId)
      .where('project_id', '=', projectId)
      .orderBy('created_at')
      .orderBy('seq')
      .execute();
    return rows.map(messageFromRow);
  }

  async delete(projectId: string, threadId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('messages')
      .where('id', '=', id)
      .where('thread_id', '=', threadId)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async list(projectId: string, threadId: string, params: ListParams, runId?: string): Promise<Page<Message>> {
    const cursors = await resolveCursors(params, 'message', (id) =>
      this.db
        .selectFrom('messages')
        .select(['created_at', 'seq'])
        .where('id', '=', id)
        .where('thread_id', '=', threadId)
        .where('project_id', '=', projectId)
        .executeTakeFirst(),
    );
    let query = this.db
      .selectFrom('messages')
      .selectAll()
      .where('thread_id', '=', threadId)
      .where('project_id', '=', projectId);
    if (runId !== undefined) query = query.where('run_id', '=', runId);
    const page = await fetchPage(
      query,
      { createdAt: 'created_at', seq: 'seq', sizeColumns: ['content', 'attachments', 'metadata'] },
      params,
      cursors,
    );
    return { items: page.items.map(messageFromRow), hasMore: page.hasMore };
  }
}
