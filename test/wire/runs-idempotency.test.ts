// Idempotency-Key on the three run-starting POSTs when they stream: a retry with the key replays
// the run (as it is now, as a short stream) instead of starting a second one.
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
    (await postJson(`${v1}/assistants`, { model: 'gpt-4o', tools: [{ type: 'function', function: { name: 'f' } }] }))
      .json as { id: string }
  ).id;
});
after(async () => {
  await spool.stop();
  await model.stop();
});

function eventsOf(text: string): Array<{ event: string; data: string }> {
  return text
    .split('\n\n')
    .filter((frame) => frame !== '')
    .map((frame) => ({ event: /^event: (.*)$/m.exec(frame)?.[1] ?? '', data: /^data: (.*)$/m.exec(frame)?.[1] ?? '' }));
}

function lastRun(text: string): { id: string; thread_id: string; status: string } {
  const runs = eventsOf(text).filter(
    (frame) => frame.event.startsWith('thread.run.') && !frame.event.startsWith('thread.run.step.'),
  );
  return JSON.parse(runs.at(-1)?.data ?? '{}') as { id: string; thread_id: string; status: string };
}

async function runsOf(threadId: string): Promise<Array<{ id: string }>> {
  return ((await raw(`${v1}/threads/${threadId}/runs`)).json as { data: Array<{ id: string }> }).data;
}

describe('a streamed run-starting POST retried with its Idempotency-Key', () => {
  test('POST /threads/{id}/runs: the retry replays the run as a stream and starts no second run', async () => {
    model.script({ text: 'Once.' });
    const thread = (await postJson(`${v1}/threads`, {})).json as { id: string };
    const body = { assistant_id: assistantId, stream: true };
    const first = await postJson(`${v1}/threads/${thread.id}/runs`, body, { 'idempotency-key': `run-${thread.id}` });
    assert.equal(first.status, 200);
    const run = lastRun(first.text);
    assert.equal(run.status, 'completed');
    const retry = await postJson(`${v1}/threads/${thread.id}/runs`, body, { 'idempotency-key': `run-${thread.id}` });
    assert.equal(retry.status, 200, retry.text);
    assert.match(retry.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal(first.headers.get('idempotent-replayed'), null);
    assert.deepEqual(
      eventsOf(retry.text).map((frame) => frame.event),
      ['thread.run.completed', 'done'],
    );
    assert.equal(lastRun(retry.text).id, run.id);
    assert.deepEqual(
      (await runsOf(thread.id)).map((listed) => listed.id),
      [run.id],
    );
  });

  test('POST /threads/runs: the retry replays the same run on the same thread', async () => {
    model.script({ text: 'Once.' });
    const key = `thread-and-run-${Date.now()}`;
    const body = { assistant_id: assistantId, stream: true, thread: { metadata: { key } } };
    const first = await postJson(`${v1}/threads/runs`, body, { 'idempotency-key': key });
    const run = lastRun(first.text);
    assert.equal(run.status, 'completed');
    const retry = await postJson(`${v1}/threads/runs`, body, { 'idempotency-key': key });
    assert.equal(retry.status, 200, retry.text);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(
      eventsOf(retry.text).map((frame) => frame.event),
      ['thread.run.completed', 'done'],
    );
    assert.equal(lastRun(retry.text).id, run.id);
    const threads = (await raw(`${v1}/threads?metadata[key]=${key}`)).json as { data: unknown[] };
    assert.equal(threads.data.length, 1, 'one thread, not two');
  });

  test('submit_tool_outputs: the retry replays the resumed run instead of a 400, and the run resumes once', async () => {
    model.script({ toolCalls: [{ name: 'f', arguments: '{}' }] });
    const started = (await postJson(`${v1}/threads/runs`, { assistant_id: assistantId })).json as {
      id: string;
      thread_id: string;
    };
    let run = (await raw(`${v1}/threads/${started.thread_id}/runs/${started.id}`)).json as {
      status: string;
      required_action: { submit_tool_outputs: { tool_calls: Array<{ id: string }> } };
    };
    while (run.status !== 'requires_action')
      run = (await raw(`${v1}/threads/${started.thread_id}/runs/${started.id}`)).json as typeof run;
    const callId = run.required_action.submit_tool_outputs.tool_calls[0]?.id ?? '';
    model.script({ text: 'Done.' });
    const url = `${v1}/threads/${started.thread_id}/runs/${started.id}/submit_tool_outputs`;
    const body = { tool_outputs: [{ tool_call_id: callId, output: '42' }], stream: true };
    const first = await postJson(url, body, { 'idempotency-key': `submit-${started.id}` });
    assert.equal(lastRun(first.text).status, 'completed');
    const requestsAfterFirst = model.requests.length;
    const retry = await postJson(url, body, { 'idempotency-key': `submit-${started.id}` });
    assert.equal(retry.status, 200, retry.text);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(
      eventsOf(retry.text).map((frame) => frame.event),
      ['thread.run.completed', 'done'],
    );
    assert.equal(model.requests.length, requestsAfterFirst, 'the model was not called again');
    // Without the key, a second submit is refused as before.
    const again = await postJson(url, body);
    assert.equal(again.status, 400);
    assert.equal(envelopeOf(again).message, 'Runs in status "completed" do not accept tool outputs.');
  });

  test('the key used first without stream: the streamed retry is a different request and is refused', async () => {
    model.script({ text: 'Once.' });
    const thread = (await postJson(`${v1}/threads`, {})).json as { id: string };
    const key = `mixed-${thread.id}`;
    assert.equal(
      (await postJson(`${v1}/threads/${thread.id}/runs`, { assistant_id: assistantId }, { 'idempotency-key': key }))
        .status,
      200,
    );
    const streamed = await postJson(
      `${v1}/threads/${thread.id}/runs`,
      { assistant_id: assistantId, stream: true },
      { 'idempotency-key': key },
    );
    assert.equal(streamed.status, 400);
    assert.equal(envelopeOf(streamed).code, 'idempotency_key_reused');
    assert.equal((await runsOf(thread.id)).length, 1);
  });
});
