// `spool export` / `spool import`: a project's threads and messages leave one store and arrive in
// another (the other engine, when PostgreSQL is available) as the very same objects, in the same order.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { postJson, raw } from '../support/http.js';
import { createTestDatabase, testStore } from '../support/postgres.js';
import { makeTempDir, runSpool, type SpoolProcess, startSpool } from '../support/spool.js';

interface Listed {
  data: Array<{ id: string }>;
  has_more: boolean;
  last_id: string | null;
}

let source: SpoolProcess;
let sourceDir: string;
let defaultKey: string;
let acmeKey: string;
const workDir = makeTempDir('spool-export-');

function auth(key: string) {
  return { authorization: `Bearer ${key}` };
}

/** Every object a client can list in a project: threads oldest first, each with its messages. */
async function everything(spool: SpoolProcess, key: string): Promise<unknown[]> {
  const walk = async (path: string) => {
    const items: Array<{ id: string }> = [];
    let after = '';
    for (;;) {
      const response = await raw(`${spool.baseURL}${path}?order=asc&limit=100${after}`, { headers: auth(key) });
      assert.equal(response.status, 200, response.text);
      const page = response.json as Listed;
      items.push(...page.data);
      if (!page.has_more) return items;
      after = `&after=${page.last_id}`;
    }
  };
  const out: unknown[] = [];
  for (const thread of await walk('/threads')) out.push(thread, await walk(`/threads/${thread.id}/messages`));
  return out;
}

interface Target {
  /** The store flags for `spool import` / `spool export`. */
  args: string[];
  env: Record<string, string>;
  start(): Promise<SpoolProcess>;
}

/** An empty store on the given engine. */
async function freshTarget(engine: 'sqlite' | 'postgres' = 'sqlite'): Promise<Target> {
  if (engine === 'postgres') {
    const databaseUrl = await createTestDatabase();
    return { args: ['--database-url', databaseUrl], env: {}, start: () => startSpool({ databaseUrl }) };
  }
  const dataDir = makeTempDir();
  // An empty SPOOL_DATABASE_URL keeps SQLite even in the PostgreSQL pass.
  const env = { SPOOL_DATABASE_URL: '' };
  return { args: ['--data-dir', dataDir], env, start: () => startSpool({ dataDir, env }) };
}

async function assertServesLikeSource(target: Target): Promise<void> {
  const copy = await target.start();
  try {
    assert.deepEqual(await everything(copy, defaultKey), await everything(source, defaultKey));
    const filtered = await raw(`${copy.baseURL}/threads?metadata[parity]=odd&limit=5`, { headers: auth(defaultKey) });
    const original = await raw(`${source.baseURL}/threads?metadata[parity]=odd&limit=5`, { headers: auth(defaultKey) });
    assert.equal(filtered.text, original.text, 'metadata filters find the same threads');
  } finally {
    await copy.stop();
  }
}

const withoutHeader = (text: string) => text.split('\n').slice(1).join('\n');

before(async () => {
  sourceDir = makeTempDir();
  const created = await runSpool(['keys', 'create', '--data-dir', sourceDir]);
  const other = await runSpool(['keys', 'create', '--project', 'acme', '--data-dir', sourceDir]);
  assert.equal(created.code, 0, created.stderr);
  defaultKey = created.stdout.trim();
  acmeKey = other.stdout.trim();
  source = await startSpool({ dataDir: sourceDir });
  for (let index = 0; index < 130; index++) {
    const response = await postJson(
      `${source.baseURL}/threads`,
      {
        messages:
          index % 3 === 0
            ? []
            : [
                { role: 'user', content: `hello ${index}`, metadata: { n: String(index) } },
                {
                  role: 'assistant',
                  content: [{ type: 'text', text: 'hi' }],
                  attachments: [{ file_id: 'file-1', tools: [{ type: 'file_search' }] }],
                },
              ],
        metadata: { index: String(index), parity: index % 2 === 0 ? 'even' : 'odd' },
        tool_resources: index % 5 === 0 ? { code_interpreter: { file_ids: [`file-${index}`] } } : undefined,
      },
      auth(defaultKey),
    );
    assert.equal(response.status, 200, response.text);
  }
  const busy = (await postJson(`${source.baseURL}/threads`, {}, auth(defaultKey))).json as { id: string };
  for (let index = 0; index < 120; index++) {
    const response = await postJson(
      `${source.baseURL}/threads/${busy.id}/messages`,
      {
        role: 'user',
        content: [{ type: 'image_url', image_url: { url: `https://example.com/${index}.png`, detail: 'low' } }],
      },
      auth(defaultKey),
    );
    assert.equal(response.status, 200, response.text);
  }
  assert.equal(
    (await postJson(`${source.baseURL}/threads`, { metadata: { secret: 'acme' } }, auth(acmeKey))).status,
    200,
  );
});
after(async () => {
  await source?.stop();
});

describe(`spool export / import (from ${testStore})`, () => {
  test('an import of an export serves identical objects in identical order, and exports identically again', async () => {
    const file = join(workDir, 'default.jsonl');
    const exported = await runSpool(['export', '--data-dir', sourceDir, '--output', file]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /exported 131 threads and 292 messages of project 'default'/);
    assert.doesNotMatch(readFileSync(file, 'utf8'), /acme/, "another project's threads stay out");

    // Into SQLite (from PostgreSQL in its pass), then that copy's export into PostgreSQL when there is one.
    const target = await freshTarget('sqlite');
    const imported = await runSpool(['import', file, ...target.args], target.env);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /imported 131 threads and 292 messages into project 'default'/);
    await assertServesLikeSource(target);
    const again = join(workDir, 'again.jsonl');
    assert.equal((await runSpool(['export', ...target.args, '--output', again], target.env)).code, 0);
    assert.equal(withoutHeader(readFileSync(again, 'utf8')), withoutHeader(readFileSync(file, 'utf8')));

    if (testStore === 'postgres') {
      const back = await freshTarget('postgres');
      const reimported = await runSpool(['import', again, ...back.args], back.env);
      assert.equal(reimported.code, 0, reimported.stderr);
      await assertServesLikeSource(back);
    }
  });

  test('export to stdout and import from stdin; a second import of the same objects imports nothing', async () => {
    const exported = await runSpool(['export', '--data-dir', sourceDir, '--project', 'acme']);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(exported.stdout.trim().split('\n').length, 3, 'header, one thread, footer');
    const target = await freshTarget();
    const first = await runSpool(['import', ...target.args], target.env, exported.stdout);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /imported 1 threads and 0 messages into project 'acme'/);
    const second = await runSpool(['import', ...target.args], target.env, exported.stdout);
    assert.equal(second.code, 1);
    assert.match(
      second.stderr,
      /^spool: nothing was imported: line 2: an object with this id already exists in the target database\n$/,
    );
  });

  test('a cut-short or malformed export imports nothing and says where', async () => {
    const file = join(workDir, 'default.jsonl');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const cases: Array<[string, string, RegExp]> = [
      ['cut.jsonl', lines.slice(0, 40).join('\n'), /the input ends at line 40 without its footer: it was cut short/],
      [
        'bad.jsonl',
        [...lines.slice(0, 3), '{"type":"thread","thread":{"object":"thread","id":"nope"}}', ...lines.slice(3)].join(
          '\n',
        ),
        /line 4: 'id' must be a 'thread_' id/,
      ],
      [
        'future.jsonl',
        [lines[0], '{"type":"hologram"}', ...lines.slice(1)].join('\n'),
        /line 2: unknown record type "hologram"/,
      ],
      ['notes.txt', 'hello', /line 1: not valid JSON/],
    ];
    for (const [name, text, expected] of cases) {
      const target = await freshTarget();
      writeFileSync(join(workDir, name), text);
      const result = await runSpool(['import', join(workDir, name), ...target.args], target.env);
      assert.equal(result.code, 1, `${name}: ${result.stderr}`);
      assert.match(result.stderr, expected, name);
      const exported = await runSpool(['export', ...target.args], target.env);
      assert.match(exported.stderr, /exported 0 threads and 0 messages/, `${name}: nothing was imported`);
    }
  });
});

describe('spool export / import with assistants and runs', () => {
  test('assistants, runs and their steps come back identical', async () => {
    const { FakeModel } = await import('../support/fake-model.js');
    const model = await new FakeModel().start();
    const dataDir = makeTempDir();
    const env = { SPOOL_DATABASE_URL: '', SPOOL_MODEL_BASE_URL: model.url };
    const server = await startSpool({ dataDir, env });
    try {
      const assistant = (
        await postJson(`${server.baseURL}/assistants`, {
          model: 'gpt-4o',
          instructions: 'Be brief.',
          tools: [{ type: 'function', function: { name: 'lookup' } }],
          metadata: { team: 'ops' },
        })
      ).json as { id: string };
      model.script({ toolCalls: [{ name: 'lookup', arguments: '{"q":"x"}' }] }, { text: 'Found it.' });
      let run = (
        await postJson(`${server.baseURL}/threads/runs`, {
          assistant_id: assistant.id,
          thread: { messages: [{ role: 'user', content: 'find x' }] },
        })
      ).json as {
        id: string;
        thread_id: string;
        status: string;
        required_action: { submit_tool_outputs: { tool_calls: Array<{ id: string }> } };
      };
      const runPath = `${server.baseURL}/threads/${run.thread_id}/runs/${run.id}`;
      while (run.status !== 'requires_action') run = (await raw(runPath)).json as typeof run;
      const call = run.required_action.submit_tool_outputs.tool_calls[0]?.id;
      await postJson(`${runPath}/submit_tool_outputs`, { tool_outputs: [{ tool_call_id: call, output: 'x is here' }] });
      while (run.status !== 'completed') run = (await raw(runPath)).json as typeof run;

      const file = join(workDir, 'runs.jsonl');
      const exported = await runSpool(['export', '--data-dir', dataDir, '--output', file], { SPOOL_DATABASE_URL: '' });
      assert.equal(exported.code, 0, exported.stderr);
      assert.match(exported.stderr, /with 1 assistants, 1 runs and 2 run steps/);
      const target = await freshTarget();
      const imported = await runSpool(['import', file, ...target.args], target.env);
      assert.equal(imported.code, 0, imported.stderr);
      const copy = await target.start();
      try {
        for (const path of [
          `/assistants/${assistant.id}`,
          `/threads/${run.thread_id}/runs`,
          `/threads/${run.thread_id}/runs/${run.id}/steps?order=asc`,
          `/threads/${run.thread_id}/messages?order=asc`,
        ]) {
          const original = await raw(`${server.baseURL}${path}`);
          const copied = await raw(`${copy.baseURL}${path}`);
          assert.equal(copied.status, 200, `${path}: ${copied.text}`);
          assert.equal(copied.text, original.text, path);
        }
      } finally {
        await copy.stop();
      }
    } finally {
      await server.stop();
      await model.stop();
    }
  });
});
