// The Python SDK (openai==3.22.1) parses every object Spool sends, REST and SSE, nested ones too:
// no key the SDK declares is missing and no key is unknown, except where OpenAI's own recorded
// answers (openai-dotnet SessionRecords) differ from the SDK's declarations, listed here one by one.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
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
  await spool?.stop();
  await model?.stop();
});

test('strict parsing: only the gaps between the recordings and the SDK, nothing else', async () => {
  model.script({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }] }, { text: 'Cold.' });
  // Asynchronously: the fake model server answers from this very process.
  const result = await promisify(execFile)(
    python,
    [join(repoRoot, 'test/support/python/strict_shapes.py'), spool.baseURL],
    { encoding: 'utf8', timeout: 60_000 },
  );
  const out = JSON.parse(result.stdout) as { status: string; deviations: Record<string, string[]> };
  assert.equal(out.status, 'completed');
  // Keys OpenAI left out where it had nothing to say (the recordings show `tool_resources: {}` and
  // file_search without max_num_results): optional in the SDK too.
  const optionalAbsent = ['tool_resources.code_interpreter missing', 'tool_resources.file_search missing'];
  const fileSearchTool = [
    'tools.file_search.max_num_results missing',
    'tools.file_search.ranking_options.hybrid_search unknown',
  ];
  // What OpenAI's recordings carry that openai==3.22.1 does not declare, and the reverse.
  const usageDetails = ['usage.completion_tokens_details unknown', 'usage.prompt_token_details unknown'];
  const runGaps = ['reasoning_effort unknown', 'tool_resources unknown', ...fileSearchTool];
  const stepGaps = ['expired_at missing', 'expires_at unknown', 'metadata missing'];
  const of = (model: string, keys: string[]) => keys.map((key) => `${model}.${key}`).sort();
  assert.deepEqual(out.deviations, {
    assistant: of('Assistant', ['reasoning_effort unknown', ...optionalAbsent, ...fileSearchTool]),
    'message (REST)': of('Message', [
      'completed_at missing',
      'incomplete_at missing',
      'incomplete_details missing',
      'status missing',
    ]),
    'run (REST)': of('Run', [...runGaps, ...usageDetails]),
    'run (SSE)': of('Run', runGaps),
    'step (REST)': of('RunStep', [...stepGaps, ...usageDetails]),
    'step (SSE)': of('RunStep', stepGaps),
    thread: of('Thread', optionalAbsent),
  });
});
