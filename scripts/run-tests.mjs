// Runs every test file under test/ with Node's own runner (TypeScript through tsx), twice: once with
// the SQLite store, and once with PostgreSQL when SPOOL_TEST_DATABASE_URL names a server (a role
// that may create databases; each Spool a test starts gets a fresh one). Files under test/postgres/
// need PostgreSQL and run in its pass only.
// Usage: node scripts/run-tests.mjs [path filter...]
// SPOOL_TEST_REQUIRE_POSTGRES=1 (set by .ci/run) makes a missing PostgreSQL a failure.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import pg from 'pg';
import { provisionPythonSdk } from './provision-python.mjs';

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const files = testFiles('test')
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// The Python SDK tests' interpreter: PYTHON if given, else a project-local venv made here.
if (!process.env.PYTHON) {
  try {
    process.env.PYTHON = provisionPythonSdk(join(import.meta.dirname, '..'));
  } catch (error) {
    // The Python tests then fail, each saying why; the rest still run.
    console.error(`!! ${error.message}`);
  }
}

const postgresOnly = (file) => file.startsWith(`test${sep}postgres${sep}`);
const databaseUrl = process.env.SPOOL_TEST_DATABASE_URL || undefined;
const runId = `${process.pid}_${Date.now().toString(36)}`;
const countsDir = mkdtempSync(join(tmpdir(), 'spool-test-counts-'));

function runPass(store, passFiles, env) {
  console.log(`\n== ${store} store: ${passFiles.length} test file(s)\n`);
  const countsFile = join(countsDir, `${store}.json`);
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      `--test-reporter=${join(import.meta.dirname, 'test-counts-reporter.mjs')}`,
      `--test-reporter-destination=${countsFile}`,
      `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
      '--test-timeout=600000',
      ...passFiles,
    ],
    { stdio: 'inherit', env },
  );
  let counts = {};
  try {
    counts = JSON.parse(readFileSync(countsFile, 'utf8'));
  } catch {
    // The runner died before reporting: its exit status says so.
  }
  return { store, status: result.status ?? 1, counts };
}

/** Drops the databases this run's tests created (named after the run id). */
async function dropRunDatabases() {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query('select datname from pg_database where datname like $1', [
      `spool_test_${runId}_%`,
    ]);
    for (const { datname } of rows) await client.query(`drop database if exists "${datname}" with (force)`);
  } finally {
    await client.end();
  }
}

const passes = [];
const sqliteFiles = files.filter((file) => !postgresOnly(file));
const { SPOOL_TEST_DATABASE_URL: _unset, ...sqliteEnv } = process.env;
if (sqliteFiles.length > 0) passes.push(runPass('sqlite', sqliteFiles, sqliteEnv));

let postgresMissing = false;
if (databaseUrl) {
  passes.push(runPass('postgres', files, { ...process.env, SPOOL_TEST_RUN_ID: runId }));
  await dropRunDatabases().catch((error) =>
    console.error(`could not drop this run's test databases: ${error.message}`),
  );
} else {
  postgresMissing = true;
}
rmSync(countsDir, { recursive: true, force: true });

const total = { pass: 0, fail: 0, skipped: 0, cancelled: 0 };
console.log('');
for (const { store, status, counts } of passes) {
  for (const key of Object.keys(total)) total[key] += counts[key] ?? 0;
  console.log(
    `${store} store: ${counts.pass ?? '?'} passed, ${counts.fail ?? '?'} failed, ${counts.skipped ?? '?'} skipped${status === 0 ? '' : ` (exit ${status})`}`,
  );
}
if (postgresMissing) {
  const skippedFiles = files.filter(postgresOnly);
  const banner = '!'.repeat(100);
  console.log(`\n${banner}`);
  console.log('!! THE POSTGRESQL PASS DID NOT RUN: SPOOL_TEST_DATABASE_URL is not set.');
  console.log(
    `!! Nothing above was tested on PostgreSQL, and ${skippedFiles.length} PostgreSQL-only file(s) did not run${skippedFiles.length ? `: ${skippedFiles.join(', ')}` : ''}.`,
  );
  console.log(
    '!! Set it to a role that may create databases, e.g. postgres://spool:spool@127.0.0.1:5432/spool (see .ci/run).',
  );
  console.log(`${banner}\n`);
}
const failed =
  passes.some((pass) => pass.status !== 0) || (postgresMissing && process.env.SPOOL_TEST_REQUIRE_POSTGRES === '1');
console.log(`${total.pass} passed, ${total.fail + total.cancelled} failed, ${total.skipped} skipped`);
process.exit(failed ? 1 : 0);
