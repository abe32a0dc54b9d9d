// Submitting tool outputs for one run several times at once, through one or more Spool processes:
// exactly one submit may continue the run (one model call, one answer); the others get OpenAI's 400.
import assert from 'node:assert/strict';
import type { FakeModel } from './fake-model.js';
import { envelopeOf, postJson, type RawResponse, raw } from './http.js';

const terminal = ['completed', 'failed', 'cancelled', 'expired', 'incomplete'];

interface WireRun {
  id: string;
  thread_id: string;
  status: string;
  required_action: { submit_tool_outputs: { tool_calls: Array<{ id: string }> } } | null;
}

async function waitFor(
  baseURL: string,
  threadId: string,
  runId: string,
  done: (status: string) => boolean,
): Promise<WireRun> {
  const started = Date.now();
  for (;;) {
    const run = (await raw(`${baseURL}/threads/${threadId}/runs/${runId}`)).json as WireRun;
    if (done(run.status)) return run;
    assert.ok(Date.now() - started < 20_000, `run ${runId} still ${run.status} after 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** One round: a run waiting for one tool output gets `submitters` submits at once, half streamed, spread over `baseURLs`. */
export async function submitRace(
  model: FakeModel,
  baseURLs: readonly string[],
  assistantId: string,
  submitters: number,
): Promise<void> {
  const [first] = baseURLs;
  assert.ok(first);
  model.script({ toolCalls: [{ name: 'lookup', arguments: '{}' }] });
  const created = (
    await postJson(`${first}/threads/runs`, {
      assistant_id: assistantId,
      thread: { messages: [{ role: 'user', content: 'look it up' }] },
    })
  ).json as WireRun;
  const waiting = await waitFor(
    first,
    created.thread_id,
    created.id,
    (status) => status !== 'queued' && status !== 'in_progress',
  );
  assert.equal(waiting.status, 'requires_action');
  const callId = waiting.required_action?.submit_tool_outputs.tool_calls[0]?.id;
  assert.ok(callId);

  const callsBefore = model.requests.length;
  model.setDefault({ text: 'the answer', delayMs: 100 });
  const replies: RawResponse[] = await Promise.all(
    Array.from({ length: submitters }, (_, index) =>
      postJson(
        `${baseURLs[index % baseURLs.length]}/threads/${waiting.thread_id}/runs/${waiting.id}/submit_tool_outputs`,
        { tool_outputs: [{ tool_call_id: callId, output: `output ${index}` }], stream: index % 2 === 1 },
      ),
    ),
  );
  const ended = await waitFor(first, waiting.thread_id, waiting.id, (status) => terminal.includes(status));
  model.setDefault({ text: 'Hello from the fake model.' });

  const statuses = replies.map((reply) => reply.status);
  assert.equal(
    statuses.filter((status) => status === 200).length,
    1,
    `exactly one submit wins: ${statuses.join(', ')}`,
  );
  for (const loser of replies.filter((reply) => reply.status !== 200)) {
    assert.equal(loser.status, 400, loser.text);
    assert.match(
      envelopeOf(loser).message,
      /^Runs in status "(queued|in_progress|completed)" do not accept tool outputs\.$/,
    );
  }
  assert.equal(ended.status, 'completed');
  assert.equal(model.requests.length - callsBefore, 1, 'one model call continues the run');
  const messages = (await raw(`${first}/threads/${waiting.thread_id}/messages?run_id=${waiting.id}`)).json as {
    data: Array<{ role: string }>;
  };
  assert.equal(messages.data.filter((message) => message.role === 'assistant').length, 1, 'one assistant message');
  const steps = (await raw(`${first}/threads/${waiting.thread_id}/runs/${waiting.id}/steps`)).json as {
    data: Array<{ type: string; status: string }>;
  };
  assert.deepEqual(steps.data.map((step) => `${step.type}:${step.status}`).sort(), [
    'message_creation:completed',
    'tool_calls:completed',
  ]);
}
