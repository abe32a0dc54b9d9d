// API keys: OpenAI's 401 texts, keys hashed in the database per project, projects isolated, and
// the refusal to run open on a non-loopback address.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { envelopeOf, postJson, raw } from '../support/http.js';
import { queryDatabase } from '../support/postgres.js';
import { makeTempDir, runSpool, type SpoolProcess, spoolBin, startSpool } from '../support/spool.js';

const staticKey = 'sk-PMafPabcdefghijklmnopqrstuvwxyz0123456789ABCDE873';
let spool: SpoolProcess;
let otherProjectKey: string;

before(async () => {
  const dataDir = makeTempDir();
  const created = await runSpool(['keys', 'create', '--project', 'other', '--data-dir', dataDir]);
  assert.equal(created.code, 0, created.stderr);
  otherProjectKey = created.stdout.trim();
  spool = await startSpool({ dataDir, env: { SPOOL_API_KEYS: `${staticKey}, sk-second-key-000000000000` } });
});
after(async () => {
  await spool.stop();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('authentication', () => {
  test('no key: OpenAI 401 text, null code', async () => {
    const reply = await postJson(`${spool.baseURL}/threads`, {});
    assert.equal(reply.status, 401);
    const error = envelopeOf(reply);
    assert.match(
      error.message,
      /^You didn't provide an API key\. You need to provide your API key in an Authorization header using Bearer auth \(i\.e\. Authorization: Bearer YOUR_KEY\)/,
    );
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(error.code, null);
    assert.match(reply.headers.get('x-request-id') ?? '', /^req_/);
  });

  test('wrong key: OpenAI 401 text with the key masked, code invalid_api_key', async () => {
    const wrong = `sk-PMafP${'x'.repeat(39)}E873`;
    const reply = await postJson(`${spool.baseURL}/threads`, {}, bearer(wrong));
    assert.equal(reply.status, 401);
    assert.deepEqual(envelopeOf(reply), {
      message:
        'Incorrect API key provided: sk-PMafP***************************************E873. You can find your API key at https://platform.openai.com/account/api-keys.',
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    });
  });

  test('every key of SPOOL_API_KEYS works, and is stored only as a hash', async () => {
    assert.equal((await postJson(`${spool.baseURL}/threads`, {}, bearer(staticKey))).status, 200);
    assert.equal((await postJson(`${spool.baseURL}/threads`, {}, bearer('sk-second-key-000000000000'))).status, 200);
    const listed = await runSpool(['keys', 'list', '--data-dir', spool.dataDir]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(!listed.stdout.includes(staticKey), 'keys list never shows a key');
    const shown = (JSON.parse(listed.stdout) as { data: Array<{ source: string; redacted: string }> }).data
      .filter((record) => record.source === 'env')
      .map((record) => record.redacted);
    assert.deepEqual(shown.sort(), ['sk-PMaf...E873', 'sk-seco...0000'], 'a short prefix and the last 4 characters');
    if (spool.databaseUrl) {
      const rows = await queryDatabase(spool.databaseUrl, 'select * from api_keys');
      assert.ok(!JSON.stringify(rows).includes(staticKey), 'the database does not hold the key in clear');
    } else {
      const { readFileSync } = await import('node:fs');
      assert.ok(
        !readFileSync(`${spool.dataDir}/spool.db`).includes(staticKey),
        'the database file does not hold the key in clear',
      );
    }
  });

  test("a project's threads are invisible to another project's key", async () => {
    const thread = (
      await postJson(
        `${spool.baseURL}/threads`,
        { metadata: { owner: 'default' }, messages: [{ role: 'user', content: 'secret' }] },
        bearer(staticKey),
      )
    ).json as { id: string };
    for (const [method, path] of [
      ['GET', `/threads/${thread.id}`],
      ['POST', `/threads/${thread.id}`],
      ['DELETE', `/threads/${thread.id}`],
      ['GET', `/threads/${thread.id}/messages`],
      ['POST', `/threads/${thread.id}/messages`],
    ] as const) {
      const body =
        method === 'POST'
          ? JSON.stringify(path.endsWith('messages') ? { role: 'user', content: 'x' } : { metadata: {} })
          : undefined;
      const reply = await raw(`${spool.baseURL}${path}`, {
        method,
        headers: { ...bearer(otherProjectKey), 'content-type': 'application/json' },
        ...(body ? { body } : {}),
      });
      assert.equal(reply.status, 404, `${method} ${path}`);
      assert.equal(envelopeOf(reply).message, `No thread found with id '${thread.id}'.`);
    }
    const listed = (await raw(`${spool.baseURL}/threads?metadata[owner]=default`, { headers: bearer(otherProjectKey) }))
      .json as { data: unknown[] };
    assert.deepEqual(listed.data, []);
    const own = (await raw(`${spool.baseURL}/threads/${thread.id}`, { headers: bearer(staticKey) })).json as {
      id: string;
    };
    assert.equal(own.id, thread.id, 'still there for its own project');
  });

  test('a revoked key stops working', async () => {
    const dataDir = makeTempDir();
    const key = (await runSpool(['keys', 'create', '--data-dir', dataDir])).stdout.trim();
    const server = await startSpool({ dataDir });
    try {
      assert.equal((await postJson(`${server.baseURL}/threads`, {}, bearer(key))).status, 200);
      const id = (
        JSON.parse(
          (await runSpool(['keys', 'list', '--format', 'jsonl', '--data-dir', dataDir])).stdout.trim().split('\n')[0] ??
            '{}',
        ) as { id: string }
      ).id;
      assert.equal((await runSpool(['keys', 'revoke', id, '--data-dir', dataDir])).code, 0);
      await new Promise((resolve) => setTimeout(resolve, 5_200));
      assert.equal((await postJson(`${server.baseURL}/threads`, {}, bearer(key))).status, 401);
    } finally {
      await server.stop();
    }
  });
});

describe('open mode', () => {
  test('with no key configured, a loopback server takes any bearer', async () => {
    const server = await startSpool();
    try {
      assert.equal((await postJson(`${server.baseURL}/threads`, {}, bearer('sk-whatever'))).status, 200);
      assert.equal((await postJson(`${server.baseURL}/threads`, {})).status, 200);
    } finally {
      await server.stop();
    }
  });

  test('asked to listen on a non-loopback address without keys, it refuses to start', async () => {
    const result = await runSpool(['serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', makeTempDir()]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^spool: refusing to listen on 0\.0\.0\.0 without API keys/);
    assert.equal(result.stderr.trim().split('\n').length, 1, 'one line, no stack trace');
  });

  test('a key of SPOOL_API_KEYS shorter than 20 characters: one line naming the rule, not the key, and exit 2', async () => {
    // Bounded: a server that accepted the key would otherwise run on.
    const result = spawnSync(process.execPath, [spoolBin, 'serve', '--port', '0', '--data-dir', makeTempDir()], {
      env: { PATH: process.env.PATH ?? '', SPOOL_API_KEYS: `${staticKey},sk-short-key-00000` },
      encoding: 'utf8',
      timeout: 15_000,
    });
    assert.equal(result.status, 2, result.stderr);
    assert.equal(
      result.stderr,
      'spool: SPOOL_API_KEYS: every key must be at least 20 characters long, got one of 18\n',
    );
  });

  test('with keys, it listens on a non-loopback address', async () => {
    const server = await startSpool({
      args: ['--host', '0.0.0.0'],
      env: { SPOOL_API_KEYS: 'sk-non-loopback-key-0000' },
    });
    try {
      assert.match(server.url, /^http:\/\/0\.0\.0\.0:\d+$/);
    } finally {
      await server.stop();
    }
  });
});
