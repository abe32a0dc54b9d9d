// Every error a client can provoke on threads and messages: OpenAI's status, envelope, message,
// param and code, and never a partial write.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { envelopeOf, postJson, raw } from '../support/http.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';

let spool: SpoolProcess;
let v1: string;

before(async () => {
  spool = await startSpool({ args: ['--body-limit', '64kb'] });
  v1 = spool.baseURL;
});
after(async () => {
  await spool.stop();
});

async function expectError(
  response: Promise<Awaited<ReturnType<typeof raw>>>,
  status: number,
  expected: { message?: string | RegExp; param?: string | null; code?: string | null; type?: string },
) {
  const reply = await response;
  assert.equal(reply.status, status, reply.text);
  const error = envelopeOf(reply);
  if (typeof expected.message === 'string') assert.equal(error.message, expected.message);
  else if (expected.message) assert.match(error.message, expected.message);
  assert.equal(error.type, expected.type ?? 'invalid_request_error');
  if (expected.param !== undefined) assert.equal(error.param, expected.param);
  if (expected.code !== undefined) assert.equal(error.code, expected.code);
  assert.match(reply.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{32}$/);
  assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
  // OpenAI pretty-prints error bodies with a 2-space indent.
  assert.equal(reply.text, JSON.stringify(reply.json, null, 2));
  return error;
}

async function threadCount(): Promise<number> {
  let count = 0;
  let after: string | null = null;
  for (;;) {
    const page = (await raw(`${v1}/threads?limit=100${after ? `&after=${after}` : ''}`)).json as {
      data: unknown[];
      has_more: boolean;
      last_id: string | null;
    };
    count += page.data.length;
    if (!page.has_more) return count;
    after = page.last_id;
  }
}

describe('not found and malformed ids', () => {
  test('a missing thread is a 404 naming it', async () => {
    await expectError(raw(`${v1}/threads/thread_uRNWRC9e6Rg95ul95rzWVPuVs`), 404, {
      message: "No thread found with id 'thread_uRNWRC9e6Rg95ul95rzWVPuVs'.",
      param: null,
      code: null,
    });
    await expectError(postJson(`${v1}/threads/thread_missing`, { metadata: {} }), 404, {
      message: "No thread found with id 'thread_missing'.",
    });
    await expectError(raw(`${v1}/threads/thread_missing`, { method: 'DELETE' }), 404, {
      message: "No thread found with id 'thread_missing'.",
    });
    await expectError(raw(`${v1}/threads/thread_missing/messages`), 404, {
      message: "No thread found with id 'thread_missing'.",
    });
    await expectError(postJson(`${v1}/threads/thread_missing/messages`, { role: 'user', content: 'x' }), 404, {
      message: "No thread found with id 'thread_missing'.",
    });
  });

  test('a missing message is a 404 naming it; in a missing thread, the thread is named', async () => {
    const thread = (await postJson(`${v1}/threads`, {})).json as { id: string };
    await expectError(raw(`${v1}/threads/${thread.id}/messages/msg_nope`), 404, {
      message: "No message found with id 'msg_nope'.",
      param: null,
      code: null,
    });
    await expectError(postJson(`${v1}/threads/${thread.id}/messages/msg_nope`, { metadata: { a: 'b' } }), 404, {
      message: "No message found with id 'msg_nope'.",
    });
    await expectError(raw(`${v1}/threads/${thread.id}/messages/msg_nope`, { method: 'DELETE' }), 404, {
      message: "No message found with id 'msg_nope'.",
    });
    await expectError(raw(`${v1}/threads/thread_gone/messages/msg_nope`), 404, {
      message: "No thread found with id 'thread_gone'.",
    });
  });

  test('a message of another thread is not found through this one', async () => {
    const first = (await postJson(`${v1}/threads`, { messages: [{ role: 'user', content: 'a' }] })).json as {
      id: string;
    };
    const second = (await postJson(`${v1}/threads`, {})).json as { id: string };
    const message = ((await raw(`${v1}/threads/${first.id}/messages`)).json as { data: Array<{ id: string }> }).data[0];
    assert.ok(message);
    await expectError(raw(`${v1}/threads/${second.id}/messages/${message.id}`), 404, {
      message: `No message found with id '${message.id}'.`,
    });
  });

  test('an id without its prefix is a 400, not a 404', async () => {
    await expectError(raw(`${v1}/threads/1234`), 400, {
      message: "Invalid 'thread_id': '1234'. Expected an ID that begins with 'thread'.",
      param: 'thread_id',
      code: 'invalid_id_prefix',
    });
    await expectError(raw(`${v1}/threads/undefined/messages`), 400, {
      message: "Invalid 'thread_id': 'undefined'. Expected an ID that begins with 'thread'.",
    });
    const thread = (await postJson(`${v1}/threads`, {})).json as { id: string };
    await expectError(raw(`${v1}/threads/${thread.id}/messages/message_1`), 400, {
      message: "Invalid 'message_id': 'message_1'. Expected an ID that begins with 'msg'.",
      param: 'message_id',
      code: 'invalid_id_prefix',
    });
  });
});

describe('request body validation', () => {
  test('an unknown parameter names itself, at any depth', async () => {
    await expectError(postJson(`${v1}/threads`, { foo: 1 }), 400, {
      message: "Unknown parameter: 'foo'.",
      param: 'foo',
      code: 'unknown_parameter',
    });
    await expectError(postJson(`${v1}/threads`, { messages: [{ role: 'user', content: 'hi', file_ids: [] }] }), 400, {
      message: "Unknown parameter: 'messages[0].file_ids'.",
      param: 'messages[0].file_ids',
      code: 'unknown_parameter',
    });
    const thread = (await postJson(`${v1}/threads`, {})).json as { id: string };
    // openai-node#902: `role` is not a parameter of modify.
    await expectError(postJson(`${v1}/threads/${thread.id}`, { role: 'user' }), 400, {
      message: "Unknown parameter: 'role'.",
      param: 'role',
      code: 'unknown_parameter',
    });
  });

  test('wrong types are invalid_type with the dotted path of the value', async () => {
    await expectError(postJson(`${v1}/threads`, { metadata: { response_format: { type: 'json' } } }), 400, {
      message: "Invalid type for 'metadata.response_format': expected a string, but got an object instead.",
      param: 'metadata.response_format',
      code: 'invalid_type',
    });
    await expectError(postJson(`${v1}/threads`, { messages: 'hello' }), 400, {
      message: "Invalid type for 'messages': expected an array, but got a string instead.",
      param: 'messages',
      code: 'invalid_type',
    });
    await expectError(postJson(`${v1}/threads`, { messages: [{ role: 'user', content: 5 }] }), 400, {
      message:
        "Invalid type for 'messages[0].content': expected one of a string or array of objects, but got an integer instead.",
      param: 'messages[0].content',
      code: 'invalid_type',
    });
    await expectError(postJson(`${v1}/threads`, { tool_resources: { code_interpreter: { file_ids: [1] } } }), 400, {
      message:
        "Invalid type for 'tool_resources.code_interpreter.file_ids[0]': expected a string, but got an integer instead.",
      param: 'tool_resources.code_interpreter.file_ids[0]',
    });
    await expectError(postJson(`${v1}/threads`, { metadata: 'x' }), 400, {
      param: 'metadata',
      code: 'invalid_type',
      message: /^Invalid type for 'metadata': expected /,
    });
    await expectError(postJson(`${v1}/threads`, [1, 2]), 400, {
      code: 'invalid_type',
      message: /expected an object, but got an array/,
    });
  });

  test('enums list their supported values', async () => {
    await expectError(postJson(`${v1}/threads`, { messages: [{ role: 'system', content: 'x' }] }), 400, {
      message: "Invalid value: 'system'. Supported values are: 'user' and 'assistant'.",
      param: 'messages[0].role',
      code: 'invalid_value',
    });
    await expectError(
      postJson(`${v1}/threads`, { messages: [{ role: 'user', content: [{ type: 'video', video: {} }] }] }),
      400,
      {
        message: "Invalid value: 'video'. Supported values are: 'image_file', 'image_url', and 'text'.",
        param: 'messages[0].content[0].type',
        code: 'invalid_value',
      },
    );
  });

  test('missing required parameters are named', async () => {
    await expectError(postJson(`${v1}/threads`, { messages: [{ content: 'hi' }] }), 400, {
      message: "Missing required parameter: 'messages[0].role'.",
      param: 'messages[0].role',
      code: 'missing_required_parameter',
    });
    const thread = (await postJson(`${v1}/threads`, {})).json as { id: string };
    await expectError(postJson(`${v1}/threads/${thread.id}/messages`, { role: 'user' }), 400, {
      message: "Missing required parameter: 'content'.",
      param: 'content',
      code: 'missing_required_parameter',
    });
    await expectError(
      postJson(`${v1}/threads/${thread.id}/messages`, { role: 'user', content: [{ type: 'text' }] }),
      400,
      { message: "Missing required parameter: 'content[0].text'." },
    );
    await expectError(postJson(`${v1}/threads/${thread.id}/messages`, { role: 'user', content: [] }), 400, {
      param: 'content',
      code: 'empty_array',
    });
  });

  test('metadata limits: 16 keys, 64-character keys, 512-character string values', async () => {
    const seventeen = Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v']));
    await expectError(postJson(`${v1}/threads`, { metadata: seventeen }), 400, {
      message:
        "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with 17 properties instead.",
      param: 'metadata',
      code: 'object_above_max_properties',
    });
    const sixteen = Object.fromEntries(
      Array.from({ length: 16 }, (_, index) => [`k${index}`.padEnd(64, 'x'), 'v'.repeat(512)]),
    );
    assert.equal(
      (await postJson(`${v1}/threads`, { metadata: sixteen })).status,
      200,
      'the limits themselves are allowed',
    );
    await expectError(postJson(`${v1}/threads`, { metadata: { k: 'v'.repeat(513) } }), 400, {
      message:
        "Invalid 'metadata.k': string too long. Expected a string with maximum length 512, but got a string with length 513 instead.",
      param: 'metadata.k',
      code: 'string_above_max_length',
    });
    const longKey = 'k'.repeat(65);
    await expectError(postJson(`${v1}/threads`, { metadata: { [longKey]: 'v' } }), 400, {
      message: `Invalid property name in 'metadata': '${longKey}' is too long. Expected a string with maximum length 64, but got a string with length 65 instead.`,
      param: `metadata.${longKey}`,
    });
  });

  test('tool resource limits: 20 code interpreter files, 1 vector store', async () => {
    const files = (count: number) => Array.from({ length: count }, (_, index) => `file-${index}`);
    await expectError(
      postJson(`${v1}/threads`, { tool_resources: { code_interpreter: { file_ids: files(21) } } }),
      400,
      {
        message:
          "Invalid 'tool_resources.code_interpreter.file_ids': array too long. Expected an array with maximum length 20, but got an array with length 21 instead.",
        param: 'tool_resources.code_interpreter.file_ids',
        code: 'array_above_max_length',
      },
    );
    assert.equal(
      (await postJson(`${v1}/threads`, { tool_resources: { code_interpreter: { file_ids: files(20) } } })).status,
      200,
    );
    await expectError(
      postJson(`${v1}/threads`, { tool_resources: { file_search: { vector_store_ids: ['vs_1', 'vs_2'] } } }),
      400,
      {
        param: 'tool_resources.file_search.vector_store_ids',
        code: 'array_above_max_length',
      },
    );
    const thread = (await postJson(`${v1}/threads`, {})).json as { id: string };
    await expectError(
      postJson(`${v1}/threads/${thread.id}`, {
        tool_resources: { file_search: { vector_store_ids: ['vs_1', 'vs_2'] } },
      }),
      400,
      {
        param: 'tool_resources.file_search.vector_store_ids',
        code: 'array_above_max_length',
      },
    );
  });

  test('the vector_stores helper is validated and gives the thread a vector store id', async () => {
    const created = await postJson(`${v1}/threads`, {
      tool_resources: {
        file_search: {
          vector_stores: [
            {
              file_ids: ['file-1'],
              chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } },
            },
          ],
        },
      },
    });
    assert.equal(created.status, 200, created.text);
    const ids = (created.json as { tool_resources: { file_search: { vector_store_ids: string[] } } }).tool_resources
      .file_search.vector_store_ids;
    assert.equal(ids.length, 1);
    assert.match(ids[0] ?? '', /^vs_[A-Za-z0-9]{24}$/);
    await expectError(
      postJson(`${v1}/threads`, { tool_resources: { file_search: { vector_stores: [{}, {}] } } }),
      400,
      { code: 'array_above_max_length' },
    );
    await expectError(
      postJson(`${v1}/threads`, {
        tool_resources: {
          file_search: {
            vector_stores: [
              { chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 50, chunk_overlap_tokens: 0 } } },
            ],
          },
        },
      }),
      400,
      {
        param: 'tool_resources.file_search.vector_stores[0].chunking_strategy.static.max_chunk_size_tokens',
        code: 'integer_below_min_value',
      },
    );
    await expectError(
      postJson(`${v1}/threads`, {
        tool_resources: { file_search: { vector_stores: [{ chunking_strategy: { type: 'fast' } }] } },
      }),
      400,
      {
        message: "Invalid value: 'fast'. Supported values are: 'auto' and 'static'.",
      },
    );
    await expectError(
      postJson(`${v1}/threads`, {
        tool_resources: { file_search: { vector_store_ids: ['vs_1'], vector_stores: [{}] } },
      }),
      400,
      { param: 'tool_resources.file_search' },
    );
    // Modify does not take the helper.
    const thread = (await postJson(`${v1}/threads`, {})).json as { id: string };
    await expectError(
      postJson(`${v1}/threads/${thread.id}`, { tool_resources: { file_search: { vector_stores: [{}] } } }),
      400,
      { code: 'unknown_parameter', param: 'tool_resources.file_search.vector_stores' },
    );
  });

  test('invalid JSON gets OpenAI parse error', async () => {
    await expectError(
      raw(`${v1}/threads`, { method: 'POST', body: '{"metadata": {', headers: { 'content-type': 'application/json' } }),
      400,
      {
        message:
          /^We could not parse the JSON body of your request\. \(HINT: This likely means you aren't using your HTTP library correctly\./,
        param: null,
        code: null,
      },
    );
  });

  test('a body over the configured limit is a 413 in the envelope', async () => {
    const big = JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] });
    await expectError(
      raw(`${v1}/threads`, { method: 'POST', body: big, headers: { 'content-type': 'application/json' } }),
      413,
      { message: /maximum request body size is 65536 bytes/ },
    );
  });

  test('unknown routes are 404 Invalid URL, wrong methods 405 with Allow', async () => {
    await expectError(raw(`${v1}/thread`), 404, { message: 'Invalid URL (GET /v1/thread)', param: null, code: null });
    await expectError(raw(`${spool.url}/v2/threads`, { method: 'POST' }), 404, {
      message: 'Invalid URL (POST /v2/threads)',
    });
    const reply = raw(`${v1}/threads/thread_abc`, { method: 'PUT' });
    await expectError(reply, 405, { message: /PUT \/v1\/threads\/thread_abc/ });
    assert.equal((await reply).headers.get('allow'), 'GET, POST, DELETE');
  });
});

describe('atomicity', () => {
  test('a thread whose third message is invalid creates nothing at all', async () => {
    const before = await threadCount();
    await expectError(
      postJson(`${v1}/threads`, {
        metadata: { try: 'partial' },
        messages: [
          { role: 'user', content: 'one' },
          { role: 'user', content: 'two' },
          { role: 'robot', content: 'three' },
        ],
      }),
      400,
      { param: 'messages[2].role', code: 'invalid_value' },
    );
    assert.equal(await threadCount(), before);
    const filtered = (await raw(`${v1}/threads?metadata[try]=partial`)).json as { data: unknown[] };
    assert.deepEqual(filtered.data, []);
  });

  test('GET and DELETE with a JSON content-type and an empty body work (Python SDK, openai-node v4)', async () => {
    const thread = (await postJson(`${v1}/threads`, {})).json as { id: string };
    const retrieved = await raw(`${v1}/threads/${thread.id}`, { headers: { 'content-type': 'application/json' } });
    assert.equal(retrieved.status, 200, retrieved.text);
    const deleted = await raw(`${v1}/threads/${thread.id}`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: '',
    });
    assert.equal(deleted.status, 200, deleted.text);
    assert.deepEqual(deleted.json, { id: thread.id, object: 'thread.deleted', deleted: true });
  });

  test('POST /threads takes an empty body, as curl -d "" sends it', async () => {
    const created = await raw(`${v1}/threads`, {
      method: 'POST',
      body: '',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(created.status, 200, created.text);
    assert.equal((created.json as { object: string }).object, 'thread');
  });
});
