// Duplicate submit_tool_outputs on one Spool (either store): exactly one continues the run.
import { after, before, test } from 'node:test';
import { FakeModel } from '../support/fake-model.js';
import { postJson } from '../support/http.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';
import { submitRace } from '../support/submit-race.js';

let model: FakeModel;
let spool: SpoolProcess;
let assistantId: string;

before(async () => {
  model = await new FakeModel().start();
  spool = await startSpool({ env: { SPOOL_MODEL_BASE_URL: model.url } });
  const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
  assistantId = ((await postJson(`${spool.baseURL}/assistants`, { model: 'gpt-4o', tools })).json as { id: string }).id;
});
after(async () => {
  await spool?.stop();
  await model?.stop();
});

test('four submits of one run at once, streamed and not: one 200, three 400s, one model call, one answer', async () => {
  for (let round = 0; round < 8; round++) await submitRace(model, [spool.baseURL], assistantId, 4);
});
