// Contract: OpenAI's Go CLI (`openai beta:threads ...`, generated over openai-go v3). It cannot be
// installed here, so its requests are replayed byte for byte: Go's net/http writes Host, User-Agent,
// Content-Length, then the other headers sorted by their canonical names (`Openai-Beta`,
// `X-Stainless-Cli-Command`), then Accept-Encoding. Object flags are parsed as YAML and sent as
// compact JSON with map keys sorted, as Go's encoding/json writes maps. Version numbers are illustrative.
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

/** What `openai <command>` puts on the wire for one API call (base URL `<spool>/v1`). */
function cliRequest(command: string, method: string, path: string, body?: string): WireRequest {
  const headers: Array<[string, string]> = [['User-Agent', 'OpenAI/CLI 0.4.0']];
  if (body !== undefined) headers.push(['Content-Length', String(Buffer.byteLength(body))]);
  headers.push(['Accept', 'application/json'], ['Authorization', 'Bearer sk-cli-test']);
  if (body !== undefined) headers.push(['Content-Type', 'application/json']);
  headers.push(
    ['Openai-Beta', 'assistants=v2'],
    ['X-Stainless-Cli-Command', `openai ${command}`],
    ['X-Stainless-Lang', 'cli'],
    ['X-Stainless-Package-Version', '0.4.0'],
    ['X-Stainless-Retry-Count', '0'],
    ['X-Stainless-Runtime', 'cli'],
    ['Accept-Encoding', 'gzip'],
  );
  return { method, path, headers, ...(body === undefined ? {} : { body }) };
}

function send(command: string, method: string, path: string, body?: string): Promise<WireResponse> {
  return replay(spool.url, cliRequest(command, method, path, body));
}

/** The newest thread, through Spool's list extension (the CLI has no list command). */
async function newestThreadId(): Promise<string | null> {
  const response = await raw(`${spool.baseURL}/threads?limit=1`);
  assert.equal(response.status, 200);
  return (response.json as { first_id: string | null }).first_id;
}

interface ThreadBody {
  id: string;
  object: string;
  created_at: number;
  metadata: Record<string, string>;
  tool_resources: Record<string, unknown>;
}

describe('openai CLI: beta:threads create (YAML flags become compact JSON)', () => {
  test("--message '{role: user, content: hi}' --metadata '{env: prod}' creates the thread and its message (200)", async () => {
    const response = await send(
      'beta:threads create',
      'POST',
      '/v1/threads',
      '{"messages":[{"content":"hi","role":"user"}],"metadata":{"env":"prod"}}',
    );
    assert.equal(response.status, 200);
    const thread = response.json as ThreadBody;
    assert.deepEqual(Object.keys(thread), ['id', 'object', 'created_at', 'metadata', 'tool_resources']);
    assert.match(thread.id, /^thread_[A-Za-z0-9]{24}$/);
    assert.deepEqual(thread.metadata, { env: 'prod' });
    assert.match(response.header('content-type') ?? '', /^application\/json/);
    assert.match(response.header('x-request-id') ?? '', /^req_[0-9a-f]{32}$/);

    const messages = await send('beta:threads:messages list', 'GET', `/v1/threads/${thread.id}/messages`);
    assert.equal(messages.status, 200);
    const list = messages.json as { data: Array<{ role: string; content: unknown }> };
    assert.deepEqual(
      list.data.map((message) => [message.role, message.content]),
      [['user', [{ type: 'text', text: { value: 'hi', annotations: [] } }]]],
    );
  });

  test('repeated --message flags add one array item each, kept in order', async () => {
    const response = await send(
      'beta:threads create',
      'POST',
      '/v1/threads',
      '{"messages":[{"content":"first","role":"user"},{"content":"second","role":"assistant"}]}',
    );
    assert.equal(response.status, 200);
    const { id } = response.json as ThreadBody;
    const list = (await send('beta:threads:messages list', 'GET', `/v1/threads/${id}/messages?order=asc`)).json as {
      data: Array<{ role: string }>;
    };
    assert.deepEqual(
      list.data.map((message) => message.role),
      ['user', 'assistant'],
    );
  });

  test('--tool-resources.code-interpreter and --tool-resources.file-search build the nested object', async () => {
    const response = await send(
      'beta:threads create',
      'POST',
      '/v1/threads',
      '{"tool_resources":{"code_interpreter":{"file_ids":["file-a"]},"file_search":{"vector_store_ids":["vs_a"]}}}',
    );
    assert.equal(response.status, 200);
    assert.deepEqual((response.json as ThreadBody).tool_resources, {
      code_interpreter: { file_ids: ['file-a'] },
      file_search: { vector_store_ids: ['vs_a'] },
    });
  });

  test("YAML that yields a number (--metadata '{n: 1}') gets OpenAI's invalid_type 400 with param metadata.n, and creates nothing", async () => {
    const newestBefore = await newestThreadId();
    const response = await send('beta:threads create', 'POST', '/v1/threads', '{"metadata":{"n":1}}');
    assert.equal(response.status, 400);
    assert.deepEqual(envelopeFrom(response), {
      message: "Invalid type for 'metadata.n': expected a string, but got an integer instead.",
      type: 'invalid_request_error',
      param: 'metadata.n',
      code: 'invalid_type',
    });
    assert.equal(await newestThreadId(), newestBefore, 'no thread was created');
  });

  test("YAML that yields a boolean (--metadata '{flag: true}') gets invalid_type with param metadata.flag", async () => {
    const response = await send('beta:threads create', 'POST', '/v1/threads', '{"metadata":{"flag":true}}');
    assert.equal(response.status, 400);
    const error = envelopeFrom(response);
    assert.equal(error.message, "Invalid type for 'metadata.flag': expected a string, but got a boolean instead.");
    assert.equal(error.param, 'metadata.flag');
    assert.equal(error.code, 'invalid_type');
  });

  test('--metadata null sends "metadata":null, which is accepted and shows as {}', async () => {
    const response = await send('beta:threads create', 'POST', '/v1/threads', '{"metadata":null}');
    assert.equal(response.status, 200);
    assert.deepEqual((response.json as ThreadBody).metadata, {});
  });
});

describe('openai CLI: beta:threads retrieve, update, delete', () => {
  test('retrieve --thread-id (GET, no body), update --metadata, delete, then retrieve is a 404 in the envelope', async () => {
    const created = (await send('beta:threads create', 'POST', '/v1/threads', '{"metadata":{"env":"prod"}}'))
      .json as ThreadBody;

    const retrieved = await send('beta:threads retrieve', 'GET', `/v1/threads/${created.id}`);
    assert.equal(retrieved.status, 200);
    assert.deepEqual(retrieved.json, created);

    const updated = await send(
      'beta:threads update',
      'POST',
      `/v1/threads/${created.id}`,
      '{"metadata":{"env":"staging","owner":"ops"}}',
    );
    assert.equal(updated.status, 200);
    assert.deepEqual(updated.json, { ...created, metadata: { env: 'staging', owner: 'ops' } });

    const deleted = await send('beta:threads delete', 'DELETE', `/v1/threads/${created.id}`);
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.json, { id: created.id, object: 'thread.deleted', deleted: true });

    const gone = await send('beta:threads retrieve', 'GET', `/v1/threads/${created.id}`);
    assert.equal(gone.status, 404);
    assert.deepEqual(gone.json, {
      error: {
        message: `No thread found with id '${created.id}'.`,
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });

  test('update with --metadata null clears the metadata', async () => {
    const created = (await send('beta:threads create', 'POST', '/v1/threads', '{"metadata":{"env":"prod"}}'))
      .json as ThreadBody;
    const updated = await send('beta:threads update', 'POST', `/v1/threads/${created.id}`, '{"metadata":null}');
    assert.equal(updated.status, 200);
    assert.deepEqual((updated.json as ThreadBody).metadata, {});
  });

  test('a --base-url without /v1 gets a 404 in the envelope that names the path it tried', async () => {
    const response = await send('beta:threads create', 'POST', '/threads', '{"metadata":{"env":"prod"}}');
    assert.equal(response.status, 404);
    assert.deepEqual(response.json, {
      error: { message: 'Invalid URL (POST /threads)', type: 'invalid_request_error', param: null, code: null },
    });
  });
});

describe('openai CLI: beta:threads:messages', () => {
  interface MessageBody {
    id: string;
    object: string;
    role: string;
    content: unknown;
    attachments: unknown;
    metadata: Record<string, string>;
  }

  test("create --role user --content hi --attachment '{...}' --metadata '{...}', then retrieve, update, delete", async () => {
    const thread = (await send('beta:threads create', 'POST', '/v1/threads', '{}')).json as ThreadBody;
    const created = await send(
      'beta:threads:messages create',
      'POST',
      `/v1/threads/${thread.id}/messages`,
      '{"attachments":[{"file_id":"file-1","tools":[{"type":"file_search"}]}],"content":"hi","metadata":{"k":"v"},"role":"user"}',
    );
    assert.equal(created.status, 200);
    const message = created.json as MessageBody;
    assert.match(message.id, /^msg_[A-Za-z0-9]{24}$/);
    assert.deepEqual(message.content, [{ type: 'text', text: { value: 'hi', annotations: [] } }]);
    assert.deepEqual(message.attachments, [{ file_id: 'file-1', tools: [{ type: 'file_search' }] }]);
    assert.deepEqual(message.metadata, { k: 'v' });

    const path = `/v1/threads/${thread.id}/messages/${message.id}`;
    assert.deepEqual((await send('beta:threads:messages retrieve', 'GET', path)).json, message);
    const updated = await send('beta:threads:messages update', 'POST', path, '{"metadata":{"k":"w"}}');
    assert.deepEqual(updated.json, { ...message, metadata: { k: 'w' } });
    const deleted = await send('beta:threads:messages delete', 'DELETE', path);
    assert.deepEqual(deleted.json, { id: message.id, object: 'thread.message.deleted', deleted: true });
    const gone = await send('beta:threads:messages retrieve', 'GET', path);
    assert.equal(gone.status, 404);
    assert.equal(envelopeFrom(gone).message, `No message found with id '${message.id}'.`);
  });

  test("--content given as YAML parts ('[{type: text, text: hello}, {type: image_url, ...}]') is stored in the output shape", async () => {
    const thread = (await send('beta:threads create', 'POST', '/v1/threads', '{}')).json as ThreadBody;
    const created = await send(
      'beta:threads:messages create',
      'POST',
      `/v1/threads/${thread.id}/messages`,
      '{"content":[{"text":"hello","type":"text"},{"image_url":{"url":"https://example.com/x.png"},"type":"image_url"}],"role":"user"}',
    );
    assert.equal(created.status, 200);
    assert.deepEqual((created.json as MessageBody).content, [
      { type: 'text', text: { value: 'hello', annotations: [] } },
      { type: 'image_url', image_url: { url: 'https://example.com/x.png', detail: 'auto' } },
    ]);
  });

  test('list pages itself as openai-go does (after = last id of the page) until has_more is false', async () => {
    const thread = (await send('beta:threads create', 'POST', '/v1/threads', '{}')).json as ThreadBody;
    const created: string[] = [];
    for (let index = 0; index < 25; index++) {
      const response = await send(
        'beta:threads:messages create',
        'POST',
        `/v1/threads/${thread.id}/messages`,
        `{"content":"m${index}","role":"user"}`,
      );
      created.push((response.json as MessageBody).id);
    }
    const seen: string[] = [];
    const pages: boolean[] = [];
    let after: string | undefined;
    for (;;) {
      const query = `${after ? `after=${after}&` : ''}limit=10&order=asc`;
      const page = await send('beta:threads:messages list', 'GET', `/v1/threads/${thread.id}/messages?${query}`);
      assert.equal(page.status, 200);
      const body = page.json as { data: MessageBody[]; last_id: string | null; has_more: boolean };
      seen.push(...body.data.map((message) => message.id));
      pages.push(body.has_more);
      assert.equal(body.last_id, body.data.at(-1)?.id);
      if (!body.has_more) break;
      after = body.data.at(-1)?.id;
    }
    assert.deepEqual(seen, created);
    assert.deepEqual(pages, [true, true, false]);
  });
});
