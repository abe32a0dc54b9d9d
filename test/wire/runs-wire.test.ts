// Runs on the wire, byte for byte: SSE framing and headers, key order of runs and steps, the poll
// hint, errors before a stream starts, and one active run per thread under concurrency.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeModel } from '../support/fake-model.js';
import { envelopeOf, postJson, raw } from '../support/http.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';

let model: FakeModel;
let spool: SpoolProcess;
let v1: string;
let assistantId: string;

before(async () => {
  model = await new FakeModel().start();
  spool = await startSpool({ env: { SPOOL_MODEL_BASE_URL: model.url } });
  v1 = spool.baseURL;
  assistantId = (
    (await postJson(`${v1}/assistants`, { model: 'gpt-4o', instructions: 'Be brief.' })).json as { id: string }
  ).id;
});
after(async () => {
  await spool.stop();
  await model.stop();
});

interface Frame {
  event: string;
  data: string;
}

function framesOf(text: string): Frame[] {
  assert.ok(text.endsWith('\n\n'), 'the stream ends with a blank line');
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((block) => {
      const lines = block.split('\n');
      assert.equal(lines.length, 2, `a frame is exactly one event line and one data line: ${JSON.stringify(block)}`);
      const [event, data] = lines as [string, string];
      assert.ok(event.startsWith('event: ') && data.startsWith('data: '), block);
      return { event: event.slice(7), data: data.slice(6) };
    });
}

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

describe('streaming on the wire', () => {
  test('POST /threads/runs with stream:true: SSE headers, compact frames, the reference order, done', async () => {
    model.script({ text: 'Hi there', chunkSize: 3, usage: { prompt_tokens: 12, completion_tokens: 2 } });
    const response = await raw(`${v1}/threads/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        assistant_id: assistantId,
        stream: true,
        thread: { messages: [{ role: 'user', content: 'hello' }] },
      }),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.match(response.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{32}$/);
    const frames = framesOf(response.text);
    assert.deepEqual(
      frames.map((frame) => frame.event),
      [
        'thread.created',
        'thread.run.created',
        'thread.run.queued',
        'thread.run.in_progress',
        'thread.run.step.created',
        'thread.run.step.in_progress',
        'thread.message.created',
        'thread.message.in_progress',
        'thread.message.delta',
        'thread.message.delta',
        'thread.message.delta',
        'thread.message.completed',
        'thread.run.step.completed',
        'thread.run.completed',
        'done',
      ],
    );
    assert.equal(frames.at(-1)?.data, '[DONE]');
    for (const frame of frames.slice(0, -1)) {
      assert.equal(frame.data, JSON.stringify(JSON.parse(frame.data)), 'data is compact JSON');
    }
    const parsed = frames.slice(0, -1).map((frame) => JSON.parse(frame.data) as Record<string, unknown>);
    assert.deepEqual(Object.keys(parsed[0] ?? {}), ['id', 'object', 'created_at', 'metadata', 'tool_resources']);
    assert.deepEqual(Object.keys(parsed[1] ?? {}), runKeys);
    assert.equal(parsed[1]?.status, 'queued');
    assert.equal(parsed[1]?.instructions, 'Be brief.');
    assert.deepEqual(parsed[1]?.truncation_strategy, { type: 'auto', last_messages: null });
    assert.equal(parsed[3]?.status, 'in_progress');
    assert.equal(typeof parsed[3]?.started_at, 'number');
    assert.deepEqual(Object.keys(parsed[4] ?? {}), [
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
    ]);
    const message = parsed[6] as { id: string; content: unknown[]; status: string };
    assert.deepEqual(message.content, []);
    assert.equal(message.status, 'in_progress');
    assert.deepEqual((parsed[4] as { step_details: unknown }).step_details, {
      type: 'message_creation',
      message_creation: { message_id: message.id },
    });
    assert.deepEqual(parsed.slice(8, 11), [
      {
        id: message.id,
        object: 'thread.message.delta',
        delta: { content: [{ index: 0, type: 'text', text: { value: 'Hi ', annotations: [] } }] },
      },
      {
        id: message.id,
        object: 'thread.message.delta',
        delta: { content: [{ index: 0, type: 'text', text: { value: 'the' } }] },
      },
      {
        id: message.id,
        object: 'thread.message.delta',
        delta: { content: [{ index: 0, type: 'text', text: { value: 're' } }] },
      },
    ]);
    assert.equal((parsed[11] as { status: string }).status, 'completed');
    assert.deepEqual((parsed[12] as { usage: unknown }).usage, {
      prompt_tokens: 12,
      completion_tokens: 2,
      total_tokens: 14,
      prompt_token_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    const completed = parsed[13] as { status: string; expires_at: unknown; usage: unknown };
    assert.equal(completed.status, 'completed');
    assert.equal(completed.expires_at, null);
    assert.deepEqual(completed.usage, {
      prompt_tokens: 12,
      completion_tokens: 2,
      total_tokens: 14,
      prompt_token_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  test('tool call deltas: the first names the call with empty arguments, the next carry only arguments', async () => {
    const withTool = (
      (await postJson(`${v1}/assistants`, { model: 'gpt-4o', tools: [{ type: 'function', function: { name: 'f' } }] }))
        .json as { id: string }
    ).id;
    model.script({ toolCalls: [{ name: 'f', arguments: '{"a":1}' }] });
    const response = await raw(`${v1}/threads/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ assistant_id: withTool, stream: true }),
    });
    const frames = framesOf(response.text);
    const deltas = frames
      .filter((frame) => frame.event === 'thread.run.step.delta')
      .map((frame) => JSON.parse(frame.data) as { delta: { step_details: { tool_calls: unknown[] } } });
    const calls = deltas.map((delta) => delta.delta.step_details.tool_calls[0]) as Array<Record<string, unknown>>;
    assert.equal(calls[0]?.index, 0);
    assert.match(String(calls[0]?.id), /^call_/);
    assert.deepEqual(calls[0]?.function, { name: 'f', arguments: '', output: null });
    assert.deepEqual(calls.slice(1), [
      { index: 0, type: 'function', function: { arguments: '{"a"' } },
      { index: 0, type: 'function', function: { arguments: ':1}' } },
    ]);
    const created = JSON.parse(frames.find((frame) => frame.event === 'thread.run.step.created')?.data ?? '{}') as {
      step_details: unknown;
    };
    assert.deepEqual(created.step_details, { type: 'tool_calls', tool_calls: [] });
    assert.deepEqual(
      frames.slice(-2).map((frame) => frame.event),
      ['thread.run.requires_action', 'done'],
    );
  });

  test('errors before a stream starts are JSON in the envelope, not SSE', async () => {
    const missing = await raw(`${v1}/threads/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ assistant_id: 'asst_nope', stream: true }),
    });
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(envelopeOf(missing).message, "No assistant found with id 'asst_nope'.");
  });
});

describe('run requests and errors', () => {
  test('the poll hint is sent while a run is active, and not after', async () => {
    model.script({ text: 'done', delayMs: 300 });
    const created = await postJson(`${v1}/threads/runs`, { assistant_id: assistantId });
    assert.equal(created.status, 200);
    assert.match(created.headers.get('openai-poll-after-ms') ?? '', /^\d+$/);
    const run = created.json as { id: string; thread_id: string; status: string };
    assert.deepEqual(Object.keys(run), runKeys);
    assert.equal(run.status, 'queued');
    let current = await raw(`${v1}/threads/${run.thread_id}/runs/${run.id}`);
    while ((current.json as { status: string }).status !== 'completed')
      current = await raw(`${v1}/threads/${run.thread_id}/runs/${run.id}`);
    assert.equal(current.headers.get('openai-poll-after-ms'), null);
  });

  test('missing and malformed ids, and OpenAI limits on run parameters', async () => {
    const thread = (await postJson(`${v1}/threads`, {})).json as { id: string };
    const cases: Array<[Promise<Awaited<ReturnType<typeof raw>>>, number, string]> = [
      [raw(`${v1}/threads/${thread.id}/runs/run_missing`), 404, "No run found with id 'run_missing'."],
      [raw(`${v1}/threads/thread_missing/runs/run_missing`), 404, "No thread found with id 'thread_missing'."],
      [
        raw(`${v1}/threads/${thread.id}/runs/abc`),
        400,
        "Invalid 'run_id': 'abc'. Expected an ID that begins with 'run'.",
      ],
      [raw(`${v1}/threads/${thread.id}/runs/run_missing/steps`), 404, "No run found with id 'run_missing'."],
      [raw(`${v1}/assistants/asst_missing`), 404, "No assistant found with id 'asst_missing'."],
      [
        raw(`${v1}/assistants/missing`),
        400,
        "Invalid 'assistant_id': 'missing'. Expected an ID that begins with 'asst'.",
      ],
      [
        postJson(`${v1}/threads/${thread.id}/runs`, { assistant_id: 'asst_missing' }),
        404,
        "No assistant found with id 'asst_missing'.",
      ],
      [postJson(`${v1}/threads/${thread.id}/runs`, {}), 400, "Missing required parameter: 'assistant_id'."],
      [
        postJson(`${v1}/threads/${thread.id}/runs`, { assistant_id: assistantId, max_completion_tokens: 100 }),
        400,
        "Invalid 'max_completion_tokens': integer below minimum value. Expected a value >= 256, but got 100 instead.",
      ],
      [
        postJson(`${v1}/threads/${thread.id}/runs`, { assistant_id: assistantId, temperature: 3 }),
        400,
        "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead.",
      ],
      [
        postJson(`${v1}/threads/runs`, { assistant_id: assistantId, additional_instructions: 'x' }),
        400,
        "Unknown parameter: 'additional_instructions'.",
      ],
      [postJson(`${v1}/assistants`, { name: 'no model' }), 400, "Missing required parameter: 'model'."],
      [
        postJson(`${v1}/assistants`, { model: 'm', tools: [{ type: 'browser' }] }),
        400,
        "Invalid value: 'browser'. Supported values are: 'code_interpreter', 'file_search', and 'function'.",
      ],
    ];
    for (const [pending, status, message] of cases) {
      const reply = await pending;
      assert.equal(reply.status, status, reply.text);
      assert.equal(envelopeOf(reply).message, message);
    }
  });

  test("create-and-run names the thread's tool_resources errors from the request's root: thread.tool_resources...", async () => {
    const vectorStores = [
      { chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: 80 } } },
    ];
    const path = 'file_search.vector_stores[0].chunking_strategy.static.chunk_overlap_tokens';
    const viaRun = await postJson(`${v1}/threads/runs`, {
      assistant_id: assistantId,
      thread: { tool_resources: { file_search: { vector_stores: vectorStores } } },
    });
    assert.equal(viaRun.status, 400);
    assert.equal(envelopeOf(viaRun).param, `thread.tool_resources.${path}`);
    assert.equal(
      envelopeOf(viaRun).message,
      `Invalid 'thread.tool_resources.${path}': chunk_overlap_tokens must not exceed half of max_chunk_size_tokens.`,
    );
    const direct = await postJson(`${v1}/threads`, {
      tool_resources: { file_search: { vector_stores: vectorStores } },
    });
    assert.equal(direct.status, 400);
    assert.equal(envelopeOf(direct).param, `tool_resources.${path}`);
  });

  test('two create-run requests at the same moment on one thread: one run, one 400', async () => {
    model.setDefault({ text: 'slow', delayMs: 500 });
    try {
      const thread = (await postJson(`${v1}/threads`, {})).json as { id: string };
      const replies = await Promise.all(
        [1, 2, 3].map(() => postJson(`${v1}/threads/${thread.id}/runs`, { assistant_id: assistantId })),
      );
      assert.deepEqual(replies.map((reply) => reply.status).sort(), [200, 400, 400]);
      const winner = replies.find((reply) => reply.status === 200)?.json as { id: string };
      for (const loser of replies.filter((reply) => reply.status === 400)) {
        assert.equal(envelopeOf(loser).message, `Thread ${thread.id} already has an active run ${winner.id}.`);
      }
      const runs = (await raw(`${v1}/threads/${thread.id}/runs`)).json as { data: unknown[] };
      assert.equal(runs.data.length, 1);
    } finally {
      model.setDefault({ text: 'Hello from the fake model.' });
    }
  });

  test('deleting a thread deletes its runs and steps', async () => {
    const run = (await postJson(`${v1}/threads/runs`, { assistant_id: assistantId })).json as {
      id: string;
      thread_id: string;
    };
    let status = 'queued';
    while (status !== 'completed')
      status = ((await raw(`${v1}/threads/${run.thread_id}/runs/${run.id}`)).json as { status: string }).status;
    assert.equal((await raw(`${v1}/threads/${run.thread_id}`, { method: 'DELETE' })).status, 200);
    assert.equal((await raw(`${v1}/threads/${run.thread_id}/runs/${run.id}`)).status, 404);
  });
});
