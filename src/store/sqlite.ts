// The embedded store: a SQLite file in WAL mode, through better-sqlite3, behind Kysely.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';
import { Store } from './store.js';
import { defaultWalLimitBytes, startCheckpointer } from './wal-checkpointer.js';

/** 'normal': a commit survives a crash of the process; 'full': it also survives a power loss. */
export type Durability = 'normal' | 'full';

/**
 * better-sqlite3 prepares a statement on every call Kysely makes; Kysely's SQL text is the same
 * for the same query shape, so prepared statements are kept and reused by their text.
 */
function withStatementCache(database: SqliteDatabase.Database) {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(text: string) {
      // Transactions take the write lock when they begin. A deferred one (Kysely's `begin`) that has
      // read and then writes cannot wait for the lock: while the checkpointer holds it (a RESTART),
      // SQLite fails it at once with SQLITE_BUSY, where an immediate one waits (busy_timeout) for it.
      // Nothing else changes: this process's one connection runs one transaction at a time anyway.
      const sql = text === 'begin' ? 'begin immediate' : text;
      let statement = statements.get(sql);
      if (!statement) {
        statement = database.prepare(sql);
        if (statements.size > 500) statements.clear();
        statements.set(sql, statement);
      }
      return statement;
    },
    close() {
      database.close();
    },
  };
}

/**
 * Threads and key hashes are for the owner alone. A data dir Spool creates is 0700; one that
 * already existed keeps its mode, which is the operator's (it may be `.` or a mounted volume), while
 * the database, -wal and -shm in it are made 0600 even when an earlier version left them readable
 * (SQLite gives -wal and -shm the database file's mode when it creates them).
 */
function prepareFiles(file: string): void {
  const created = mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (created !== undefined) chmodSync(dirname(file), 0o700);
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(path)) chmodSync(path, 0o600);
  }
}

/** How often the checkpointer copies the WAL into the database; between two, the WAL grows by what was written. */
const checkpointIntervalMs = 100;
/** The longest close() waits for a checkpoint in progress before ending the worker. */
const checkpointerStopMs = 2_000;

export interface SqliteOptions {
  durability: Durability;
  /** The WAL file's size past which the checkpointer empties it, holding writers off meanwhile. */
  walLimitBytes?: number;
  /** Told of a background checkpoint that failed. */
  onCheckpointError?: (message: string) => void;
}

export async function openSqliteStore(file: string, options: SqliteOptions): Promise<Store> {
  prepareFiles(file);
  const database = new SqliteDatabase(file);
  const synchronous = options.durability === 'full' ? 'FULL' : 'NORMAL';
  const walLimitBytes = options.walLimitBytes ?? defaultWalLimitBytes;
  database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${synchronous}`);
  database.pragma('busy_timeout = 5000');
  // Checkpoints are the checkpointer's (see wal-checkpointer.ts), never a request's; a WAL that a
  // writer restarts from its beginning is cut back to the limit.
  database.pragma('wal_autocheckpoint = 0');
  database.pragma(`journal_size_limit = ${walLimitBytes}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  await migrateToLatest(db, 'sqlite');
  const checkpointer = startCheckpointer({
    file,
    synchronous,
    walLimitBytes,
    intervalMs: checkpointIntervalMs,
    onError: options.onCheckpointError ?? (() => {}),
    // Without it the WAL would grow without bound: back to SQLite's own checkpoints, on the request path.
    onLost: () => {
      if (!database.open) return;
      database.pragma('wal_autocheckpoint = 1000');
      options.onCheckpointError?.('the checkpointer thread ended; the request connection checkpoints again');
    },
  });
  // The request connection closes first, then the checkpointer's, the last one, which checkpoints
  // what is left and removes the WAL, in its own thread.
  return new Store(db, 'sqlite', () => checkpointer.stop(checkpointerStopMs));
}
