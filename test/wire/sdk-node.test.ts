// The official openai npm SDK (pinned 6.49.0) drives threads and messages through Spool.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { type SpoolProcess, startSpool } from '../support/spool.js';

let spool: SpoolProcess;
let client: OpenAI;

before(async () => {
  spool = await startSpool();
  client = new OpenAI({ baseURL: spool.baseURL, apiKey: 'sk-test-anything', maxRetries: 0 });
});
after(async () => {
  await spool.stop();
});

describe('openai-node 6.49.0: threads', () => {
  test('create with messages, metadata and tool_resources, then retrieve the same thread', async () => {
    const created = await client.beta.threads.create({
      messages: [
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: [{ type: 'text', text: 'Hi there' }] },
      ],
      metadata: { customer: 'acme', tier: 'gold' },
      tool_resources: { code_interpreter: { file_ids: ['file-abc'] }, file_search: { vector_store_ids: ['vs_123'] } },
    });
    assert.match(created.id, /^thread_[A-Za-z0-9]{24}$/);
    assert.equal(created.object, 'thread');
    assert.ok(Math.abs(created.created_at - Date.now() / 1000) < 5, 'created_at is in seconds');
    assert.deepEqual(created.metadata, { customer: 'acme', tier: 'gold' });
    assert.deepEqual(created.tool_resources, {
      code_interpreter: { file_ids: ['file-abc'] },
      file_search: { vector_store_ids: ['vs_123'] },
    });

    const retrieved = await client.beta.threads.retrieve(created.id);
    assert.deepEqual(retrieved, created);

    const messages = await client.beta.threads.messages.list(created.id, { order: 'asc' });
    assert.deepEqual(
      messages.data.map((message) => [message.role, message.content]),
      [
        ['user', [{ type: 'text', text: { value: 'Hello', annotations: [] } }]],
        ['assistant', [{ type: 'text', text: { value: 'Hi there', annotations: [] } }]],
      ],
    );
  });

  test('create with no body at all gives an empty thread', async () => {
    const thread = await client.beta.threads.create();
    assert.deepEqual(thread.metadata, {});
    assert.deepEqual(thread.tool_resources, {});
    const messages = await client.beta.threads.messages.list(thread.id);
    assert.deepEqual(messages.data, []);
  });

  test('update replaces the whole metadata map and keeps tool_resources unless given', async () => {
    const thread = await client.beta.threads.create({
      metadata: { a: '1', b: '2' },
      tool_resources: { code_interpreter: { file_ids: ['file-1'] } },
    });
    const updated = await client.beta.threads.update(thread.id, { metadata: { c: '3' } });
    assert.deepEqual(updated.metadata, { c: '3' });
    assert.deepEqual(updated.tool_resources, { code_interpreter: { file_ids: ['file-1'] } });
    const replaced = await client.beta.threads.update(thread.id, {
      tool_resources: { file_search: { vector_store_ids: ['vs_9'] } },
    });
    assert.deepEqual(replaced.tool_resources, { file_search: { vector_store_ids: ['vs_9'] } });
    assert.deepEqual(replaced.metadata, { c: '3' });
    assert.deepEqual(await client.beta.threads.retrieve(thread.id), replaced);
  });

  test('delete removes the thread and its messages; a second delete is a 404', async () => {
    const thread = await client.beta.threads.create({ messages: [{ role: 'user', content: 'bye' }] });
    const message = (await client.beta.threads.messages.list(thread.id)).data[0];
    assert.ok(message);
    assert.deepEqual(await client.beta.threads.delete(thread.id), {
      id: thread.id,
      object: 'thread.deleted',
      deleted: true,
    });
    await assert.rejects(client.beta.threads.retrieve(thread.id), (error: unknown) => {
      assert.ok(error instanceof OpenAI.NotFoundError);
      assert.equal(error.message, `404 No thread found with id '${thread.id}'.`);
      return true;
    });
    await assert.rejects(
      client.beta.threads.messages.retrieve(message.id, { thread_id: thread.id }),
      OpenAI.NotFoundError,
    );
    await assert.rejects(client.beta.threads.delete(thread.id), OpenAI.NotFoundError);
  });

  test('errors carry the request id the server sent', async () => {
    const error = await client.beta.threads
      .retrieve('thread_doesnotexist000000000000')
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof OpenAI.APIError);
    assert.match(String(error.requestID), /^req_[0-9a-f]{32}$/);
    assert.equal(error.type, 'invalid_request_error');
  });
});

describe('openai-node 6.49.0: messages', () => {
  test('create, retrieve, update metadata, delete', async () => {
    const thread = await client.beta.threads.create();
    const message = await client.beta.threads.messages.create(thread.id, {
      role: 'user',
      content: [
        { type: 'text', text: 'Look at this' },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
        { type: 'image_file', image_file: { file_id: 'file-img', detail: 'auto' } },
      ],
      attachments: [{ file_id: 'file-doc', tools: [{ type: 'file_search' }] }],
      metadata: { source: 'test' },
    });
    assert.match(message.id, /^msg_[A-Za-z0-9]{24}$/);
    assert.equal(message.thread_id, thread.id);
    assert.equal(message.assistant_id, null);
    assert.equal(message.run_id, null);
    assert.deepEqual(message.content, [
      { type: 'text', text: { value: 'Look at this', annotations: [] } },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
      { type: 'image_file', image_file: { file_id: 'file-img', detail: 'auto' } },
    ]);
    assert.deepEqual(message.attachments, [{ file_id: 'file-doc', tools: [{ type: 'file_search' }] }]);

    assert.deepEqual(await client.beta.threads.messages.retrieve(message.id, { thread_id: thread.id }), message);
    const updated = await client.beta.threads.messages.update(message.id, {
      thread_id: thread.id,
      metadata: { reviewed: 'yes' },
    });
    assert.deepEqual(updated.metadata, { reviewed: 'yes' });
    assert.deepEqual({ ...updated, metadata: message.metadata }, message, 'only the metadata changed');
    const deleted = await client.beta.threads.messages.delete(message.id, { thread_id: thread.id });
    assert.deepEqual(deleted, { id: message.id, object: 'thread.message.deleted', deleted: true });
    await assert.rejects(
      client.beta.threads.messages.retrieve(message.id, { thread_id: thread.id }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.NotFoundError);
        assert.equal(error.message, `404 No message found with id '${message.id}'.`);
        return true;
      },
    );
  });

  test('auto-pagination walks more than 100 messages in both orders, each exactly once', async () => {
    const thread = await client.beta.threads.create();
    const created: string[] = [];
    for (let index = 0; index < 130; index++) {
      created.push(
        (await client.beta.threads.messages.create(thread.id, { role: 'user', content: `message ${index}` })).id,
      );
    }
    const ascending: string[] = [];
    for await (const message of client.beta.threads.messages.list(thread.id, { order: 'asc', limit: 100 }))
      ascending.push(message.id);
    assert.deepEqual(ascending, created);
    const descending: string[] = [];
    for await (const message of client.beta.threads.messages.list(thread.id, { limit: 7 })) descending.push(message.id);
    assert.deepEqual(descending, [...created].reverse());
  });

  test('list pages report first_id, last_id and has_more exactly', async () => {
    const thread = await client.beta.threads.create();
    const ids: string[] = [];
    for (let index = 0; index < 5; index++)
      ids.push((await client.beta.threads.messages.create(thread.id, { role: 'user', content: String(index) })).id);
    const firstPage = await client.beta.threads.messages.list(thread.id, { limit: 2, order: 'asc' });
    assert.deepEqual(
      firstPage.data.map((message) => message.id),
      ids.slice(0, 2),
    );
    assert.equal(firstPage.hasNextPage(), true);
    const lastPage = await client.beta.threads.messages.list(thread.id, { limit: 2, order: 'asc', after: ids[2] });
    assert.deepEqual(
      lastPage.data.map((message) => message.id),
      ids.slice(3),
    );
    assert.equal(lastPage.hasNextPage(), false);
    const before = await client.beta.threads.messages.list(thread.id, { limit: 2, order: 'asc', before: ids[3] });
    assert.deepEqual(
      before.data.map((message) => message.id),
      ids.slice(1, 3),
    );
  });
});
