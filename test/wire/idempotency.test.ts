// Idempotency-Key (a Spool extension): a retried POST replays the first response.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { envelopeOf, postJson, raw } from '../support/http.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';

let spool: SpoolProcess;
before(async () => {
  spool = await startSpool();
});
after(async () => {
  await spool.stop();
});

test('a create retried with the same key returns the first thread and creates no duplicate', async () => {
  const body = { metadata: { job: `idem-${Date.now()}` }, messages: [{ role: 'user', content: 'once' }] };
  const first = await postJson(`${spool.baseURL}/threads`, body, { 'idempotency-key': 'create-1' });
  const retry = await postJson(`${spool.baseURL}/threads`, body, { 'idempotency-key': 'create-1' });
  assert.equal(first.status, 200);
  assert.equal(retry.status, 200);
  assert.equal(retry.text, first.text);
  assert.equal(retry.headers.get('idempotent-replayed'), 'true');
  assert.equal(first.headers.get('idempotent-replayed'), null);
  const listed = (await raw(`${spool.baseURL}/threads?metadata[job]=${body.metadata.job}`)).json as { data: unknown[] };
  assert.equal(listed.data.length, 1);
  const thread = first.json as { id: string };
  const messages = (await raw(`${spool.baseURL}/threads/${thread.id}/messages`)).json as { data: unknown[] };
  assert.equal(messages.data.length, 1);
});

test('concurrent retries with one key still create once', async () => {
  const job = `race-${Date.now()}`;
  const replies = await Promise.all(
    Array.from({ length: 8 }, () =>
      postJson(`${spool.baseURL}/threads`, { metadata: { job } }, { 'idempotency-key': job }),
    ),
  );
  assert.deepEqual(new Set(replies.map((reply) => reply.status)), new Set([200]));
  assert.equal(new Set(replies.map((reply) => (reply.json as { id: string }).id)).size, 1);
  const listed = (await raw(`${spool.baseURL}/threads?metadata[job]=${job}`)).json as { data: unknown[] };
  assert.equal(listed.data.length, 1);
});

test('the same key with a different body is refused', async () => {
  assert.equal(
    (await postJson(`${spool.baseURL}/threads`, { metadata: { a: '1' } }, { 'idempotency-key': 'reused' })).status,
    200,
  );
  const reply = await postJson(`${spool.baseURL}/threads`, { metadata: { a: '2' } }, { 'idempotency-key': 'reused' });
  assert.equal(reply.status, 400);
  assert.equal(envelopeOf(reply).code, 'idempotency_key_reused');
});

test('a failed request stores nothing under its key; without a key every POST creates', async () => {
  const bad = await postJson(`${spool.baseURL}/threads`, { metadata: { n: 1 } }, { 'idempotency-key': 'fix-me' });
  assert.equal(bad.status, 400);
  const fixed = await postJson(`${spool.baseURL}/threads`, { metadata: { n: '1' } }, { 'idempotency-key': 'fix-me' });
  assert.equal(fixed.status, 200, 'the key is free again after a failure');
  const a = (await postJson(`${spool.baseURL}/threads`, {})).json as { id: string };
  const b = (await postJson(`${spool.baseURL}/threads`, {})).json as { id: string };
  assert.notEqual(a.id, b.id);
});
