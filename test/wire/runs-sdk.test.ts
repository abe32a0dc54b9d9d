// Assistants and runs driven by the pinned openai npm SDK, against Spool and a fake model server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { FakeModel } from '../support/fake-model.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';

let model: FakeModel;
let spool: SpoolProcess;
let client: OpenAI;
let assistantId: string;

before(async () => {
  model = await new FakeModel().start();
  spool = await startSpool({ env: { SPOOL_MODEL_BASE_URL: model.url, SPOOL_MODEL_MAP: 'gpt-4o=fake-llm' } });
  client = new OpenAI({ baseURL: spool.baseURL, apiKey: 'sk-test', maxRetries: 0 });
  const assistant = await client.beta.assistants.create({
    model: 'gpt-4o',
    name: 'Helper',
    instructions: 'You are terse.',
    tools: [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather in a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      },
    ],
  });
  assistantId = assistant.id;
});
after(async () => {
  await spool.stop();
  await model.stop();
});

describe('assistants', () => {
  test('create, retrieve, update, list, delete with OpenAI key order', async () => {
    const created = await client.beta.assistants.create({
      model: 'gpt-4o',
      name: 'Math',
      metadata: { team: 'a' },
      temperature: 0.5,
    });
    assert.match(created.id, /^asst_[A-Za-z0-9]{24}$/);
    assert.deepEqual(Object.keys(created), [
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
    ]);
    assert.equal(created.temperature, 0.5);
    assert.equal(created.top_p, 1);
    assert.equal(created.response_format, 'auto');
    assert.deepEqual(await client.beta.assistants.retrieve(created.id), created);
    const updated = await client.beta.assistants.update(created.id, {
      instructions: 'Be exact.',
      tools: [{ type: 'code_interpreter' }],
    });
    assert.equal(updated.instructions, 'Be exact.');
    assert.deepEqual(updated.tools, [{ type: 'code_interpreter' }]);
    assert.equal(updated.name, 'Math');
    const listed: string[] = [];
    for await (const assistant of client.beta.assistants.list({ limit: 1 })) listed.push(assistant.id);
    assert.ok(listed.includes(created.id) && listed.includes(assistantId));
    assert.deepEqual(await client.beta.assistants.delete(created.id), {
      id: created.id,
      object: 'assistant.deleted',
      deleted: true,
    });
    await assert.rejects(
      client.beta.assistants.retrieve(created.id),
      (error: unknown) =>
        error instanceof OpenAI.NotFoundError && error.message === `404 No assistant found with id '${created.id}'.`,
    );
  });
});

describe('runs', () => {
  test('createAndRunPoll reaches completed and the thread holds the model answer', async () => {
    model.script({ text: 'Paris is the capital of France.', usage: { prompt_tokens: 21, completion_tokens: 7 } });
    const seen = model.requests.length;
    const run = await client.beta.threads.createAndRunPoll(
      { assistant_id: assistantId, thread: { messages: [{ role: 'user', content: 'Capital of France?' }] } },
      { pollIntervalMs: 50 },
    );
    assert.equal(run.status, 'completed', JSON.stringify(run.last_error));
    assert.deepEqual(run.usage, {
      prompt_tokens: 21,
      completion_tokens: 7,
      total_tokens: 28,
      prompt_token_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    assert.equal(run.expires_at, null);
    assert.ok(run.completed_at !== null && run.started_at !== null);
    const messages = await client.beta.threads.messages.list(run.thread_id, { order: 'asc' });
    assert.deepEqual(
      messages.data.map((message) => [message.role, message.content]),
      [
        ['user', [{ type: 'text', text: { value: 'Capital of France?', annotations: [] } }]],
        ['assistant', [{ type: 'text', text: { value: 'Paris is the capital of France.', annotations: [] } }]],
      ],
    );
    const answer = messages.data[1];
    assert.equal(answer?.run_id, run.id);
    assert.equal(answer?.assistant_id, assistantId);
    const request = model.requests[seen];
    assert.ok(request);
    assert.equal(request.body.model, 'fake-llm', 'the model map applies');
    assert.equal(request.body.stream, true);
    assert.deepEqual(request.body.messages, [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Capital of France?' },
    ]);
    assert.deepEqual(
      request.body.tools?.map((tool) => tool.function.name),
      ['get_weather'],
    );
  });

  test('createAndRunStream yields the reference event order and finalMessages()', async () => {
    model.script({ text: 'Hello! How can I help?', chunkSize: 4 });
    const stream = client.beta.threads.createAndRunStream({
      assistant_id: assistantId,
      thread: { messages: [{ role: 'user', content: 'hi' }] },
    });
    const events: string[] = [];
    const deltas: unknown[] = [];
    for await (const event of stream) {
      events.push(event.event);
      if (event.event === 'thread.message.delta') deltas.push(event.data.delta.content?.[0]);
    }
    const collapsed = events.filter(
      (event, index) => event !== 'thread.message.delta' || events[index - 1] !== 'thread.message.delta',
    );
    assert.deepEqual(collapsed, [
      'thread.created',
      'thread.run.created',
      'thread.run.queued',
      'thread.run.in_progress',
      'thread.run.step.created',
      'thread.run.step.in_progress',
      'thread.message.created',
      'thread.message.in_progress',
      'thread.message.delta',
      'thread.message.completed',
      'thread.run.step.completed',
      'thread.run.completed',
    ]);
    assert.ok(deltas.length >= 5, 'the text arrives in several deltas');
    assert.deepEqual(deltas[0], { index: 0, type: 'text', text: { value: 'Hell', annotations: [] } });
    assert.deepEqual(deltas[1], { index: 0, type: 'text', text: { value: 'o! H' } });
    // The SDK builds finalMessages() from the deltas (keeping their `index`).
    const [final] = await stream.finalMessages();
    assert.equal(final?.content[0]?.type === 'text' && final.content[0].text.value, 'Hello! How can I help?');
    const stored = await client.beta.threads.messages.retrieve(final?.id ?? '', { thread_id: final?.thread_id ?? '' });
    assert.deepEqual(stored.content, [{ type: 'text', text: { value: 'Hello! How can I help?', annotations: [] } }]);
    const run = await stream.finalRun();
    assert.equal(run.status, 'completed');
  });

  test('a function call: requires_action, then submitToolOutputsStream completes the run', async () => {
    model.script(
      { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
      { text: 'It is 3°C in Oslo.' },
    );
    const stream = client.beta.threads.createAndRunStream({
      assistant_id: assistantId,
      thread: { messages: [{ role: 'user', content: 'Weather in Oslo?' }] },
    });
    const events: string[] = [];
    for await (const event of stream) events.push(event.event);
    assert.deepEqual(
      events.filter((event) => event !== 'thread.run.step.delta'),
      [
        'thread.created',
        'thread.run.created',
        'thread.run.queued',
        'thread.run.in_progress',
        'thread.run.step.created',
        'thread.run.step.in_progress',
        'thread.run.requires_action',
      ],
    );
    const run = await stream.finalRun();
    assert.equal(run.status, 'requires_action');
    const call = run.required_action?.submit_tool_outputs.tool_calls[0];
    assert.ok(call);
    assert.match(call.id, /^call_[A-Za-z0-9]{24}$/);
    assert.deepEqual(call.function, { name: 'get_weather', arguments: '{"city":"Oslo"}' });

    const seen = model.requests.length;
    const resumed = client.beta.threads.runs.submitToolOutputsStream(run.id, {
      thread_id: run.thread_id,
      tool_outputs: [{ tool_call_id: call.id, output: '3°C, cloudy' }],
    });
    const resumedEvents: string[] = [];
    for await (const event of resumed) resumedEvents.push(event.event);
    assert.deepEqual(resumedEvents.slice(0, 3), [
      'thread.run.step.completed',
      'thread.run.queued',
      'thread.run.in_progress',
    ]);
    assert.equal(resumedEvents.at(-1), 'thread.run.completed');
    const [answer] = await resumed.finalMessages();
    assert.equal(answer?.content[0]?.type === 'text' && answer.content[0].text.value, 'It is 3°C in Oslo.');

    const followUp = model.requests[seen];
    assert.ok(followUp);
    assert.deepEqual(followUp.body.messages.slice(-2), [
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: call.id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        ],
      },
      { role: 'tool', tool_call_id: call.id, content: '3°C, cloudy' },
    ]);
    const steps = await client.beta.threads.runs.steps.list(run.id, { thread_id: run.thread_id, order: 'asc' });
    assert.deepEqual(
      steps.data.map((step) => [step.type, step.status]),
      [
        ['tool_calls', 'completed'],
        ['message_creation', 'completed'],
      ],
    );
    const toolStep = steps.data[0];
    assert.ok(toolStep?.step_details.type === 'tool_calls');
    assert.deepEqual(toolStep.step_details.tool_calls[0], {
      id: call.id,
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Oslo"}', output: '3°C, cloudy' },
    });
    const retrieved = await client.beta.threads.runs.steps.retrieve(toolStep.id, {
      thread_id: run.thread_id,
      run_id: run.id,
    });
    assert.deepEqual(retrieved, toolStep);
  });

  test('cancel stops a run in progress; the partial message is kept', async () => {
    model.script({ text: 'x'.repeat(400), chunkSize: 2, chunkDelayMs: 20 });
    const run = await client.beta.threads.createAndRun({
      assistant_id: assistantId,
      thread: { messages: [{ role: 'user', content: 'long answer please' }] },
    });
    assert.equal(run.status, 'queued');
    // Wait until the run has started writing its answer.
    while ((await client.beta.threads.messages.list(run.thread_id, { run_id: run.id })).data.length === 0)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const cancelling = await client.beta.threads.runs.cancel(run.id, { thread_id: run.thread_id });
    assert.equal(cancelling.status, 'cancelling');
    const ended = await client.beta.threads.runs.poll(run.id, { thread_id: run.thread_id }, { pollIntervalMs: 50 });
    assert.equal(ended.status, 'cancelled');
    assert.ok(ended.cancelled_at !== null);
    const [partial] = (await client.beta.threads.messages.list(run.thread_id, { run_id: run.id })).data;
    // OpenAI's REST messages carry no status (only streamed ones do): what is left is the partial text.
    assert.ok(partial);
    assert.equal(Object.hasOwn(partial, 'status'), false);
    const text = partial.content[0]?.type === 'text' ? partial.content[0].text.value : '';
    assert.ok(text.length > 0 && text.length < 400, `a partial answer: ${text.length} characters`);
    const steps = await client.beta.threads.runs.steps.list(run.id, { thread_id: run.thread_id });
    assert.deepEqual(
      steps.data.map((step) => step.status),
      ['cancelled'],
    );
    await assert.rejects(
      client.beta.threads.runs.cancel(run.id, { thread_id: run.thread_id }),
      (error: unknown) =>
        error instanceof OpenAI.BadRequestError && error.message === "400 Cannot cancel run with status 'cancelled'.",
    );
  });

  test('a thread with an active run refuses new messages and runs with OpenAI texts', async () => {
    model.script({ toolCalls: [{ name: 'get_weather', arguments: '{}' }] });
    const run = await client.beta.threads.createAndRunPoll(
      { assistant_id: assistantId, thread: { messages: [{ role: 'user', content: 'weather?' }] } },
      { pollIntervalMs: 50 },
    );
    assert.equal(run.status, 'requires_action');
    await assert.rejects(
      client.beta.threads.messages.create(run.thread_id, { role: 'user', content: 'more' }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.BadRequestError);
        assert.equal(error.message, `400 Can't add messages to ${run.thread_id} while a run ${run.id} is active.`);
        return true;
      },
    );
    await assert.rejects(
      client.beta.threads.runs.create(run.thread_id, { assistant_id: assistantId }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.BadRequestError);
        assert.equal(error.message, `400 Thread ${run.thread_id} already has an active run ${run.id}.`);
        return true;
      },
    );
    const cancelled = await client.beta.threads.runs.cancel(run.id, { thread_id: run.thread_id });
    assert.equal(cancelled.status, 'cancelling');
    const ended = await client.beta.threads.runs.poll(run.id, { thread_id: run.thread_id }, { pollIntervalMs: 50 });
    assert.equal(ended.status, 'cancelled');
    const message = await client.beta.threads.messages.create(run.thread_id, { role: 'user', content: 'now it works' });
    assert.equal(message.role, 'user');
  });

  test('runs.create on an existing thread with overrides; list runs', async () => {
    const thread = await client.beta.threads.create({ messages: [{ role: 'user', content: 'one' }] });
    model.script({ text: 'first' }, { text: 'second' });
    const first = await client.beta.threads.runs.createAndPoll(
      thread.id,
      {
        assistant_id: assistantId,
        instructions: 'Override.',
        additional_instructions: 'Also this.',
        model: 'other-model',
        metadata: { n: '1' },
      },
      { pollIntervalMs: 50 },
    );
    assert.equal(first.status, 'completed');
    assert.equal(first.instructions, 'Override.');
    assert.equal(first.model, 'other-model');
    const request = model.requests.at(-1);
    assert.equal(request?.body.model, 'other-model');
    assert.deepEqual(request?.body.messages[0], { role: 'system', content: 'Override.\n\nAlso this.' });
    const second = await client.beta.threads.runs.createAndPoll(
      thread.id,
      { assistant_id: assistantId, additional_messages: [{ role: 'user', content: 'two' }] },
      { pollIntervalMs: 50 },
    );
    assert.equal(second.status, 'completed');
    const runs = await client.beta.threads.runs.list(thread.id);
    assert.deepEqual(
      runs.data.map((run) => run.id),
      [second.id, first.id],
    );
    const texts = (await client.beta.threads.messages.list(thread.id, { order: 'asc' })).data.map((message) =>
      message.content[0]?.type === 'text' ? message.content[0].text.value : '',
    );
    assert.deepEqual(texts, ['one', 'first', 'two', 'second']);
    const modified = await client.beta.threads.runs.update(second.id, {
      thread_id: thread.id,
      metadata: { reviewed: 'yes' },
    });
    assert.deepEqual(modified.metadata, { reviewed: 'yes' });
  });
});
