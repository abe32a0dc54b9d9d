// The exact shape of successful answers: status codes, key order, headers, the OpenAI-Beta rules.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { envelopeOf, postJson, raw } from '../support/http.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';

let spool: SpoolProcess;
let v1: string;

before(async () => {
  spool = await startSpool();
  v1 = spool.baseURL;
});
after(async () => {
  await spool.stop();
});

describe('objects carry exactly OpenAI keys, in OpenAI order', () => {
  test('thread, message, list and delete objects', async () => {
    const created = await postJson(`${v1}/threads`, {
      messages: [{ role: 'user', content: 'hi' }],
      metadata: { z: '1', a: '2' },
    });
    assert.equal(created.status, 200, 'create answers 200, not 201');
    const thread = created.json as Record<string, unknown>;
    assert.deepEqual(Object.keys(thread), ['id', 'object', 'created_at', 'metadata', 'tool_resources']);
    assert.deepEqual(Object.keys(thread.metadata as object), ['z', 'a'], 'metadata keeps the order it was given in');
    assert.equal(created.text, JSON.stringify(thread, null, 2), 'bodies are pretty-printed with 2 spaces');

    const list = (await raw(`${v1}/threads/${thread.id}/messages`)).json as Record<string, unknown>;
    assert.deepEqual(Object.keys(list), ['object', 'data', 'first_id', 'last_id', 'has_more']);
    const message = (list.data as Array<Record<string, unknown>>)[0];
    assert.ok(message);
    // Over REST OpenAI sent no status keys (openai-dotnet session record BasicMessageOperationsWork).
    assert.deepEqual(Object.keys(message), [
      'id',
      'object',
      'created_at',
      'assistant_id',
      'thread_id',
      'run_id',
      'role',
      'content',
      'attachments',
      'metadata',
    ]);
    assert.equal(message.object, 'thread.message');
    assert.deepEqual(message.attachments, []);
    assert.deepEqual(message.metadata, {});
    assert.equal(list.first_id, message.id);
    assert.equal(list.last_id, message.id);
    assert.equal(list.has_more, false);

    const deletedMessage = (await raw(`${v1}/threads/${thread.id}/messages/${message.id}`, { method: 'DELETE' }))
      .json as object;
    assert.deepEqual(Object.keys(deletedMessage), ['id', 'object', 'deleted']);
    const deleted = (await raw(`${v1}/threads/${thread.id}`, { method: 'DELETE' })).json as object;
    assert.deepEqual(Object.keys(deleted), ['id', 'object', 'deleted']);
  });

  test('an empty page has null first_id and last_id', async () => {
    const thread = (await postJson(`${v1}/threads`, {})).json as { id: string };
    assert.deepEqual((await raw(`${v1}/threads/${thread.id}/messages`)).json, {
      object: 'list',
      data: [],
      first_id: null,
      last_id: null,
      has_more: false,
    });
  });

  test('ids are the type prefix and 24 base62 characters, all distinct', async () => {
    const ids = new Set<string>();
    for (let index = 0; index < 50; index++) {
      const { id } = (await postJson(`${v1}/threads`, {})).json as { id: string };
      assert.match(id, /^thread_[A-Za-z0-9]{24}$/);
      ids.add(id);
    }
    assert.equal(ids.size, 50);
  });

  test('string content and text parts are stored in the output shape; metadata null means {}', async () => {
    const thread = (await postJson(`${v1}/threads`, { metadata: null })).json as { id: string; metadata: object };
    assert.deepEqual(thread.metadata, {});
    const message = (
      await postJson(`${v1}/threads/${thread.id}/messages`, {
        role: 'user',
        content: [{ type: 'text', text: 'part' }],
        attachments: null,
        metadata: null,
      })
    ).json as Record<string, unknown>;
    assert.deepEqual(message.content, [{ type: 'text', text: { value: 'part', annotations: [] } }]);
    assert.deepEqual(message.attachments, []);
    assert.deepEqual(message.metadata, {});
  });

  test('messages created in the same second keep their creation order', async () => {
    const thread = (await postJson(`${v1}/threads`, {})).json as { id: string };
    const created = await Promise.all(Array.from({ length: 30 }, (_, index) => index)).then(async (indexes) => {
      const ids: string[] = [];
      for (const index of indexes)
        ids.push(
          (
            (await postJson(`${v1}/threads/${thread.id}/messages`, { role: 'user', content: `${index}` })).json as {
              id: string;
            }
          ).id,
        );
      return ids;
    });
    const page = (await raw(`${v1}/threads/${thread.id}/messages?order=asc&limit=100`)).json as {
      data: Array<{ id: string; created_at: number }>;
    };
    assert.deepEqual(
      page.data.map((message) => message.id),
      created,
    );
    assert.ok(new Set(page.data.map((message) => message.created_at)).size < 30, 'several messages share a second');
  });
});

describe('headers', () => {
  test('every answer has x-request-id and openai-processing-ms, on success and on error', async () => {
    for (const reply of [
      await postJson(`${v1}/threads`, {}),
      await raw(`${v1}/threads/thread_x`),
      await raw(`${v1}/nowhere`),
      await postJson(`${v1}/threads`, { bad: 1 }),
    ]) {
      assert.match(reply.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{32}$/);
      assert.match(reply.headers.get('openai-processing-ms') ?? '', /^\d+$/);
      assert.equal(reply.headers.get('openai-version'), '2020-10-01');
    }
    const first = await postJson(`${v1}/threads`, {});
    const second = await postJson(`${v1}/threads`, {});
    assert.notEqual(first.headers.get('x-request-id'), second.headers.get('x-request-id'));
  });

  test('OpenAI-Beta: v2, doubled v2 (Terraform) and missing (StackQL) are accepted', async () => {
    for (const beta of ['assistants=v2', 'assistants=v2, assistants=v2', 'assistants=v2,other=1']) {
      const reply = await postJson(`${v1}/threads`, {}, { 'openai-beta': beta });
      assert.equal(reply.status, 200, `${beta}: ${reply.text}`);
    }
    const missing = await fetch(`${v1}/threads`, { method: 'POST' });
    assert.equal(missing.status, 200);
  });

  test('OpenAI-Beta: assistants=v1 gets invalid_beta', async () => {
    const reply = await postJson(`${v1}/threads`, {}, { 'openai-beta': 'assistants=v1' });
    assert.equal(reply.status, 400);
    assert.deepEqual(envelopeOf(reply), {
      message:
        "The v1 Assistants API has been deprecated. Please try again by setting the header 'OpenAI-Beta: assistants=v2'. See the migration guide for more information: https://platform.openai.com/docs/assistants/migration.",
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_beta',
    });
  });
});

describe('GET /v1/threads (Spool extension)', () => {
  test('filters by metadata pairs (AND) and created_after/created_before, with exact pagination', async () => {
    const team = `t${Date.now()}`;
    const made: Array<{ id: string; created_at: number }> = [];
    for (let index = 0; index < 7; index++) {
      const metadata = { team, parity: index % 2 === 0 ? 'even' : 'odd' };
      made.push((await postJson(`${v1}/threads`, { metadata })).json as { id: string; created_at: number });
    }
    const even = made.filter((_, index) => index % 2 === 0).map((thread) => thread.id);
    const all = (await raw(`${v1}/threads?metadata[team]=${team}&limit=100`)).json as { data: Array<{ id: string }> };
    assert.deepEqual(
      all.data.map((thread) => thread.id),
      made.map((thread) => thread.id).reverse(),
      'default order is newest first',
    );
    const both = (await raw(`${v1}/threads?metadata[team]=${team}&metadata[parity]=even&order=asc`)).json as {
      data: Array<{ id: string }>;
    };
    assert.deepEqual(
      both.data.map((thread) => thread.id),
      even,
    );
    const none = (await raw(`${v1}/threads?metadata[team]=${team}&metadata[parity]=neither`)).json as {
      data: unknown[];
    };
    assert.deepEqual(none.data, []);

    const pages: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = (
        await raw(`${v1}/threads?metadata[team]=${team}&limit=3&order=asc${after ? `&after=${after}` : ''}`)
      ).json as { data: Array<{ id: string }>; has_more: boolean; last_id: string };
      pages.push(...page.data.map((thread) => thread.id));
      if (!page.has_more) break;
      after = page.last_id;
    }
    assert.deepEqual(
      pages,
      made.map((thread) => thread.id),
    );

    const first = made[0];
    assert.ok(first);
    const later = (await raw(`${v1}/threads?metadata[team]=${team}&created_after=${first.created_at + 3600}`)).json as {
      data: unknown[];
    };
    assert.deepEqual(later.data, []);
    const earlier = (
      await raw(`${v1}/threads?metadata[team]=${team}&created_before=${first.created_at + 3600}&limit=100`)
    ).json as { data: unknown[] };
    assert.equal(earlier.data.length, 7);
  });

  test('bad list parameters are 400s naming the parameter', async () => {
    for (const [query, param, code] of [
      ['limit=0', 'limit', 'integer_below_min_value'],
      ['limit=101', 'limit', 'integer_above_max_value'],
      ['limit=ten', 'limit', 'invalid_type'],
      ['order=up', 'order', 'invalid_value'],
      ['created_after=yesterday', 'created_after', 'invalid_type'],
      ['after=thread_notthere', 'after', 'invalid_value'],
    ] as const) {
      const reply = await raw(`${v1}/threads?${query}`);
      assert.equal(reply.status, 400, query);
      const error = envelopeOf(reply);
      assert.equal(error.param, param, query);
      assert.equal(error.code, code, query);
    }
  });
});
