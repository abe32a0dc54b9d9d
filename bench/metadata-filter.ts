// The cost of a metadata-filtered thread list with the most pairs a request may send (16), on
// SQLite and PostgreSQL: 10,000 threads whose 16 metadata keys each match, 14 of them on every
// thread (the worst case for finding the rarest pair) and 2 on fewer. Calls the repository
// directly, so the figure is the store's work alone. Prints Markdown.
//
//   npx tsx bench/metadata-filter.ts [--threads 10000] [--requests 50]
//
// PostgreSQL is measured when SPOOL_TEST_DATABASE_URL names a role that may create databases.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { ThreadsRepository } from '../src/store/threads-repository.js';
import type { Database as Tables } from '../src/store/schema.js';
import { createTestDatabase, dropTestDatabase } from '../test/support/postgres.js';
import { makeTempDir, runSpool } from '../test/support/spool.js';

const { values } = parseArgs({
  options: { threads: { type: 'string', default: '10000' }, requests: { type: 'string', default: '50' } },
});
const count = Number(values.threads);
const requests = Number(values.requests);
const adminUrl = process.env.SPOOL_TEST_DATABASE_URL || undefined;

// Key k<j> has value v<i % modulus[j]> on thread i: k0..k13 are on every thread alike, k14 on 1 in 10, k15 on 1 in 100.
const moduli = [...Array.from({ length: 14 }, () => 1), 10, 100];
const pairs = moduli.map((_, j): [string, string] => [`k${j}`, 'v0']);

async function seed(db: Kysely<Tables>): Promise<void> {
  const chunk = 500;
  for (let start = 0; start < count; start += chunk) {
    await db.transaction().execute(async (trx) => {
      for (let i = start; i < Math.min(count, start + chunk); i++) {
        const metadata = Object.fromEntries(moduli.map((modulus, j) => [`k${j}`, `v${i % modulus}`]));
        const createdAt = 1_700_000_000 + Math.floor(i / 10);
        const { seq } = await trx
          .insertInto('threads')
          .values({
            id: `thread_${String(i).padStart(24, '0')}`,
            project_id: 'proj_default',
            created_at: createdAt,
            metadata: JSON.stringify(metadata),
            tool_resources: '{}',
          })
          .returning('seq')
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('thread_metadata')
          .values(
            Object.entries(metadata).map(([key, value]) => ({
              project_id: 'proj_default',
              thread_seq: Number(seq),
              key,
              value,
              created_at: createdAt,
            })),
          )
          .execute();
      }
    });
  }
}

async function measure(engine: 'sqlite' | 'postgres'): Promise<void> {
  let db: Kysely<Tables>;
  let databaseUrl: string | undefined;
  if (engine === 'sqlite') {
    const dataDir = makeTempDir('spool-bench-');
    await runSpool(['migrate', '--data-dir', dataDir], { SPOOL_DATABASE_URL: '' });
    db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: new Database(join(dataDir, 'spool.db')) }) });
  } else {
    databaseUrl = await createTestDatabase();
    await runSpool(['migrate', '--database-url', databaseUrl]);
    db = new Kysely<Tables>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 1 }) }),
    });
  }
  try {
    await seed(db);
    if (engine === 'postgres') await sql`analyze`.execute(db);
    const threads = new ThreadsRepository(db, engine);
    let items = 0;
    for (let index = 0; index < 5; index++)
      await threads.list('proj_default', { limit: 20, order: 'desc' }, { metadata: pairs });
    const times: number[] = [];
    for (let index = 0; index < requests; index++) {
      const started = performance.now();
      items = (await threads.list('proj_default', { limit: 20, order: 'desc' }, { metadata: pairs })).items.length;
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const at = (fraction: number) =>
      (times[Math.min(times.length - 1, Math.floor(times.length * fraction))] ?? Number.NaN).toFixed(2);
    console.log(
      `| ${engine} | ${count.toLocaleString('en')} | ${pairs.length} | ${items} | ${at(0.5)} | ${at(0.95)} |`,
    );
  } finally {
    await db.destroy();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  }
}

console.log(`Node ${process.version}; ${new Date().toISOString()}\n`);
console.log('| store | threads | pairs | items | p50 ms | p95 ms |');
console.log('|---|---:|---:|---:|---:|---:|');
await measure('sqlite');
if (adminUrl) await measure('postgres');
else console.log('\n(PostgreSQL not measured: set SPOOL_TEST_DATABASE_URL.)');
