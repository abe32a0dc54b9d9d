// Bounded input and bounded responses: the metadata filter's pair count, the size of what a
// message, a tool or a run stores, the nesting of any body, the URLs a message may carry, and the
// size of one list page. Each limit answers OpenAI's 400 envelope and stores nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
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

function expectError(
  reply: RawResponse,
  expected: { message: string | RegExp; param: string | null; code: string },
): void {
  assert.equal(reply.status, 400, reply.text.slice(0, 500));
  const error = envelopeOf(reply);
  if (typeof expected.message === 'string') assert.equal(error.message, expected.message);
  else assert.match(error.message, expected.message);
  assert.equal(error.type, 'invalid_request_error');
  assert.equal(error.param, expected.param);
  assert.equal(error.code, expected.code);
}

async function newThread(body: unknown = {}): Promise<string> {
  const reply = await postJson(`${v1}/threads`, body);
  assert.equal(reply.status, 200, reply.text);
  return (reply.json as { id: string }).id;
}

async function messageCount(threadId: string): Promise<number> {
  const page = (await raw(`${v1}/threads/${threadId}/messages?limit=100`)).json as { data: unknown[] };
  return page.data.length;
}

/** `levels` nested objects: nested(1) is `{}`. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let level = 1; level < levels; level++) value = { a: value };
  return value;
}

function functionTool(parameters: unknown, description = 'd') {
  return { type: 'function', function: { name: 'f', description, parameters } };
}

describe('the metadata filter of the thread list', () => {
  test('17 pairs are a 400 naming metadata, counting a repeated key each time; 16 pairs answer quickly', async () => {
    const metadata = Object.fromEntries(Array.from({ length: 16 }, (_, index) => [`k${index}`, 'v']));
    const ids = await Promise.all(Array.from({ length: 30 }, () => newThread({ metadata })));
    const sixteen = Object.keys(metadata)
      .map((key) => `metadata[${key}]=v`)
      .join('&');

    const started = performance.now();
    const found = await raw(`${v1}/threads?limit=100&${sixteen}`);
    const elapsed = performance.now() - started;
    assert.equal(found.status, 200, found.text);
    const listed = (found.json as { data: Array<{ id: string }> }).data.map((thread) => thread.id);
    for (const id of ids) assert.ok(listed.includes(id), `${id} is listed`);
    assert.ok(elapsed < 5_000, `16 pairs answered in ${elapsed.toFixed(0)} ms`);
    const twice = (await raw(`${v1}/threads?limit=100&metadata[k0]=v&metadata[k0]=v&metadata[k1]=v`)).json as {
      data: Array<{ id: string }>;
    };
    for (const id of ids)
      assert.ok(
        twice.data.some((thread) => thread.id === id),
        'a pair given twice still matches',
      );
    const both = (await raw(`${v1}/threads?metadata[k0]=v&metadata[k0]=w`)).json as { data: unknown[] };
    assert.deepEqual(both.data, [], 'one key cannot hold two values');

    const message =
      "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with 17 properties instead.";
    expectError(await raw(`${v1}/threads?${sixteen}&metadata[k16]=v`), {
      message,
      param: 'metadata',
      code: 'object_above_max_properties',
    });
    const repeated = Array.from({ length: 17 }, (_, index) => `metadata[same]=v${index}`).join('&');
    expectError(await raw(`${v1}/threads?${repeated}`), {
      message,
      param: 'metadata',
      code: 'object_above_max_properties',
    });
    const many = Array.from({ length: 700 }, (_, index) => `metadata[k${index}]=v`).join('&');
    expectError(await raw(`${v1}/threads?${many}`), {
      message: /but got an object with 700 properties instead\.$/,
      param: 'metadata',
      code: 'object_above_max_properties',
    });
  });
});

describe('what a message stores', () => {
  const tooLong = (param: string) => ({
    message: `Invalid '${param}': string too long. Expected a string with maximum length 256000, but got a string with length 256001 instead.`,
    param,
    code: 'string_above_max_length',
  });

  test('text over 256,000 characters is a 400 and stores nothing; 256,000 is accepted', async () => {
    const threadId = await newThread();
    const url = `${v1}/threads/${threadId}/messages`;
    expectError(await postJson(url, { role: 'user', content: 'x'.repeat(256_001) }), tooLong('content'));
    expectError(
      await postJson(url, {
        role: 'user',
        content: [
          { type: 'text', text: 'ok' },
          { type: 'text', text: 'x'.repeat(256_001) },
        ],
      }),
      tooLong('content[1].text'),
    );
    assert.equal(await messageCount(threadId), 0);
    assert.equal((await postJson(url, { role: 'user', content: 'x'.repeat(256_000) })).status, 200);
    assert.equal(await messageCount(threadId), 1);
  });

  test('a thread whose second message is too long is not created at all', async () => {
    const before = ((await raw(`${v1}/threads?limit=100`)).json as { data: unknown[] }).data.length;
    const reply = await postJson(`${v1}/threads`, {
      messages: [
        { role: 'user', content: 'fine' },
        { role: 'user', content: 'x'.repeat(256_001) },
      ],
    });
    expectError(reply, tooLong('messages[1].content'));
    const after = ((await raw(`${v1}/threads?limit=100`)).json as { data: unknown[] }).data.length;
    assert.equal(after, before);
  });

  test('a new thread takes at most 32 messages, a message at most 100 content parts', async () => {
    const messages = Array.from({ length: 33 }, () => ({ role: 'user', content: 'hi' }));
    expectError(await postJson(`${v1}/threads`, { messages }), {
      message:
        "Invalid 'messages': array too long. Expected an array with maximum length 32, but got an array with length 33 instead.",
      param: 'messages',
      code: 'array_above_max_length',
    });
    assert.equal((await postJson(`${v1}/threads`, { messages: messages.slice(1) })).status, 200);
    const threadId = await newThread();
    const parts = Array.from({ length: 101 }, () => ({ type: 'text', text: 'p' }));
    expectError(await postJson(`${v1}/threads/${threadId}/messages`, { role: 'user', content: parts }), {
      message:
        "Invalid 'content': array too long. Expected an array with maximum length 100, but got an array with length 101 instead.",
      param: 'content',
      code: 'array_above_max_length',
    });
    assert.equal(await messageCount(threadId), 0);
  });

  test('an image_url must be http:, https: or data:image/, wherever a message is created', async () => {
    const threadId = await newThread();
    const image = (url: string) => ({ type: 'image_url', image_url: { url } });
    const unsupported = (param: string) => ({
      message: `Invalid '${param}': unsupported URL. Expected a URL that begins with 'http:', 'https:', or 'data:image/'.`,
      param,
      code: 'invalid_value',
    });
    const content = (url: string) => [{ type: 'text', text: 'look' }, image(url)];
    for (const url of [
      'file:///etc/passwd',
      'ftp://example.com/a.png',
      'data:text/html;base64,PGgxPg==',
      'gopher://x',
      ' http://example.com/a.png',
    ]) {
      expectError(
        await postJson(`${v1}/threads`, { messages: [{ role: 'user', content: content(url) }] }),
        unsupported('messages[0].content[1].image_url.url'),
      );
      expectError(
        await postJson(`${v1}/threads/${threadId}/messages`, { role: 'user', content: content(url) }),
        unsupported('content[1].image_url.url'),
      );
      expectError(
        await postJson(`${v1}/threads/${threadId}/runs`, {
          assistant_id: 'asst_x',
          additional_messages: [{ role: 'user', content: content(url) }],
        }),
        unsupported('additional_messages[0].content[1].image_url.url'),
      );
      expectError(
        await postJson(`${v1}/threads/runs`, {
          assistant_id: 'asst_x',
          thread: { messages: [{ role: 'user', content: content(url) }] },
        }),
        unsupported('thread.messages[0].content[1].image_url.url'),
      );
    }
    assert.equal(await messageCount(threadId), 0);
    for (const url of ['https://example.com/a.png', 'HTTP://example.com/a.png', 'data:image/png;base64,iVBORw0KGgo=']) {
      assert.equal(
        (await postJson(`${v1}/threads/${threadId}/messages`, { role: 'user', content: content(url) })).status,
        200,
        url,
      );
    }
  });
});

describe('tools and nesting', () => {
  test('a body nested thousands deep is a 400, not a 500', async () => {
    const deep = `${'['.repeat(4_200)}${']'.repeat(4_200)}`;
    for (const path of ['/assistants', '/threads']) {
      const reply = await raw(`${v1}${path}`, {
        method: 'POST',
        body: `{"metadata":${deep}}`,
        headers: { 'content-type': 'application/json' },
      });
      expectError(reply, {
        message: 'The JSON body of your request is nested too deeply. The maximum nesting depth is 64.',
        param: null,
        code: 'json_above_max_depth',
      });
    }
    const parameters = `${'{"a":'.repeat(4_199)}{}${'}'.repeat(4_199)}`;
    const reply = await raw(`${v1}/assistants`, {
      method: 'POST',
      body: `{"model":"m","tools":[{"type":"function","function":{"name":"f","parameters":${parameters}}}]}`,
      headers: { 'content-type': 'application/json' },
    });
    expectError(reply, { message: /nested too deeply/, param: null, code: 'json_above_max_depth' });
  });

  test('function parameters: at most 32 levels and 256 KiB; descriptions at most 1,024 characters', async () => {
    const accepted = await postJson(`${v1}/assistants`, { model: 'm', tools: [functionTool(nested(32))] });
    assert.equal(accepted.status, 200, accepted.text);
    expectError(
      await postJson(`${v1}/assistants`, {
        model: 'm',
        tools: [functionTool({ type: 'object' }), functionTool(nested(33))],
      }),
      {
        message:
          "Invalid 'tools[1].function.parameters': object too deeply nested. Expected an object with at most 32 levels of nesting, but got an object with 33 levels instead.",
        param: 'tools[1].function.parameters',
        code: 'object_above_max_depth',
      },
    );
    const wide = {
      type: 'object',
      properties: Object.fromEntries(
        Array.from({ length: 3_000 }, (_, index) => [`p${index}`, { type: 'string', description: 'x'.repeat(80) }]),
      ),
    };
    expectError(await postJson(`${v1}/assistants`, { model: 'm', tools: [functionTool(wide)] }), {
      message:
        /^Invalid 'tools\[0\]\.function\.parameters': object too large\. Expected an object of at most 262144 bytes as JSON, but got an object of \d+ bytes instead\.$/,
      param: 'tools[0].function.parameters',
      code: 'object_above_max_size',
    });
    expectError(await postJson(`${v1}/assistants`, { model: 'm', tools: [functionTool({}, 'd'.repeat(1_025))] }), {
      message:
        "Invalid 'tools[0].function.description': string too long. Expected a string with maximum length 1024, but got a string with length 1025 instead.",
      param: 'tools[0].function.description',
      code: 'string_above_max_length',
    });
    const deepSchema = { type: 'json_schema', json_schema: { name: 'n', schema: nested(40) } };
    expectError(await postJson(`${v1}/assistants`, { model: 'm', response_format: deepSchema }), {
      message: /object too deeply nested/,
      param: 'response_format.json_schema.schema',
      code: 'object_above_max_depth',
    });
  });

  test("run instructions are bounded as an assistant's are", async () => {
    const threadId = await newThread();
    expectError(
      await postJson(`${v1}/threads/${threadId}/runs`, {
        assistant_id: 'asst_x',
        additional_instructions: 'i'.repeat(256_001),
      }),
      {
        message:
          "Invalid 'additional_instructions': string too long. Expected a string with maximum length 256000, but got a string with length 256001 instead.",
        param: 'additional_instructions',
        code: 'string_above_max_length',
      },
    );
  });
});

describe('list pages', () => {
  test('a page of large messages stays within its budget, and the SDK pages through every message once', async () => {
    const threadId = await newThread();
    const count = 24;
    for (let index = 0; index < count; index++) {
      const text = `${String(index).padStart(2, '0')}${'x'.repeat(255_998)}`;
      const reply = await postJson(`${v1}/threads/${threadId}/messages`, { role: 'user', content: text });
      assert.equal(reply.status, 200, reply.text.slice(0, 300));
    }
    // 24 x 256,000 characters is over 6 MB: a page of all of them would exceed the 4 MiB budget.
    const page = await raw(`${v1}/threads/${threadId}/messages?limit=100&order=asc`);
    assert.equal(page.status, 200);
    const body = page.json as { data: Array<{ id: string }>; has_more: boolean; last_id: string };
    assert.ok(page.text.length <= 4 * 1024 * 1024 + 300_000, `one page is ${page.text.length} characters`);
    assert.ok(body.data.length >= 1 && body.data.length < count, `${body.data.length} messages on the first page`);
    assert.equal(body.has_more, true);
    assert.equal(body.last_id, body.data.at(-1)?.id);

    const client = new OpenAI({ baseURL: v1, apiKey: 'sk-test-anything', maxRetries: 0 });
    for (const order of ['asc', 'desc'] as const) {
      const seen: string[] = [];
      for await (const message of client.beta.threads.messages.list(threadId, { limit: 100, order })) {
        const part = message.content[0];
        seen.push(part?.type === 'text' ? part.text.value.slice(0, 2) : '?');
      }
      const expected = Array.from({ length: count }, (_, index) => String(index).padStart(2, '0'));
      assert.deepEqual(seen, order === 'asc' ? expected : expected.reverse());
    }

    // Paging backwards with `before` keeps the messages nearest the cursor, so none is skipped.
    const newest =
      ((await raw(`${v1}/threads/${threadId}/messages?limit=1&order=desc`)).json as { data: Array<{ id: string }> })
        .data[0]?.id ?? '';
    const seen = new Set([newest]);
    for (let before = newest; ; ) {
      const back = (await raw(`${v1}/threads/${threadId}/messages?limit=100&order=asc&before=${before}`)).json as {
        data: Array<{ id: string }>;
        has_more: boolean;
        first_id: string;
      };
      assert.ok(back.data.length < count - 1, 'the budget cuts a backwards page too');
      for (const message of back.data) seen.add(message.id);
      if (!back.has_more) break;
      before = back.first_id;
    }
    assert.equal(seen.size, count);
  });
});
