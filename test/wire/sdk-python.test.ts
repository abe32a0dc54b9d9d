// The official Python SDK (openai==3.22.1) drives a full thread and message round trip through Spool.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pinnedPythonSdk, python, requirePythonSdk } from '../support/python.js';
import { repoRoot, type SpoolProcess, startSpool } from '../support/spool.js';

const script = join(repoRoot, 'test/support/python/sdk_round_trip.py');

interface SdkError {
  class: string;
  status: number;
  message: string;
  body: unknown;
  code: string | null;
  param: string | null;
  type: string | null;
  request_id: string | null;
}

interface SentRequest {
  method: string;
  path: string;
  content_type: string | null;
  body: string;
}

type Json = Record<string, unknown>;

interface RoundTrip {
  sdk_version: string;
  created: Json & { id: string };
  retrieved: Json;
  updated: Json;
  initial_messages: Array<Json & { id: string }>;
  message_created: Json & { id: string };
  message_retrieved: Json;
  message_updated: Json;
  message_deleted: Json;
  message_gone: SdkError;
  paged_created_ids: string[];
  paged_asc_ids: string[];
  paged_desc_ids: string[];
  first_page: { count: number; has_more: boolean; has_next_page: boolean };
  deleted: Json;
  retrieve_after_delete: SdkError;
  delete_after_delete: SdkError;
  malformed_id: SdkError;
  unknown_parameter: SdkError;
  metadata_not_a_string: SdkError;
  sent: SentRequest[];
}

let spool: SpoolProcess;
let run: RoundTrip;

before(async () => {
  requirePythonSdk();
  spool = await startSpool();
  const result = spawnSync(python, [script, spool.baseURL], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0)
    throw new Error(`the Python round trip failed (exit ${result.status}):\n${result.stderr}\n${result.stdout}`);
  run = JSON.parse(result.stdout) as RoundTrip;
});
after(async () => {
  await spool?.stop();
});

describe('openai-python 3.22.1: threads', () => {
  test('the pinned SDK version drove the run', () => {
    assert.equal(run.sdk_version, pinnedPythonSdk);
  });

  test('create with messages, metadata and tool_resources returns the thread, and retrieve returns the same', () => {
    assert.match(run.created.id, /^thread_[A-Za-z0-9]{24}$/);
    assert.equal(run.created.object, 'thread');
    assert.ok(Math.abs(Number(run.created.created_at) - Date.now() / 1000) < 120, 'created_at is in seconds');
    assert.deepEqual(run.created.metadata, { customer: 'acme' });
    assert.deepEqual(run.created.tool_resources, {
      code_interpreter: { file_ids: ['file-py1'] },
      file_search: { vector_store_ids: ['vs_py'] },
    });
    assert.deepEqual(run.retrieved, run.created);
  });

  test('update replaces metadata and keeps the rest', () => {
    assert.deepEqual(run.updated, { ...run.created, metadata: { customer: 'acme', stage: 'done' } });
  });

  test('the messages given at creation are stored in order, in the output content shape', () => {
    assert.deepEqual(
      run.initial_messages.map((message) => [message.role, message.content, message.metadata, message.thread_id]),
      [
        [
          'user',
          [{ type: 'text', text: { value: 'Hello from Python', annotations: [] } }],
          { lang: 'py' },
          run.created.id,
        ],
        ['assistant', [{ type: 'text', text: { value: 'Hi there', annotations: [] } }], {}, run.created.id],
      ],
    );
  });

  test('delete answers thread.deleted; the SDK sent DELETE with a JSON content-type and an empty body', () => {
    assert.deepEqual(run.deleted, { id: run.created.id, deleted: true, object: 'thread.deleted' });
    const deletes = run.sent.filter(
      (request) => request.method === 'DELETE' && request.path === `/v1/threads/${run.created.id}`,
    );
    assert.ok(deletes.length >= 1, 'the SDK sent the thread DELETE');
    for (const request of deletes) {
      assert.equal(request.content_type, 'application/json');
      assert.equal(request.body, '');
    }
  });

  test('a deleted thread raises NotFoundError with OpenAI message, on retrieve and on a second delete', () => {
    for (const error of [run.retrieve_after_delete, run.delete_after_delete]) {
      assert.equal(error.class, 'NotFoundError');
      assert.equal(error.status, 404);
      assert.deepEqual(error.body, {
        message: `No thread found with id '${run.created.id}'.`,
        type: 'invalid_request_error',
        param: null,
        code: null,
      });
      assert.equal(
        error.message,
        `Error code: 404 - {'error': {'message': "No thread found with id '${run.created.id}'.", 'type': 'invalid_request_error', 'param': None, 'code': None}}`,
      );
      assert.match(String(error.request_id), /^req_[0-9a-f]{32}$/);
    }
  });
});

describe('openai-python 3.22.1: messages', () => {
  test('create keeps parts, attachments and metadata; retrieve returns the same message', () => {
    const message = run.message_created;
    assert.match(message.id, /^msg_[A-Za-z0-9]{24}$/);
    assert.equal(message.object, 'thread.message');
    assert.equal(message.thread_id, run.created.id);
    assert.equal(message.assistant_id, null);
    assert.equal(message.run_id, null);
    assert.deepEqual(message.content, [
      { type: 'text', text: { value: 'See attached', annotations: [] } },
      { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'high' } },
    ]);
    assert.deepEqual(message.attachments, [{ file_id: 'file-doc', tools: [{ type: 'code_interpreter' }] }]);
    assert.deepEqual(message.metadata, { source: 'python' });
    assert.deepEqual(run.message_retrieved, message);
  });

  test('update changes only the metadata; delete answers thread.message.deleted; then NotFoundError', () => {
    assert.deepEqual(run.message_updated, { ...run.message_created, metadata: { reviewed: 'yes' } });
    assert.deepEqual(run.message_deleted, {
      id: run.message_created.id,
      deleted: true,
      object: 'thread.message.deleted',
    });
    assert.equal(run.message_gone.class, 'NotFoundError');
    assert.equal(run.message_gone.status, 404);
    assert.equal(
      (run.message_gone.body as { message: string }).message,
      `No message found with id '${run.message_created.id}'.`,
    );
  });

  test('auto-pagination walks 130 messages in both orders, each exactly once', () => {
    assert.equal(run.paged_created_ids.length, 130);
    assert.equal(new Set(run.paged_created_ids).size, 130);
    assert.deepEqual(run.paged_asc_ids, run.paged_created_ids);
    assert.deepEqual(run.paged_desc_ids, [...run.paged_created_ids].reverse());
    assert.deepEqual(run.first_page, { count: 100, has_more: true, has_next_page: true });
    const listCalls = run.sent.filter((request) => request.method === 'GET' && request.path.endsWith('/messages'));
    assert.ok(listCalls.length >= 2 + 5, 'the SDK fetched several pages (2 ascending by 100, 5 descending by 30)');
  });
});

describe('openai-python 3.22.1: errors', () => {
  test('a malformed thread id raises BadRequestError with the prefix message', () => {
    assert.equal(run.malformed_id.class, 'BadRequestError');
    assert.equal(run.malformed_id.status, 400);
    assert.equal(
      (run.malformed_id.body as { message: string }).message,
      "Invalid 'thread_id': '1234'. Expected an ID that begins with 'thread'.",
    );
  });

  test('an unknown body parameter raises BadRequestError with code unknown_parameter', () => {
    assert.equal(run.unknown_parameter.class, 'BadRequestError');
    assert.deepEqual(run.unknown_parameter.body, {
      message: "Unknown parameter: 'foo'.",
      type: 'invalid_request_error',
      param: 'foo',
      code: 'unknown_parameter',
    });
    assert.equal(run.unknown_parameter.code, 'unknown_parameter');
    assert.equal(run.unknown_parameter.param, 'foo');
  });

  test('a metadata value that is not a string raises BadRequestError with invalid_type', () => {
    assert.equal(run.metadata_not_a_string.class, 'BadRequestError');
    assert.deepEqual(run.metadata_not_a_string.body, {
      message: "Invalid type for 'metadata.n': expected a string, but got an integer instead.",
      type: 'invalid_request_error',
      param: 'metadata.n',
      code: 'invalid_type',
    });
  });
});
