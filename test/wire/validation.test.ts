// Rules the spec states as schema keywords (or in prose the extractor turns into them), checked
// wherever the API takes the value: `include[]`'s enum, a function name's pattern, an image URL's
// `format: uri`, and `tool_resources.file_search`'s oneOf. Each refusal is OpenAI's 400 envelope
// with the dotted `param`, and stores nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { envelopeOf, postJson, type RawResponse, raw } from '../support/http.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';

let spool: SpoolProcess;
let v1: string;

before(async () => {
  spool = await startSpool();
  v1 = spool.baseURL;
});
after(async () => {
  await spool.stop();
});

function expectError(reply: RawResponse, expected: { message: string; param: string; code: string }): void {
  assert.equal(reply.status, 400, reply.text.slice(0, 500));
  assert.deepEqual(envelopeOf(reply), { ...expected, type: 'invalid_request_error' });
}

function expectOk(reply: RawResponse): { id: string } {
  assert.equal(reply.status, 200, reply.text.slice(0, 500));
  return reply.json as { id: string };
}

async function newThread(): Promise<string> {
  return expectOk(await postJson(`${v1}/threads`, {})).id;
}

async function newAssistant(body: Record<string, unknown> = {}): Promise<string> {
  return expectOk(await postJson(`${v1}/assistants`, { model: 'gpt-4o', ...body })).id;
}

async function count(path: string): Promise<number> {
  const reply = await raw(`${v1}${path}${path.includes('?') ? '&' : '?'}limit=100`);
  assert.equal(reply.status, 200, reply.text);
  return (reply.json as { data: unknown[] }).data.length;
}

const fileSearchContent = 'step_details.tool_calls[*].file_search.results[*].content';
const include = (value: string) => `include[]=${encodeURIComponent(value)}`;

describe('include[]', () => {
  const unsupported = (value: string, index = 0) => ({
    message: `Invalid value: '${value}'. Supported values are: '${fileSearchContent}'.`,
    param: `include[${index}]`,
    code: 'invalid_value',
  });

  test('creating a run takes only the spec value, and a refused request creates no run', async () => {
    const assistantId = await newAssistant();
    const threadId = await newThread();
    const runs = `${v1}/threads/${threadId}/runs`;
    expectError(
      await postJson(`${runs}?${include('step_details')}`, { assistant_id: assistantId }),
      unsupported('step_details'),
    );
    expectError(
      await postJson(`${runs}?${include(fileSearchContent)}&${include('file_search.results')}`, {
        assistant_id: assistantId,
      }),
      unsupported('file_search.results', 1),
    );
    assert.equal(await count(`/threads/${threadId}/runs`), 0);
    expectOk(await postJson(`${runs}?${include(fileSearchContent)}`, { assistant_id: assistantId }));
  });

  test('listing and retrieving steps take only the spec value', async () => {
    const assistantId = await newAssistant();
    const threadId = await newThread();
    const run = expectOk(await postJson(`${v1}/threads/${threadId}/runs`, { assistant_id: assistantId }));
    const steps = `${v1}/threads/${threadId}/runs/${run.id}/steps`;
    expectError(await raw(`${steps}?${include('content')}`), unsupported('content'));
    expectError(await raw(`${steps}/step_unknown?${include('content')}`), unsupported('content'));
    expectOk(await raw(`${steps}?${include(fileSearchContent)}`));
  });
});

describe('function names', () => {
  const mismatch = (param: string) => ({
    message: `Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{1,64}$'.`,
    param,
    code: 'invalid_value',
  });
  const tools = (name: string) => [{ type: 'code_interpreter' }, { type: 'function', function: { name } }];

  test('match ^[a-zA-Z0-9_-]{1,64}$ on assistants, runs and create-and-run, and nothing is stored', async () => {
    const assistantId = await newAssistant();
    const threadId = await newThread();
    const assistantsBefore = await count('/assistants');
    for (const name of ['get weather', 'get.weather', '', 'météo']) {
      expectError(
        await postJson(`${v1}/assistants`, { model: 'gpt-4o', tools: tools(name) }),
        mismatch('tools[1].function.name'),
      );
      expectError(
        await postJson(`${v1}/assistants/${assistantId}`, { tools: tools(name) }),
        mismatch('tools[1].function.name'),
      );
      expectError(
        await postJson(`${v1}/threads/${threadId}/runs`, { assistant_id: assistantId, tools: tools(name) }),
        mismatch('tools[1].function.name'),
      );
      expectError(
        await postJson(`${v1}/threads/runs`, { assistant_id: assistantId, tools: tools(name) }),
        mismatch('tools[1].function.name'),
      );
    }
    assert.equal(await count('/assistants'), assistantsBefore);
    assert.equal(await count(`/threads/${threadId}/runs`), 0);
    const assistant = (await raw(`${v1}/assistants/${assistantId}`)).json as { tools: unknown[] };
    assert.deepEqual(assistant.tools, []);
    expectOk(await postJson(`${v1}/assistants`, { model: 'gpt-4o', tools: tools(`get_Weather-2${'x'.repeat(51)}`) }));
  });
});

describe('image_url.url', () => {
  const invalid = (param: string) => ({
    message: `Invalid '${param}': Expected a valid URL, but got a value with an invalid format.`,
    param,
    code: 'invalid_value',
  });
  const content = (url: string) => [
    { type: 'text', text: 'look' },
    { type: 'image_url', image_url: { url } },
  ];

  test('is a well-formed URI wherever a message is created (after the scheme check), and nothing is stored', async () => {
    const assistantId = await newAssistant();
    const threadId = await newThread();
    const threadsBefore = await count('/threads');
    for (const url of [
      'https://',
      'https://exa mple.com/a.png',
      'http://example.com/a b.png',
      'https://example.com/%zz.png',
      'https://example.com/<a>.png',
      'data:image/png;base64,iVBOR w0KGgo=',
    ]) {
      expectError(
        await postJson(`${v1}/threads`, { messages: [{ role: 'user', content: content(url) }] }),
        invalid('messages[0].content[1].image_url.url'),
      );
      expectError(
        await postJson(`${v1}/threads/${threadId}/messages`, { role: 'user', content: content(url) }),
        invalid('content[1].image_url.url'),
      );
      expectError(
        await postJson(`${v1}/threads/${threadId}/runs`, {
          assistant_id: assistantId,
          additional_messages: [{ role: 'user', content: content(url) }],
        }),
        invalid('additional_messages[0].content[1].image_url.url'),
      );
      expectError(
        await postJson(`${v1}/threads/runs`, {
          assistant_id: assistantId,
          thread: { messages: [{ role: 'user', content: content(url) }] },
        }),
        invalid('thread.messages[0].content[1].image_url.url'),
      );
    }
    assert.equal(await count('/threads'), threadsBefore);
    assert.equal(await count(`/threads/${threadId}/messages`), 0);
    assert.equal(await count(`/threads/${threadId}/runs`), 0);
    for (const url of [
      'https://example.com/a%20b.png?size=2&x=[1]#top',
      'HTTP://EXAMPLE.COM/A.PNG',
      'data:image/png;base64,iVBORw0KGgo=',
    ]) {
      expectOk(await postJson(`${v1}/threads/${threadId}/messages`, { role: 'user', content: content(url) }));
    }
  });
});

describe('tool_resources.file_search', () => {
  const neither = (param: string) => ({
    message: `Invalid '${param}': one of 'vector_store_ids' or 'vector_stores' must be provided.`,
    param,
    code: 'missing_required_parameter',
  });

  test("needs vector_store_ids or vector_stores on threads, assistants and create-and-run's thread, and nothing is stored", async () => {
    const assistantId = await newAssistant();
    const threadsBefore = await count('/threads');
    const assistantsBefore = await count('/assistants');
    const empty = { file_search: {} };
    expectError(await postJson(`${v1}/threads`, { tool_resources: empty }), neither('tool_resources.file_search'));
    expectError(
      await postJson(`${v1}/assistants`, { model: 'gpt-4o', tool_resources: empty }),
      neither('tool_resources.file_search'),
    );
    expectError(
      await postJson(`${v1}/threads/runs`, { assistant_id: assistantId, thread: { tool_resources: empty } }),
      neither('thread.tool_resources.file_search'),
    );
    assert.equal(await count('/threads'), threadsBefore);
    assert.equal(await count('/assistants'), assistantsBefore);
    expectOk(await postJson(`${v1}/threads`, { tool_resources: { file_search: { vector_store_ids: ['vs_1'] } } }));
    expectOk(
      await postJson(`${v1}/assistants`, {
        model: 'gpt-4o',
        tool_resources: { file_search: { vector_stores: [{ file_ids: [] }] } },
      }),
    );
  });
});
