// The PostgreSQL store: node-postgres' pool behind Kysely, with bounded waits, 64-bit integers read
// as numbers, and a pool that outlives a database restart.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrations.js';
import { PostgresTextPlugin } from './postgres-text.js';
import type { Database } from './schema.js';
import { Store } from './store.js';

export interface PostgresSettings {
  url: string;
  /** Connections this replica keeps at most; N replicas use up to N times this many. */
  poolSize: number;
  /** The longest one statement may run before PostgreSQL cancels it. */
  statementTimeoutMs: number;
  /** Told when a connection breaks (the pool replaces it on its own). */
  onConnectionError?: (error: Error) => void;
}

/** How long a request waits for a free connection, or for a new one to open, before it gets a 503. */
const connectTimeoutMs = 5_000;

const int8Oid = 20;

// Sequences and Unix seconds stay far below 2^53, so int8 (pg's default: a string) reads as a number.
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === int8Oid ? Number : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

function newPool(settings: PostgresSettings, max: number, statementTimeoutMs: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max,
    types,
    application_name: 'spool',
    connectionTimeoutMillis: connectTimeoutMs,
    // 0 turns both timeouts off. query_timeout is the client's own bound, for a server that stops
    // answering without closing the socket; statement_timeout is the server's.
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs === 0 ? 0 : statementTimeoutMs + connectTimeoutMs,
    idle_in_transaction_session_timeout: statementTimeoutMs === 0 ? 0 : statementTimeoutMs * 2,
    keepAlive: true,
  });
  // Without these listeners, a connection closed by a database restart would crash the process:
  // the pool's covers idle connections, each client's own covers one checked out between queries
  // (its next query then fails, and the pool drops it when it is released).
  pool.on('error', (error) => settings.onConnectionError?.(error));
  pool.on('connect', (client) => client.on('error', (error) => settings.onConnectionError?.(error)));
  return pool;
}

/**
 * Applies pending migrations on a connection of their own, without the statement timeout (an index
 * build may take longer, and a replica may wait for another's migrations), then opens the pool.
 */
export async function openPostgresStore(settings: PostgresSettings): Promise<Store> {
  const migrator = new Kysely<Database>({ dialect: new PostgresDialect({ pool: newPool(settings, 1, 0) }) });
  try {
    await migrateToLatest(migrator, 'postgres');
  } finally {
    await migrator.destroy();
  }
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: newPool(settings, settings.poolSize, settings.statementTimeoutMs) }),
    plugins: [new PostgresTextPlugin()],
  });
  return new Store(db, 'postgres');
}
