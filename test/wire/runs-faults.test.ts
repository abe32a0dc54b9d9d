// Every way a run can go wrong ends it in a terminal state with a clear last_error: model server
// errors, rate limits, timeouts, garbage, dropped streams, unknown tools, no model server, expiry,
// a client that goes away, and a Spool process killed mid-run.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { FakeModel } from '../support/fake-model.js';
import { raw } from '../support/http.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';
import { storedMessageStatus } from '../support/stored.js';

let model: FakeModel;
let spool: SpoolProcess;
let client: OpenAI;
let assistantId: string;

const tools = [
  { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } },
  { type: 'code_interpreter' as const },
];

before(async () => {
  model = await new FakeModel().start();
  spool = await startSpool({ env: { SPOOL_MODEL_BASE_URL: model.url, SPOOL_MODEL_TIMEOUT_MS: '400' } });
  client = new OpenAI({ baseURL: spool.baseURL, apiKey: 'sk-test', maxRetries: 0 });
  assistantId = (await client.beta.assistants.create({ model: 'gpt-4o', tools })).id;
});
after(async () => {
  await spool.stop();
  await model.stop();
});

async function runToEnd(prompt = 'go') {
  return client.beta.threads.createAndRunPoll(
    { assistant_id: assistantId, thread: { messages: [{ role: 'user', content: prompt }] } },
    { pollIntervalMs: 50 },
  );
}

describe('model server failures', () => {
  test('HTTP 500 is retried; three in a row fail the run with server_error', async () => {
    const before = model.requests.length;
    model.script({ status: 500 }, { status: 500 }, { status: 500 });
    const run = await runToEnd();
    assert.equal(run.status, 'failed');
    assert.equal(run.last_error?.code, 'server_error');
    assert.equal(run.last_error?.message, 'The server had an error while processing your request. Sorry about that!');
    assert.match(
      spool.output(),
      /"status":500,"upstream":"scripted failure 500"/,
      "the model server's own words are logged",
    );
    assert.equal(model.requests.length - before, 3, 'three attempts');
    assert.ok(run.failed_at !== null);
    assert.equal(run.expires_at, null);
  });

  test('a 500 followed by an answer completes the run', async () => {
    model.script({ status: 503 }, { text: 'recovered' });
    const run = await runToEnd();
    assert.equal(run.status, 'completed');
    const [answer] = (await client.beta.threads.messages.list(run.thread_id, { run_id: run.id })).data;
    assert.deepEqual(answer?.content, [{ type: 'text', text: { value: 'recovered', annotations: [] } }]);
  });

  test('429 is retried honouring retry-after, then fails with rate_limit_exceeded', async () => {
    const before = model.requests.length;
    model.script({ status: 429, headers: { 'retry-after': '0.2' } }, { status: 429 }, { status: 429 });
    const started = Date.now();
    const run = await runToEnd();
    assert.equal(run.status, 'failed');
    assert.equal(run.last_error?.code, 'rate_limit_exceeded');
    assert.equal(run.last_error?.message, 'Rate limit reached for requests to the model. Please try again later.');
    assert.equal(model.requests.length - before, 3);
    assert.ok(Date.now() - started >= 200, 'waited at least the retry-after');
  });

  test('a model server that never answers times out and fails the run', async () => {
    model.script({ hang: true }, { hang: true }, { hang: true });
    const run = await runToEnd();
    assert.equal(run.status, 'failed');
    assert.equal(run.last_error?.code, 'server_error');
    assert.match(run.last_error?.message ?? '', /sent nothing for 400 ms/);
  });

  test('garbage in the stream fails the run; the log says it was a malformed response', async () => {
    model.script({ text: 'abc', garbage: true });
    const run = await runToEnd();
    assert.equal(run.status, 'failed');
    assert.equal(run.last_error?.message, 'The server had an error while processing your request. Sorry about that!');
    assert.match(spool.output(), new RegExp(`"run":"${run.id}".*"upstream":"malformed response: `));
  });

  test('a connection dropped mid-answer fails the run and leaves the message incomplete', async () => {
    model.script({
      text: 'This answer will be cut off halfway through.',
      chunkSize: 3,
      chunkDelayMs: 20,
      dropAfterChunks: 4,
    });
    const run = await runToEnd();
    assert.equal(run.status, 'failed');
    assert.equal(run.last_error?.code, 'server_error');
    const [partial] = (await client.beta.threads.messages.list(run.thread_id, { run_id: run.id })).data;
    // REST messages carry no status (as OpenAI's): the store has it.
    assert.deepEqual(await storedMessageStatus(spool, partial?.id ?? ''), {
      status: 'incomplete',
      incomplete_details: { reason: 'run_failed' },
    });
    assert.deepEqual(
      partial?.content,
      [{ type: 'text', text: { value: 'This answ', annotations: [] } }],
      'what was streamed before the drop is kept',
    );
    const [step] = (await client.beta.threads.runs.steps.list(run.id, { thread_id: run.thread_id })).data;
    assert.equal(step?.status, 'failed');
    assert.deepEqual(step?.last_error, run.last_error);
  });

  test('a stream that ends without finishing fails the run', async () => {
    model.script({ text: 'unfinished', truncate: true });
    const run = await runToEnd();
    assert.equal(run.status, 'failed');
    assert.match(run.last_error?.message ?? '', /closed the stream before it finished/);
  });
});

describe('tools and limits', () => {
  test('a call to a function the run does not declare fails the run, naming it', async () => {
    model.script({ toolCalls: [{ name: 'delete_everything', arguments: '{}' }] });
    const run = await runToEnd();
    assert.equal(run.status, 'failed');
    assert.equal(
      run.last_error?.message,
      "The model called a function that the run does not declare: 'delete_everything'.",
    );
  });

  test('a call to a declared code_interpreter tool fails clearly until it is implemented', async () => {
    model.script({ toolCalls: [{ name: 'code_interpreter', arguments: '{"code":"1+1"}' }] });
    const run = await runToEnd();
    assert.equal(run.status, 'failed');
    assert.match(run.last_error?.message ?? '', /code_interpreter tool, which Spool does not run yet/);
    // Kept as OpenAI stored them: the function normalised with its strict default.
    assert.deepEqual(
      run.tools,
      [
        {
          type: 'function',
          function: { name: 'lookup', parameters: { type: 'object', properties: {} }, strict: false },
        },
        { type: 'code_interpreter' },
      ],
      'the declared tools are kept on the run',
    );
  });

  test('max_completion_tokens reached: the run is incomplete, its message too', async () => {
    model.script({ text: 'It was a dark and', finishReason: 'length' });
    const run = await client.beta.threads.createAndRunPoll(
      {
        assistant_id: assistantId,
        max_completion_tokens: 256,
        thread: { messages: [{ role: 'user', content: 'story' }] },
      },
      { pollIntervalMs: 50 },
    );
    assert.equal(run.status, 'incomplete');
    assert.deepEqual(run.incomplete_details, { reason: 'max_completion_tokens' });
    assert.equal(model.requests.at(-1)?.body.max_tokens, 256);
    const [message] = (await client.beta.threads.messages.list(run.thread_id, { run_id: run.id })).data;
    assert.deepEqual(await storedMessageStatus(spool, message?.id ?? ''), {
      status: 'incomplete',
      incomplete_details: { reason: 'max_tokens' },
    });
  });

  test('tool outputs must answer exactly the pending calls, in one request', async () => {
    model.script({
      toolCalls: [
        { name: 'lookup', arguments: '{}' },
        { name: 'lookup', arguments: '{"q":1}' },
      ],
    });
    const run = await runToEnd();
    assert.equal(run.status, 'requires_action');
    const [first, second] = run.required_action?.submit_tool_outputs.tool_calls ?? [];
    assert.ok(first && second);
    await assert.rejects(
      client.beta.threads.runs.submitToolOutputs(run.id, {
        thread_id: run.thread_id,
        tool_outputs: [{ tool_call_id: first.id, output: 'a' }],
      }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.BadRequestError);
        assert.match(error.message, /All outputs must be submitted in a single request/);
        return true;
      },
    );
    await assert.rejects(
      client.beta.threads.runs.submitToolOutputs(run.id, {
        thread_id: run.thread_id,
        tool_outputs: [{ tool_call_id: 'call_unknown', output: 'a' }],
      }),
      OpenAI.BadRequestError,
    );
    const completed = await client.beta.threads.runs.cancel(run.id, { thread_id: run.thread_id });
    assert.equal(completed.status, 'cancelling');
    const ended = await client.beta.threads.runs.poll(run.id, { thread_id: run.thread_id }, { pollIntervalMs: 50 });
    assert.equal(ended.status, 'cancelled');
    await assert.rejects(
      client.beta.threads.runs.submitToolOutputs(run.id, { thread_id: run.thread_id, tool_outputs: [] }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.BadRequestError);
        assert.equal(error.message, '400 Runs in status "cancelled" do not accept tool outputs.');
        return true;
      },
    );
  });

  test('a run waiting for tool outputs past its expiry expires (SPOOL_RUN_EXPIRY_SECONDS=2)', async () => {
    const quick = await startSpool({ env: { SPOOL_MODEL_BASE_URL: model.url, SPOOL_RUN_EXPIRY_SECONDS: '2' } });
    try {
      const openai = new OpenAI({ baseURL: quick.baseURL, apiKey: 'sk-test', maxRetries: 0 });
      const assistant = await openai.beta.assistants.create({ model: 'gpt-4o', tools });
      model.script({ toolCalls: [{ name: 'lookup', arguments: '{}' }] });
      const run = await openai.beta.threads.createAndRunPoll({ assistant_id: assistant.id }, { pollIntervalMs: 50 });
      assert.equal(run.status, 'requires_action');
      assert.equal(run.expires_at, run.created_at + 2);
      // The SDK's poll() stops at requires_action: wait by hand.
      let ended = run;
      while (ended.status === 'requires_action') {
        await new Promise((resolve) => setTimeout(resolve, 200));
        ended = await openai.beta.threads.runs.retrieve(run.id, { thread_id: run.thread_id });
      }
      assert.equal(ended.status, 'expired');
      assert.equal(ended.expires_at, null);
      const [step] = (await openai.beta.threads.runs.steps.list(run.id, { thread_id: run.thread_id })).data;
      assert.equal(step?.status, 'expired');
    } finally {
      await quick.stop();
    }
  });

  test('a streaming client that disconnects does not stop or corrupt the run', async () => {
    model.script({ text: 'one two three four five six seven eight nine ten', chunkSize: 4, chunkDelayMs: 30 });
    const controller = new AbortController();
    const response = await fetch(`${spool.baseURL}/threads/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'openai-beta': 'assistants=v2' },
      body: JSON.stringify({
        assistant_id: assistantId,
        stream: true,
        thread: { messages: [{ role: 'user', content: 'count' }] },
      }),
      signal: controller.signal,
    });
    const reader = response.body?.getReader();
    assert.ok(reader);
    let seen = '';
    while (!seen.includes('thread.message.delta')) seen += new TextDecoder().decode((await reader.read()).value);
    const runId = /"id":"(run_[A-Za-z0-9]{24})"/.exec(seen)?.[1];
    const threadId = /"id":"(thread_[A-Za-z0-9]{24})"/.exec(seen)?.[1];
    assert.ok(runId && threadId);
    controller.abort();
    const run = await client.beta.threads.runs.poll(runId, { thread_id: threadId }, { pollIntervalMs: 50 });
    assert.equal(run.status, 'completed');
    const [answer] = (await client.beta.threads.messages.list(threadId, { run_id: runId })).data;
    assert.deepEqual(answer?.content, [
      { type: 'text', text: { value: 'one two three four five six seven eight nine ten', annotations: [] } },
    ]);
  });
});

describe('no model server', () => {
  test('a run fails at once, saying how to configure one', async () => {
    const bare = await startSpool();
    try {
      const openai = new OpenAI({ baseURL: bare.baseURL, apiKey: 'sk-test', maxRetries: 0 });
      const assistant = await openai.beta.assistants.create({ model: 'gpt-4o' });
      const run = await openai.beta.threads.createAndRunPoll({ assistant_id: assistant.id }, { pollIntervalMs: 50 });
      assert.equal(run.status, 'failed');
      assert.equal(run.last_error?.code, 'server_error');
      assert.match(run.last_error?.message ?? '', /No model server is configured.*SPOOL_MODEL_BASE_URL/);
    } finally {
      await bare.stop();
    }
  });
});

describe('crash recovery', () => {
  test('a run in progress when Spool is SIGKILLed ends as failed after restart, not active forever', async () => {
    const slow = await new FakeModel().start();
    slow.setDefault({ text: 'slow '.repeat(200), chunkSize: 5, chunkDelayMs: 50 });
    const server = await startSpool({ env: { SPOOL_MODEL_BASE_URL: slow.url } });
    const openai = new OpenAI({ baseURL: server.baseURL, apiKey: 'sk-test', maxRetries: 0 });
    const assistant = await openai.beta.assistants.create({ model: 'gpt-4o' });
    const run = await openai.beta.threads.createAndRun({
      assistant_id: assistant.id,
      thread: { messages: [{ role: 'user', content: 'talk' }] },
    });
    while ((await openai.beta.threads.runs.retrieve(run.id, { thread_id: run.thread_id })).status !== 'in_progress')
      await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(await server.stop('SIGKILL'), 'SIGKILL');

    const restarted = await startSpool({ dataDir: server.dataDir, env: { SPOOL_MODEL_BASE_URL: slow.url } });
    try {
      const after = new OpenAI({ baseURL: restarted.baseURL, apiKey: 'sk-test', maxRetries: 0 });
      const ended = await after.beta.threads.runs.poll(run.id, { thread_id: run.thread_id }, { pollIntervalMs: 100 });
      assert.equal(ended.status, 'failed');
      assert.match(ended.last_error?.message ?? '', /stopped before the run finished/);
      const [partial] = (await after.beta.threads.messages.list(run.thread_id, { run_id: run.id })).data;
      assert.equal((await storedMessageStatus(restarted, partial?.id ?? ''))?.status, 'incomplete');
      const reply = await raw(`${restarted.baseURL}/threads/${run.thread_id}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'user', content: 'free again' }),
      });
      assert.equal(reply.status, 200, 'the thread is no longer held by the dead run');
    } finally {
      await restarted.stop();
      await slow.stop();
    }
  });
});
