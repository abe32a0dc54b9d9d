// Authentication by the route that matched, not by how the path was written: percent-encoded
// path segments and absolute-form request targets reach the same handlers as `/v1/...`, so they
// must meet the same key check on every route, and nothing may be written or run without a key.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeModel } from '../support/fake-model.js';
import { raw } from '../support/http.js';
import { startSpool, type SpoolProcess } from '../support/spool.js';
import { envelopeFrom, replay } from '../support/wire-replay.js';

const key = 'sk-route-auth-key-0123456789abcdefghijklmnop';
let spool: SpoolProcess;
let model: FakeModel;

before(async () => {
  model = await new FakeModel().start();
  spool = await startSpool({ env: { SPOOL_API_KEYS: key, SPOOL_MODEL_BASE_URL: model.url } });
});
after(async () => {
  await spool.stop();
  await model.stop();
});

const thread = 'thread_aaaaaaaaaaaaaaaaaaaaaaaa';
const message = 'msg_aaaaaaaaaaaaaaaaaaaaaaaa';
const run = 'run_aaaaaaaaaaaaaaaaaaaaaaaa';
const step = 'step_aaaaaaaaaaaaaaaaaaaaaaaa';
const assistant = 'asst_aaaaaaaaaaaaaaaaaaaaaaaa';

/** Every /v1 route, as method and the path after /v1. */
const routes: Array<[string, string]> = [
  ['POST', '/threads'],
  ['GET', '/threads'],
  ['GET', `/threads/${thread}`],
  ['POST', `/threads/${thread}`],
  ['DELETE', `/threads/${thread}`],
  ['POST', `/threads/${thread}/messages`],
  ['GET', `/threads/${thread}/messages`],
  ['GET', `/threads/${thread}/messages/${message}`],
  ['POST', `/threads/${thread}/messages/${message}`],
  ['DELETE', `/threads/${thread}/messages/${message}`],
  ['POST', '/assistants'],
  ['GET', '/assistants'],
  ['GET', `/assistants/${assistant}`],
  ['POST', `/assistants/${assistant}`],
  ['DELETE', `/assistants/${assistant}`],
  ['POST', '/threads/runs'],
  ['POST', `/threads/${thread}/runs`],
  ['GET', `/threads/${thread}/runs`],
  ['GET', `/threads/${thread}/runs/${run}`],
  ['POST', `/threads/${thread}/runs/${run}`],
  ['POST', `/threads/${thread}/runs/${run}/cancel`],
  ['POST', `/threads/${thread}/runs/${run}/submit_tool_outputs`],
  ['GET', `/threads/${thread}/runs/${run}/steps`],
  ['GET', `/threads/${thread}/runs/${run}/steps/${step}`],
];

/** Ways of writing /v1<rest> that the router decodes or reads to the same route. */
const spellings: Array<[string, (rest: string) => string]> = [
  ['%76%31', (rest) => `/%76%31${rest}`],
  ['v%31', (rest) => `/v%31${rest}`],
  ['%761', (rest) => `/%761${rest}`],
  ['%56 lower-cased hex', (rest) => `/%76%31${rest.replace('/threads', '/%74hreads')}`],
  ['absolute form', (rest) => `http://anything/v1${rest}`],
  ['absolute form, encoded', (rest) => `http://anything/%76%31${rest}`],
];

const bodyFor = (method: string, path: string) => {
  if (method !== 'POST') return undefined;
  if (path === '/threads/runs')
    return JSON.stringify({ assistant_id: assistant, thread: { messages: [{ role: 'user', content: 'hi' }] } });
  if (path === '/assistants') return JSON.stringify({ model: 'gpt-4o' });
  if (path.endsWith('/submit_tool_outputs')) return JSON.stringify({ tool_outputs: [] });
  if (path.endsWith('/messages')) return JSON.stringify({ role: 'user', content: 'hi' });
  return '{}';
};

describe('a /v1 route written differently still needs a key', () => {
  for (const [name, spell] of spellings) {
    test(`${name}: 401 on every route, in OpenAI's envelope`, async () => {
      const failures: string[] = [];
      for (const [method, rest] of routes) {
        const body = bodyFor(method, rest);
        const response = await replay(spool.url, {
          method,
          path: spell(rest),
          headers: [
            ['Content-Type', 'application/json'],
            ['Content-Length', String(Buffer.byteLength(body ?? ''))],
            ['Connection', 'close'],
          ],
          ...(body === undefined ? {} : { body }),
        });
        if (response.status !== 401) {
          failures.push(`${method} ${spell(rest)} -> ${response.status} ${response.body.slice(0, 120)}`);
          continue;
        }
        assert.match(envelopeFrom(response).message, /^You didn't provide an API key\./);
      }
      assert.deepEqual(failures, []);
    });
  }

  test('nothing was written and the model server was never called', async () => {
    const listed = await raw(`${spool.baseURL}/threads`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(listed.status, 200);
    assert.deepEqual((listed.json as { data: unknown[] }).data, []);
    const assistants = await raw(`${spool.baseURL}/assistants`, { headers: { authorization: `Bearer ${key}` } });
    assert.deepEqual((assistants.json as { data: unknown[] }).data, []);
    assert.equal(model.requests.length, 0);
  });

  test('the plain spelling with the key still works, and an unknown path is still a 404', async () => {
    const created = await replay(spool.url, {
      method: 'POST',
      path: '/%76%31/threads',
      headers: [
        ['Authorization', `Bearer ${key}`],
        ['Content-Type', 'application/json'],
        ['Content-Length', '2'],
        ['Connection', 'close'],
      ],
      body: '{}',
    });
    assert.equal(created.status, 200, created.body);
    const unknown = await replay(spool.url, {
      method: 'GET',
      path: '/v1/nothing-here',
      headers: [['Connection', 'close']],
    });
    assert.equal(unknown.status, 404);
    assert.equal(envelopeFrom(unknown).message, 'Invalid URL (GET /v1/nothing-here)');
  });
});
