// docs/clients.md cannot rot: every example marked `<!-- doc-test: name -->` is extracted and run as
// written (curl through sh, Node as an ES module, Python through the pinned SDK) against a real Spool
// that requires an API key, with only the base URL http://127.0.0.1:8080 replaced by the test server's.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { raw } from '../support/http.js';
import { python, requirePythonSdk } from '../support/python.js';
import { repoRoot, type SpoolProcess, startSpool } from '../support/spool.js';

const docPath = join(repoRoot, 'docs/clients.md');
const doc = readFileSync(docPath, 'utf8');
const documentedBaseUrl = 'http://127.0.0.1:8080';
const apiKey = 'sk-docs-example-key-0000';

interface Example {
  name: string;
  language: string;
  code: string;
}

function markedExamples(markdown: string): Map<string, Example> {
  const examples = new Map<string, Example>();
  for (const match of markdown.matchAll(/<!-- doc-test: ([\w-]+) -->\n```(\w+)\n([\s\S]*?)\n```/g)) {
    const [, name = '', language = '', code = ''] = match;
    assert.ok(!examples.has(name), `example ${name} is marked twice`);
    examples.set(name, { name, language, code });
  }
  return examples;
}

const examples = markedExamples(doc);
let spool: SpoolProcess;

before(async () => {
  spool = await startSpool({ env: { SPOOL_API_KEYS: apiKey } });
});
after(async () => {
  await spool.stop();
});

/** The example's code, pointed at the test server. */
function codeOf(name: string): Example {
  const example = examples.get(name);
  assert.ok(example, `docs/clients.md has an example marked <!-- doc-test: ${name} -->`);
  assert.ok(example.code.includes(`${documentedBaseUrl}/v1`), `example ${name} uses the documented base URL`);
  return { ...example, code: example.code.replaceAll(documentedBaseUrl, spool.url) };
}

/** Runs an example as a reader would and returns its standard output; fails on a non-zero exit. */
function runExample(name: string, env: Record<string, string> = {}): string {
  const { language, code } = codeOf(name);
  const environment = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', OPENAI_API_KEY: apiKey, ...env };
  const run = (command: string, args: string[], input?: string) =>
    spawnSync(command, args, { input, cwd: repoRoot, env: environment, encoding: 'utf8', timeout: 60_000 });
  const result =
    language === 'sh'
      ? run('sh', ['-c', code])
      : language === 'js'
        ? run(process.execPath, ['--input-type=module'], code)
        : language === 'python'
          ? run(python, ['-'], code)
          : assert.fail(`example ${name} is in ${language}, which this test cannot run`);
  assert.equal(result.status, 0, `example ${name} failed (exit ${result.status}):\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

/** The JSON documents printed one after another (curl -s prints bodies back to back). */
function jsonDocuments(output: string): unknown[] {
  const documents: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let index = 0; index < output.length; index++) {
    const char = output[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') {
      if (depth++ === 0) start = index;
    } else if ((char === '}' || char === ']') && --depth === 0)
      documents.push(JSON.parse(output.slice(start, index + 1)));
  }
  return documents;
}

interface Thread {
  id: string;
  object: string;
  created_at: number;
  metadata: Record<string, string>;
}

const auth = { authorization: `Bearer ${apiKey}` };

async function messageTexts(threadId: string): Promise<string[]> {
  const response = await raw(`${spool.baseURL}/threads/${threadId}/messages?order=asc`, { headers: auth });
  const list = response.json as { data: Array<{ content: Array<{ text: { value: string } }> }> };
  return list.data.map((message) => message.content[0]?.text.value ?? '');
}

async function createThread(metadata: Record<string, string>): Promise<Thread> {
  const response = await raw(`${spool.baseURL}/threads`, {
    method: 'POST',
    body: JSON.stringify({ metadata }),
    headers: { ...auth, 'content-type': 'application/json' },
  });
  assert.equal(response.status, 200);
  return response.json as Thread;
}

describe('docs/clients.md', () => {
  test('marks exactly the examples this test runs', () => {
    assert.deepEqual([...examples.keys()].sort(), [
      'curl-create-thread',
      'curl-delete-thread',
      'curl-idempotency-key',
      'curl-list-threads',
      'curl-thread-round-trip',
      'node-sdk',
      'python-sdk',
    ]);
  });

  test('the clients it cannot run name contract tests that exist', () => {
    const named = [...doc.matchAll(/`(test\/contract\/[\w-]+\.test\.ts)`/g)].map((match) => match[1] ?? '');
    for (const file of [
      'test/contract/openai-cli.test.ts',
      'test/contract/terraform.test.ts',
      'test/contract/stackql.test.ts',
      'test/contract/docs-examples.test.ts',
    ]) {
      assert.ok(named.includes(file), `the doc names ${file}`);
    }
    for (const file of named) assert.ok(existsSync(join(repoRoot, file)), `${file} exists`);
  });
});

describe('docs/clients.md curl examples', () => {
  let thread: Thread;

  test('curl-create-thread creates a thread with its first message and metadata', async () => {
    const [created] = jsonDocuments(runExample('curl-create-thread')) as Thread[];
    assert.ok(created);
    assert.match(created.id, /^thread_[A-Za-z0-9]{24}$/);
    assert.equal(created.object, 'thread');
    assert.deepEqual(created.metadata, { team: 'support' });
    assert.deepEqual(await messageTexts(created.id), ['Hello']);
    thread = created;
  });

  test('curl-thread-round-trip retrieves, updates metadata, adds a message and lists both', () => {
    const [retrieved, updated, message, list] = jsonDocuments(
      runExample('curl-thread-round-trip', { THREAD_ID: thread.id }),
    ) as [
      Thread,
      Thread,
      { object: string; role: string; content: unknown },
      { object: string; data: Array<{ content: Array<{ text: { value: string } }> }>; has_more: boolean },
    ];
    assert.deepEqual(retrieved, thread);
    assert.deepEqual(updated, { ...thread, metadata: { team: 'support', status: 'open' } });
    assert.equal(message.object, 'thread.message');
    assert.deepEqual(message.content, [{ type: 'text', text: { value: 'Are you there?', annotations: [] } }]);
    assert.equal(list.object, 'list');
    assert.deepEqual(
      list.data.map((item) => item.content[0]?.text.value),
      ['Hello', 'Are you there?'],
    );
    assert.equal(list.has_more, false);
  });

  test('curl-delete-thread deletes it; afterwards it is a 404', async () => {
    const [deleted] = jsonDocuments(runExample('curl-delete-thread', { THREAD_ID: thread.id }));
    assert.deepEqual(deleted, { id: thread.id, object: 'thread.deleted', deleted: true });
    assert.equal((await raw(`${spool.baseURL}/threads/${thread.id}`, { headers: auth })).status, 404);
  });

  test('curl-list-threads lists only matching threads created after the bound, newest first', async () => {
    const earlier = await createThread({ team: 'support' });
    // created_after is exclusive and in seconds: wait for the next second so the bound separates them.
    while (Math.floor(Date.now() / 1000) <= earlier.created_at) await new Promise((done) => setTimeout(done, 50));
    const first = await createThread({ team: 'support' });
    await createThread({ team: 'billing' });
    const second = await createThread({ team: 'support', tier: 'gold' });

    const [list] = jsonDocuments(
      runExample('curl-list-threads', { CREATED_AFTER: String(earlier.created_at) }),
    ) as Array<{ object: string; data: Thread[]; first_id: string; has_more: boolean }>;
    assert.ok(list);
    assert.equal(list.object, 'list');
    assert.deepEqual(
      list.data.map((item) => item.id),
      [second.id, first.id],
    );
    assert.equal(list.first_id, second.id);
    assert.equal(list.has_more, false);
  });

  test('curl-idempotency-key: the retry gets the same thread back, marked as replayed', async () => {
    const output = runExample('curl-idempotency-key');
    const statuses = [...output.matchAll(/^HTTP\/[\d.]+ (\d{3})/gm)].map((match) => match[1]);
    assert.deepEqual(statuses, ['200', '200']);
    const ids = [...output.matchAll(/"id": "(thread_[A-Za-z0-9]{24})"/g)].map((match) => match[1]);
    assert.equal(ids.length, 2);
    assert.equal(ids[0], ids[1]);
    assert.equal([...output.matchAll(/^idempotent-replayed: true\r?$/gim)].length, 1);
    const listed = await raw(`${spool.baseURL}/threads?metadata[order]=4711`, { headers: auth });
    assert.deepEqual(
      (listed.json as { data: Thread[] }).data.map((item) => item.id),
      [ids[0]],
      'one thread exists',
    );
  });
});

describe('docs/clients.md SDK examples', () => {
  test('node-sdk creates, adds a message, pages through both and deletes', () => {
    assert.deepEqual(runExample('node-sdk').trim().split('\n'), [
      'user Hello',
      'user Are you there?',
      'thread.deleted true',
    ]);
  });

  test('python-sdk does the same with the Python SDK', () => {
    requirePythonSdk();
    assert.deepEqual(runExample('python-sdk').trim().split('\n'), [
      'user Hello',
      'user Are you there?',
      'thread.deleted True',
    ]);
  });
});
