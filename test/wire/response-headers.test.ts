// Headers every API answer carries for safety, and requests refused by the HTTP parser itself
// still answered in OpenAI's envelope.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { raw } from '../support/http.js';
import { startSpool, type SpoolProcess } from '../support/spool.js';
import { envelopeFrom, replay } from '../support/wire-replay.js';

let spool: SpoolProcess;
before(async () => {
  spool = await startSpool();
});
after(async () => {
  await spool.stop();
});

describe('safety headers on /v1', () => {
  test('success, error and not-found answers are neither cached nor sniffed', async () => {
    const answers = [
      await raw(`${spool.baseURL}/threads`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      }),
      await raw(`${spool.baseURL}/threads/thread_aaaaaaaaaaaaaaaaaaaaaaaa`),
      await raw(`${spool.baseURL}/threads`, {
        method: 'POST',
        body: '{',
        headers: { 'content-type': 'application/json' },
      }),
      await raw(`${spool.baseURL}/no-such-thing`),
      await raw(`${spool.url}/%E0%A4%A`),
    ];
    for (const answer of answers) {
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff', answer.text);
      assert.equal(answer.headers.get('cache-control'), 'no-store', answer.text);
      assert.match(answer.headers.get('x-request-id') ?? '', /^req_/);
    }
  });
});

describe('safety headers on a streamed run', () => {
  test('the event stream carries them too, with the request id', async () => {
    const assistant = await raw(`${spool.baseURL}/assistants`, {
      method: 'POST',
      body: '{"model":"gpt-4o"}',
      headers: { 'content-type': 'application/json' },
    });
    const { id } = assistant.json as { id: string };
    const stream = await raw(`${spool.baseURL}/threads/runs`, {
      method: 'POST',
      body: JSON.stringify({ assistant_id: id, stream: true }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(stream.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(stream.headers.get('cache-control'), 'no-store');
    assert.match(stream.headers.get('x-request-id') ?? '', /^req_/);
    assert.match(stream.text, /event: done\ndata: \[DONE\]/);
  });
});

describe('requests the HTTP parser refuses', () => {
  test('headers over the size limit: 431 in the envelope', async () => {
    const response = await replay(spool.url, {
      method: 'GET',
      path: '/v1/threads',
      headers: [['X-Big', 'a'.repeat(20_000)]],
    });
    assert.equal(response.status, 431);
    assert.equal(envelopeFrom(response).code, 'request_header_fields_too_large');
    assert.equal(response.header('x-content-type-options'), 'nosniff');
  });

  test('a malformed request line: 400 in the envelope', async () => {
    const response = await replay(spool.url, { method: 'GET', path: '/v1/threads bad', headers: [] });
    assert.equal(response.status, 400);
    assert.equal(envelopeFrom(response).type, 'invalid_request_error');
  });
});
