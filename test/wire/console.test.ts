// How `spool serve` serves the web console: at / and /console/, outside the /v1 auth, with a
// content security policy, ETags, and OpenAI's envelope for anything else.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { envelopeOf, raw } from '../support/http.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';

let spool: SpoolProcess;

before(async () => {
  spool = await startSpool({ env: { SPOOL_API_KEYS: 'sk-console-serving-key-000000000000' } });
});
after(async () => {
  await spool.stop();
});

describe('the console assets', () => {
  test('GET / is the console page, served without a key while /v1 still wants one', async () => {
    const page = await raw(`${spool.url}/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(page.text, /<script type="module" src="\/console\/main\.js"><\/script>/);
    assert.match(
      page.headers.get('content-security-policy') ?? '',
      /default-src 'self'; img-src 'self' https: http: data:; style-src 'self'; script-src 'self'/,
    );
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    const api = await raw(`${spool.baseURL}/threads`);
    assert.equal(api.status, 401);
    assert.match(envelopeOf(api).message, /^You didn't provide an API key/);
  });

  test('every module the page loads, and everything those import, is served with its type', async () => {
    const seen = new Set<string>();
    const queue = ['/console/main.js', '/console/style.css'];
    while (queue.length > 0) {
      const path = queue.shift() ?? '';
      if (seen.has(path)) continue;
      seen.add(path);
      const asset = await raw(`${spool.url}${path}`);
      assert.equal(asset.status, 200, path);
      assert.equal(
        asset.headers.get('content-type'),
        path.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
        path,
      );
      for (const [, relative] of asset.text.matchAll(/from '(\.{1,2}\/[^']+)'/g))
        queue.push(new URL(relative ?? '', `http://x${path}`).pathname);
    }
    assert.ok(seen.size >= 10, `the console's modules: ${[...seen].join(', ')}`);
  });

  test('an ETag, and 304 when it matches; HEAD answers without a body', async () => {
    const first = await raw(`${spool.url}/console/main.js`);
    const etag = first.headers.get('etag');
    assert.match(etag ?? '', /^"[A-Za-z0-9_-]{27}"$/);
    assert.equal(first.headers.get('cache-control'), 'no-cache');
    const again = await fetch(`${spool.url}/console/main.js`, { headers: { 'if-none-match': etag ?? '' } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
    const head = await fetch(`${spool.url}/`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  test("anything else gets OpenAI's envelope: 404 for an unknown file, 405 for a wrong method", async () => {
    const missing = await raw(`${spool.url}/console/nope.js`);
    assert.equal(missing.status, 404);
    assert.equal(envelopeOf(missing).message, 'Invalid URL (GET /console/nope.js)');
    const post = await raw(`${spool.url}/`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET');
    assert.equal(envelopeOf(post).code, 'method_not_allowed');
  });
});
