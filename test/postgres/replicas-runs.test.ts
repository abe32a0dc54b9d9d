// Runs across two replicas on one PostgreSQL database: one active run per thread whichever replica
// gets create-run, and a replica killed mid-run leaves no run active forever.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeModel } from '../support/fake-model.js';
import { envelopeOf, postJson, raw } from '../support/http.js';
import { createTestDatabase } from '../support/postgres.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';

let model: FakeModel;
let databaseUrl: string;
let replicaA: SpoolProcess;
let replicaB: SpoolProcess;
let assistantId: string;

const activeStatuses = ['queued', 'in_progress', 'requires_action', 'cancelling'];

before(async () => {
  model = await new FakeModel().start();
  databaseUrl = await createTestDatabase();
  const env = { SPOOL_MODEL_BASE_URL: model.url };
  [replicaA, replicaB] = await Promise.all([startSpool({ databaseUrl, env }), startSpool({ databaseUrl, env })]);
  assistantId = ((await postJson(`${replicaA.baseURL}/assistants`, { model: 'gpt-4o' })).json as { id: string }).id;
});
after(async () => {
  await Promise.all([replicaA?.stop(), replicaB?.stop()]);
  await model?.stop();
});

async function runStatus(replica: SpoolProcess, threadId: string, runId: string): Promise<string> {
  const response = await raw(`${replica.baseURL}/threads/${threadId}/runs/${runId}`);
  assert.equal(response.status, 200, response.text);
  return (response.json as { status: string }).status;
}

describe('runs on two replicas', () => {
  test('create-run on one thread through both replicas at once: one run, one 400', async () => {
    model.setDefault({ text: 'slow', delayMs: 400 });
    for (let round = 0; round < 5; round++) {
      const thread = (await postJson(`${replicaA.baseURL}/threads`, {})).json as { id: string };
      const replies = await Promise.all(
        [replicaA, replicaB].map((replica) =>
          postJson(`${replica.baseURL}/threads/${thread.id}/runs`, { assistant_id: assistantId }),
        ),
      );
      assert.deepEqual(
        replies.map((reply) => reply.status).sort(),
        [200, 400],
        `round ${round}: ${replies.map((reply) => reply.text).join(' / ')}`,
      );
      const winner = replies.find((reply) => reply.status === 200)?.json as { id: string };
      const loser = replies.find((reply) => reply.status === 400);
      assert.ok(loser);
      assert.equal(envelopeOf(loser).message, `Thread ${thread.id} already has an active run ${winner.id}.`);
      const listed = (await raw(`${replicaB.baseURL}/threads/${thread.id}/runs`)).json as {
        data: Array<{ id: string }>;
      };
      assert.deepEqual(
        listed.data.map((run) => run.id),
        [winner.id],
      );
    }
    model.setDefault({ text: 'Hello from the fake model.' });
  });

  test('a replica killed mid-run: another one ends the run as failed once its lease lapses', async () => {
    model.setDefault({ text: 'slow '.repeat(400), chunkSize: 5, chunkDelayMs: 50 });
    const doomed = await startSpool({ databaseUrl, env: { SPOOL_MODEL_BASE_URL: model.url } });
    const run = (
      await postJson(`${doomed.baseURL}/threads/runs`, {
        assistant_id: assistantId,
        thread: { messages: [{ role: 'user', content: 'talk' }] },
      })
    ).json as { id: string; thread_id: string };
    while ((await runStatus(replicaB, run.thread_id, run.id)) !== 'in_progress')
      await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await doomed.stop('SIGKILL'), 'SIGKILL');

    const started = Date.now();
    let status = 'in_progress';
    while (activeStatuses.includes(status) && Date.now() - started < 90_000) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      status = await runStatus(replicaA, run.thread_id, run.id);
    }
    model.setDefault({ text: 'Hello from the fake model.' });
    assert.ok(!activeStatuses.includes(status), `the run is still ${status} 90 s after its replica died`);
    assert.equal(status, 'failed');
    const reply = await postJson(`${replicaB.baseURL}/threads/${run.thread_id}/messages`, {
      role: 'user',
      content: 'free again',
    });
    assert.equal(reply.status, 200, 'the thread is no longer held by the dead run');
  });
});
