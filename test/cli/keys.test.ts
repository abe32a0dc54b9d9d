// `spool keys create|list|revoke` on the database directly: the key printed once, JSON output like
// the other commands, and a revoked key refused by the server.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jsonOf, runCli } from '../support/cli.js';
import { postJson } from '../support/http.js';
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
    assert.match(plain.stderr, /^created key_[A-Za-z0-9]{24} for project 'acme'; store the key now, it is not shown again\n$/);

    const json = await runCli(['keys', 'create', '--project', 'acme', '--format', 'json', '--data-dir', dataDir]);
    assert.equal(json.code, 0, json.stderr);
    const record = jsonOf<KeyRecord & { key: string }>(json);
    assert.match(record.key, /^sk-spool-[A-Za-z0-9]{40}$/);
    assert.equal(record.project, 'acme');
    assert.equal(record.revoked_at, null);
    assert.ok(record.key.startsWith(record.redacted.replace(/\.\.\.$/, '')), 'the redacted form is a prefix of the key');
  });

  test('list: the list object, or one key per line with --format jsonl; never the keys themselves', async () => {
    const dataDir = makeTempDir();
    const keys = [];
    for (const project of ['one', 'two']) keys.push((await runCli(['keys', 'create', '--project', project, '--data-dir', dataDir])).stdout.trim());
    const listed = await runCli(['keys', 'list', '--data-dir', dataDir]);
    assert.equal(listed.code, 0, listed.stderr);
    const list = jsonOf<{ object: string; data: KeyRecord[]; first_id: string; last_id: string; has_more: boolean }>(listed);
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
