// `spool threads create-and-run` and `spool runs ...` as subprocesses against Spool and a fake model
// server: the answer streamed to stdout as it is written, every event as JSON lines, --wait, tool
// calls answered with submit-tool-outputs, steps, cancel, and the exit codes of runs that end badly.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jsonOf, runCli, startCli } from '../support/cli.js';
import { FakeModel } from '../support/fake-model.js';
import { postJson, raw } from '../support/http.js';
import { type RecordingProxy, startRecordingProxy } from '../support/recording-proxy.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';

interface Run {
  id: string;
  object: string;
  thread_id: string;
  assistant_id: string;
  status: string;
  model: string;
  instructions: string | null;
  metadata: Record<string, string>;
  last_error: { code: string; message: string } | null;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
  required_action: {
    submit_tool_outputs: { tool_calls: Array<{ id: string; function: { name: string; arguments: string } }> };
  } | null;
}

interface Step {
  id: string;
  object: string;
  type: string;
  status: string;
  step_details: {
    type: string;
    message_creation?: { message_id: string };
    tool_calls?: Array<{ id: string; function: { name: string; arguments: string; output: string | null } }>;
  };
}

interface List<T> {
  data: T[];
}

let model: FakeModel;
let spool: SpoolProcess;
let env: Record<string, string>;
let assistantId: string;

async function api<T>(path: string, body?: unknown): Promise<T> {
  const reply =
    body === undefined ? await raw(`${spool.baseURL}${path}`) : await postJson(`${spool.baseURL}${path}`, body);
  assert.equal(reply.status, 200, reply.text);
  return reply.json as T;
}

/** The newest thread's newest run: what a `create-and-run` in text mode has just started. */
async function newestRun(): Promise<Run> {
  const [thread] = (await api<List<{ id: string }>>('/threads?limit=1')).data;
  assert.ok(thread);
  const [run] = (await api<List<Run>>(`/threads/${thread.id}/runs?limit=1`)).data;
  assert.ok(run);
  return run;
}

/** Waits for a run to stop moving (so that it no longer takes the fake model's scripted replies). */
async function settled(threadId: string, runId: string): Promise<Run> {
  for (let tries = 0; tries < 200; tries++) {
    const run = await api<Run>(`/threads/${threadId}/runs/${runId}`);
    if (!['queued', 'in_progress', 'cancelling'].includes(run.status)) return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`run ${runId} did not settle`);
}

async function assistantText(threadId: string): Promise<string[]> {
  const messages = await api<List<{ role: string; content: Array<{ text: { value: string } }> }>>(
    `/threads/${threadId}/messages?order=asc`,
  );
  return messages.data
    .filter((message) => message.role === 'assistant')
    .map((message) => message.content.map((part) => part.text.value).join(''));
}

before(async () => {
  model = await new FakeModel().start();
  spool = await startSpool({ env: { SPOOL_MODEL_BASE_URL: model.url } });
  env = { SPOOL_BASE_URL: spool.baseURL };
  const assistant = await api<{ id: string }>('/assistants', {
    model: 'gpt-4o',
    instructions: 'You are terse.',
    tools: [
      {
        type: 'function',
        function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    ],
  });
  assistantId = assistant.id;
});
after(async () => {
  await spool.stop();
  await model.stop();
});

const answer = 'The quick brown fox jumps over the lazy dog.';

describe('spool threads create-and-run --stream', () => {
  test('prints the answer as the model writes it: the first words arrive while the run is still in progress', async () => {
    model.script({ text: answer, chunkSize: 4, chunkDelayMs: 200 });
    const running = startCli(
      [
        'threads',
        'create-and-run',
        '--assistant-id',
        assistantId,
        '--message',
        '{role: user, content: Say the pangram}',
        '--stream',
      ],
      { env },
    );
    const first = await running.firstOutput;
    const runThen = await newestRun();
    assert.equal(running.exited(), false, 'the command is still running');
    assert.equal(runThen.status, 'in_progress', 'the run has not finished when its first words are printed');
    assert.ok(
      first.length < answer.length && answer.startsWith(first),
      `the first output is a piece of the answer, got ${JSON.stringify(first)}`,
    );

    const result = await running.done;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, `${answer}\n`);
    assert.equal((await api<Run>(`/threads/${runThen.thread_id}/runs/${runThen.id}`)).status, 'completed');
    assert.deepEqual(await assistantText(runThen.thread_id), [answer]);
    assert.deepEqual(model.requests.at(-1)?.body.messages, [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Say the pangram' },
    ]);
  });

  test('--format jsonl prints every server-sent event as one {event, data} line, in the reference order', async () => {
    model.script({ text: 'Hello there, friend.', chunkSize: 6 });
    const result = await runCli(
      [
        'threads',
        'create-and-run',
        '--assistant-id',
        assistantId,
        '--message.role',
        'user',
        '--message.content',
        'Hi',
        '--stream',
        '--format',
        'jsonl',
      ],
      { env },
    );
    assert.equal(result.code, 0, result.stderr);
    const events = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; data: unknown });
    assert.ok(events.every((event) => Object.keys(event).join() === 'event,data'));
    const names = events.map((event) => event.event);
    const deltas = names.filter((name) => name === 'thread.message.delta').length;
    assert.ok(deltas >= 2, `several deltas, got ${deltas}`);
    assert.deepEqual(names, [
      'thread.created',
      'thread.run.created',
      'thread.run.queued',
      'thread.run.in_progress',
      'thread.run.step.created',
      'thread.run.step.in_progress',
      'thread.message.created',
      'thread.message.in_progress',
      ...Array<string>(deltas).fill('thread.message.delta'),
      'thread.message.completed',
      'thread.run.step.completed',
      'thread.run.completed',
      'done',
    ]);
    assert.deepEqual(events.at(-1)?.data, '[DONE]');
    const text = events
      .filter((event) => event.event === 'thread.message.delta')
      .map(
        (event) =>
          (event.data as { delta: { content: Array<{ text: { value: string } }> } }).delta.content[0]?.text.value,
      )
      .join('');
    assert.equal(text, 'Hello there, friend.');
    const thread = events[0]?.data as { id: string };
    assert.deepEqual(await assistantText(thread.id), ['Hello there, friend.']);
  });

  test('a run that fails: its last_error on stderr and exit 4', async () => {
    model.script({ status: 400 });
    const result = await runCli(
      [
        'threads',
        'create-and-run',
        '--assistant-id',
        assistantId,
        '--message',
        '{role: user, content: Hi}',
        '--stream',
      ],
      { env },
    );
    assert.equal(result.code, 4);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /^spool: run run_[A-Za-z0-9]{24} failed with server_error: The server had an error while processing your request\. Sorry about that!\n$/,
    );
  });

  test('a run cancelled while it streams: the words so far, then exit 4 saying it was cancelled', async () => {
    model.script({ text: answer, chunkSize: 4, chunkDelayMs: 300 });
    const running = startCli(
      [
        'threads',
        'create-and-run',
        '--assistant-id',
        assistantId,
        '--message',
        '{role: user, content: Go}',
        '--stream',
      ],
      { env },
    );
    await running.firstOutput;
    const run = await newestRun();
    assert.equal((await api<Run>(`/threads/${run.thread_id}/runs/${run.id}/cancel`, {})).status, 'cancelling');
    const result = await running.done;
    assert.equal(result.code, 4);
    assert.equal(result.stderr, `spool: run ${run.id} was cancelled\n`);
    assert.ok(
      answer.startsWith(result.stdout.trimEnd()) && result.stdout.length < answer.length,
      `part of the answer, got ${JSON.stringify(result.stdout)}`,
    );
    assert.ok(result.stdout.endsWith('\n'), 'the line is ended');
  });

  test('a tool call: nothing on stdout, the calls and how to answer them on stderr, exit 0', async () => {
    model.script({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] });
    const result = await runCli(
      [
        'threads',
        'create-and-run',
        '--assistant-id',
        assistantId,
        '--message',
        '{role: user, content: Weather in Paris?}',
        '--stream',
      ],
      { env },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    const run = await newestRun();
    assert.equal(run.status, 'requires_action');
    const callId = run.required_action?.submit_tool_outputs.tool_calls[0]?.id;
    assert.match(callId ?? '', /^call_\w+$/);
    assert.equal(
      result.stderr,
      `spool: run ${run.id} is waiting for the output of a tool call:\n  ${callId}: get_weather({"city":"Paris"})\n` +
        `send them with: spool runs submit-tool-outputs --thread-id ${run.thread_id} --run-id ${run.id} --tool-output '{tool_call_id: ${callId}, output: ...}'\n`,
    );
    await api(`/threads/${run.thread_id}/runs/${run.id}/cancel`, {});
  });
});

describe('spool threads create-and-run without --stream', () => {
  test('prints the run as created (queued); with --wait, polls until it completes and prints that', async () => {
    model.script({ text: 'First.' }, { text: 'Second.', usage: { prompt_tokens: 12, completion_tokens: 3 } });
    const queued = await runCli(
      ['threads', 'create-and-run', '--assistant-id', assistantId, '--message', '{role: user, content: One}'],
      { env },
    );
    assert.equal(queued.code, 0, queued.stderr);
    const run = jsonOf<Run>(queued);
    assert.equal(run.object, 'thread.run');
    assert.equal(run.status, 'queued');
    assert.equal((await settled(run.thread_id, run.id)).status, 'completed');

    const started = Date.now();
    const waited = await runCli(
      ['threads', 'create-and-run', '--assistant-id', assistantId, '--message', '{role: user, content: Two}', '--wait'],
      { env },
    );
    assert.equal(waited.code, 0, waited.stderr);
    assert.equal(waited.stderr, '');
    const done = jsonOf<Run>(waited);
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.usage, {
      prompt_tokens: 12,
      completion_tokens: 3,
      total_tokens: 15,
      prompt_token_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    assert.deepEqual(await assistantText(done.thread_id), ['Second.']);
    assert.ok(Date.now() - started < 5000, "it followed the server's poll hint, not a 5 s default");
  });

  test('--wait on a run that fails prints the failed run and exits 4 with its last_error', async () => {
    model.script({ status: 400 });
    const result = await runCli(['threads', 'create-and-run', '--assistant-id', assistantId, '--wait'], { env });
    assert.equal(result.code, 4);
    const run = jsonOf<Run>(result);
    assert.equal(run.status, 'failed');
    assert.equal(result.stderr, `spool: run ${run.id} failed with server_error: ${run.last_error?.message}\n`);
  });

  test('a run that stops at max_completion_tokens is incomplete: exit 0, the reason on stderr', async () => {
    model.script({ text: 'Cut sho', finishReason: 'length' });
    const result = await runCli(
      [
        'threads',
        'create-and-run',
        '--assistant-id',
        assistantId,
        '--message',
        '{role: user, content: Long}',
        '--max-completion-tokens',
        '256',
        '--stream',
      ],
      { env },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'Cut sho\n');
    assert.match(result.stderr, /^spool: run run_\w+ is incomplete: max_completion_tokens\n$/);
  });

  test('a server that dies mid-stream: the words so far, then exit 3 saying the connection was lost', async () => {
    const doomed = await startSpool({ env: { SPOOL_MODEL_BASE_URL: model.url } });
    try {
      const assistant = (await postJson(`${doomed.baseURL}/assistants`, { model: 'gpt-4o' })).json as { id: string };
      model.script({ text: answer, chunkSize: 4, chunkDelayMs: 300 });
      const running = startCli(
        [
          'threads',
          'create-and-run',
          '--assistant-id',
          assistant.id,
          '--message',
          '{role: user, content: Go}',
          '--stream',
        ],
        { env: { SPOOL_BASE_URL: doomed.baseURL } },
      );
      const first = await running.firstOutput;
      await doomed.stop('SIGKILL');
      const result = await running.done;
      assert.equal(result.code, 3);
      assert.ok(
        result.stdout.startsWith(first) && answer.startsWith(result.stdout.trimEnd()),
        `part of the answer, got ${JSON.stringify(result.stdout)}`,
      );
      assert.ok(result.stdout.endsWith('\n'), 'the line is ended before the error');
      assert.match(
        result.stderr,
        new RegExp(`^spool: lost the connection to ${doomed.baseURL.replaceAll('.', '\\.')}/threads/runs: .+\n$`),
      );
    } finally {
      await doomed.stop();
    }
  });

  test("errors before the run starts: the server's message and exit 1; --stream with --wait is a usage error", async () => {
    const noAssistant = await runCli(['threads', 'create-and-run', '--stream'], { env });
    assert.equal(noAssistant.code, 1);
    assert.equal(noAssistant.stderr, "spool: HTTP 400: Missing required parameter: 'assistant_id'.\n");
    const unknown = await runCli(['threads', 'create-and-run', '--assistant-id', 'asst_missing', '--stream'], { env });
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, "spool: HTTP 404: No assistant found with id 'asst_missing'.\n");
    const tooFew = await runCli(
      ['threads', 'create-and-run', '--assistant-id', assistantId, '--max-completion-tokens', '100', '--wait'],
      { env },
    );
    assert.equal(tooFew.code, 1);
    assert.equal(
      tooFew.stderr,
      "spool: HTTP 400: Invalid 'max_completion_tokens': integer below minimum value. Expected a value >= 256, but got 100 instead.\n",
    );
    const both = await runCli(['threads', 'create-and-run', '--assistant-id', assistantId, '--stream', '--wait'], {
      env,
    });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /option '--wait' cannot be used with option '--stream'/);
    const nowhere = await runCli(['threads', 'create-and-run', '--assistant-id', assistantId, '--stream'], {
      env: { SPOOL_BASE_URL: 'http://127.0.0.1:9/v1' },
    });
    assert.equal(nowhere.code, 3);
    assert.match(nowhere.stderr, /^spool: could not reach http:\/\/127\.0\.0\.1:9\/v1\/threads\/runs: /);
  });
});

describe("the flags of OpenAI's beta:threads create-and-run, as sent", () => {
  let proxy: RecordingProxy;
  before(async () => {
    proxy = await startRecordingProxy(spool.url);
  });
  after(async () => {
    await proxy.close();
  });

  test('--thread and its inner flags, --message and its inner flags, and every run override make one body', async () => {
    model.setDefault({ text: 'ok' });
    proxy.requests.length = 0;
    const result = await runCli(
      [
        'threads',
        'create-and-run',
        '--assistant-id',
        assistantId,
        '--thread',
        '{metadata: {from: thread-flag}}',
        '--thread.tool-resources',
        '{code_interpreter: {file_ids: []}}',
        '--message',
        '{role: user, content: First}',
        '--message.role',
        'assistant',
        '--message.content',
        'Second',
        '--message.metadata',
        '{n: "2"}',
        '--model',
        'gpt-4o-mini',
        '--instructions',
        'Be brief.',
        '--tool',
        '{type: code_interpreter}',
        '--temperature',
        '0.5',
        '--top-p',
        '1',
        '--max-prompt-tokens',
        '1000',
        '--max-completion-tokens',
        '300',
        '--truncation-strategy.type',
        'last_messages',
        '--truncation-strategy.last-messages',
        '5',
        '--tool-choice',
        'auto',
        '--parallel-tool-calls',
        'false',
        '--response-format',
        'auto',
        '--metadata',
        '{ticket: T-1}',
        '--tool-resources.code-interpreter',
        '{file_ids: [file-1]}',
      ],
      { env: { SPOOL_BASE_URL: proxy.baseURL } },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(proxy.requests.length, 1);
    assert.equal(proxy.requests[0]?.url, '/v1/threads/runs');
    assert.deepEqual(JSON.parse(proxy.requests[0]?.body ?? ''), {
      assistant_id: assistantId,
      thread: {
        metadata: { from: 'thread-flag' },
        tool_resources: { code_interpreter: { file_ids: [] } },
        messages: [
          { role: 'user', content: 'First' },
          { role: 'assistant', content: 'Second', metadata: { n: '2' } },
        ],
      },
      model: 'gpt-4o-mini',
      instructions: 'Be brief.',
      tools: [{ type: 'code_interpreter' }],
      temperature: 0.5,
      top_p: 1,
      max_prompt_tokens: 1000,
      max_completion_tokens: 300,
      truncation_strategy: { type: 'last_messages', last_messages: 5 },
      tool_choice: 'auto',
      parallel_tool_calls: false,
      response_format: 'auto',
      metadata: { ticket: 'T-1' },
      tool_resources: { code_interpreter: { file_ids: ['file-1'] } },
    });
    const run = jsonOf<Run>(result);
    assert.equal(run.model, 'gpt-4o-mini');
    assert.deepEqual(run.metadata, { ticket: 'T-1' });
    assert.equal((await settled(run.thread_id, run.id)).status, 'completed');
  });
});

describe('spool runs', () => {
  test('create on a thread with overrides; list, retrieve and update its runs', async () => {
    const thread = await api<{ id: string }>('/threads', { messages: [{ role: 'user', content: 'Hello' }] });
    model.script({ text: 'Hi!' });
    const created = await runCli(
      [
        'runs',
        'create',
        thread.id,
        '--assistant-id',
        assistantId,
        '--model',
        'other-model',
        '--additional-instructions',
        'Say hi.',
        '--additional-message',
        '{role: user, content: Also this}',
        '--wait',
      ],
      { env },
    );
    assert.equal(created.code, 0, created.stderr);
    const run = jsonOf<Run>(created);
    assert.equal(run.status, 'completed');
    assert.equal(run.model, 'other-model');
    const sent = model.requests.at(-1)?.body;
    assert.equal(sent?.model, 'other-model');
    assert.deepEqual(sent?.messages, [
      { role: 'system', content: 'You are terse.\n\nSay hi.' },
      { role: 'user', content: 'Hello' },
      { role: 'user', content: 'Also this' },
    ]);

    const listed = await runCli(['runs', 'list', '--thread-id', thread.id, '--format', 'jsonl'], { env });
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      listed.stdout
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as Run).id),
      [run.id],
    );
    const retrieved = await runCli(['runs', 'retrieve', thread.id, run.id], { env });
    assert.equal(retrieved.code, 0, retrieved.stderr);
    assert.deepEqual(jsonOf(retrieved), run);
    const updated = await runCli(
      ['runs', 'update', '--thread-id', thread.id, '--run-id', run.id, '--metadata', '{reviewed: "yes"}'],
      { env },
    );
    assert.equal(updated.code, 0, updated.stderr);
    assert.deepEqual(jsonOf<Run>(updated).metadata, { reviewed: 'yes' });
  });

  test("a tool call answered with submit-tool-outputs --stream; then the run's steps, listed and retrieved", async () => {
    model.script(
      { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
      { text: 'It is 3 C in Oslo.', chunkSize: 3 },
    );
    const started = await runCli(
      [
        'threads',
        'create-and-run',
        '--assistant-id',
        assistantId,
        '--message',
        '{role: user, content: Oslo?}',
        '--wait',
      ],
      { env },
    );
    assert.equal(started.code, 0, started.stderr);
    const run = jsonOf<Run>(started);
    assert.equal(run.status, 'requires_action');
    const [call] = run.required_action?.submit_tool_outputs.tool_calls ?? [];
    assert.deepEqual(call?.function, { name: 'get_weather', arguments: '{"city":"Oslo"}' });
    assert.ok(
      started.stderr.includes(
        `is waiting for the output of a tool call:\n  ${call?.id}: get_weather({"city":"Oslo"})\n`,
      ),
      started.stderr,
    );

    const submitted = await runCli(
      [
        'runs',
        'submit-tool-outputs',
        run.thread_id,
        run.id,
        '--tool-output.tool-call-id',
        call?.id ?? '',
        '--tool-output.output',
        '3 C',
        '--stream',
      ],
      { env },
    );
    assert.equal(submitted.code, 0, submitted.stderr);
    assert.equal(submitted.stdout, 'It is 3 C in Oslo.\n');
    assert.deepEqual(model.requests.at(-1)?.body.messages.at(-1), {
      role: 'tool',
      content: '3 C',
      tool_call_id: call?.id,
    });

    const steps = await runCli(
      ['runs', 'steps', 'list', '--thread-id', run.thread_id, '--run-id', run.id, '--order', 'asc'],
      { env },
    );
    assert.equal(steps.code, 0, steps.stderr);
    const [toolStep, messageStep] = jsonOf<List<Step>>(steps).data;
    assert.equal(toolStep?.type, 'tool_calls');
    assert.deepEqual(toolStep?.step_details.tool_calls?.[0]?.function, {
      name: 'get_weather',
      arguments: '{"city":"Oslo"}',
      output: '3 C',
    });
    assert.equal(messageStep?.type, 'message_creation');
    const [message] = (await api<List<{ id: string }>>(`/threads/${run.thread_id}/messages?order=desc&limit=1`)).data;
    assert.equal(messageStep?.step_details.message_creation?.message_id, message?.id);

    const one = await runCli(['runs', 'steps', 'retrieve', run.thread_id, run.id, messageStep?.id ?? ''], { env });
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual(jsonOf(one), messageStep);
  });

  test("cancel a run the model is slow on; submitting outputs to a run that waits for none is the server's 400", async () => {
    model.script({ delayMs: 5000, text: 'late' });
    const created = await runCli(
      ['threads', 'create-and-run', '--assistant-id', assistantId, '--message', '{role: user, content: Slow}'],
      { env },
    );
    const run = jsonOf<Run>(created);
    const cancelled = await runCli(['runs', 'cancel', run.thread_id, run.id], { env });
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.equal(jsonOf<Run>(cancelled).status, 'cancelling');
    assert.equal((await settled(run.thread_id, run.id)).status, 'cancelled');
    const again = await runCli(['runs', 'cancel', run.thread_id, run.id], { env });
    assert.equal(again.code, 1);
    assert.equal(again.stderr, "spool: HTTP 400: Cannot cancel run with status 'cancelled'.\n");
    const outputs = await runCli(
      ['runs', 'submit-tool-outputs', run.thread_id, run.id, '--tool-output', '{tool_call_id: call_x, output: none}'],
      { env },
    );
    assert.equal(outputs.code, 1);
    assert.equal(outputs.stderr, 'spool: HTTP 400: Runs in status "cancelled" do not accept tool outputs.\n');
    const noRun = await runCli(['runs', 'steps', 'list', run.thread_id], { env });
    assert.equal(noRun.code, 2);
    assert.equal(noRun.stderr, 'spool: missing --run-id (give it as a flag or as an argument)\n');
  });
});
