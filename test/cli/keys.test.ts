// `spool keys create|list|revoke` on the database directly: the key printed once, JSON output like
// the other commands, a revoked key refused by the server, and keys shown redacted to a short prefix
// and their last 4 characters (those stored by earlier versions rewritten by a migration).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { jsonOf, runCli } from '../support/cli.js';
import { postJson } from '../support/http.js';
import { databaseForDataDir, queryDatabase, testDatabaseUrl } from '../support/postgres.js';
import { makeTempDir, startSpool } from '../support/spool.js';

interface KeyRecord {
  id: string;
  project: string;
  redacted: string;
  name: string | null;
  source: string;
  created_at: number;
  revoked_at: number | null;
}

describe('spool keys', () => {
  test('create prints the key alone on stdout (the notice goes to stderr); --format json prints its record with the key', async () => {
    const dataDir = makeTempDir();
    const plain = await runCli(['keys', 'create', '--project', 'acme', '--name', 'ci', '--data-dir', dataDir]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^sk-spool-[A-Za-z0-9]{40}\n$/);
    assert.match(
      plain.stderr,
      /^created key_[A-Za-z0-9]{24} for project 'acme'; store the key now, it is not shown again\n$/,
    );

    const json = await runCli(['keys', 'create', '--project', 'acme', '--format', 'json', '--data-dir', dataDir]);
    assert.equal(json.code, 0, json.stderr);
    const record = jsonOf<KeyRecord & { key: string }>(json);
    assert.match(record.key, /^sk-spool-[A-Za-z0-9]{40}$/);
    assert.equal(record.project, 'acme');
    assert.equal(record.revoked_at, null);
    assert.equal(record.redacted, `${record.key.slice(0, 7)}...${record.key.slice(-4)}`);
  });

  test('list: the list object, or one key per line with --format jsonl; never the keys themselves', async () => {
    const dataDir = makeTempDir();
    const keys = [];
    for (const project of ['one', 'two'])
      keys.push((await runCli(['keys', 'create', '--project', project, '--data-dir', dataDir])).stdout.trim());
    const listed = await runCli(['keys', 'list', '--data-dir', dataDir]);
    assert.equal(listed.code, 0, listed.stderr);
    const list = jsonOf<{ object: string; data: KeyRecord[]; first_id: string; last_id: string; has_more: boolean }>(
      listed,
    );
    assert.equal(list.object, 'list');
    assert.deepEqual(
      list.data.map((record) => record.project),
      ['one', 'two'],
    );
    assert.deepEqual([list.first_id, list.last_id, list.has_more], [list.data[0]?.id, list.data[1]?.id, false]);
    for (const key of keys) assert.ok(!listed.stdout.includes(key), 'no key in the listing');
    const lines = await runCli(['keys', 'list', '--format', 'jsonl', '--data-dir', dataDir]);
    assert.deepEqual(
      lines.stdout
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as KeyRecord).id),
      list.data.map((record) => record.id),
    );
  });

  test('revoke prints the revoked record; the server then refuses the key; revoking again exits 1', async () => {
    const dataDir = makeTempDir();
    const key = (await runCli(['keys', 'create', '--data-dir', dataDir])).stdout.trim();
    const [record] = jsonOf<{ data: KeyRecord[] }>(await runCli(['keys', 'list', '--data-dir', dataDir])).data;
    assert.ok(record);
    const revoked = await runCli(['keys', 'revoke', record.id, '--data-dir', dataDir]);
    assert.equal(revoked.code, 0, revoked.stderr);
    const shown = jsonOf<KeyRecord>(revoked);
    assert.equal(shown.id, record.id);
    assert.equal(typeof shown.revoked_at, 'number');

    const server = await startSpool({ dataDir });
    try {
      const refused = await postJson(`${server.baseURL}/threads`, {}, { authorization: `Bearer ${key}` });
      assert.equal(refused.status, 401);
    } finally {
      await server.stop();
    }
    const again = await runCli(['keys', 'revoke', record.id, '--data-dir', dataDir]);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, `spool: no active key with id '${record.id}'\n`);
  });
});

/** Runs SQL on the database behind `dataDir`: its spool.db, or its database in the PostgreSQL pass. */
async function execute(dataDir: string, text: string): Promise<void> {
  if (testDatabaseUrl) {
    await queryDatabase(await databaseForDataDir(dataDir), text);
    return;
  }
  const database = new SqliteDatabase(join(dataDir, 'spool.db'));
  try {
    database.exec(text);
  } finally {
    database.close();
  }
}

describe('redacted keys', () => {
  test('a new key is shown as its first 7 characters and its last 4, like OpenAI shows keys', async () => {
    const dataDir = makeTempDir();
    const record = jsonOf<KeyRecord & { key: string }>(
      await runCli(['keys', 'create', '--format', 'json', '--data-dir', dataDir]),
    );
    assert.equal(record.redacted, `${record.key.slice(0, 7)}...${record.key.slice(-4)}`);
    assert.match(record.redacted, /^sk-spoo\.\.\.[A-Za-z0-9]{4}$/);
    const [listed] = jsonOf<{ data: KeyRecord[] }>(await runCli(['keys', 'list', '--data-dir', dataDir])).data;
    assert.equal(listed?.redacted, record.redacted);
  });

  test('keys stored by earlier versions (half the key, up to 12 characters) are cut to 7 characters, or none for a short key', async () => {
    const dataDir = makeTempDir();
    const created = await runCli(['keys', 'create', '--data-dir', dataDir]);
    assert.equal(created.code, 0, created.stderr);
    const key = created.stdout.trim();
    const twentyTwo = 'sk-twenty-two-chars-ab';
    // What earlier versions stored: the first min(12, half the length) characters and '...'; and
    // the schema as they left it, before migration 0003.
    await execute(
      dataDir,
      `update api_keys set redacted = '${key.slice(0, 12)}...';
       insert into api_keys (id, project_id, key_hash, redacted, name, source, created_at) values
         ('key_oldtwentytwo', 'proj_default', '${createHash('sha256').update(twentyTwo).digest('hex')}', 'sk-twenty-t...', 'SPOOL_API_KEYS', 'env', 1),
         ('key_oldshort', 'proj_default', 'hash-12', 'sk-sho...', 'SPOOL_API_KEYS', 'env', 2);
       delete from kysely_migration where name like '0003%';`,
    );
    const listed = await runCli(['keys', 'list', '--data-dir', dataDir]);
    assert.equal(listed.code, 0, listed.stderr);
    const redacted = Object.fromEntries(
      jsonOf<{ data: KeyRecord[] }>(listed).data.map((record) => [
        record.id.startsWith('key_old') ? record.id : 'created',
        record.redacted,
      ]),
    );
    assert.deepEqual(redacted, {
      created: `${key.slice(0, 7)}...`,
      key_oldtwentytwo: 'sk-twen...',
      key_oldshort: '...',
    });

    // A key still in SPOOL_API_KEYS gets its last 4 back when the server starts with it.
    const server = await startSpool({ dataDir, env: { SPOOL_API_KEYS: twentyTwo } });
    await server.stop();
    const relisted = jsonOf<{ data: KeyRecord[] }>(await runCli(['keys', 'list', '--data-dir', dataDir])).data;
    assert.equal(relisted.find((record) => record.id === 'key_oldtwentytwo')?.redacted, 'sk-twen...s-ab');
  });
});
