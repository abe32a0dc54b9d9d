// `spool messages ...` run as a subprocess against a started server: create in every content form,
// attachments, list with pagination and jsonl, retrieve, update and delete.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jsonOf, runCli } from '../support/cli.js';
import { makeTempDir, type SpoolProcess, startSpool } from '../support/spool.js';

interface Message {
  id: string;
  object: string;
  thread_id: string;
  role: string;
  content: unknown[];
  attachments: unknown[];
  metadata: Record<string, string>;
}

interface List<T> {
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

async function newThread(): Promise<string> {
  const result = await runCli(['threads', 'create'], { env });
  assert.equal(result.code, 0, result.stderr);
  return jsonOf<{ id: string }>(result).id;
}

const text = (value: string) => ({ type: 'text', text: { value, annotations: [] } });

describe('spool messages create', () => {
  test('text content, as typed (several lines, a colon, a number)', async () => {
    const threadId = await newThread();
    for (const content of ['Hello', 'First line\nSecond: line', '42', '  padded  ']) {
      const result = await runCli(
        ['messages', 'create', '--thread-id', threadId, '--role', 'user', '--content', content],
        { env },
      );
      assert.equal(result.code, 0, result.stderr);
      const message = jsonOf<Message>(result);
      assert.equal(message.object, 'thread.message');
      assert.equal(message.thread_id, threadId);
      assert.deepEqual(message.content, [text(content)]);
    }
  });

  test('a YAML list of parts, with an image by URL, and attachments in both flag forms', async () => {
    const threadId = await newThread();
    const result = await runCli(
      [
        'messages',
        'create',
        threadId,
        '--role',
        'user',
        '--content',
        '[{type: text, text: Look at this}, {type: image_url, image_url: {url: "https://example.com/cat.png", detail: low}}]',
        '--attachment',
        '{file_id: file-a, tools: [{type: file_search}]}',
        '--attachment.file-id',
        'file-b',
        '--attachment.tools',
        '[{type: code_interpreter}]',
        '--metadata',
        '{source: cli}',
      ],
      { env },
    );
    assert.equal(result.code, 0, result.stderr);
    const message = jsonOf<Message>(result);
    assert.deepEqual(message.content, [
      text('Look at this'),
      { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
    ]);
    assert.deepEqual(message.attachments, [
      { file_id: 'file-a', tools: [{ type: 'file_search' }] },
      { file_id: 'file-b', tools: [{ type: 'code_interpreter' }] },
    ]);
    assert.deepEqual(message.metadata, { source: 'cli' });
  });

  test('--content @file sends the file as text; \\@ keeps a literal @; @ inside YAML parts reads files too', async () => {
    const threadId = await newThread();
    const dir = makeTempDir();
    writeFileSync(join(dir, 'notes.txt'), 'From a file: {not: yaml}\n');
    const fromFile = await runCli(['messages', 'create', threadId, '--role', 'user', '--content', '@notes.txt'], {
      env,
      cwd: dir,
    });
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.deepEqual(jsonOf<Message>(fromFile).content, [text('From a file: {not: yaml}\n')]);
    const literal = await runCli(['messages', 'create', threadId, '--role', 'user', '--content', '\\@alice said hi'], {
      env,
      cwd: dir,
    });
    assert.deepEqual(jsonOf<Message>(literal).content, [text('@alice said hi')]);
    const inParts = await runCli(
      ['messages', 'create', threadId, '--role', 'user', '--content', '[{type: text, text: "@notes.txt"}]'],
      { env, cwd: dir },
    );
    assert.deepEqual(jsonOf<Message>(inParts).content, [text('From a file: {not: yaml}\n')]);
  });

  test('a missing @file is a usage error (exit 2) naming the file; nothing is sent', async () => {
    const threadId = await newThread();
    const result = await runCli(['messages', 'create', threadId, '--role', 'user', '--content', '@missing.txt'], {
      env,
      cwd: makeTempDir(),
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Cannot read 'missing\.txt' \(no such file\)/);
    const list = jsonOf<List<Message>>(await runCli(['messages', 'list', threadId], { env }));
    assert.deepEqual(list.data, []);
  });

  test("the server's validation message comes through: no role", async () => {
    const threadId = await newThread();
    const result = await runCli(['messages', 'create', threadId, '--content', 'hi'], { env });
    assert.equal(result.code, 1);
    assert.equal(result.stderr, "spool: HTTP 400: Missing required parameter: 'role'.\n");
  });
});

describe('spool messages list, retrieve, update, delete', () => {
  let threadId: string;
  const ids: string[] = [];

  before(async () => {
    threadId = await newThread();
    for (let index = 0; index < 5; index++) {
      ids.push(
        jsonOf<Message>(
          await runCli(
            [
              'messages',
              'create',
              threadId,
              '--role',
              index % 2 ? 'assistant' : 'user',
              '--content',
              `message ${index}`,
            ],
            { env },
          ),
        ).id,
      );
    }
  });

  test('list: newest first by default, --order asc, --limit, --after, --before', async () => {
    const all = jsonOf<List<Message>>(await runCli(['messages', 'list', '--thread-id', threadId], { env }));
    assert.deepEqual(
      all.data.map((message) => message.id),
      [...ids].reverse(),
    );
    const firstTwo = jsonOf<List<Message>>(
      await runCli(['messages', 'list', threadId, '--order', 'asc', '--limit', '2'], { env }),
    );
    assert.deepEqual(
      firstTwo.data.map((message) => message.id),
      ids.slice(0, 2),
    );
    assert.equal(firstTwo.has_more, true);
    const next = jsonOf<List<Message>>(
      await runCli(
        ['messages', 'list', threadId, '--order', 'asc', '--limit', '2', '--after', firstTwo.last_id ?? ''],
        { env },
      ),
    );
    assert.deepEqual(
      next.data.map((message) => message.id),
      ids.slice(2, 4),
    );
    const previous = jsonOf<List<Message>>(
      await runCli(['messages', 'list', threadId, '--order', 'asc', '--limit', '2', '--before', ids[4] ?? ''], { env }),
    );
    assert.deepEqual(
      previous.data.map((message) => message.id),
      ids.slice(2, 4),
    );
  });

  test('list --all --format jsonl: every message, one per line, across pages', async () => {
    const result = await runCli(
      ['messages', 'list', threadId, '--order', 'asc', '--limit', '2', '--all', '--format', 'jsonl'],
      { env },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      result.stdout
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as Message).id),
      ids,
    );
  });

  test('list --run-id filters (no run made these messages)', async () => {
    const result = await runCli(['messages', 'list', threadId, '--run-id', 'run_abc'], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(jsonOf<List<Message>>(result).data, []);
  });

  test('retrieve and update by flags or arguments; delete; then 404 on stderr', async () => {
    const [messageId = ''] = ids;
    const retrieved = jsonOf<Message>(
      await runCli(['messages', 'retrieve', '--thread-id', threadId, '--message-id', messageId], { env }),
    );
    assert.deepEqual(retrieved.content, [text('message 0')]);
    assert.deepEqual(jsonOf<Message>(await runCli(['messages', 'retrieve', threadId, messageId], { env })), retrieved);
    const updated = await runCli(
      ['messages', 'update', threadId, '--message-id', messageId, '--metadata', '{reviewed: "yes"}'],
      { env },
    );
    assert.equal(updated.code, 0, updated.stderr);
    assert.deepEqual(jsonOf<Message>(updated), { ...retrieved, metadata: { reviewed: 'yes' } });
    const deleted = await runCli(['messages', 'delete', threadId, messageId], { env });
    assert.deepEqual(jsonOf(deleted), { id: messageId, object: 'thread.message.deleted', deleted: true });
    const gone = await runCli(['messages', 'retrieve', threadId, messageId], { env });
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr, `spool: HTTP 404: No message found with id '${messageId}'.\n`);
  });

  test('missing IDs are usage errors; an extra argument too', async () => {
    const noThread = await runCli(['messages', 'list'], { env });
    assert.equal(noThread.code, 2);
    assert.equal(noThread.stderr, 'spool: missing --thread-id (give it as a flag or as an argument)\n');
    const noMessage = await runCli(['messages', 'retrieve', threadId], { env });
    assert.equal(noMessage.code, 2);
    assert.match(noMessage.stderr, /missing --message-id/);
    const extra = await runCli(['messages', 'retrieve', threadId, 'msg_a', 'surplus'], { env });
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /too many arguments/);
  });
});
