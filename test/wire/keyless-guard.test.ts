// A keyless server (loopback only) must not be drivable by a web page the operator visits: a
// DNS-rebound page sends a foreign Host, a cross-site form or fetch sends a foreign Origin.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { envelopeOf, raw } from '../support/http.js';
import { startSpool, type SpoolProcess } from '../support/spool.js';
import { envelopeFrom, replay } from '../support/wire-replay.js';

let open: SpoolProcess;
let keyed: SpoolProcess;
const key = 'sk-keyless-guard-test-0123456789abcdefghij';

before(async () => {
  [open, keyed] = await Promise.all([startSpool(), startSpool({ env: { SPOOL_API_KEYS: key } })]);
});
after(async () => {
  await Promise.all([open.stop(), keyed.stop()]);
});

const port = (spool: SpoolProcess) => new URL(spool.url).port;

async function threadCount(spool: SpoolProcess, headers: Record<string, string> = {}): Promise<number> {
  const listed = await raw(`${spool.baseURL}/threads?limit=100`, { headers });
  assert.equal(listed.status, 200, listed.text);
  return (listed.json as { data: unknown[] }).data.length;
}

describe('a server without keys', () => {
  test('refuses a foreign Host (DNS rebinding) with a 403 in the envelope, and writes nothing', async () => {
    const before = await threadCount(open);
    for (const host of [
      'evil.example',
      `evil.example:${port(open)}`,
      `127.0.0.1.evil.example:${port(open)}`,
      `localhost.evil.example`,
    ]) {
      const response = await replay(open.url, {
        method: 'POST',
        path: '/v1/threads',
        host,
        headers: [
          ['Content-Type', 'application/json'],
          ['Content-Length', '2'],
          ['Connection', 'close'],
        ],
        body: '{}',
      });
      assert.equal(response.status, 403, `${host}: ${response.body}`);
      const error = envelopeFrom(response);
      assert.equal(error.code, 'host_not_allowed');
      assert.match(error.message, /no API keys/);
    }
    assert.equal(await threadCount(open), before);
  });

  test('answers loopback Host names: localhost, 127.0.0.1 and [::1], with or without a port', async () => {
    for (const host of [
      'localhost',
      `localhost:${port(open)}`,
      `127.0.0.1:${port(open)}`,
      '127.0.0.1',
      `[::1]:${port(open)}`,
      `LOCALHOST:${port(open)}`,
    ]) {
      const response = await replay(open.url, {
        method: 'GET',
        path: '/v1/threads',
        host,
        headers: [['Connection', 'close']],
      });
      assert.equal(response.status, 200, `${host}: ${response.body}`);
    }
  });

  test('refuses a cross-site text/plain POST (a "simple" request a page can send without preflight)', async () => {
    const before = await threadCount(open);
    for (const origin of ['https://evil.example', 'null', `http://evil.example:${port(open)}`]) {
      const response = await raw(`${open.baseURL}/threads`, {
        method: 'POST',
        body: '{"metadata":{"from":"a web page"}}',
        headers: { 'content-type': 'text/plain;charset=UTF-8', origin },
      });
      assert.equal(response.status, 403, `${origin}: ${response.text}`);
    }
    assert.equal(await threadCount(open), before);
  });

  test('refuses a body a page could send without a preflight, even without an Origin header; an empty one is fine', async () => {
    const before = await threadCount(open);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await raw(`${open.baseURL}/threads`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': type },
      });
      assert.equal(response.status, 415, `${type}: ${response.text}`);
      assert.match(envelopeOf(response).message, /Content-Type: application\/json/);
    }
    assert.equal(await threadCount(open), before);
    const empty = await raw(`${open.baseURL}/threads`, {
      method: 'POST',
      body: '',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(empty.status, 200, empty.text);
  });

  test("answers its own console's origin and other loopback origins", async () => {
    for (const origin of [open.url, `http://localhost:${port(open)}`, 'http://localhost:5173']) {
      const response = await raw(`${open.baseURL}/threads`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json', origin },
      });
      assert.equal(response.status, 200, `${origin}: ${response.text}`);
    }
  });
});

describe('a server with keys', () => {
  test('answers any Host and Origin that come with a valid key (it may be behind a proxy or serve a web app)', async () => {
    const response = await replay(keyed.url, {
      method: 'POST',
      path: '/v1/threads',
      host: 'spool.example.com',
      headers: [
        ['Authorization', `Bearer ${key}`],
        ['Origin', 'https://app.example.com'],
        ['Content-Type', 'application/json'],
        ['Content-Length', '2'],
        ['Connection', 'close'],
      ],
      body: '{}',
    });
    assert.equal(response.status, 200, response.body);
  });
});
