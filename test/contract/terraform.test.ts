// Contract: Terraform's `openai_thread`. Terraform and its providers cannot be installed here, so their
// requests are replayed byte for byte as Go's net/http writes them (Host, User-Agent, Content-Length,
// headers sorted by canonical name, Accept-Encoding) and the answers are checked the way each provider
// reads them.
//   - HappyPathway/terraform-provider-openai (registry darnold/openai) on sashabaranov/go-openai v1.38.0:
//     go-openai sets `OpenAI-Beta: assistants=v2` and the provider adds an identical second one;
//     go-openai sends `Content-Type: application/json` on every request, GET and DELETE included.
//   - mkdev-me/terraform-provider-openai v1.0-1.2: plain net/http, any status but 200 is an error.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { raw } from '../support/http.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';
import { envelopeFrom, replay, type WireRequest, type WireResponse } from '../support/wire-replay.js';

let spool: SpoolProcess;

before(async () => {
  spool = await startSpool();
});
after(async () => {
  await spool.stop();
});

const apiKey = 'sk-terraform-test-0000';

/** A go-openai v1.38.0 request as the HappyPathway provider sends it (base_url = `<spool>/v1`). */
function happyPathwayRequest(
  method: string,
  path: string,
  body?: string,
  options: { key?: string; betaLines?: string[] } = {},
): WireRequest {
  const headers: Array<[string, string]> = [['User-Agent', 'Go-http-client/1.1']];
  if (body !== undefined) headers.push(['Content-Length', String(Buffer.byteLength(body))]);
  headers.push(
    ['Accept', 'application/json'],
    ['Authorization', `Bearer ${options.key ?? apiKey}`],
    ['Content-Type', 'application/json'],
  );
  for (const value of options.betaLines ?? ['assistants=v2', 'assistants=v2']) headers.push(['Openai-Beta', value]);
  headers.push(['Accept-Encoding', 'gzip']);
  return { method, path, headers, ...(body === undefined ? {} : { body }) };
}

/** A request as mkdev-me's provider (v1.0-1.2) builds it with net/http. */
function mkdevRequest(method: string, path: string, body?: string): WireRequest {
  const headers: Array<[string, string]> = [['User-Agent', 'Go-http-client/1.1']];
  if (body !== undefined) headers.push(['Content-Length', String(Buffer.byteLength(body))]);
  headers.push(['Authorization', `Bearer ${apiKey}`]);
  if (body !== undefined) headers.push(['Content-Type', 'application/json']);
  headers.push(['Openai-Beta', 'assistants=v2'], ['Accept-Encoding', 'gzip']);
  return { method, path, headers, ...(body === undefined ? {} : { body }) };
}

/**
 * How go-openai classifies a failed response (client.go handleErrorResp + APIError.UnmarshalJSON):
 * an `*openai.APIError` only when the body is JSON with an `error` object whose `message` is a string
 * (or strings), `param` a string or null, `type` a string or null and `code` a string, number or null.
 * Anything else becomes a `*openai.RequestError`, which the provider's Read does NOT treat as "gone".
 */
function goOpenAIErrorKind(response: WireResponse): 'APIError' | 'RequestError' {
  const body = response.json as { error?: unknown } | undefined;
  const error = body && typeof body === 'object' ? body.error : undefined;
  if (!error || typeof error !== 'object' || Array.isArray(error)) return 'RequestError';
  const { message, param, type, code } = error as Record<string, unknown>;
  const isStringOrNull = (value: unknown) => value === undefined || value === null || typeof value === 'string';
  const messageOk =
    typeof message === 'string' || (Array.isArray(message) && message.every((part) => typeof part === 'string'));
  const codeOk = isStringOrNull(code) || typeof code === 'number';
  return messageOk && isStringOrNull(param) && isStringOrNull(type) && codeOk ? 'APIError' : 'RequestError';
}

interface Thread {
  id: string;
  object: string;
  created_at: number;
  metadata: Record<string, string>;
  tool_resources: Record<string, unknown>;
}

function hp(
  method: string,
  path: string,
  body?: string,
  options?: { key?: string; betaLines?: string[] },
  url = spool.url,
): Promise<WireResponse> {
  return replay(url, happyPathwayRequest(method, path, body, options));
}

/** The fields the provider copies into state after create, read, update and import. */
function assertProviderCanRead(response: WireResponse): Thread {
  assert.equal(response.status, 200, response.body);
  const thread = response.json as Thread;
  assert.match(thread.id, /^thread_[A-Za-z0-9]{24}$/);
  assert.equal(thread.object, 'thread');
  assert.equal(typeof thread.created_at, 'number');
  assert.equal(typeof thread.metadata, 'object');
  assert.equal(typeof thread.tool_resources, 'object');
  return thread;
}

describe('Terraform openai_thread (HappyPathway provider, go-openai v1.38.0)', () => {
  test('create sends only {metadata, tool_resources} with the doubled beta header and gets 200 (not 201)', async () => {
    const response = await hp(
      'POST',
      '/v1/threads',
      '{"metadata":{"env":"prod","team":"ml"},"tool_resources":{"code_interpreter":{"file_ids":["file-a","file-b"]},"file_search":{"vector_store_ids":["vs_1"]}}}',
    );
    const thread = assertProviderCanRead(response);
    assert.deepEqual(thread.metadata, { env: 'prod', team: 'ml' });
    assert.deepEqual(thread.tool_resources, {
      code_interpreter: { file_ids: ['file-a', 'file-b'] },
      file_search: { vector_store_ids: ['vs_1'] },
    });
  });

  test('create with nothing set sends {} and gets empty metadata and tool_resources, so state matches the plan', async () => {
    const thread = assertProviderCanRead(await hp('POST', '/v1/threads', '{}'));
    assert.deepEqual(thread.metadata, {});
    // go-openai decodes {} into a zero ToolResources, which the provider leaves out of state.
    assert.deepEqual(thread.tool_resources, {});
  });

  test('the doubled beta header is also accepted when a proxy folds it into one line', async () => {
    const response = await hp('POST', '/v1/threads', '{}', { betaLines: ['assistants=v2, assistants=v2'] });
    assertProviderCanRead(response);
  });

  test('read (GET with a JSON content-type and no body) returns what create returned', async () => {
    const created = assertProviderCanRead(await hp('POST', '/v1/threads', '{"metadata":{"env":"prod"}}'));
    const read = await hp('GET', `/v1/threads/${created.id}`);
    assert.deepEqual(assertProviderCanRead(read), created);
  });

  test('update always sends "metadata" ({} when unset), which replaces the map; tool_resources when set', async () => {
    const created = assertProviderCanRead(
      await hp(
        'POST',
        '/v1/threads',
        '{"metadata":{"env":"prod"},"tool_resources":{"code_interpreter":{"file_ids":["file-a"]}}}',
      ),
    );

    const changed = assertProviderCanRead(
      await hp(
        'POST',
        `/v1/threads/${created.id}`,
        '{"metadata":{"env":"staging"},"tool_resources":{"file_search":{"vector_store_ids":["vs_2"]}}}',
      ),
    );
    assert.deepEqual(changed.metadata, { env: 'staging' });
    assert.deepEqual(changed.tool_resources, { file_search: { vector_store_ids: ['vs_2'] } });

    const cleared = assertProviderCanRead(await hp('POST', `/v1/threads/${created.id}`, '{"metadata":{}}'));
    assert.deepEqual(cleared.metadata, {});
    assert.deepEqual(cleared.tool_resources, changed.tool_resources, 'tool_resources are kept when not sent');
    assert.deepEqual(assertProviderCanRead(await hp('GET', `/v1/threads/${created.id}`)), cleared);
  });

  test('delete answers 200; a read after it gets 404 in OpenAI envelope, which go-openai turns into an APIError (removed from state)', async () => {
    const created = assertProviderCanRead(await hp('POST', '/v1/threads', '{}'));
    const deleted = await hp('DELETE', `/v1/threads/${created.id}`);
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.json, { id: created.id, object: 'thread.deleted', deleted: true });

    const read = await hp('GET', `/v1/threads/${created.id}`);
    assert.equal(read.status, 404);
    assert.deepEqual(envelopeFrom(read), {
      message: `No thread found with id '${created.id}'.`,
      type: 'invalid_request_error',
      param: null,
      code: null,
    });
    assert.equal(goOpenAIErrorKind(read), 'APIError');

    // A destroy of something already gone: 404 as an APIError, which the provider's Delete ignores.
    const again = await hp('DELETE', `/v1/threads/${created.id}`);
    assert.equal(again.status, 404);
    assert.equal(goOpenAIErrorKind(again), 'APIError');
  });

  test('import is a GET by id: an existing thread reads back whole; an unknown one is an APIError 404', async () => {
    const created = assertProviderCanRead(await hp('POST', '/v1/threads', '{"metadata":{"imported":"yes"}}'));
    assert.deepEqual(assertProviderCanRead(await hp('GET', `/v1/threads/${created.id}`)), created);

    const unknown = await hp('GET', '/v1/threads/thread_000000000000000000000000');
    assert.equal(unknown.status, 404);
    assert.equal(goOpenAIErrorKind(unknown), 'APIError');
    assert.equal(envelopeFrom(unknown).message, "No thread found with id 'thread_000000000000000000000000'.");
  });

  test('an import id that is not a thread id is a 400 APIError naming the bad id, not a 404', async () => {
    const response = await hp('GET', '/v1/threads/my-thread');
    assert.equal(response.status, 400);
    assert.equal(goOpenAIErrorKind(response), 'APIError');
    assert.equal(
      envelopeFrom(response).message,
      "Invalid 'thread_id': 'my-thread'. Expected an ID that begins with 'thread'.",
    );
  });
});

describe('Terraform openai_thread with API keys (provider api_key / OPENAI_API_KEY)', () => {
  let keyed: SpoolProcess;
  before(async () => {
    keyed = await startSpool({ env: { SPOOL_API_KEYS: `${apiKey},sk-another-key-000000000` } });
  });
  after(async () => {
    await keyed.stop();
  });

  test('the configured key creates and reads; a wrong key gets a 401 APIError with invalid_api_key', async () => {
    const created = assertProviderCanRead(await hp('POST', '/v1/threads', '{}', {}, keyed.url));
    assertProviderCanRead(await hp('GET', `/v1/threads/${created.id}`, undefined, {}, keyed.url));

    // 29 characters: the first 8, 17 stars, the last 4.
    const wrong = await hp(
      'GET',
      `/v1/threads/${created.id}`,
      undefined,
      { key: 'sk-wrong-key-0000000000000000' },
      keyed.url,
    );
    assert.equal(wrong.status, 401);
    assert.equal(goOpenAIErrorKind(wrong), 'APIError');
    assert.deepEqual(envelopeFrom(wrong), {
      message:
        'Incorrect API key provided: sk-wrong*****************0000. You can find your API key at https://platform.openai.com/account/api-keys.',
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    });
  });
});

describe('Terraform openai_thread (mkdev-me provider v1.0-1.2)', () => {
  const mk = (method: string, path: string, body?: string) => replay(spool.url, mkdevRequest(method, path, body));

  test('create with messages {role, content, metadata} answers exactly 200 and the messages are stored', async () => {
    const response = await mk(
      'POST',
      '/v1/threads',
      '{"messages":[{"role":"user","content":"Hello","metadata":{"source":"tf"}}],"metadata":{"env":"prod"}}',
    );
    assert.equal(response.status, 200, 'any status but 200 fails the apply');
    const thread = response.json as Thread;
    assert.equal(typeof thread.created_at, 'number');
    assert.deepEqual(thread.metadata, { env: 'prod' });

    const messages = await mk('GET', `/v1/threads/${thread.id}/messages`);
    const list = messages.json as { data: Array<{ role: string; content: unknown; metadata: unknown }> };
    assert.deepEqual(
      list.data.map((message) => [message.role, message.content, message.metadata]),
      [['user', [{ type: 'text', text: { value: 'Hello', annotations: [] } }], { source: 'tf' }]],
    );
  });

  test('read gives created_at and metadata; update sends only metadata; delete, then 404 on delete means gone', async () => {
    const created = (await mk('POST', '/v1/threads', '{"metadata":{"env":"prod"}}')).json as Thread;
    const read = await mk('GET', `/v1/threads/${created.id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(
      { created_at: (read.json as Thread).created_at, metadata: (read.json as Thread).metadata },
      { created_at: created.created_at, metadata: { env: 'prod' } },
    );

    const updated = await mk('POST', `/v1/threads/${created.id}`, '{"metadata":{"env":"dev"}}');
    assert.equal(updated.status, 200);
    assert.deepEqual((updated.json as Thread).metadata, { env: 'dev' });

    assert.equal((await mk('DELETE', `/v1/threads/${created.id}`)).status, 200);
    assert.equal((await mk('DELETE', `/v1/threads/${created.id}`)).status, 404);
    assert.equal((await mk('GET', `/v1/threads/${created.id}`)).status, 404);
  });

  test("a message with the v1-era file_ids gets OpenAI's v2 answer: 400 unknown_parameter, and no thread", async () => {
    const newest = async () =>
      ((await raw(`${spool.baseURL}/threads?limit=1`)).json as { first_id: string | null }).first_id;
    const newestBefore = await newest();
    const response = await mk(
      'POST',
      '/v1/threads',
      '{"messages":[{"role":"user","content":"Hi","file_ids":["file-1"]}]}',
    );
    assert.equal(response.status, 400);
    assert.deepEqual(envelopeFrom(response), {
      message: "Unknown parameter: 'messages[0].file_ids'.",
      type: 'invalid_request_error',
      param: 'messages[0].file_ids',
      code: 'unknown_parameter',
    });
    assert.equal(await newest(), newestBefore, 'no thread was created');
  });
});
