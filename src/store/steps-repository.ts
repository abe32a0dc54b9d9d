// Every query on run steps, for both engines. The request path reads steps by project; the run
// that writes them addresses its steps by their run's or their own ID.
import type { Kysely } from 'kysely';
import type { ListParams, Page } from '../domain/pagination.js';
import type { RunStep } from '../domain/run-step.js';
import { documentKeys, fetchPage, resolveCursors } from './paging.js';
import type { Database } from './schema.js';

export class StepsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(projectId: string, step: RunStep): Promise<void> {
    await this.db
      .insertInto('run_steps')
      .values({
        id: step.id,
        project_id: projectId,
        run_id: step.run_id,
        thread_id: step.thread_id,
        created_at: step.created_at,
        data: JSON.stringify(step),
      })
      .execute();
  }

  async save(step: RunStep): Promise<void> {
    await this.db
      .updateTable('run_steps')
      .set({ data: JSON.stringify(step) })
      .where('id', '=', step.id)
      .execute();
  }

  async get(projectId: string, runId: string, id: string): Promise<RunStep | undefined> {
    const row = await this.db
      .selectFrom('run_steps')
      .select('data')
      .where('id', '=', id)
      .where('run_id', '=', runId)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return row ? (JSON.parse(row.data) as RunStep) : undefined;
  }

  async inProgressOfRun(runId: string): Promise<RunStep[]> {
    return (await this.ofRun(runId)).filter((step) => step.status === 'in_progress');
  }

  async ofRun(runId: string): Promise<RunStep[]> {
    const rows = await this.db
      .selectFrom('run_steps')
      .select('data')
      .where('run_id', '=', runId)
      .orderBy('created_at')
      .orderBy('seq')
      .execute();
    return rows.map((row) => JSON.parse(row.data) as RunStep);
  }

  async list(projectId: string, runId: string, params: ListParams): Promise<Page<RunStep>> {
    const cursors = await resolveCursors(params, 'step', (id) =>
      this.db
        .selectFrom('run_steps')
        .select(['created_at', 'seq'])
        .where('id', '=', id)
        .where('run_id', '=', runId)
        .where('project_id', '=', projectId)
        .executeTakeFirst(),
    );
    const query = this.db
      .selectFrom('run_steps')
      .select(['data', 'created_at', 'seq'])
      .where('run_id', '=', runId)
      .where('project_id', '=', projectId);
    const page = await fetchPage(query, documentKeys, params, cursors);
    return { items: page.items.map((row) => JSON.parse(row.data) as RunStep), hasMore: page.hasMore };
  }
}
