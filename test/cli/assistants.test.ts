// `spool assistants ...` run as a subprocess against a started server: every command, the flags of
// OpenAI's `beta:assistants` CLI (only those given are sent), YAML and JSON values, @file, lists,
// and the errors a person gets, with their exit codes.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jsonOf, runCli } from '../support/cli.js';
import { raw } from '../support/http.js';
import { type RecordingProxy, startRecordingProxy } from '../support/recording-proxy.js';
import { makeTempDir, type SpoolProcess, startSpool } from '../support/spool.js';

interface Assistant {
  id: string;
  object: string;
  name: string | null;
  description: string | null;
  model: string;
  instructions: string | null;
  tools: unknown[];
  tool_resources: unknown;
  metadata: Record<string, string>;
  top_p: number;
  temperature: number;
  response_format: unknown;
}

interface List<T> {
  object: string;
  data: T[];
  has_more: boolean;
}

let spool: SpoolProcess;
let proxy: RecordingProxy;
let env: Record<string, string>;

before(async () => {
  spool = await startSpool();
  proxy = await startRecordingProxy(spool.url);
  env = { SPOOL_BASE_URL: spool.baseURL };
});
after(async () => {
  await proxy.close();
  await spool.stop();
});

const weatherTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};
// Tools come back as OpenAI stored them: function `strict` and file_search `ranking_options` filled in.
const storedWeatherTool = { type: 'function', function: { ...weatherTool.function, strict: false } };
const storedFileSearch = {
  type: 'file_search',
  file_search: { ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0, hybrid_search: null } },
};

async function created(args: string[]): Promise<Assistant> {
  const result = await runCli(['assistants', 'create', ...args], { env });
  assert.equal(result.code, 0, result.stderr);
  return jsonOf<Assistant>(result);
}

describe('spool assistants create', () => {
  test('every flag: YAML and JSON values, --tool repeated and --tools lists, inner tool-resources flags, @file instructions', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'instructions.md'), 'Answer in one sentence.\nCite nothing.');
    const assistant = await created([
      '--model',
      'gpt-4o',
      '--name',
      'Weather helper',
      '--description',
      'Knows the weather',
      '--instructions',
      `@${join(dir, 'instructions.md')}`,
      '--tool',
      '{type: function, function: {name: get_weather, parameters: {type: object, properties: {city: {type: string}}}}}',
      '--tools',
      '[{"type":"code_interpreter"}, {"type":"file_search"}]',
      '--tool-resources.code-interpreter',
      '{file_ids: [file-abc]}',
      '--metadata',
      '{team: support}',
      '--temperature',
      '0.2',
      '--top-p',
      '0.9',
      '--response-format',
      '{type: json_object}',
    ]);
    assert.match(assistant.id, /^asst_[A-Za-z0-9]{24}$/);
    assert.equal(assistant.object, 'assistant');
    assert.equal(assistant.name, 'Weather helper');
    assert.equal(assistant.description, 'Knows the weather');
    assert.equal(assistant.model, 'gpt-4o');
    assert.equal(assistant.instructions, 'Answer in one sentence.\nCite nothing.');
    assert.deepEqual(assistant.tools, [storedWeatherTool, { type: 'code_interpreter' }, storedFileSearch]);
    assert.deepEqual(assistant.tool_resources, { code_interpreter: { file_ids: ['file-abc'] } });
    assert.deepEqual(assistant.metadata, { team: 'support' });
    assert.equal(assistant.temperature, 0.2);
    assert.equal(assistant.top_p, 0.9);
    assert.deepEqual(assistant.response_format, { type: 'json_object' });
    assert.deepEqual(
      (await raw(`${spool.baseURL}/assistants/${assistant.id}`)).json,
      assistant,
      'what was printed is what the server holds',
    );
  });

  test("only the flags given are sent, as OpenAI's CLI does; a piped body is the base the flags override", async () => {
    proxy.requests.length = 0;
    const result = await runCli(['assistants', 'create', '--model', 'gpt-4o-mini'], {
      env: { SPOOL_BASE_URL: proxy.baseURL },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(proxy.requests.length, 1);
    assert.equal(proxy.requests[0]?.url, '/v1/assistants');
    assert.deepEqual(JSON.parse(proxy.requests[0]?.body ?? ''), { model: 'gpt-4o-mini' });

    const piped = await runCli(['assistants', 'create', '--name', 'From flags'], {
      env,
      stdin: 'model: gpt-4o\nname: From stdin\ntools:\n  - type: code_interpreter\n',
    });
    assert.equal(piped.code, 0, piped.stderr);
    const assistant = jsonOf<Assistant>(piped);
    assert.equal(assistant.model, 'gpt-4o');
    assert.equal(assistant.name, 'From flags');
    assert.deepEqual(assistant.tools, [{ type: 'code_interpreter' }]);
  });

  test("errors: the server's message and exit 1; a value that is not a number is a usage error, exit 2", async () => {
    const missing = await runCli(['assistants', 'create', '--name', 'No model'], { env });
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.equal(missing.stderr, "spool: HTTP 400: Missing required parameter: 'model'.\n");

    const tooHot = await runCli(['assistants', 'create', '--model', 'gpt-4o', '--temperature', '3'], { env });
    assert.equal(tooHot.code, 1);
    assert.match(
      tooHot.stderr,
      /^spool: HTTP 400: Invalid 'temperature': decimal above maximum value\. Expected a value <= 2, but got 3 instead\.\n$/,
    );

    const notANumber = await runCli(['assistants', 'create', '--model', 'gpt-4o', '--temperature', 'warm'], { env });
    assert.equal(notANumber.code, 2);
    assert.match(
      notANumber.stderr,
      /option '--temperature <number>' argument 'warm' is invalid\. Expected a number such as 0\.7, got 'warm'\./,
    );

    const badTool = await runCli(['assistants', 'create', '--model', 'gpt-4o', '--tool', '{type: browser}'], { env });
    assert.equal(badTool.code, 1);
    assert.match(
      badTool.stderr,
      /^spool: HTTP 400: Invalid value: 'browser'\. Supported values are: 'code_interpreter', 'file_search', and 'function'\.\n$/,
    );
  });
});

describe('spool assistants retrieve, update, list, delete', () => {
  test('retrieve by flag or argument; update replaces only the fields given', async () => {
    const assistant = await created([
      '--model',
      'gpt-4o',
      '--name',
      'Before',
      '--tool',
      '{type: code_interpreter}',
      '--metadata',
      '{v: "1"}',
    ]);
    for (const args of [['--assistant-id', assistant.id], [assistant.id]]) {
      const result = await runCli(['assistants', 'retrieve', ...args], { env });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(jsonOf(result), assistant);
    }
    const result = await runCli(
      [
        'assistants',
        'update',
        assistant.id,
        '--name',
        'After',
        '--tools',
        '[{type: file_search}]',
        '--instructions',
        'Be kind.',
      ],
      { env },
    );
    assert.equal(result.code, 0, result.stderr);
    const updated = jsonOf<Assistant>(result);
    assert.equal(updated.name, 'After');
    assert.equal(updated.instructions, 'Be kind.');
    assert.deepEqual(updated.tools, [storedFileSearch]);
    assert.equal(updated.model, 'gpt-4o', 'kept');
    assert.deepEqual(updated.metadata, { v: '1' }, 'kept');
  });

  test('list: newest first, --limit and --order, --all follows every page, jsonl one per line', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 3; index++)
      ids.push((await created(['--model', 'gpt-4o', '--metadata', `{batch: list, n: "${index}"}`])).id);
    const first = await runCli(['assistants', 'list', '--limit', '2'], { env });
    assert.equal(first.code, 0, first.stderr);
    const page = jsonOf<List<Assistant>>(first);
    assert.equal(page.object, 'list');
    assert.deepEqual(
      page.data.map((assistant) => assistant.id),
      [ids[2], ids[1]],
    );
    assert.equal(page.has_more, true);

    const all = await runCli(['assistants', 'list', '--limit', '2', '--order', 'asc', '--all', '--format', 'jsonl'], {
      env,
    });
    assert.equal(all.code, 0, all.stderr);
    const lines = all.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Assistant);
    const everyId = ((await raw(`${spool.baseURL}/assistants?order=asc&limit=100`)).json as List<Assistant>).data.map(
      (assistant) => assistant.id,
    );
    assert.deepEqual(
      lines.map((assistant) => assistant.id),
      everyId,
    );
    assert.deepEqual(
      lines.slice(-3).map((assistant) => assistant.id),
      ids,
    );
  });

  test("delete prints the deletion; the assistant is then gone, exit 1 with the server's message", async () => {
    const assistant = await created(['--model', 'gpt-4o']);
    const deleted = await runCli(['assistants', 'delete', '--assistant-id', assistant.id], { env });
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.deepEqual(jsonOf(deleted), { id: assistant.id, object: 'assistant.deleted', deleted: true });
    const gone = await runCli(['assistants', 'retrieve', assistant.id], { env });
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr, `spool: HTTP 404: No assistant found with id '${assistant.id}'.\n`);
    const noId = await runCli(['assistants', 'delete'], { env });
    assert.equal(noId.code, 2);
    assert.equal(noId.stderr, 'spool: missing --assistant-id (give it as a flag or as an argument)\n');
  });
});
