// Every query on runs and their leases, for both engines. Request-path methods take the project,
// so no such query reads or changes another project's runs; worker methods (claim, lease, sweep,
// update) address a run by its ID. Runs are read and changed whole (`update`), so the worker and
// the API never overwrite each other's changes.
import type { Kysely } from 'kysely';
import type { ListParams, Page } from '../domain/pagination.js';
import { activeRunStatuses, type Run } from '../domain/run.js';
import { claimUnlocked, type DialectName, forUpdate } from './dialect.js';
import { documentKeys, fetchPage, resolveCursors } from './paging.js';
import { precompiled } from './precompiled.js';
import type { Database } from './schema.js';

export interface ClaimedRun {
  projectId: string;
  run: Run;
}

// The queries on every thread request's path, compiled once (see precompiled.ts).
const queries = {
  activeRun: precompiled((db, _dialect, threadId: string, projectId: string) =>
    db
      .selectFrom('runs')
      .select('data')
      .where('thread_id', '=', threadId)
      .where('project_id', '=', projectId)
      .where('status', 'in', activeRunStatuses),
  ),
  deleteRunsOfThread: precompiled((db, _dialect, threadId: string, projectId: string) =>
    db.deleteFrom('runs').where('thread_id', '=', threadId).where('project_id', '=', projectId).returning('id'),
  ),
  deleteStepsOfThread: precompiled((db, _dialect, threadId: string, projectId: string) =>
    db.deleteFrom('run_steps').where('thread_id', '=', threadId).where('project_id', '=', projectId),
  ),
};

export class RunsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  /** Inserts a queued run; a second active run on the thread violates a unique index (see migrations). */
  async insert(projectId: string, run: Run, lease?: { owner: string; expiresAtMs: number }): Promise<void> {
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

  async status(runId: string): Promise<Run['status'] | undefined> {
    const row = await this.db.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirst();
    return row?.status as Run['status'] | undefined;
  }

  /** Forgets every claim: for a store only this process uses, whose previous owner is gone. */
  async releaseAllLeases(): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ lease_owner: null, lease_expires_at: null })
      .where('lease_owner', 'is not', null)
      .execute();
  }

  async get(projectId: string, threadId: string, id: string): Promise<Run | undefined> {
    const row = await this.db
      .selectFrom('runs')
      .select('data')
      .where('id', '=', id)
      .where('thread_id', '=', threadId)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return row ? (JSON.parse(row.data) as Run) : undefined;
  }

  async active(projectId: string, threadId: string): Promise<Run | undefined> {
    const row = (await queries.activeRun(this.db, this.dialect, threadId, projectId)).rows[0];
    return row ? (JSON.parse(row.data) as Run) : undefined;
  }

  /**
   * Reads the run, lets `change` modify it, and writes it back (inside the caller's transaction).
   * Returns the run as written, or undefined when there is no such run.
   */
  async update(runId: string, change: (run: Run) => void): Promise<Run | undefined> {
    // Locked: on PostgreSQL the worker and a cancel from any replica would otherwise both read, and the last write win.
    const row = await forUpdate(
      this.db.selectFrom('runs').select('data').where('id', '=', runId),
      this.dialect,
    ).executeTakeFirst();
    if (!row) return undefined;
    const run = JSON.parse(row.data) as Run;
    change(run);
    await this.db
      .updateTable('runs')
      .set({ status: run.status, expires_at: run.expires_at, data: JSON.stringify(run) })
      .where('id', '=', runId)
      .execute();
    return run;
  }

  async list(projectId: string, threadId: string, params: ListParams): Promise<Page<Run>> {
    const cursors = await resolveCursors(params, 'run', (id) =>
      this.db
        .selectFrom('runs')
        .select(['created_at', 'seq'])
        .where('id', '=', id)
        .where('thread_id', '=', threadId)
        .where('project_id', '=', projectId)
        .executeTakeFirst(),
    );
    const query = this.db
      .selectFrom('runs')
      .select(['data', 'created_at', 'seq'])
      .where('thread_id', '=', threadId)
      .where('project_id', '=', projectId);
    const page = await fetchPage(query, documentKeys, params, cursors);
    return { items: page.items.map((row) => JSON.parse(row.data) as Run), hasMore: page.hasMore };
  }

  async deleteOfThread(projectId: string, threadId: string): Promise<void> {
    // Steps exist only where runs do: most threads have none, and need one statement, not two.
    const deleted = await queries.deleteRunsOfThread(this.db, this.dialect, threadId, projectId);
    if (deleted.rows.length > 0) await queries.deleteStepsOfThread(this.db, this.dialect, threadId, projectId);
  }

  // Claims: a worker holds a run while it executes it, renewing its lease; a lapsed lease means
  // the worker died, and the run can be taken over.

  /** Claims one queued run that nobody holds; undefined when there is none. Call it in a transaction. */
  async claimQueued(owner: string, nowMs: number, leaseMs: number): Promise<ClaimedRun | undefined> {
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
    return candidate ? this.claim(candidate.id, owner, nowMs, leaseMs) : undefined;
  }

  /** Claims this run if nobody else holds it (or its holder's lease lapsed). */
  async claim(runId: string, owner: string, nowMs: number, leaseMs: number): Promise<ClaimedRun | undefined> {
    const row = await this.db
      .updateTable('runs')
      .set({ lease_owner: owner, lease_expires_at: nowMs + leaseMs })
      .where('id', '=', runId)
      .where((eb) =>
        eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', nowMs), eb('lease_owner', '=', owner)]),
      )
      .returning(['project_id', 'data'])
      .executeTakeFirst();
    return row ? { projectId: row.project_id, run: JSON.parse(row.data) as Run } : undefined;
  }

  /** Extends a lease; false when the claim was lost (taken over, or the run deleted). */
  async renewLease(runId: string, owner: string, nowMs: number, leaseMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('runs')
      .set({ lease_expires_at: nowMs + leaseMs })
      .where('id', '=', runId)
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async releaseLease(runId: string, owner: string): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ lease_owner: null, lease_expires_at: null })
      .where('id', '=', runId)
      .where('lease_owner', '=', owner)
      .execute();
  }

  /** Active runs past their expiry time. */
  async expiredActiveIds(nowSeconds: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('runs')
      .select('id')
      .where('status', 'in', activeRunStatuses)
      .where('expires_at', '<', nowSeconds)
      .execute();
    return rows.map((row) => row.id);
  }

  /** Runs in `status` that no live worker holds: their worker died, or none ever took them. */
  async unheldIds(status: 'in_progress' | 'cancelling', nowMs: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('runs')
      .select('id')
      .where('status', '=', status)
      .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', nowMs)]))
      .execute();
    return rows.map((row) => row.id);
  }
}
