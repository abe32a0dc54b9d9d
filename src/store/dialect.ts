// What SQLite and PostgreSQL do differently, in one place: row locks, work claiming, and how each
// engine reports a unique violation or a database that is gone for the moment.
import type { Kysely, SelectQueryBuilder, TransactionBuilder } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

/**
 * Locks the selected rows until the transaction ends, for read-then-write changes. PostgreSQL runs
 * READ COMMITTED, so without the lock two replicas would both read, and the last write would undo
 * the first. SQLite needs none: Spool's SQLite store runs one transaction at a time.
 */
export function forUpdate<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  dialect: DialectName,
): SelectQueryBuilder<DB, TB, O> {
  return dialect === 'postgres' ? query.forUpdate() : query;
}

/**
 * Claims work rows that no other transaction holds (`FOR UPDATE SKIP LOCKED`), so that each row is
 * taken by exactly one replica; rows another replica is working on are passed over, not waited for.
 * On SQLite, with one writer at a time, a plain select is already exclusive.
 */
export function claimUnlocked<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  dialect: DialectName,
): SelectQueryBuilder<DB, TB, O> {
  return dialect === 'postgres' ? query.forUpdate().skipLocked() : query;
}

/**
 * A transaction whose reads all see one snapshot (for an export that must be consistent while
 * others write). PostgreSQL needs REPEATABLE READ for that; a SQLite transaction already is one.
 */
export function snapshotTransaction<DB>(db: Kysely<DB>, dialect: DialectName): TransactionBuilder<DB> {
  return dialect === 'postgres' ? db.transaction().setIsolationLevel('repeatable read') : db.transaction();
}

interface DriverError {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
}

/** A write lost a race on a unique key (PostgreSQL SQLSTATE 23505, or SQLite's constraint codes). */
export function isUniqueViolation(error: unknown): boolean {
  const { code, message } = (error ?? {}) as DriverError;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    (typeof message === 'string' && message.includes('UNIQUE constraint failed'))
  );
}

// Socket failures: the server restarted, is unreachable, or dropped the connection.
const socketErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// SQLSTATEs worth retrying: connection exceptions (class 08), insufficient resources (class 53),
// server shutting down or starting up, statement or lock timeouts, serialization failures and deadlocks.
const retriableSqlStates = new Set(['57P01', '57P02', '57P03', '57014', '55P03', '40001', '40P01']);

// What node-postgres says when a connection ends or a wait for one runs out.
const poolMessages = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'is not queryable',
  'Connection ended',
];

/**
 * True when a query failed because the database is unreachable, restarting or overloaded rather
 * than because of the request: the client should retry later, and gets a 503.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, message, errors } = error as DriverError;
  if (typeof code === 'string') {
    if (socketErrorCodes.has(code) || retriableSqlStates.has(code)) return true;
    if (/^(08|53)[0-9A-Z]{3}$/.test(code)) return true;
    if (code === 'SQLITE_BUSY') return true;
  }
  // Connecting to a name with several addresses fails with one AggregateError holding each failure.
  if (Array.isArray(errors) && errors.length > 0 && errors.every(isDatabaseUnavailable)) return true;
  return typeof message === 'string' && poolMessages.some((text) => message.includes(text));
}
