// The wire as OpenAI recorded it (openai-dotnet tests/SessionRecords/AssistantsTests, THREADS_WIRE.md
// §0): key lists and order of assistants, runs (REST and SSE), messages, steps, usage and
// normalised tools; and rows written by earlier Spool versions read back in these shapes.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FakeModel } from '../support/fake-model.js';
import { postJson, raw } from '../support/http.js';
import { testStore } from '../support/postgres.js';
import { makeTempDir, runSpool, type SpoolProcess, startSpool } from '../support/spool.js';

type Json = Record<string, unknown>;

let model: FakeModel;
let spool: SpoolProcess;
let v1: string;

before(async () => {
  model = await new FakeModel().start();
  spool = await startSpool({ env: { SPOOL_MODEL_BASE_URL: model.url } });
  v1 = spool.baseURL;
});
after(async () => {
  await spool?.stop();
  await model?.stop();
});

const assistantKeys = [
  'id',
  'object',
  'created_at',
  'name',
  'description',
  'model',
  'instructions',
  'tools',
  'top_p',
  'temperature',
  'reasoning_effort',
  'tool_resources',
  'metadata',
  'response_format',
];
const runKeys = [
  'id',
  'object',
  'created_at',
  'assistant_id',
  'thread_id',
  'status',
  'started_at',
  'expires_at',
  'cancelled_at',
  'failed_at',
  'completed_at',
  'required_action',
  'last_error',
  'model',
  'instructions',
  'tools',
  'tool_resources',
  'metadata',
  'temperature',
  'top_p',
  'reasoning_effort',
  'max_completion_tokens',
  'max_prompt_tokens',
  'truncation_strategy',
  'incomplete_details',
  'usage',
  'response_format',
  'tool_choice',
  'parallel_tool_calls',
];
const restMessageKeys = [
  'id',
  'object',
  'created_at',
  'assistant_id',
  'thread_id',
  'run_id',
  'role',
  'content',
  'attachments',
  'metadata',
];
const streamedMessageKeys = [
  'id',
  'object',
  'created_at',
  'assistant_id',
  'thread_id',
  'run_id',
  'status',
  'incomplete_details',
  'incomplete_at',
  'completed_at',
  'role',
  'content',
  'attachments',
  'metadata',
];
const stepKeys = [
  'id',
  'object',
  'created_at',
  'run_id',
  'assistant_id',
  'thread_id',
  'type',
  'status',
  'cancelled_at',
  'completed_at',
  'expires_at',
  'failed_at',
  'last_error',
  'step_details',
  'usage',
];

/** Order-sensitive equality: the same JSON text, key order included. */
function assertSameJson(actual: unknown, expected: unknown, message?: string): void {
  assert.equal(JSON.stringify(actual), JSON.stringify(expected), message);
}

function usage(prompt: number, completion: number, cached = 0, reasoning = 0) {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_token_details: { cached_tokens: cached },
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}

async function json(url: string): Promise<Json> {
  const response = await raw(url);
  assert.equal(response.status, 200, response.text);
  return response.json as Json;
}

async function ok(url: string, body: unknown): Promise<Json> {
  const response = await postJson(url, body);
  assert.equal(response.status, 200, response.text);
  return response.json as Json;
}

/** The events of an SSE answer, each with its parsed data (the final `done` left out). */
async function streamed(url: string, body: unknown): Promise<Array<{ event: string; data: Json }>> {
  const response = await postJson(url, body);
  assert.equal(response.status, 200, response.text);
  const frames = response.text
    .trim()
    .split('\n\n')
    .map((block) => {
      const [event = '', data = ''] = block.split('\n');
      return { event: event.slice('event: '.length), data: data.slice('data: '.length) };
    });
  assert.equal(frames.at(-1)?.event, 'done');
  return frames.slice(0, -1).map((frame) => ({ event: frame.event, data: JSON.parse(frame.data) as Json }));
}

const weatherTool = {
  type: 'function',
  function: {
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
    description: 'Weather of a city',
    name: 'get_weather',
  },
};

describe(`the recorded wire shapes (${testStore})`, () => {
  test('assistants: recorded key order, reasoning_effort (null when unset), normalised tools and tool_resources', async () => {
    const plain = await ok(`${v1}/assistants`, { model: 'gpt-4o' });
    assert.deepEqual(Object.keys(plain), assistantKeys);
    assert.equal(plain.reasoning_effort, null);

    const created = await ok(`${v1}/assistants`, {
      response_format: {
        json_schema: { strict: true, schema: { type: 'object' }, name: 'answer' },
        type: 'json_schema',
      },
      reasoning_effort: 'low',
      tools: [
        weatherTool,
        { function: { name: 'bare' }, type: 'function' },
        { type: 'code_interpreter' },
        { file_search: { max_num_results: 2 }, type: 'file_search' },
        { type: 'file_search', file_search: { ranking_options: { score_threshold: 0.5 } } },
      ],
      model: 'gpt-4o',
    });
    assert.deepEqual(Object.keys(created), assistantKeys);
    assert.equal(created.reasoning_effort, 'low');
    assertSameJson(created.tools, [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather of a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
          strict: false,
        },
      },
      { type: 'function', function: { name: 'bare', parameters: { type: 'object', properties: {} }, strict: false } },
      { type: 'code_interpreter' },
      {
        type: 'file_search',
        file_search: {
          max_num_results: 2,
          ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0, hybrid_search: null },
        },
      },
      {
        type: 'file_search',
        file_search: { ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0.5, hybrid_search: null } },
      },
    ]);
    assertSameJson(
      created.tool_resources,
      { code_interpreter: { file_ids: [] } },
      'an assistant with code_interpreter shows its empty file_ids',
    );
    assertSameJson(created.response_format, {
      type: 'json_schema',
      json_schema: { name: 'answer', schema: { type: 'object' }, strict: true },
    });

    const modified = await ok(`${v1}/assistants/${created.id}`, {
      tool_resources: { code_interpreter: { file_ids: ['file-a'] }, file_search: { vector_store_ids: ['vs_a'] } },
      reasoning_effort: 'high',
    });
    assert.deepEqual(Object.keys(modified), assistantKeys);
    assert.equal(modified.reasoning_effort, 'high');
    assertSameJson(
      modified.tool_resources,
      { file_search: { vector_store_ids: ['vs_a'] }, code_interpreter: { file_ids: ['file-a'] } },
      'file_search comes before code_interpreter',
    );
    const listed = (await json(`${v1}/assistants?limit=100`)).data as Json[];
    assertSameJson(
      listed.find((each) => each.id === created.id),
      modified,
      'list and modify answer the same object',
    );
    assertSameJson(await json(`${v1}/assistants/${created.id}`), modified);
  });

  test('messages over REST: no status keys, detail "auto" filled in, parts and attachments in OpenAI order', async () => {
    const thread = await ok(`${v1}/threads`, { messages: [{ role: 'user', content: 'first' }] });
    const created = await ok(`${v1}/threads/${thread.id}/messages`, {
      content: [
        { text: 'look', type: 'text' },
        { image_url: { url: 'https://example.com/a.png' }, type: 'image_url' },
        { image_file: { detail: 'low', file_id: 'file-img' }, type: 'image_file' },
      ],
      role: 'user',
      attachments: [{ tools: [{ type: 'file_search' }], file_id: 'file-doc' }],
    });
    assert.deepEqual(Object.keys(created), restMessageKeys);
    assertSameJson(created.content, [
      { type: 'text', text: { value: 'look', annotations: [] } },
      { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'auto' } },
      { type: 'image_file', image_file: { file_id: 'file-img', detail: 'low' } },
    ]);
    assertSameJson(created.attachments, [{ file_id: 'file-doc', tools: [{ type: 'file_search' }] }]);
    const retrieved = await json(`${v1}/threads/${thread.id}/messages/${created.id}`);
    assertSameJson(retrieved, created);
    const modified = await ok(`${v1}/threads/${thread.id}/messages/${created.id}`, { metadata: { seen: 'yes' } });
    assert.deepEqual(Object.keys(modified), restMessageKeys);
    const list = (await json(`${v1}/threads/${thread.id}/messages?order=asc`)).data as Json[];
    for (const message of list) assert.deepEqual(Object.keys(message), restMessageKeys);
  });

  test('a run, REST and SSE: recorded keys, reasoning_effort sent to the model, usage null until the end and then with its details', async () => {
    const assistant = await ok(`${v1}/assistants`, { model: 'gpt-4o', reasoning_effort: 'minimal' });
    model.script({
      text: 'Hello',
      usage: {
        prompt_tokens: 20,
        completion_tokens: 4,
        prompt_tokens_details: { cached_tokens: 8 },
        completion_tokens_details: { reasoning_tokens: 2 },
      },
    });
    const before = model.requests.length;
    const thread = await ok(`${v1}/threads`, { messages: [{ role: 'user', content: 'hi' }] });
    const events = await streamed(`${v1}/threads/${thread.id}/runs`, {
      assistant_id: assistant.id,
      reasoning_effort: 'medium',
      stream: true,
    });
    assert.equal(
      model.requests[before]?.body.reasoning_effort,
      'medium',
      'the run reasoning_effort reaches the model server',
    );

    const runs = events.filter((each) => each.data.object === 'thread.run');
    assert.deepEqual(
      runs.map((each) => each.event),
      ['thread.run.created', 'thread.run.queued', 'thread.run.in_progress', 'thread.run.completed'],
    );
    for (const run of runs) {
      assert.deepEqual(Object.keys(run.data), runKeys, run.event);
      assert.equal(run.data.reasoning_effort, 'medium');
    }
    assert.deepEqual(
      runs.map((each) => each.data.usage),
      [null, null, null, usage(20, 4, 8, 2)],
    );
    const steps = events.filter((each) => each.data.object === 'thread.run.step');
    assert.ok(steps.length >= 2);
    for (const step of steps) assert.deepEqual(Object.keys(step.data), stepKeys, step.event);
    assertSameJson(steps.at(-1)?.data.usage, usage(20, 4, 8, 2));
    const messages = events.filter((each) => each.data.object === 'thread.message');
    assert.ok(messages.length >= 2);
    for (const message of messages) assert.deepEqual(Object.keys(message.data), streamedMessageKeys, message.event);

    const done = runs.at(-1)?.data as Json;
    const retrieved = await json(`${v1}/threads/${done.thread_id}/runs/${done.id}`);
    assert.deepEqual(Object.keys(retrieved), runKeys);
    assertSameJson(retrieved.usage, usage(20, 4, 8, 2));
    const listed = (await json(`${v1}/threads/${done.thread_id}/runs`)).data as Json[];
    assertSameJson(listed[0], retrieved);
    const restSteps = (await json(`${v1}/threads/${done.thread_id}/runs/${done.id}/steps`)).data as Json[];
    for (const step of restSteps) assert.deepEqual(Object.keys(step), stepKeys);
    const answer = (await json(`${v1}/threads/${done.thread_id}/messages?run_id=${done.id}`)).data as Json[];
    assert.deepEqual(Object.keys(answer[0] ?? {}), restMessageKeys);

    const unset = await streamed(`${v1}/threads/runs`, {
      assistant_id: (await ok(`${v1}/assistants`, { model: 'gpt-4o' })).id,
      stream: true,
    });
    assert.equal(unset.find((each) => each.event === 'thread.run.created')?.data.reasoning_effort, null);
    assert.equal(
      model.requests.at(-1)?.body.reasoning_effort,
      undefined,
      'no reasoning_effort is sent when none is set',
    );
  });

  test('usage stays null while a run requires action and after its tool outputs, until it ends; tools are echoed normalised', async () => {
    const assistant = await ok(`${v1}/assistants`, { model: 'gpt-4o', tools: [weatherTool] });
    model.script(
      {
        toolCalls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }],
        usage: { prompt_tokens: 30, completion_tokens: 7 },
      },
      {
        text: 'Cold.',
        usage: { prompt_tokens: 50, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 30 } },
      },
    );
    const first = await streamed(`${v1}/threads/runs`, {
      assistant_id: assistant.id,
      stream: true,
      thread: { messages: [{ role: 'user', content: 'Weather in Oslo?' }] },
    });
    const waiting = first.at(-1)?.data as Json & {
      required_action: { submit_tool_outputs: { tool_calls: Array<{ id: string }> } };
    };
    assert.equal(waiting.status, 'requires_action');
    assert.equal(waiting.usage, null);
    assertSameJson((waiting.tools as unknown[])[0], {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Weather of a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
        strict: false,
      },
    });
    const polled = await json(`${v1}/threads/${waiting.thread_id}/runs/${waiting.id}`);
    assert.equal(polled.status, 'requires_action');
    assert.equal(polled.usage, null, 'usage is null over REST while the run requires action');

    const call = waiting.required_action.submit_tool_outputs.tool_calls[0];
    assert.ok(call);
    const second = await streamed(`${v1}/threads/${waiting.thread_id}/runs/${waiting.id}/submit_tool_outputs`, {
      tool_outputs: [{ tool_call_id: call.id, output: '-3 C' }],
      stream: true,
    });
    const runs = second.filter((each) => each.data.object === 'thread.run');
    assert.equal(runs.at(-1)?.data.status, 'completed');
    for (const run of runs.slice(0, -1))
      assert.equal(run.data.usage, null, `${run.event} after the tool outputs has no usage yet`);
    assertSameJson(runs.at(-1)?.data.usage, usage(80, 10, 30, 0), 'the ended run counts both model calls');
  });
});

describe(`rows written by earlier versions read back in the recorded shapes (${testStore})`, () => {
  // What Spool wrote before: stored shapes without reasoning_effort or usage details, tools as the
  // client gave them, steps with expired_at, REST messages with their status keys, no image detail.
  const header = (version: number) => ({
    type: 'header',
    format: 'spool.export',
    version,
    project: 'default',
    exported_at: 1_700_000_000,
  });
  const oldThread = {
    id: 'thread_old000000000000000000001',
    object: 'thread',
    created_at: 1_700_000_000,
    metadata: {},
    tool_resources: { code_interpreter: { file_ids: ['file-x'] }, file_search: { vector_store_ids: ['vs_x'] } },
  };
  const oldMessage = {
    id: 'msg_old000000000000000000000001',
    object: 'thread.message',
    created_at: 1_700_000_001,
    assistant_id: null,
    thread_id: oldThread.id,
    run_id: null,
    status: 'completed',
    incomplete_details: null,
    incomplete_at: null,
    completed_at: 1_700_000_001,
    role: 'user',
    content: [{ type: 'image_url', image_url: { url: 'https://example.com/old.png' } }],
    attachments: [],
    metadata: {},
  };
  const oldAssistant = {
    id: 'asst_old000000000000000000000001',
    created_at: 1_700_000_000,
    name: null,
    description: null,
    model: 'gpt-4o',
    instructions: null,
    tools: [{ function: { name: 'old_fn' }, type: 'function' }, { type: 'code_interpreter' }],
    tool_resources: {},
    metadata: {},
    top_p: 1,
    temperature: 1,
    response_format: 'auto',
  };
  const oldRun = {
    id: 'run_old0000000000000000000001',
    created_at: 1_700_000_002,
    assistant_id: oldAssistant.id,
    thread_id: oldThread.id,
    status: 'completed',
    started_at: 1_700_000_002,
    expires_at: null,
    cancelled_at: null,
    failed_at: null,
    completed_at: 1_700_000_003,
    required_action: null,
    last_error: null,
    model: 'gpt-4o',
    instructions: null,
    tools: oldAssistant.tools,
    tool_resources: {},
    metadata: {},
    temperature: 1,
    top_p: 1,
    max_completion_tokens: null,
    max_prompt_tokens: null,
    truncation_strategy: { type: 'auto', last_messages: null },
    incomplete_details: null,
    usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    response_format: 'auto',
    tool_choice: 'auto',
    parallel_tool_calls: true,
    additional_instructions: null,
  };
  const oldStep = {
    id: 'step_old000000000000000000001',
    created_at: 1_700_000_002,
    run_id: oldRun.id,
    assistant_id: oldAssistant.id,
    thread_id: oldThread.id,
    type: 'message_creation',
    status: 'completed',
    cancelled_at: null,
    completed_at: 1_700_000_003,
    expires_at: null,
    expired_at: null,
    failed_at: null,
    last_error: null,
    step_details: { type: 'message_creation', message_creation: { message_id: oldMessage.id } },
    usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
  };

  async function importInto(lines: object[]): Promise<SpoolProcess> {
    const dataDir = makeTempDir();
    const file = join(makeTempDir(), 'old.jsonl');
    writeFileSync(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    const imported = await runSpool(['import', file, '--data-dir', dataDir]);
    assert.equal(imported.code, 0, imported.stderr);
    return startSpool({ dataDir });
  }

  test('a format 2 export: assistant, run, step and message come back in the new shapes', async () => {
    const copy = await importInto([
      header(2),
      { type: 'assistant', assistant: oldAssistant },
      { type: 'thread', thread: oldThread },
      { type: 'message', message: oldMessage },
      { type: 'run', run: oldRun },
      { type: 'run_step', run_step: oldStep },
      { type: 'footer', threads: 1, messages: 1, assistants: 1, runs: 1, run_steps: 1 },
    ]);
    try {
      const base = copy.baseURL;
      const assistant = await json(`${base}/assistants/${oldAssistant.id}`);
      assert.deepEqual(Object.keys(assistant), assistantKeys);
      assert.equal(assistant.reasoning_effort, null);
      assertSameJson(assistant.tools, [
        {
          type: 'function',
          function: { name: 'old_fn', parameters: { type: 'object', properties: {} }, strict: false },
        },
        { type: 'code_interpreter' },
      ]);
      assertSameJson(assistant.tool_resources, { code_interpreter: { file_ids: [] } });

      const run = await json(`${base}/threads/${oldThread.id}/runs/${oldRun.id}`);
      assert.deepEqual(Object.keys(run), runKeys);
      assert.equal(run.reasoning_effort, null);
      assertSameJson(run.usage, usage(5, 2));
      const step = ((await json(`${base}/threads/${oldThread.id}/runs/${oldRun.id}/steps`)).data as Json[])[0];
      assert.deepEqual(Object.keys(step ?? {}), stepKeys);
      assertSameJson(step?.usage, usage(5, 2));

      const message = await json(`${base}/threads/${oldThread.id}/messages/${oldMessage.id}`);
      assert.deepEqual(Object.keys(message), restMessageKeys);
      assertSameJson(message.content, [
        { type: 'image_url', image_url: { url: 'https://example.com/old.png', detail: 'auto' } },
      ]);
      assertSameJson((await json(`${base}/threads/${oldThread.id}`)).tool_resources, {
        file_search: { vector_store_ids: ['vs_x'] },
        code_interpreter: { file_ids: ['file-x'] },
      });
    } finally {
      await copy.stop();
    }
  });

  test('a format 1 export (threads and messages only) still imports and reads back in the new shapes', async () => {
    const copy = await importInto([
      header(1),
      { type: 'thread', thread: oldThread },
      { type: 'message', message: oldMessage },
      { type: 'footer', threads: 1, messages: 1 },
    ]);
    try {
      const messages = (await json(`${copy.baseURL}/threads/${oldThread.id}/messages`)).data as Json[];
      assert.deepEqual(
        messages.map((each) => Object.keys(each)),
        [restMessageKeys],
      );
      assertSameJson(messages[0]?.content, [
        { type: 'image_url', image_url: { url: 'https://example.com/old.png', detail: 'auto' } },
      ]);
    } finally {
      await copy.stop();
    }
  });
});
