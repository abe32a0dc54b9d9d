// Replays the flag forms of OpenAI's CLI reference (`openai beta:threads create|update` and
// `beta:threads:messages create`, from openai/openai-cli's own tests of those commands: regular
// flags, inner flags, a YAML body piped on stdin) with `spool`, through a recording proxy, and
// checks that the body Spool received is the one OpenAI's CLI sends for the same flags.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jsonOf, pipeIntoCli, runCli } from '../support/cli.js';
import { type RecordingProxy, startRecordingProxy } from '../support/recording-proxy.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';

let spool: SpoolProcess;
let proxy: RecordingProxy;
let env: Record<string, string>;

before(async () => {
  spool = await startSpool();
  proxy = await startRecordingProxy(spool.url);
  env = { OPENAI_BASE_URL: proxy.baseURL, OPENAI_API_KEY: 'sk-replay' };
});
after(async () => {
  await proxy.close();
  await spool.stop();
});

/** Runs one spool command and returns the single request the server received, parsed. */
async function sentBy(run: () => ReturnType<typeof runCli>): Promise<{
  method: string;
  url: string;
  body: unknown;
  contentType: unknown;
  code: number | null;
  stderr: string;
  stdout: string;
}> {
  proxy.requests.length = 0;
  const result = await run();
  assert.equal(proxy.requests.length, 1, `one request, got ${proxy.requests.length}: ${result.stderr}`);
  const [request] = proxy.requests;
  assert.ok(request);
  return {
    method: request.method,
    url: request.url,
    body: JSON.parse(request.body),
    contentType: request.headers['content-type'],
    code: result.code,
    stderr: result.stderr,
    stdout: result.stdout,
  };
}

// What OpenAI's CLI sends for the values its reference tests use.
const referenceMessage = {
  content: 'string',
  role: 'user',
  attachments: [{ file_id: 'file_id', tools: [{ type: 'code_interpreter' }] }],
  metadata: { foo: 'string' },
};
const referenceToolResources = {
  code_interpreter: { file_ids: ['string'] },
  file_search: {
    vector_store_ids: ['string'],
    vector_stores: [{ chunking_strategy: { type: 'auto' }, file_ids: ['string'], metadata: { foo: 'string' } }],
  },
};
const referenceCreateBody = {
  messages: [referenceMessage],
  metadata: { foo: 'string' },
  tool_resources: referenceToolResources,
};

describe("OpenAI's CLI reference forms of `beta:threads create`, sent by `spool threads create`", () => {
  const regular = [
    '--message',
    '{content: string, role: user, attachments: [{file_id: file_id, tools: [{type: code_interpreter}]}], metadata: {foo: string}}',
    '--metadata',
    '{foo: string}',
    '--tool-resources',
    '{code_interpreter: {file_ids: [string]}, file_search: {vector_store_ids: [string], vector_stores: [{chunking_strategy: {type: auto}, file_ids: [string], metadata: {foo: string}}]}}',
  ];
  const inner = [
    '--message.content',
    'string',
    '--message.role',
    'user',
    '--message.attachments',
    '[{file_id: file_id, tools: [{type: code_interpreter}]}]',
    '--message.metadata',
    '{foo: string}',
    '--metadata',
    '{foo: string}',
    '--tool-resources.code-interpreter',
    '{file_ids: [string]}',
    '--tool-resources.file-search',
    '{vector_store_ids: [string], vector_stores: [{chunking_strategy: {type: auto}, file_ids: [string], metadata: {foo: string}}]}',
  ];
  const piped = [
    'messages:',
    '  - content: string',
    '    role: user',
    '    attachments:',
    '      - file_id: file_id',
    '        tools:',
    '          - type: code_interpreter',
    '    metadata:',
    '      foo: string',
    'metadata:',
    '  foo: string',
    'tool_resources:',
    '  code_interpreter:',
    '    file_ids:',
    '      - string',
    '  file_search:',
    '    vector_store_ids:',
    '      - string',
    '    vector_stores:',
    '      - chunking_strategy:',
    '          type: auto',
    '        file_ids:',
    '          - string',
    '        metadata:',
    '          foo: string',
    '',
  ].join('\n');

  for (const [name, run] of [
    ['regular flags', () => runCli(['threads', 'create', ...regular], { env })],
    ['inner flags', () => runCli(['threads', 'create', ...inner], { env })],
    ['YAML piped on stdin', () => pipeIntoCli(piped, ['threads', 'create'], env)],
  ] as const) {
    test(`${name}: the same body as OpenAI's CLI, and the server's answer to it`, async () => {
      const sent = await sentBy(run);
      assert.equal(sent.method, 'POST');
      assert.equal(sent.url, '/v1/threads');
      assert.equal(sent.contentType, 'application/json');
      assert.deepEqual(sent.body, referenceCreateBody);
      // The reference values ask for both vector_store_ids and the vector_stores helper, which the
      // API refuses: the user sees the server's words, as they would have from OpenAI.
      assert.equal(sent.code, 1);
      assert.equal(
        sent.stderr,
        "spool: HTTP 400: Invalid 'tool_resources.file_search': only one of 'vector_store_ids' or 'vector_stores' may be provided.\n",
      );
    });
  }

  test('the same forms with values the API accepts create the thread they describe', async () => {
    const sent = await sentBy(() =>
      runCli(
        [
          'threads',
          'create',
          '--message',
          '{content: Hello, role: user, attachments: [{file_id: file-abc, tools: [{type: code_interpreter}]}], metadata: {foo: bar}}',
          '--message.role',
          'assistant',
          '--message.content',
          'Hi',
          '--metadata',
          '{env: prod}',
          '--tool-resources.file-search',
          '{vector_store_ids: [vs_abc]}',
        ],
        { env },
      ),
    );
    assert.deepEqual(sent.body, {
      messages: [
        {
          content: 'Hello',
          role: 'user',
          attachments: [{ file_id: 'file-abc', tools: [{ type: 'code_interpreter' }] }],
          metadata: { foo: 'bar' },
        },
        { role: 'assistant', content: 'Hi' },
      ],
      metadata: { env: 'prod' },
      tool_resources: { file_search: { vector_store_ids: ['vs_abc'] } },
    });
    assert.equal(sent.code, 0, sent.stderr);
    const thread = jsonOf<{ id: string; metadata: unknown; tool_resources: unknown }>({
      code: 0,
      stdout: sent.stdout,
      stderr: '',
    });
    assert.deepEqual(
      [thread.metadata, thread.tool_resources],
      [{ env: 'prod' }, { file_search: { vector_store_ids: ['vs_abc'] } }],
    );
  });

  for (const [flags, body] of [
    [['--metadata', 'null'], { metadata: null }],
    [['--metadata', '{n: 1}'], { metadata: { n: 1 } }],
    [
      ['--message', '{role: user, content: hi}', '--message', '{role: user, content: again}'],
      {
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'user', content: 'again' },
        ],
      },
    ],
  ] as const) {
    test(`${flags.join(' ')} sends ${JSON.stringify(body)}, as OpenAI's CLI does`, async () => {
      const sent = await sentBy(() => runCli(['threads', 'create', ...flags], { env }));
      assert.deepEqual(sent.body, body);
    });
  }
});

describe("OpenAI's CLI reference forms of `beta:threads update` and `beta:threads:messages create`", () => {
  let threadId: string;

  before(async () => {
    threadId = jsonOf<{ id: string }>(await runCli(['threads', 'create'], { env })).id;
  });

  const updateBody = {
    metadata: { foo: 'string' },
    tool_resources: { code_interpreter: { file_ids: ['string'] }, file_search: { vector_store_ids: ['string'] } },
  };

  test('update, regular and inner flags and piped YAML: the same body, to /v1/threads/{id}', async () => {
    for (const run of [
      () =>
        runCli(
          [
            'threads',
            'update',
            '--thread-id',
            threadId,
            '--metadata',
            '{foo: string}',
            '--tool-resources',
            '{code_interpreter: {file_ids: [string]}, file_search: {vector_store_ids: [string]}}',
          ],
          { env },
        ),
      () =>
        runCli(
          [
            'threads',
            'update',
            '--thread-id',
            threadId,
            '--metadata',
            '{foo: string}',
            '--tool-resources.code-interpreter',
            '{file_ids: [string]}',
            '--tool-resources.file-search',
            '{vector_store_ids: [string]}',
          ],
          { env },
        ),
      () =>
        pipeIntoCli(
          'metadata:\n  foo: string\ntool_resources:\n  code_interpreter:\n    file_ids:\n      - string\n  file_search:\n    vector_store_ids:\n      - string\n',
          ['threads', 'update', '--thread-id', threadId],
          env,
        ),
    ]) {
      const sent = await sentBy(run);
      assert.deepEqual([sent.method, sent.url], ['POST', `/v1/threads/${threadId}`]);
      assert.deepEqual(sent.body, updateBody);
      assert.equal(sent.code, 0, sent.stderr);
    }
  });

  test('messages create, regular and inner flags and piped YAML: the same body', async () => {
    const body = {
      content: 'string',
      role: 'user',
      attachments: [{ file_id: 'file_id', tools: [{ type: 'code_interpreter' }] }],
      metadata: { foo: 'string' },
    };
    for (const run of [
      () =>
        runCli(
          [
            'messages',
            'create',
            '--thread-id',
            threadId,
            '--content',
            'string',
            '--role',
            'user',
            '--attachment',
            '[{file_id: file_id, tools: [{type: code_interpreter}]}]',
            '--metadata',
            '{foo: string}',
          ],
          { env },
        ),
      () =>
        runCli(
          [
            'messages',
            'create',
            '--thread-id',
            threadId,
            '--content',
            'string',
            '--role',
            'user',
            '--attachment.file-id',
            'file_id',
            '--attachment.tools',
            '[{type: code_interpreter}]',
            '--metadata',
            '{foo: string}',
          ],
          { env },
        ),
      () =>
        pipeIntoCli(
          'content: string\nrole: user\nattachments:\n  - file_id: file_id\n    tools:\n      - type: code_interpreter\nmetadata:\n  foo: string\n',
          ['messages', 'create', '--thread-id', threadId],
          env,
        ),
    ]) {
      const sent = await sentBy(run);
      assert.deepEqual([sent.method, sent.url], ['POST', `/v1/threads/${threadId}/messages`]);
      assert.deepEqual(sent.body, body);
      assert.equal(sent.code, 0, sent.stderr);
    }
  });

  test('retrieve and delete send no body', async () => {
    for (const command of ['retrieve', 'delete']) {
      proxy.requests.length = 0;
      const result = await runCli(['threads', command, '--thread-id', threadId], { env });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(
        proxy.requests.map((request) => [request.method, request.url, request.body]),
        [[command === 'retrieve' ? 'GET' : 'DELETE', `/v1/threads/${threadId}`, '']],
      );
    }
  });
});
