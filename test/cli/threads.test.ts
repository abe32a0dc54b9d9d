// `spool threads ...` run as a subprocess against a started server: every command, YAML and JSON
// flags, @file, a piped body, output on a pipe and on a terminal, lists, filters and pagination.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jsonOf, pipeIntoCli, runCli, runCliInto, runCliOnTerminal } from '../support/cli.js';
import { raw } from '../support/http.js';
import { makeTempDir, type SpoolProcess, startSpool } from '../support/spool.js';

interface Thread {
  id: string;
  object: string;
  created_at: number;
  metadata: Record<string, string>;
  tool_resources: Record<string, unknown>;
}

interface List<T> {
  object: string;
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

let spool: SpoolProcess;
let env: Record<string, string>;

before(async () => {
  spool = await startSpool();
  env = { SPOOL_BASE_URL: spool.baseURL };
});
after(async () => {
  await spool.stop();
});

async function messagesOf(
  threadId: string,
): Promise<Array<{ role: string; content: unknown; metadata: unknown; attachments: unknown }>> {
  const list = (await raw(`${spool.baseURL}/threads/${threadId}/messages?order=asc`)).json as List<{
    role: string;
    content: unknown;
    metadata: unknown;
    attachments: unknown;
  }>;
  return list.data;
}

describe('spool threads create', () => {
  test('with YAML flags: repeated --message, --metadata, --tool-resources; prints the thread on one line when piped', async () => {
    const result = await runCli(
      [
        'threads',
        'create',
        '--message',
        '{role: user, content: Hello}',
        '--message',
        '{role: assistant, content: [{type: text, text: Hi there}], metadata: {step: "1"}}',
        '--metadata',
        '{team: support, tier: gold}',
        '--tool-resources',
        '{code_interpreter: {file_ids: [file-abc]}}',
      ],
      { env },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.equal(result.stdout.split('\n').length, 2, 'one line and its newline');
    const thread = jsonOf<Thread>(result);
    assert.match(thread.id, /^thread_[A-Za-z0-9]{24}$/);
    assert.deepEqual(thread.metadata, { team: 'support', tier: 'gold' });
    assert.deepEqual(thread.tool_resources, { code_interpreter: { file_ids: ['file-abc'] } });
    assert.deepEqual(
      (await messagesOf(thread.id)).map((message) => [message.role, message.content, message.metadata]),
      [
        ['user', [{ type: 'text', text: { value: 'Hello', annotations: [] } }], {}],
        ['assistant', [{ type: 'text', text: { value: 'Hi there', annotations: [] } }], { step: '1' }],
      ],
    );
    assert.deepEqual(
      (await raw(`${spool.baseURL}/threads/${thread.id}`)).json,
      thread,
      'what was printed is what the server holds',
    );
  });

  test('JSON flags work as well as YAML ones', async () => {
    const result = await runCli(
      ['threads', 'create', '--message', '{"role":"user","content":"from JSON"}', '--metadata', '{"source":"json"}'],
      { env },
    );
    assert.equal(result.code, 0, result.stderr);
    const thread = jsonOf<Thread>(result);
    assert.deepEqual(thread.metadata, { source: 'json' });
    assert.deepEqual(
      (await messagesOf(thread.id)).map((message) => message.content),
      [[{ type: 'text', text: { value: 'from JSON', annotations: [] } }]],
    );
  });

  test('inner flags build the messages: --message.role starts a message, --message.content fills it', async () => {
    const result = await runCli(
      [
        'threads',
        'create',
        '--message.role',
        'user',
        '--message.content',
        'Note: YAML would read this as a map',
        '--message.role',
        'assistant',
        '--message.content',
        '42',
        '--message.metadata',
        '{kind: answer}',
        '--tool-resources.file-search',
        '{vector_store_ids: [vs_1]}',
        '--tool-resources.code-interpreter',
        '{file_ids: [file-1]}',
      ],
      { env },
    );
    assert.equal(result.code, 0, result.stderr);
    const thread = jsonOf<Thread>(result);
    assert.deepEqual(thread.tool_resources, {
      code_interpreter: { file_ids: ['file-1'] },
      file_search: { vector_store_ids: ['vs_1'] },
    });
    assert.deepEqual(
      (await messagesOf(thread.id)).map((message) => [message.role, message.content, message.metadata]),
      [
        ['user', [{ type: 'text', text: { value: 'Note: YAML would read this as a map', annotations: [] } }], {}],
        ['assistant', [{ type: 'text', text: { value: '42', annotations: [] } }], { kind: 'answer' }],
      ],
    );
  });

  test('@path reads an object flag from a YAML file, and a message content from a text file', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'metadata.yaml'), 'team: files\nticket: "123"\n');
    writeFileSync(join(dir, 'question.txt'), 'Line one\nLine two: with a colon\n');
    const result = await runCli(
      [
        'threads',
        'create',
        '--metadata',
        '@metadata.yaml',
        '--message.role',
        'user',
        '--message.content',
        '@question.txt',
      ],
      { env, cwd: dir },
    );
    assert.equal(result.code, 0, result.stderr);
    const thread = jsonOf<Thread>(result);
    assert.deepEqual(thread.metadata, { team: 'files', ticket: '123' });
    assert.deepEqual(
      (await messagesOf(thread.id)).map((message) => message.content),
      [[{ type: 'text', text: { value: 'Line one\nLine two: with a colon\n', annotations: [] } }]],
    );
  });

  test('a YAML body piped on stdin is sent, with the flags replacing its top-level fields', async () => {
    const body = 'messages:\n  - role: user\n    content: piped message\nmetadata:\n  from: stdin\n';
    const piped = await pipeIntoCli(body, ['threads', 'create'], env);
    assert.equal(piped.code, 0, piped.stderr);
    const thread = jsonOf<Thread>(piped);
    assert.deepEqual(thread.metadata, { from: 'stdin' });
    assert.deepEqual(
      (await messagesOf(thread.id)).map((message) => message.content),
      [[{ type: 'text', text: { value: 'piped message', annotations: [] } }]],
    );

    const overridden = await runCli(['threads', 'create', '--metadata', '{from: flag}'], { env, stdin: body });
    assert.equal(overridden.code, 0, overridden.stderr);
    const second = jsonOf<Thread>(overridden);
    assert.deepEqual(second.metadata, { from: 'flag' }, 'the flag replaced the piped metadata');
    assert.equal((await messagesOf(second.id)).length, 1, 'the piped messages were still sent');
  });

  test('no flags at all create an empty thread', async () => {
    const result = await runCli(['threads', 'create'], { env });
    assert.equal(result.code, 0, result.stderr);
    const thread = jsonOf<Thread>(result);
    assert.deepEqual([thread.metadata, thread.tool_resources], [{}, {}]);
  });
});

describe('spool threads retrieve, update, delete', () => {
  test('retrieve by --thread-id or as an argument; indented on a terminal', async () => {
    const created = jsonOf<Thread>(await runCli(['threads', 'create', '--metadata', '{a: "1"}'], { env }));
    for (const args of [
      ['threads', 'retrieve', '--thread-id', created.id],
      ['threads', 'retrieve', created.id],
    ]) {
      const result = await runCli(args, { env });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(jsonOf(result), created);
    }
    const onTerminal = await runCliOnTerminal(['threads', 'retrieve', created.id], env);
    assert.equal(onTerminal.code, 0, onTerminal.stdout);
    const text = onTerminal.stdout.replaceAll('\r\n', '\n');
    assert.equal(text, `${JSON.stringify(created, null, 2)}\n`, 'two-space indented, as a person reads it');
  });

  test('update replaces the metadata and sets tool resources; --metadata null clears it', async () => {
    const created = jsonOf<Thread>(await runCli(['threads', 'create', '--metadata', '{a: "1", b: "2"}'], { env }));
    const updated = await runCli(
      [
        'threads',
        'update',
        '--thread-id',
        created.id,
        '--metadata',
        '{c: "3"}',
        '--tool-resources.code-interpreter',
        '{file_ids: [file-9]}',
      ],
      { env },
    );
    assert.equal(updated.code, 0, updated.stderr);
    assert.deepEqual(jsonOf<Thread>(updated).metadata, { c: '3' });
    assert.deepEqual(jsonOf<Thread>(updated).tool_resources, { code_interpreter: { file_ids: ['file-9'] } });
    const cleared = await runCli(['threads', 'update', created.id, '--metadata', 'null'], { env });
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.deepEqual(jsonOf<Thread>(cleared).metadata, {});
    assert.deepEqual(
      jsonOf<Thread>(cleared).tool_resources,
      { code_interpreter: { file_ids: ['file-9'] } },
      'tool resources kept',
    );
  });

  test('delete prints the deletion; the thread is then gone (exit 1, the 404 message)', async () => {
    const created = jsonOf<Thread>(await runCli(['threads', 'create'], { env }));
    const deleted = await runCli(['threads', 'delete', '--thread-id', created.id], { env });
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.deepEqual(jsonOf(deleted), { id: created.id, object: 'thread.deleted', deleted: true });
    const again = await runCli(['threads', 'retrieve', created.id], { env });
    assert.equal(again.code, 1);
    assert.equal(again.stdout, '');
    assert.equal(again.stderr, `spool: HTTP 404: No thread found with id '${created.id}'.\n`);
  });
});

describe('spool threads list', () => {
  let listEnv: Record<string, string>;
  let server: SpoolProcess;
  const ids: string[] = [];

  before(async () => {
    // A server of its own, so that other tests' threads do not show up in these lists.
    server = await startSpool();
    listEnv = { SPOOL_BASE_URL: server.baseURL };
    for (let index = 0; index < 7; index++) {
      const metadata = index % 2 === 0 ? `{team: support, n: "${index}"}` : `{team: sales, n: "${index}"}`;
      ids.push(jsonOf<Thread>(await runCli(['threads', 'create', '--metadata', metadata], { env: listEnv })).id);
    }
  });
  after(async () => {
    await server.stop();
  });

  test('the list object, newest first, with --limit and --order', async () => {
    const all = await runCli(['threads', 'list'], { env: listEnv });
    assert.equal(all.code, 0, all.stderr);
    const list = jsonOf<List<Thread>>(all);
    assert.equal(list.object, 'list');
    assert.deepEqual(
      list.data.map((thread) => thread.id),
      [...ids].reverse(),
    );
    assert.equal(list.has_more, false);
    const oldestTwo = jsonOf<List<Thread>>(
      await runCli(['threads', 'list', '--limit', '2', '--order', 'asc'], { env: listEnv }),
    );
    assert.deepEqual(
      oldestTwo.data.map((thread) => thread.id),
      ids.slice(0, 2),
    );
    assert.equal(oldestTwo.has_more, true);
    assert.equal(oldestTwo.last_id, ids[1]);
  });

  test('--after and --before page through, and --all follows has_more to the end', async () => {
    const next = jsonOf<List<Thread>>(
      await runCli(['threads', 'list', '--order', 'asc', '--limit', '3', '--after', ids[2] ?? ''], { env: listEnv }),
    );
    assert.deepEqual(
      next.data.map((thread) => thread.id),
      ids.slice(3, 6),
    );
    const previous = jsonOf<List<Thread>>(
      await runCli(['threads', 'list', '--order', 'asc', '--limit', '2', '--before', ids[3] ?? ''], { env: listEnv }),
    );
    assert.deepEqual(
      previous.data.map((thread) => thread.id),
      ids.slice(1, 3),
    );
    const everything = jsonOf<List<Thread>>(
      await runCli(['threads', 'list', '--order', 'asc', '--limit', '2', '--all'], { env: listEnv }),
    );
    assert.deepEqual(
      everything.data.map((thread) => thread.id),
      ids,
    );
    assert.deepEqual([everything.first_id, everything.last_id, everything.has_more], [ids[0], ids[6], false]);
  });

  test('--metadata key=value filters (pairs AND-ed); --format jsonl prints one thread per line', async () => {
    const support = await runCli(
      ['threads', 'list', '--metadata', 'team=support', '--format', 'jsonl', '--order', 'asc'],
      { env: listEnv },
    );
    assert.equal(support.code, 0, support.stderr);
    const lines = support.stdout.trimEnd().split('\n');
    assert.deepEqual(
      lines.map((line) => (JSON.parse(line) as Thread).id),
      [ids[0], ids[2], ids[4], ids[6]],
    );
    const both = await runCli(
      ['threads', 'list', '--metadata', 'team=support', '--metadata', 'n=4', '--format', 'jsonl'],
      { env: listEnv },
    );
    assert.deepEqual(
      both.stdout
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as Thread).id),
      [ids[4]],
    );
    const none = await runCli(['threads', 'list', '--metadata', 'team=nobody', '--format', 'jsonl'], { env: listEnv });
    assert.deepEqual([none.code, none.stdout], [0, '']);
  });

  test('jsonl with --all streams every item of every page, and a reader may stop early', async () => {
    const all = await runCli(['threads', 'list', '--limit', '2', '--all', '--format', 'jsonl'], { env: listEnv });
    assert.equal(all.stdout.trimEnd().split('\n').length, 7);
    const head = await runCliInto(
      ['threads', 'list', '--limit', '1', '--all', '--format', 'jsonl'],
      'head -n 1',
      listEnv,
    );
    assert.equal(head.code, 0, `spool exits 0 when its reader stops early: ${head.stderr}`);
    assert.equal(head.stderr, '');
    assert.equal(head.stdout.trimEnd().split('\n').length, 1);
  });

  test('--created-after and --created-before pass through to the server', async () => {
    const future = await runCli(['threads', 'list', '--created-after', String(Math.floor(Date.now() / 1000) + 3600)], {
      env: listEnv,
    });
    assert.deepEqual(jsonOf<List<Thread>>(future).data, []);
    const past = await runCli(
      ['threads', 'list', '--created-before', String(Math.floor(Date.now() / 1000) + 3600), '--limit', '100'],
      { env: listEnv },
    );
    assert.equal(jsonOf<List<Thread>>(past).data.length, 7);
  });
});
