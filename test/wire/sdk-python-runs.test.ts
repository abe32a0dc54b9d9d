// The Python SDK (openai==3.22.1) runs an assistant through Spool: create_and_run_poll and
// create_and_run_stream against the fake model server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FakeModel } from '../support/fake-model.js';
import { python, requirePythonSdk } from '../support/python.js';
import { repoRoot, type SpoolProcess, startSpool } from '../support/spool.js';

let model: FakeModel;
let spool: SpoolProcess;

before(async () => {
  requirePythonSdk();
  model = await new FakeModel().start();
  spool = await startSpool({ env: { SPOOL_MODEL_BASE_URL: model.url } });
});
after(async () => {
  await spool.stop();
  await model.stop();
});

test('create_and_run_poll completes with the model answer; create_and_run_stream yields the events', async () => {
  model.script({ text: 'Rome' }, { text: 'Madrid', chunkSize: 2 });
  // Asynchronously: the fake model server answers from this very process.
  const result = await promisify(execFile)(
    python,
    [join(repoRoot, 'test/support/python/runs_round_trip.py'), spool.baseURL],
    { encoding: 'utf8', timeout: 60_000 },
  );
  const out = JSON.parse(result.stdout) as {
    run: { status: string; usage: unknown; thread_id: string; id: string };
    answer: Array<{ role: string; content: unknown; run_id: string }>;
    steps: Array<{ type: string; status: string }>;
    create_and_run_body: Record<string, unknown>;
    events: string[];
    streamed_text: string;
  };
  assert.equal(out.run.status, 'completed');
  assert.deepEqual(
    out.answer.map((message) => [message.role, message.content, message.run_id]),
    [['assistant', [{ type: 'text', text: { value: 'Rome', annotations: [] } }], out.run.id]],
  );
  assert.deepEqual(
    out.steps.map((step) => [step.type, step.status]),
    [['message_creation', 'completed']],
  );
  assert.equal(out.create_and_run_body.stream, false, 'create_and_run_poll sends "stream": false, which Spool accepts');
  assert.equal(out.events[0], 'thread.created');
  assert.equal(out.events.at(-1), 'thread.run.completed');
  assert.ok(out.events.includes('thread.message.delta'));
  assert.equal(out.streamed_text, 'Madrid');
  assert.deepEqual(model.requests[0]?.body.messages, [
    { role: 'system', content: 'Answer in one word.' },
    { role: 'user', content: 'Capital of Italy?' },
  ]);
});
