// Every query on assistants, runs and run steps, for both engines. Runs are read and changed
// whole (`updateRun`), so the worker and the API never overwrite each other's changes.
import type { Kysely } from 'kysely';
import type { Assistant } from '../domain/assistant.js';
import type { ListParams, Page } from '../domain/pagination.js';
import { activeRunStatuses, type Run } from '../domain/run.js';
import type { RunStep } from '../domain/run-step.js';
import { claimUnlocked, type DialectName, forUpdate } from './dialect.js';
import { fetchPage, resolveCursors } from './paging.js';
import { precompiled } from './precompiled.js';
import type { Database } from './schema.js';

export interface ClaimedRun {
  projectId: string;
  run: Run;
}

// Rows are measured before they are read, so a page of large objects is cut to the page budget unread.
const keys = { createdAt: 'created_at', seq: 'seq', sizeColumns: ['data'] };

// The queries on every thread request's path, compiled once (see precompiled.ts).
const queries = {
  activeRun: precompiled((db, _dialect, threadId: string, projectId: string) =>
    db.selectFrom('runs').select('data').where('thread_id', '=', threadId).where('project_id', '=', projectId).where('status', 'in', activeRunStatuses),
  ),
  deleteRunsOfThread: precompiled((db, _dialect, threadId: string, projectId: string) => db.deleteFrom('runs').where('thread_id', '=', threadId).where('project_id', '=', projectId).returning('id')),
  deleteStepsOfThread: precompiled((db, _dialect, threadId: string, projectId: string) => db.deleteFrom('run_steps').where('thread_id', '=', threadId).where('project_id', '=', projectId)),
};

export class RunsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  // Assistants

  async insertAssistant(projectId: string, assistant: Assistant): Promise<void> {
    await this.db.insertInto('assistants').values({ id: assistant.id, project_id: projectId, created_at: assistant.created_at, data: JSON.stringify(assistant) }).execute();
  }

  async getAssistant(projectId: string, id: string): Promise<Assistant | undefined> {
    const row = await this.db.selectFrom('assistants').select('data').where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
    return row ? (JSON.parse(row.data) as Assistant) : undefined;
  }

  async saveAssistant(projectId: string, assistant: Assistant): Promise<void> {
    await this.db.updateTable('assistants').set({ data: JSON.stringify(assistant) }).where('id', '=', assistant.id).where('project_id', '=', projectId).execute();
  }

  async deleteAssistant(projectId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('assistants').where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async listAssistants(projectId: string, params: ListParams): Promise<Page<Assistant>> {
    const cursors = await resolveCursors(params, 'assistant', (id) => this.db.selectFrom('assistants').select(['created_at', 'seq']).where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst());
    const query = this.db.selectFrom('assistants').select(['data', 'created_at', 'seq']).where('project_id', '=', projectId);
    const page = await fetchPage(query, keys, params, cursors);
    return { items: page.items.map((row) => JSON.parse(row.data) as Assistant), hasMore: page.hasMore };
  }

  // Runs

  /** Inserts a queued run; a second active run on the thread violates a unique index (see migrations). */
  async insertRun(projectId: string, run: Run, lease?: { owner: string; expiresAtMs: number }): Promise<void> {
    await this.db
      .insertInto('runs')
      .values({
        id: run.id,
        project_id: projectId,
        thread_id: run.thread_id,
        status: run.status,
        created_at: run.created_at,
        expires_at: run.expires_at,
        lease_owner: lease?.owner ?? null,
        lease_expires_at: lease?.expiresAtMs ?? null,
        data: JSON.stringify(run),
      })
      .execute();
  }

  async runStatus(runId: string): Promise<Run['status'] | undefined> {
    const row = await this.db.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirst();
    return row?.status as Run['status'] | undefined;
  }

  /** Forgets every claim: for a store only this process uses, whose previous owner is gone. */
  async releaseAllLeases(): Promise<void> {
    await this.db.updateTable('runs').set({ lease_owner: null, lease_expires_at: null }).where('lease_owner', 'is not', null).execute();
  }

  async getRun(projectId: string, threadId: string, id: string): Promise<Run | undefined> {
    const row = await this.db.selectFrom('runs').select('data').where('id', '=', id).where('thread_id', '=', threadId).where('project_id', '=', projectId).executeTakeFirst();
    return row ? (JSON.parse(row.data) as Run) : undefined;
  }

  async activeRun(projectId: string, threadId: string): Promise<Run | undefined> {
    const row = (await queries.activeRun(this.db, this.dialect, threadId, projectId)).rows[0];
    return row ? (JSON.parse(row.data) as Run) : undefined;
  }

  /**
   * Reads the run, lets `change` modify it, and writes it back (inside the caller's transaction).
   * Returns the run as written, or undefined when there is no such run.
   */
  async updateRun(runId: string, change: (run: Run) => void): Promise<Run | undefined> {
    // Locked: on PostgreSQL the worker and a cancel from any replica would otherwise both read, and the last write win.
    const row = await forUpdate(this.db.selectFrom('runs').select('data').where('id', '=', runId), this.dialect).executeTakeFirst();
    if (!row) return undefined;
    const run = JSON.parse(row.data) as Run;
    change(run);
    await this.db.updateTable('runs').set({ status: run.status, expires_at: run.expires_at, data: JSON.stringify(run) }).where('id', '=', runId).execute();
    return run;
  }

  async listRuns(projectId: string, threadId: string, params: ListParams): Promise<Page<Run>> {
    const cursors = await resolveCursors(params, 'run', (id) => this.db.selectFrom('runs').select(['created_at', 'seq']).where('id', '=', id).where('thread_id', '=', threadId).where('project_id', '=', projectId).executeTakeFirst());
    const query = this.db.selectFrom('runs').select(['data', 'created_at', 'seq']).where('thread_id', '=', threadId).where('project_id', '=', projectId);
    const page = await fetchPage(query, keys, params, cursors);
    return { items: page.items.map((row) => JSON.parse(row.data) as Run), hasMore: page.hasMore };
  }

  async deleteRunsOfThread(projectId: string, threadId: string): Promise<void> {
    // Steps exist only where runs do: most threads have none, and need one statement, not two.
    const deleted = await queries.deleteRunsOfThread(this.db, this.dialect, threadId, projectId);
    if (deleted.rows.length > 0) await queries.deleteStepsOfThread(this.db, this.dialect, threadId, projectId);
  }

  // Claims: a worker holds a run while it executes it, renewing its lease; a lapsed lease means
  // the worker died, and the run can be taken over.

  /** Claims one queued run that nobody holds; undefined when there is none. Call it in a transaction. */
  async claimQueuedRun(owner: string, nowMs: number, leaseMs: number): Promise<ClaimedRun | undefined> {
    // Run inside a transaction: on PostgreSQL, replicas polling together each skip the run another holds.
    const candidate = await claimUnlocked(
      this.db
        .selectFrom('runs')
        .select('id')
        .where('status', '=', 'queued')
        .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', nowMs)]))
        .orderBy('seq')
        .limit(1),
      this.dialect,
    ).executeTakeFirst();
    return candidate ? this.claimRun(candidate.id, owner, nowMs, leaseMs) : undefined;
  }

  /** Claims this run if nobody else holds it (or its holder's lease lapsed). */
  async claimRun(runId: string, owner: string, nowMs: number, leaseMs: number): Promise<ClaimedRun | undefined> {
    const row = await this.db
      .updateTable('runs')
      .set({ lease_owner: owner, lease_expires_at: nowMs + leaseMs })
      .where('id', '=', runId)
      .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', nowMs), eb('lease_owner', '=', owner)]))
      .returning(['project_id', 'data'])
      .executeTakeFirst();
    return row ? { projectId: row.project_id, run: JSON.parse(row.data) as Run } : undefined;
  }

  /** Extends a lease; false when the claim was lost (taken over, or the run deleted). */
  async renewLease(runId: string, owner: string, nowMs: number, leaseMs: number): Promise<boolean> {
    const result = await this.db.updateTable('runs').set({ lease_expires_at: nowMs + leaseMs }).where('id', '=', runId).where('lease_owner', '=', owner).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async releaseLease(runId: string, owner: string): Promise<void> {
    await this.db.updateTable('runs').set({ lease_owner: null, lease_expires_at: null }).where('id', '=', runId).where('lease_owner', '=', owner).execute();
  }

  /** Active runs past their expiry time. */
  async expiredActiveRunIds(nowSeconds: number): Promise<string[]> {
    const rows = await this.db.selectFrom('runs').select('id').where('status', 'in', activeRunStatuses).where('expires_at', '<', nowSeconds).execute();
    return rows.map((row) => row.id);
  }

  /** Runs in `status` that no live worker holds: their worker died, or none ever took them. */
  async unheldRunIds(status: 'in_progress' | 'cancelling', nowMs: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('runs')
      .select('id')
      .where('status', '=', status)
      .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', nowMs)]))
      .execute();
    return rows.map((row) => row.id);
  }

  // Steps

  async insertStep(projectId: string, step: RunStep): Promise<void> {
    await this.db.insertInto('run_steps').values({ id: step.id, project_id: projectId, run_id: step.run_id, thread_id: step.thread_id, created_at: step.created_at, data: JSON.stringify(step) }).execute();
  }

  async saveStep(step: RunStep): Promise<void> {
    await this.db.updateTable('run_steps').set({ data: JSON.stringify(step) }).where('id', '=', step.id).execute();
  }

  async getStep(projectId: string, runId: string, id: string): Promise<RunStep | undefined> {
    const row = await this.db.selectFrom('run_steps').select('data').where('id', '=', id).where('run_id', '=', runId).where('project_id', '=', projectId).executeTakeFirst();
    return row ? (JSON.parse(row.data) as RunStep) : undefined;
  }

  async inProgressStepsOfRun(runId: string): Promise<RunStep[]> {
    return (await this.stepsOfRun(runId)).filter((step) => step.status === 'in_progress');
  }

  async stepsOfRun(runId: string): Promise<RunStep[]> {
    const rows = await this.db.selectFrom('run_steps').select('data').where('run_id', '=', runId).orderBy('created_at').orderBy('seq').execute();
    return rows.map((row) => JSON.parse(row.data) as RunStep);
  }

  async listSteps(projectId: string, runId: string, params: ListParams): Promise<Page<RunStep>> {
    const cursors = await resolveCursors(params, 'step', (id) => this.db.selectFrom('run_steps').select(['created_at', 'seq']).where('id', '=', id).where('run_id', '=', runId).where('project_id', '=', projectId).executeTakeFirst());
    const query = this.db.selectFrom('run_steps').select(['data', 'created_at', 'seq']).where('run_id', '=', runId).where('project_id', '=', projectId);
    const page = await fetchPage(query, keys, params, cursors);
    return { items: page.items.map((row) => JSON.parse(row.data) as RunStep), hasMore: page.hasMore };
  }
}
