// Contract: StackQL's `openai.assistants.threads` resource. StackQL cannot be installed here, so the
// requests it makes for each SQL verb are replayed byte for byte: no `OpenAI-Beta` header at all, a
// bearer key from OPENAI_API_KEY, and bodies built naively from the column values (a value that parses
// as JSON is sent as that JSON, anything else as a string). The User-Agent is illustrative.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { raw } from '../support/http.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';
import { envelopeFrom, replay, type WireResponse } from '../support/wire-replay.js';

let spool: SpoolProcess;

before(async () => {
  spool = await startSpool();
});
after(async () => {
  await spool.stop();
});

/** One StackQL HTTP call; `extra` holds header parameters given in WHERE (OpenAI-Organization, OpenAI-Project). */
function stackql(
  method: string,
  path: string,
  body?: string,
  extra: Array<[string, string]> = [],
): Promise<WireResponse> {
  const headers: Array<[string, string]> = [['User-Agent', 'stackql/0.8']];
  if (body !== undefined) headers.push(['Content-Length', String(Buffer.byteLength(body))]);
  headers.push(['Authorization', 'Bearer sk-stackql-test']);
  if (body !== undefined) headers.push(['Content-Type', 'application/json']);
  headers.push(...extra, ['Accept-Encoding', 'gzip']);
  return replay(spool.url, { method, path, headers, ...(body === undefined ? {} : { body }) });
}

interface Thread {
  id: string;
  object: string;
  created_at: number;
  metadata: Record<string, string>;
  tool_resources: Record<string, unknown>;
}

/** The columns StackQL's SELECT and RETURNING read from a thread, by name. */
function columns(response: WireResponse): Thread {
  assert.equal(response.status, 200, response.body);
  const thread = response.json as Thread;
  for (const column of ['id', 'created_at', 'metadata', 'object', 'tool_resources'])
    assert.ok(column in thread, `column ${column} is present`);
  return thread;
}

async function newestThreadId(): Promise<string | null> {
  return ((await raw(`${spool.baseURL}/threads?limit=1`)).json as { first_id: string | null }).first_id;
}

describe('StackQL openai.assistants.threads (no OpenAI-Beta header)', () => {
  test("INSERT (messages, metadata) SELECT '[...]', '{...}' RETURNING ... posts the parsed values and reads the columns", async () => {
    const thread = columns(
      await stackql(
        'POST',
        '/v1/threads',
        '{"messages":[{"content":"Hello","role":"user"}],"metadata":{"env":"prod"}}',
      ),
    );
    assert.match(thread.id, /^thread_[A-Za-z0-9]{24}$/);
    assert.equal(thread.object, 'thread');
    assert.deepEqual(thread.metadata, { env: 'prod' });
    const messages = await stackql('GET', `/v1/threads/${thread.id}/messages`);
    assert.equal(messages.status, 200);
    assert.deepEqual(
      (messages.json as { data: Array<{ content: unknown }> }).data.map((message) => message.content),
      [[{ type: 'text', text: { value: 'Hello', annotations: [] } }]],
    );
  });

  test('INSERT with all three columns, including tool_resources', async () => {
    const thread = columns(
      await stackql(
        'POST',
        '/v1/threads',
        '{"messages":[{"content":"Hi","role":"user"}],"metadata":{"a":"1"},"tool_resources":{"code_interpreter":{"file_ids":["file-1"]}}}',
      ),
    );
    assert.deepEqual(thread.tool_resources, { code_interpreter: { file_ids: ['file-1'] } });
  });

  test("SELECT ... WHERE thread_id = '...' is a GET; header parameters from WHERE are accepted and change nothing", async () => {
    const created = columns(await stackql('POST', '/v1/threads', '{"metadata":{"env":"prod"}}'));
    assert.deepEqual(columns(await stackql('GET', `/v1/threads/${created.id}`)), created);
    const withHeaders = await stackql('GET', `/v1/threads/${created.id}`, undefined, [
      ['OpenAI-Organization', 'org-stackql'],
      ['OpenAI-Project', 'proj_stackql'],
    ]);
    assert.deepEqual(columns(withHeaders), created);
  });

  test("UPDATE ... SET metadata = '{...}', tool_resources = '{...}' posts both and the thread takes them", async () => {
    const created = columns(await stackql('POST', '/v1/threads', '{"metadata":{"env":"prod"}}'));
    const updated = columns(
      await stackql(
        'POST',
        `/v1/threads/${created.id}`,
        '{"metadata":{"env":"dev"},"tool_resources":{"file_search":{"vector_store_ids":["vs_9"]}}}',
      ),
    );
    assert.deepEqual(updated, {
      ...created,
      metadata: { env: 'dev' },
      tool_resources: { file_search: { vector_store_ids: ['vs_9'] } },
    });
  });

  test('DELETE FROM ... WHERE thread_id is a DELETE; a SELECT after it gets a 404 in the envelope', async () => {
    const created = columns(await stackql('POST', '/v1/threads', '{}'));
    const deleted = await stackql('DELETE', `/v1/threads/${created.id}`);
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.json, { id: created.id, object: 'thread.deleted', deleted: true });
    const gone = await stackql('GET', `/v1/threads/${created.id}`);
    assert.equal(gone.status, 404);
    assert.deepEqual(envelopeFrom(gone), {
      message: `No thread found with id '${created.id}'.`,
      type: 'invalid_request_error',
      param: null,
      code: null,
    });
  });
});

describe('StackQL openai.assistants.messages (SELECT pages by after = $.last_id until no token)', () => {
  test('SELECT ... WHERE thread_id reads every message once, and the page after the last one ends the walk with last_id null', async () => {
    const thread = columns(await stackql('POST', '/v1/threads', '{}'));
    const created: string[] = [];
    for (let index = 0; index < 45; index++) {
      const response = await stackql(
        'POST',
        `/v1/threads/${thread.id}/messages`,
        `{"content":"m${index}","role":"user"}`,
      );
      assert.equal(response.status, 200);
      created.push((response.json as { id: string }).id);
    }
    const seen: string[] = [];
    let token: string | null = null;
    let requests = 0;
    do {
      const page: WireResponse = await stackql(
        'GET',
        `/v1/threads/${thread.id}/messages${token ? `?after=${token}` : ''}`,
      );
      assert.equal(page.status, 200);
      const body = page.json as { data: Array<{ id: string }>; last_id: string | null };
      seen.push(...body.data.map((message) => message.id));
      if (body.data.length === 0) assert.equal(body.last_id, null, 'an empty page has no token');
      token = body.last_id;
      requests++;
    } while (token !== null && requests < 10);
    assert.deepEqual(seen, [...created].reverse(), 'newest first (the default order), each once');
    assert.equal(requests, 4, 'three pages of up to 20, then the empty page that ends the walk');
  });
});

describe('StackQL naive bodies: column values that are not the JSON the API wants', () => {
  test("metadata = 'prod' (not JSON, sent as a string) gets a 400 invalid_type on metadata, and no thread", async () => {
    const newest = await newestThreadId();
    const response = await stackql('POST', '/v1/threads', '{"metadata":"prod"}');
    assert.equal(response.status, 400);
    const error = envelopeFrom(response);
    assert.equal(error.param, 'metadata');
    assert.equal(error.code, 'invalid_type');
    assert.match(error.message, /^Invalid type for 'metadata': expected .*object.*, but got a string instead\.$/);
    assert.equal(await newestThreadId(), newest, 'no thread was created');
  });

  test('a JSON value quoted twice arrives as a string and gets the same 400, not a 500', async () => {
    const response = await stackql('POST', '/v1/threads', '{"metadata":"{\\"env\\":\\"prod\\"}"}');
    assert.equal(response.status, 400);
    assert.equal(envelopeFrom(response).code, 'invalid_type');
  });

  test('messages given as one object instead of an array gets invalid_type on messages', async () => {
    const response = await stackql('POST', '/v1/threads', '{"messages":{"content":"Hi","role":"user"}}');
    assert.equal(response.status, 400);
    assert.deepEqual(envelopeFrom(response), {
      message: "Invalid type for 'messages': expected an array, but got an object instead.",
      type: 'invalid_request_error',
      param: 'messages',
      code: 'invalid_type',
    });
  });

  test('an UPDATE whose WHERE thread_id is not a thread id gets the 400 that names it', async () => {
    const response = await stackql('POST', '/v1/threads/abc', '{"metadata":{"env":"dev"}}');
    assert.equal(response.status, 400);
    assert.equal(
      envelopeFrom(response).message,
      "Invalid 'thread_id': 'abc'. Expected an ID that begins with 'thread'.",
    );
  });
});
