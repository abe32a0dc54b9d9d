// Fills a migrated Spool database with N threads directly in SQL (fast enough for a million), on
// either engine, the same rows on both: each thread has metadata tenant=t<i % 1000> and
// shard=s<i % 10>, and ten threads share each created_at second.
import Database from 'better-sqlite3';
import pg from 'pg';

export const tenants = 1000;
export const shards = 10;
export const firstSecond = 1_700_000_000;

export function seedSqlite(file: string, count: number): void {
  const db = new Database(file);
  try {
    db.exec(`
      begin;
      with recursive n(i) as (select 1 union all select i + 1 from n where i < ${count})
      insert into threads (id, project_id, created_at, metadata, tool_resources)
      select 'thread_' || printf('%024d', i), 'proj_default', ${firstSecond} + i / 10,
             json_object('tenant', 't' || (i % ${tenants}), 'shard', 's' || (i % ${shards})), '{}'
      from n;
      insert into thread_metadata (project_id, thread_seq, key, value, created_at)
      select project_id, seq, 'tenant', 't' || (cast(substr(id, 8) as integer) % ${tenants}), created_at from threads;
      insert into thread_metadata (project_id, thread_seq, key, value, created_at)
      select project_id, seq, 'shard', 's' || (cast(substr(id, 8) as integer) % ${shards}), created_at from threads;
      commit;
      analyze;
    `);
  } finally {
    db.close();
  }
}

export async function seedPostgres(url: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(`
      insert into threads (id, project_id, created_at, metadata, tool_resources)
      select 'thread_' || lpad(i::text, 24, '0'), 'proj_default', ${firstSecond} + i / 10,
             json_build_object('tenant', 't' || (i % ${tenants}), 'shard', 's' || (i % ${shards}))::text, '{}'
      from generate_series(1, ${count}) as i`);
    for (const [key, modulus, prefix] of [
      ['tenant', tenants, 't'],
      ['shard', shards, 's'],
    ] as const) {
      await client.query(`
        insert into thread_metadata (project_id, thread_seq, key, value, created_at)
        select project_id, seq, '${key}', '${prefix}' || (substr(id, 8)::bigint % ${modulus}), created_at from threads`);
    }
    await client.query('commit');
    await client.query('vacuum analyze threads');
    await client.query('vacuum analyze thread_metadata');
  } finally {
    await client.end();
  }
}
