// List and metadata-filter latency through Spool's HTTP API at several store sizes (10,000 and
// 1,000,000 threads by default), on SQLite and on PostgreSQL, with each query's plan (EXPLAIN) to
// show which index it uses. Prints Markdown.
//
//   npx tsx bench/postgres-list.ts [--sizes 10000,1000000] [--requests 300]
//
// PostgreSQL is measured when SPOOL_TEST_DATABASE_URL names a role that may create databases; a
// database is created for each size and dropped afterwards.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Database as Tables } from '../src/store/schema.js';
import { type ThreadFilter, ThreadsRepository } from '../src/store/threads-repository.js';
import { createTestDatabase, dropTestDatabase } from '../test/support/postgres.js';
import { makeTempDir, runSpool, startSpool, type SpoolProcess } from '../test/support/spool.js';
import { firstSecond, seedPostgres, seedSqlite, shards, tenants } from './postgres-seed.js';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '10000,1000000' }, requests: { type: 'string', default: '300' } },
});
const sizes = (values.sizes ?? '').split(',').map(Number);
const requests = Number(values.requests);
const adminUrl = process.env.SPOOL_TEST_DATABASE_URL || undefined;

interface Case {
  name: string;
  query: string;
  filter: ThreadFilter;
  after?: string;
  order?: 'asc' | 'desc';
}

function cases(count: number): Case[] {
  const middle = Math.floor(count / 2 / tenants) * tenants + 42;
  const middleId = `thread_${String(middle).padStart(24, '0')}`;
  const middleSecond = firstSecond + Math.floor(count / 20);
  return [
    { name: 'newest 20, no filter', query: '', filter: { metadata: [] } },
    {
      name: `metadata[tenant] (1 in ${tenants})`,
      query: '&metadata[tenant]=t42',
      filter: { metadata: [['tenant', 't42']] },
    },
    {
      name: 'metadata[tenant], page after a cursor mid-way',
      query: `&metadata[tenant]=t42&after=${middleId}`,
      filter: { metadata: [['tenant', 't42']] },
      after: middleId,
    },
    {
      name: 'tenant and shard, selective pair first',
      query: '&metadata[tenant]=t42&metadata[shard]=s2',
      filter: {
        metadata: [
          ['tenant', 't42'],
          ['shard', 's2'],
        ],
      },
    },
    {
      name: `shard (1 in ${shards}) then tenant, no match`,
      query: '&metadata[shard]=s1&metadata[tenant]=t42',
      filter: {
        metadata: [
          ['shard', 's1'],
          ['tenant', 't42'],
        ],
      },
    },
    {
      name: 'created_after mid-way, oldest first',
      query: `&created_after=${middleSecond}&order=asc`,
      filter: { metadata: [], createdAfter: middleSecond },
      order: 'asc',
    },
  ];
}

async function latency(
  spool: SpoolProcess,
  path: string,
): Promise<{ p50: number; p95: number; p99: number; items: number }> {
  const url = `${spool.baseURL}/threads?limit=20${path}`;
  let items = 0;
  for (let index = 0; index < 20; index++) await (await fetch(url)).arrayBuffer();
  const times: number[] = [];
  for (let index = 0; index < requests; index++) {
    const started = performance.now();
    const response = await fetch(url);
    const body = (await response.json()) as { data?: unknown[] };
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`${url}: ${response.status} ${JSON.stringify(body)}`);
    items = body.data?.length ?? 0;
  }
  times.sort((a, b) => a - b);
  const at = (fraction: number) => times[Math.min(times.length - 1, Math.floor(times.length * fraction))] ?? Number.NaN;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), items };
}

/** The plan of each query listThreads runs for the case, as the engine reports it. */
async function plans(engine: 'sqlite' | 'postgres', target: string, test: Case): Promise<string[]> {
  const captured: Array<{ sql: string; parameters: readonly unknown[] }> = [];
  const log = (event: { level: string; query: { sql: string; parameters: readonly unknown[] } }) => {
    if (event.level === 'query') captured.push(event.query);
  };
  const db =
    engine === 'sqlite'
      ? new Kysely<Tables>({ dialect: new SqliteDialect({ database: new Database(target, { readonly: true }) }), log })
      : new Kysely<Tables>({
          dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: target, max: 1 }) }),
          log,
        });
  try {
    const params = { limit: 20, order: test.order ?? 'desc', ...(test.after ? { after: test.after } : {}) } as const;
    await new ThreadsRepository(db, engine).list('proj_default', params, test.filter);
    const out: string[] = [];
    for (const query of captured.splice(0)) {
      const explain = engine === 'sqlite' ? 'explain query plan ' : 'explain ';
      const result = await sql
        .raw<Record<string, unknown>>(`${explain}${substitute(query.sql, query.parameters, engine)}`)
        .execute(db);
      out.push(result.rows.map((row) => String(engine === 'sqlite' ? row.detail : row['QUERY PLAN'])).join('\n'));
    }
    return out;
  } finally {
    await db.destroy();
  }
}

/** Inlines parameters, so that EXPLAIN plans the query with its real values. */
function substitute(text: string, parameters: readonly unknown[], engine: 'sqlite' | 'postgres'): string {
  const literal = (value: unknown) =>
    typeof value === 'number' ? String(value) : `'${String(value).replaceAll("'", "''")}'`;
  if (engine === 'postgres')
    return text.replace(/\$(\d+)/g, (_, index: string) => literal(parameters[Number(index) - 1]));
  let next = 0;
  return text.replace(/\?/g, () => literal(parameters[next++]));
}

async function measure(engine: 'sqlite' | 'postgres', count: number): Promise<void> {
  const started = performance.now();
  let spool: SpoolProcess;
  let target: string;
  let databaseUrl: string | undefined;
  if (engine === 'sqlite') {
    const dataDir = makeTempDir('spool-bench-');
    target = join(dataDir, 'spool.db');
    const env = { SPOOL_DATABASE_URL: '' };
    await runSpool(['migrate', '--data-dir', dataDir], env);
    seedSqlite(target, count);
    spool = await startSpool({ dataDir, env });
  } else {
    databaseUrl = await createTestDatabase();
    target = databaseUrl;
    await runSpool(['migrate', '--database-url', databaseUrl]);
    await seedPostgres(databaseUrl, count);
    spool = await startSpool({ databaseUrl });
  }
  const seeded = performance.now() - started;
  try {
    console.log(
      `\n### ${engine}, ${count.toLocaleString('en')} threads (seeded in ${(seeded / 1000).toFixed(1)} s; ${requests} sequential requests per row)\n`,
    );
    console.log('| query | items | p50 ms | p95 ms | p99 ms |');
    console.log('|---|---:|---:|---:|---:|');
    const planned: string[] = [];
    for (const test of cases(count)) {
      const figures = await latency(spool, test.query);
      console.log(
        `| ${test.name} | ${figures.items} | ${figures.p50.toFixed(2)} | ${figures.p95.toFixed(2)} | ${figures.p99.toFixed(2)} |`,
      );
      planned.push(`-- ${test.name}\n${(await plans(engine, target, test)).join('\n-- next statement\n')}`);
    }
    console.log(
      `\n<details><summary>plans (${engine}, ${count.toLocaleString('en')})</summary>\n\n\`\`\`\n${planned.join('\n\n')}\n\`\`\`\n</details>`,
    );
  } finally {
    await spool.stop();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  }
}

console.log(`# List latency by store size\n\nNode ${process.version}; ${new Date().toISOString()}`);
for (const count of sizes) {
  await measure('sqlite', count);
  if (adminUrl) await measure('postgres', count);
}
if (!adminUrl) console.log('\n(PostgreSQL not measured: set SPOOL_TEST_DATABASE_URL.)');
