// Numbered schema migrations for both engines, run by Kysely's Migrator, which takes a lock so that
// replicas starting together apply each migration once (on PostgreSQL a session advisory lock held
// around one transaction that re-reads what has been applied; see docs/deploy.md).
import {
  type ColumnDefinitionBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  sql,
} from 'kysely';
import type { DialectName } from './dialect.js';
import type { Database } from './schema.js';

export type { DialectName };

function migrations(dialect: DialectName): Record<string, Migration> {
  // The internal sequence that orders every list: a 64-bit identity on PostgreSQL; on SQLite the
  // rowid, which takes max + 1 for each new row, so it only grows among the rows that exist
  // (AUTOINCREMENT would also never reuse a deleted maximum, which ordering does not need, and
  // costs a write to sqlite_sequence on every insert).
  const sequenceType = dialect === 'postgres' ? 'bigserial' : 'integer';
  const sequenceColumn = (column: ColumnDefinitionBuilder) => column.primaryKey();
  return {
    '0001_threads_and_messages': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('projects')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('api_keys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
          .addColumn('key_hash', 'text', (c) => c.notNull().unique())
          .addColumn('redacted', 'text', (c) => c.notNull())
          .addColumn('name', 'text')
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('revoked_at', 'bigint')
          .execute();
        await db.schema
          .createTable('threads')
          .addColumn('seq', sequenceType, sequenceColumn)
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('project_id', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('metadata', 'text', (c) => c.notNull())
          .addColumn('tool_resources', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('threads_by_project')
          .on('threads')
          .columns(['project_id', 'created_at', 'seq'])
          .execute();
        await db.schema
          .createTable('thread_metadata')
          .addColumn('project_id', 'text', (c) => c.notNull())
          .addColumn('thread_seq', 'bigint', (c) => c.notNull())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('value', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('thread_metadata_pk', ['thread_seq', 'key'])
          .execute();
        await db.schema
          .createIndex('thread_metadata_by_pair')
          .on('thread_metadata')
          .columns(['project_id', 'key', 'value', 'created_at', 'thread_seq'])
          .execute();
        await db.schema
          .createTable('messages')
          .addColumn('seq', sequenceType, sequenceColumn)
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('project_id', 'text', (c) => c.notNull())
          .addColumn('thread_id', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('content', 'text', (c) => c.notNull())
          .addColumn('attachments', 'text', (c) => c.notNull())
          .addColumn('metadata', 'text', (c) => c.notNull())
          .addColumn('assistant_id', 'text')
          .addColumn('run_id', 'text')
          .addColumn('completed_at', 'bigint')
          .addColumn('incomplete_at', 'bigint')
          .addColumn('incomplete_details', 'text')
          .execute();
        await db.schema
          .createIndex('messages_by_thread')
          .on('messages')
          .columns(['thread_id', 'created_at', 'seq'])
          .execute();
        await db.schema
          .createTable('idempotency_keys')
          .addColumn('project_id', 'text', (c) => c.notNull())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('request_hash', 'text', (c) => c.notNull())
          .addColumn('status_code', 'integer', (c) => c.notNull())
          .addColumn('response_body', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('idempotency_keys_pk', ['project_id', 'key'])
          .execute();
        await db.schema.createIndex('idempotency_keys_by_age').on('idempotency_keys').column('created_at').execute();
        await sql`insert into projects (id, name, created_at) values ('proj_default', 'default', ${Math.floor(Date.now() / 1000)})`.execute(
          db,
        );
      },
    },
    '0002_assistants_and_runs': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('assistants')
          .addColumn('seq', sequenceType, sequenceColumn)
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('project_id', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('assistants_by_project')
          .on('assistants')
          .columns(['project_id', 'created_at', 'seq'])
          .execute();
        await db.schema
          .createTable('runs')
          .addColumn('seq', sequenceType, sequenceColumn)
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('project_id', 'text', (c) => c.notNull())
          .addColumn('thread_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint')
          .addColumn('lease_owner', 'text')
          .addColumn('lease_expires_at', 'bigint')
          .addColumn('data', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('runs_by_thread').on('runs').columns(['thread_id', 'created_at', 'seq']).execute();
        await db.schema.createIndex('runs_by_status').on('runs').columns(['status', 'seq']).execute();
        // The database itself keeps a thread to one active run, whichever replica creates it.
        await db.schema
          .createIndex('runs_one_active_per_thread')
          .on('runs')
          .column('thread_id')
          .unique()
          .where(sql.ref('status'), 'in', ['queued', 'in_progress', 'requires_action', 'cancelling'])
          .execute();
        await db.schema
          .createTable('run_steps')
          .addColumn('seq', sequenceType, sequenceColumn)
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('project_id', 'text', (c) => c.notNull())
          .addColumn('run_id', 'text', (c) => c.notNull())
          .addColumn('thread_id', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('run_steps_by_run')
          .on('run_steps')
          .columns(['run_id', 'created_at', 'seq'])
          .execute();
      },
    },
    '0003_short_redacted_keys': {
      // Earlier versions stored up to half a key (12 characters at most) as its redacted form. The key
      // itself is gone (only its hash is kept), so its last 4 cannot be added: what is left is at most
      // the 7-character prefix new keys show, and nothing at all of a key shorter than 20 characters
      // (a stored prefix under 10 characters), whose half is too much of it.
      async up(db: Kysely<unknown>) {
        await sql`update api_keys set redacted = case when length(redacted) >= 13 then substr(redacted, 1, 7) || '...' else '...' end`.execute(
          db,
        );
      },
    },
  };
}

class InCodeMigrations implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.dialect);
  }
}

/** Brings the schema up to date; returns the names of the migrations it applied. */
export async function migrateToLatest(db: Kysely<Database>, dialect: DialectName): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new InCodeMigrations(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
