// Duplicate submit_tool_outputs through two replicas on one PostgreSQL database: exactly one
// continues the run, whichever replica each submit reaches.
import { after, before, test } from 'node:test';
import { FakeModel } from '../support/fake-model.js';
import { postJson } from '../support/http.js';
import { createTestDatabase } from '../support/postgres.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';
import { submitRace } from '../support/submit-race.js';

let model: FakeModel;
let replicaA: SpoolProcess;
let replicaB: SpoolProcess;
let assistantId: string;

before(async () => {
  model = await new FakeModel().start();
  const databaseUrl = await createTestDatabase();
  const env = { SPOOL_MODEL_BASE_URL: model.url };
  [replicaA, replicaB] = await Promise.all([startSpool({ databaseUrl, env }), startSpool({ databaseUrl, env })]);
  const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
  assistantId = ((await postJson(`${replicaA.baseURL}/assistants`, { model: 'gpt-4o', tools })).json as { id: string })
    .id;
});
after(async () => {
  await Promise.all([replicaA?.stop(), replicaB?.stop()]);
  await model?.stop();
});

test('four submits of one run at once through two replicas: one 200, three 400s, one model call, one answer', async () => {
  for (let round = 0; round < 8; round++) await submitRace(model, [replicaA.baseURL, replicaB.baseURL], assistantId, 4);
});
