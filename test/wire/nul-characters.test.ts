// The NUL character is valid in JSON strings, and so in the API; PostgreSQL's text cannot hold it.
// On either store a client sees what it would with no NUL involved: stored, found, or not found.
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

test('metadata and content with NUL are kept exactly, and a metadata filter with NUL finds them', async () => {
  const created = await postJson(`${spool.baseURL}/threads`, {
    metadata: { 'k\u0000ey': 'a\u0000b' },
    messages: [{ role: 'user', content: 'x\u0000y', metadata: { m: '\u0000' } }],
  });
  assert.equal(created.status, 200, created.text);
  const thread = created.json as { id: string; metadata: Record<string, string> };
  assert.deepEqual(thread.metadata, { 'k\u0000ey': 'a\u0000b' });
  const updated = await postJson(`${spool.baseURL}/threads/${thread.id}`, {
    metadata: { 'k\u0000ey': 'a\u0000b', other: '\u0000' },
  });
  assert.equal(updated.status, 200, updated.text);
  const found = await raw(`${spool.baseURL}/threads?metadata[k%00ey]=a%00b&metadata[other]=%00`);
  assert.equal(found.status, 200, found.text);
  assert.deepEqual(
    (found.json as { data: Array<{ id: string }> }).data.map((each) => each.id),
    [thread.id],
  );
  const messages = await raw(`${spool.baseURL}/threads/${thread.id}/messages`);
  const [message] = (
    messages.json as { data: Array<{ content: Array<{ text: { value: string } }>; metadata: unknown }> }
  ).data;
  assert.equal(message?.content[0]?.text.value, 'x\u0000y');
  assert.deepEqual(message?.metadata, { m: '\u0000' });
});

test('ids and cursors with NUL are simply not found', async () => {
  const missing = await raw(`${spool.baseURL}/threads/thread_%00abc`);
  assert.equal(missing.status, 404, missing.text);
  assert.equal(envelopeOf(missing).message, "No thread found with id 'thread_\u0000abc'.");
  const thread = (await postJson(`${spool.baseURL}/threads`, {})).json as { id: string };
  const cursor = await raw(`${spool.baseURL}/threads/${thread.id}/messages?after=msg_%00`);
  assert.equal(cursor.status, 400, cursor.text);
  assert.equal(envelopeOf(cursor).param, 'after');
  const byRun = await raw(`${spool.baseURL}/threads/${thread.id}/messages?run_id=run_%00`);
  assert.equal(byRun.status, 200, byRun.text);
});
