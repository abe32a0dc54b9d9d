// PostgreSQL for the tests: in the PostgreSQL pass (SPOOL_TEST_DATABASE_URL set by
// scripts/run-tests.mjs), every Spool the tests start gets a fresh database of its own.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A URL of a role that may create databases; set only during the PostgreSQL pass. */
export const testDatabaseUrl = process.env.SPOOL_TEST_DATABASE_URL || undefined;

/** The store this pass runs against. */
export const testStore: 'sqlite' | 'postgres' = testDatabaseUrl ? 'postgres' : 'sqlite';

/** Databases are named after the run, so that the runner drops exactly its own afterwards. */
export const testDatabasePrefix = `spool_test_${process.env.SPOOL_TEST_RUN_ID ?? 'adhoc'}_`;

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  if (!testDatabaseUrl) throw new Error('SPOOL_TEST_DATABASE_URL is not set: this needs PostgreSQL');
  // One short-lived connection per call: a pool would keep the test process alive after its tests.
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database and returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const name = `${testDatabasePrefix}${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`create database "${name}"`));
  return withDatabase(testDatabaseUrl ?? '', name);
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  await withAdmin((client) => client.query(`drop database if exists "${name}" with (force)`));
}

// A test that restarts Spool over the same data dir restarts it over the same database.
const databasesByDataDir = new Map<string, Promise<string>>();

/** The database that stands for `dataDir` in the PostgreSQL pass, created on first use. */
export function databaseForDataDir(dataDir: string): Promise<string> {
  let database = databasesByDataDir.get(dataDir);
  if (!database) {
    database = createTestDatabase();
    databasesByDataDir.set(dataDir, database);
  }
  return database;
}

/** Runs one query on `url` with its own short-lived connection. */
export async function queryDatabase<Row extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}
