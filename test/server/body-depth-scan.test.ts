// The body-nesting scan (src/http/body.ts) skips strings with indexOf: brackets inside strings do not
// count, an escaped quote does not end a string, and an escaped backslash before a quote does.
// A guard for that rewrite: today's main gave the same answers, more slowly.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { postJson, raw } from '../support/http.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';

let spool: SpoolProcess;
before(async () => {
  spool = await startSpool();
});
after(async () => {
  await spool.stop();
});

/** `levels` nested arrays around `inner`: nestedArrays(2, 'x') is `[["x"]]` as JSON text. */
function nestedArrays(levels: number, inner: string): string {
  return `${'['.repeat(levels)}${JSON.stringify(inner)}${']'.repeat(levels)}`;
}

test('brackets inside strings, after escaped quotes, do not count as nesting', async () => {
  const content = `quote \\" then ${'[{'.repeat(100)} and a backslash \\\\`;
  const reply = await postJson(`${spool.baseURL}/threads`, {
    messages: [{ role: 'user', content }],
    metadata: { note: '"[[[[' },
  });
  assert.equal(reply.status, 200, reply.text);
  const thread = (reply.json as { id: string }).id;
  const messages = (await raw(`${spool.baseURL}/threads/${thread}/messages`)).json as {
    data: Array<{ content: Array<{ text: { value: string } }> }>;
  };
  assert.equal(messages.data[0]?.content[0]?.text.value, content);
});

test('a string ending in an escaped backslash ends there: the brackets after it count', async () => {
  // 63 levels inside metadata's object: 65 in all, one past the limit, with each string ending in `\\`.
  const body = `{"metadata":{"k":${nestedArrays(63, 'ends with a backslash \\')}}}`;
  const reply = await raw(`${spool.baseURL}/threads`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(reply.status, 400, reply.text);
  assert.equal((reply.json as { error: { code: string } }).error.code, 'json_above_max_depth');
});
