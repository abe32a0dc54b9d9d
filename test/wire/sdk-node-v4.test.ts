// openai-node 4.104.0 (npm alias openai-v4) drives Spool: positional ids, `del`, auto-pagination, and the
// JSON content-type it sends with no body on GET and DELETE.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI, { type ClientOptions } from 'openai-v4';
import { fetch as sdkFetch } from 'openai-v4/_shims/index';
import { type SpoolProcess, startSpool } from '../support/spool.js';

interface SentRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  body: unknown;
}

let spool: SpoolProcess;
let client: OpenAI;
const sent: SentRequest[] = [];

/** The SDK's own fetch (node-fetch in v4), wrapped to keep what the SDK put on the wire. */
const recordingFetch: NonNullable<ClientOptions['fetch']> = (url, init) => {
  const headers = (init?.headers ?? {}) as Record<string, string>;
  const contentType = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  sent.push({
    method: String(init?.method ?? 'GET').toUpperCase(),
    path: new URL(String(url)).pathname,
    contentType,
    body: init?.body,
  });
  return sdkFetch(url, init);
};

function sentTo(method: string, path: string): SentRequest[] {
  return sent.filter((request) => request.method === method && request.path === path);
}

before(async () => {
  spool = await startSpool();
  client = new OpenAI({ baseURL: spool.baseURL, apiKey: 'sk-v4-test', maxRetries: 0, fetch: recordingFetch });
});
after(async () => {
  await spool.stop();
});

describe('openai-node 4.104.0: threads', () => {
  test('create, retrieve (GET with a JSON content-type and no body), update', async () => {
    const created = await client.beta.threads.create({
      messages: [{ role: 'user', content: 'Hello from v4', metadata: { via: 'v4' } }],
      metadata: { customer: 'acme' },
      tool_resources: { code_interpreter: { file_ids: ['file-v4'] } },
    });
    assert.match(created.id, /^thread_[A-Za-z0-9]{24}$/);
    assert.deepEqual(created.metadata, { customer: 'acme' });
    assert.deepEqual(created.tool_resources, { code_interpreter: { file_ids: ['file-v4'] } });

    assert.deepEqual(await client.beta.threads.retrieve(created.id), created);
    const [get] = sentTo('GET', `/v1/threads/${created.id}`);
    assert.ok(get, 'the SDK sent the GET');
    assert.equal(get.contentType, 'application/json');
    assert.equal(get.body, undefined);

    const updated = await client.beta.threads.update(created.id, { metadata: { customer: 'globex' } });
    assert.deepEqual(updated, { ...created, metadata: { customer: 'globex' } });
  });

  test('del sends DELETE with a JSON content-type and no body, and answers thread.deleted; then NotFoundError', async () => {
    const thread = await client.beta.threads.create();
    assert.deepEqual(await client.beta.threads.del(thread.id), {
      id: thread.id,
      object: 'thread.deleted',
      deleted: true,
    });
    const [deletion] = sentTo('DELETE', `/v1/threads/${thread.id}`);
    assert.ok(deletion, 'the SDK sent the DELETE');
    assert.equal(deletion.contentType, 'application/json');
    assert.equal(deletion.body, undefined);

    await assert.rejects(client.beta.threads.retrieve(thread.id), (error: unknown) => {
      assert.ok(error instanceof OpenAI.NotFoundError);
      assert.equal(error.status, 404);
      assert.equal(error.message, `404 No thread found with id '${thread.id}'.`);
      assert.match(String(error.request_id), /^req_[0-9a-f]{32}$/);
      return true;
    });
    await assert.rejects(client.beta.threads.del(thread.id), OpenAI.NotFoundError);
  });

  test('a malformed id gets BadRequestError with the prefix message', async () => {
    await assert.rejects(client.beta.threads.retrieve('1234'), (error: unknown) => {
      assert.ok(error instanceof OpenAI.BadRequestError);
      assert.equal(error.message, "400 Invalid 'thread_id': '1234'. Expected an ID that begins with 'thread'.");
      return true;
    });
  });
});

describe('openai-node 4.104.0: messages with positional ids', () => {
  test('create, retrieve(threadId, msgId), update(threadId, msgId, body), del(threadId, msgId)', async () => {
    const thread = await client.beta.threads.create();
    const message = await client.beta.threads.messages.create(thread.id, {
      role: 'user',
      content: [{ type: 'text', text: 'Positional' }],
      attachments: [{ file_id: 'file-x', tools: [{ type: 'file_search' }] }],
    });
    assert.match(message.id, /^msg_[A-Za-z0-9]{24}$/);
    assert.deepEqual(message.content, [{ type: 'text', text: { value: 'Positional', annotations: [] } }]);

    assert.deepEqual(await client.beta.threads.messages.retrieve(thread.id, message.id), message);
    const updated = await client.beta.threads.messages.update(thread.id, message.id, { metadata: { seen: 'true' } });
    assert.deepEqual(updated, { ...message, metadata: { seen: 'true' } });

    assert.deepEqual(await client.beta.threads.messages.del(thread.id, message.id), {
      id: message.id,
      object: 'thread.message.deleted',
      deleted: true,
    });
    const [deletion] = sentTo('DELETE', `/v1/threads/${thread.id}/messages/${message.id}`);
    assert.equal(deletion?.contentType, 'application/json');
    assert.equal(deletion?.body, undefined);
    await assert.rejects(client.beta.threads.messages.retrieve(thread.id, message.id), (error: unknown) => {
      assert.ok(error instanceof OpenAI.NotFoundError);
      assert.equal(error.message, `404 No message found with id '${message.id}'.`);
      return true;
    });
  });

  test('auto-pagination walks 120 messages in both orders, each exactly once', async () => {
    const thread = await client.beta.threads.create();
    const created: string[] = [];
    for (let index = 0; index < 120; index++) {
      created.push((await client.beta.threads.messages.create(thread.id, { role: 'user', content: `m${index}` })).id);
    }
    const listed = () => sentTo('GET', `/v1/threads/${thread.id}/messages`).length;

    const ascending: string[] = [];
    for await (const message of client.beta.threads.messages.list(thread.id, { order: 'asc', limit: 100 }))
      ascending.push(message.id);
    assert.deepEqual(ascending, created);
    assert.equal(listed(), 2, 'two pages of up to 100');

    const descending: string[] = [];
    for await (const message of client.beta.threads.messages.list(thread.id, { limit: 50 }))
      descending.push(message.id);
    assert.deepEqual(descending, [...created].reverse());
    assert.equal(listed(), 2 + 3, 'three pages of up to 50');
  });
});
