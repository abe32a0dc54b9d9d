// Every query on assistants, for both engines; each takes the project.
import type { Kysely } from 'kysely';
import type { Assistant } from '../domain/assistant.js';
import type { ListParams, Page } from '../domain/pagination.js';
import { documentKeys, fetchPage, resolveCursors } from './paging.js';
import type { Database } from './schema.js';

export class AssistantsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(projectId: string, assistant: Assistant): Promise<void> {
    await this.db
      .insertInto('assistants')
      .values({
        id: assistant.id,
        project_id: projectId,
        created_at: assistant.created_at,
        data: JSON.stringify(assistant),
      })
      .execute();
  }

  async get(projectId: string, id: string): Promise<Assistant | undefined> {
    const row = await this.db
      .selectFrom('assistants')
      .select('data')
      .where('id', '=', id)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return row ? (JSON.parse(row.data) as Assistant) : undefined;
  }

  async save(projectId: string, assistant: Assistant): Promise<void> {
    await this.db
      .updateTable('assistants')
      .set({ data: JSON.stringify(assistant) })
      .where('id', '=', assistant.id)
      .where('project_id', '=', projectId)
      .execute();
  }

  async delete(projectId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('assistants')
      .where('id', '=', id)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async list(projectId: string, params: ListParams): Promise<Page<Assistant>> {
    const cursors = await resolveCursors(params, 'assistant', (id) =>
      this.db
        .selectFrom('assistants')
        .select(['created_at', 'seq'])
        .where('id', '=', id)
        .where('project_id', '=', projectId)
        .executeTakeFirst(),
    );
    const query = this.db
      .selectFrom('assistants')
      .select(['data', 'created_at', 'seq'])
      .where('project_id', '=', projectId);
    const page = await fetchPage(query, documentKeys, params, cursors);
    return { items: page.items.map((row) => JSON.parse(row.data) as Assistant), hasMore: page.hasMore };
  }
}
