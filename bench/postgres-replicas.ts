// Threads and messages throughput through Spool's HTTP API (autocannon): SQLite, PostgreSQL with one
// replica, and PostgreSQL with two replicas sharing the load, each measured in the same run. Prints Markdown.
//
//   npx tsx bench/postgres-replicas.ts [--seconds 8] [--connections 20]
//
// PostgreSQL is measured when SPOOL_TEST_DATABASE_URL names a role that may create databases.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { createTestDatabase, dropTestDatabase } from '../test/support/postgres.js';
import { makeTempDir, type SpoolProcess, startSpool } from '../test/support/spool.js';

interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
}
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
// autocannon ships no types: this is the part of its API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as (
  options: AutocannonOptions,
) => Promise<AutocannonResult>;

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '8' }, connections: { type: 'string', default: '20' } },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const adminUrl = process.env.SPOOL_TEST_DATABASE_URL || undefined;

const json = { 'content-type': 'application/json', 'openai-beta': 'assistants=v2' };

interface Scenario {
  name: string;
  request(replica: SpoolProcess, fixture: Fixture): Omit<AutocannonOptions, 'connections' | 'duration'>;
}
interface Fixture {
  threadId: string;
}

const scenarios: Scenario[] = [
  {
    name: 'create thread with a message',
    request: (replica) => ({
      url: `${replica.baseURL}/threads`,
      method: 'POST',
      headers: json,
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Hello' }], metadata: { team: 'bench' } }),
    }),
  },
  {
    name: 'retrieve thread',
    request: (replica, fixture) => ({ url: `${replica.baseURL}/threads/${fixture.threadId}`, headers: json }),
  },
  {
    name: 'list 20 messages',
    request: (replica, fixture) => ({
      url: `${replica.baseURL}/threads/${fixture.threadId}/messages?limit=20`,
      headers: json,
    }),
  },
  {
    name: 'list threads by metadata',
    request: (replica) => ({ url: `${replica.baseURL}/threads?limit=20&metadata[team]=bench`, headers: json }),
  },
  {
    name: 'add message to one busy thread',
    request: (replica, fixture) => ({
      url: `${replica.baseURL}/threads/${fixture.threadId}/messages`,
      method: 'POST',
      headers: json,
      body: JSON.stringify({ role: 'user', content: 'more' }),
    }),
  },
];

async function fixtureOn(replica: SpoolProcess): Promise<Fixture> {
  const response = await fetch(`${replica.baseURL}/threads`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({
      messages: Array.from({ length: 30 }, (_, index) => ({ role: 'user', content: `m${index}` })),
    }),
  });
  return { threadId: ((await response.json()) as { id: string }).id };
}

/** Runs the scenario against every replica at once, the connections split between them. */
async function run(replicas: SpoolProcess[], fixture: Fixture, scenario: Scenario) {
  const results = await Promise.all(
    replicas.map((replica) =>
      autocannon({
        ...scenario.request(replica, fixture),
        connections: Math.ceil(connections / replicas.length),
        duration: seconds,
      }),
    ),
  );
  return {
    perSecond: results.reduce((sum, result) => sum + result.requests.average, 0),
    p50: Math.max(...results.map((result) => result.latency.p50)),
    p99: Math.max(...results.map((result) => result.latency.p99)),
    failures: results.reduce((sum, result) => sum + result.non2xx + result.errors, 0),
  };
}

async function configuration(
  name: string,
  start: () => Promise<SpoolProcess[]>,
  cleanup: () => Promise<void> = async () => {},
) {
  const replicas = await start();
  try {
    const fixture = await fixtureOn(replicas[0] as SpoolProcess);
    const rows: string[] = [];
    for (const scenario of scenarios) {
      const figures = await run(replicas, fixture, scenario);
      rows.push(
        `| ${name} | ${scenario.name} | ${Math.round(figures.perSecond)} | ${figures.p50} | ${figures.p99} | ${figures.failures} |`,
      );
    }
    return rows;
  } finally {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await cleanup();
  }
}

const rows: string[] = [];
const sqliteEnv = { SPOOL_DATABASE_URL: '' };
rows.push(
  ...(await configuration('SQLite, 1 process', async () => [
    await startSpool({ dataDir: makeTempDir('spool-bench-'), env: sqliteEnv }),
  ])),
);
if (adminUrl) {
  const one = await createTestDatabase();
  rows.push(
    ...(await configuration(
      'PostgreSQL, 1 replica',
      async () => [await startSpool({ databaseUrl: one })],
      () => dropTestDatabase(one),
    )),
  );
  const two = await createTestDatabase();
  rows.push(
    ...(await configuration(
      'PostgreSQL, 2 replicas',
      async () => Promise.all([startSpool({ databaseUrl: two }), startSpool({ databaseUrl: two })]),
      () => dropTestDatabase(two),
    )),
  );
}

console.log(`# Threads throughput: SQLite and PostgreSQL replicas\n`);
console.log(
  `Node ${process.version}, ${availableParallelism()} CPUs shared by Spool, PostgreSQL and autocannon; ${connections} connections, ${seconds} s per row; ${new Date().toISOString()}\n`,
);
console.log('| store | scenario | req/s | p50 ms | p99 ms | non-2xx + errors |');
console.log('|---|---|---:|---:|---:|---:|');
for (const row of rows) console.log(row);
if (!adminUrl) console.log('\n(PostgreSQL not measured: set SPOOL_TEST_DATABASE_URL.)');
