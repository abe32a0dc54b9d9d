// 5,000+ generated malformed bodies, paths, query strings and headers: every answer is a 2xx or a
// 4xx in OpenAI's envelope (never a 5xx), the server stays up, and no rejected write leaves a trace.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { envelopeOf, raw } from '../support/http.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';

const cases = 5_200;
const seed = Number(process.env.FUZZ_SEED ?? 20261129);

/** mulberry32: a small seeded PRNG, so a failure can be replayed with FUZZ_SEED. */
function prng(state: number) {
  let s = state >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(seed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const int = (max: number) => Math.floor(random() * max);

const oddStrings = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '💥'.repeat(300),
  'x'.repeat(600),
  '%ff',
  '../..',
  '<script>',
  'null',
  '__proto__',
  'thread_',
  'msg_',
];
/** encodeURIComponent, but a lone surrogate becomes its (invalid) UTF-8 bytes instead of throwing. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}
function randomScalar(): unknown {
  return pick<() => unknown>([
    () => null,
    () => true,
    () => int(1e6) - 5e5,
    () => random() * 1e308,
    () => -0.5,
    () => pick(oddStrings),
    () => 'x'.repeat(int(2000)),
  ])();
}
function randomValue(depth: number): unknown {
  if (depth > 3 || random() < 0.4) return randomScalar();
  if (random() < 0.5) return Array.from({ length: int(5) }, () => randomValue(depth + 1));
  return Object.fromEntries(
    Array.from({ length: int(5) }, () => [
      pick(['role', 'content', 'metadata', 'type', 'text', 'file_ids', pick(oddStrings), `k${int(99)}`]),
      randomValue(depth + 1),
    ]),
  );
}

function validThreadBody(): Record<string, unknown> {
  return {
    messages: [
      { role: 'user', content: 'hello', metadata: { a: 'b' } },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'hi' },
          { type: 'image_url', image_url: { url: 'https://x.test/a.png' } },
        ],
        attachments: [{ file_id: 'file-1', tools: [{ type: 'file_search' }] }],
      },
    ],
    metadata: { team: 'fuzz' },
    tool_resources: { code_interpreter: { file_ids: ['file-1'] }, file_search: { vector_store_ids: ['vs_1'] } },
  };
}

/** Replaces, deletes or adds one value somewhere in the body. */
function mutate(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || random() < 0.25) return randomValue(0);
  const container = body as Record<string, unknown>;
  const keys = Object.keys(container);
  const roll = random();
  if (roll < 0.15 || keys.length === 0)
    container[pick(['extra', 'file_ids', 'assistant_id', pick(oddStrings)])] = randomValue(1);
  else if (roll < 0.3) delete container[pick(keys)];
  else if (roll < 0.45) container[pick(keys)] = randomValue(1);
  else {
    const key = pick(keys);
    container[key] = mutate(container[key]);
  }
  return body;
}

function oversized(): unknown {
  return pick<() => unknown>([
    () => ({ metadata: Object.fromEntries(Array.from({ length: 17 + int(20) }, (_, index) => [`k${index}`, 'v'])) }),
    () => ({ metadata: { ['k'.repeat(65 + int(100))]: 'v' } }),
    () => ({ metadata: { k: 'v'.repeat(513 + int(1000)) } }),
    () => ({ tool_resources: { code_interpreter: { file_ids: Array.from({ length: 21 + int(10) }, () => 'f') } } }),
    () => ({ tool_resources: { file_search: { vector_store_ids: ['a', 'b'] } } }),
    () => ({ messages: [validThreadBody().messages, ...Array.from({ length: int(3) }, () => randomValue(1))] }),
    () => ({
      messages: [
        { role: 'user', content: 'ok' },
        { role: 'user', content: 'ok' },
        { role: 'user', content: randomValue(1) },
      ],
    }),
    () => JSON.parse(`${'['.repeat(2000)}${']'.repeat(2000)}`),
  ])();
}

function bodyText(): string {
  const roll = random();
  if (roll < 0.12)
    return pick([
      '{',
      '{"a":',
      'nul',
      '[1,2',
      '{"metadata":{"a":"b"}',
      '\u00ff\u00fe',
      '{"a":1}garbage',
      "{'a':1}",
      '{"a":NaN}',
      '',
    ]);
  if (roll < 0.3) return JSON.stringify(oversized());
  return JSON.stringify(mutate(validThreadBody()));
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** What a 200 on this request creates, for the accounting at the end. */
  creates?: 'thread' | 'message';
}

function generate(threadId: string): FuzzRequest {
  const headers: Record<string, string> = {
    'content-type': pick([
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
    ]),
  };
  if (random() < 0.2)
    headers['openai-beta'] = pick([
      'assistants=v1',
      'assistants=v3',
      'assistants=',
      ',,,',
      'assistants=v2;v1',
      'x'.repeat(300),
    ]);
  if (random() < 0.1) headers['idempotency-key'] = random() < 0.5 ? 'k'.repeat(300) : `fuzz-${int(1e9)}-${int(1e9)}`;
  const roll = random();
  if (roll < 0.45) return { method: 'POST', path: '/v1/threads', headers, body: bodyText(), creates: 'thread' };
  if (roll < 0.65) {
    const message = mutate({ role: 'user', content: [{ type: 'text', text: 'x' }], metadata: { m: '1' } });
    return {
      method: 'POST',
      path: `/v1/threads/${threadId}/messages`,
      headers,
      body: random() < 0.15 ? bodyText() : JSON.stringify(message),
      creates: 'message',
    };
  }
  if (roll < 0.75)
    return {
      method: 'POST',
      path: `/v1/threads/${threadId}`,
      headers,
      body: JSON.stringify(mutate({ metadata: { a: 'b' }, tool_resources: {} })),
    };
  if (roll < 0.85) {
    const query = Array.from(
      { length: 1 + int(3) },
      () =>
        `${pick(['limit', 'order', 'after', 'before', 'created_after', 'run_id', 'metadata[k]', 'metadata[]', 'metadata[%ff]'])}=${encode(String(randomScalar()))}`,
    ).join('&');
    return { method: 'GET', path: `${pick(['/v1/threads', `/v1/threads/${threadId}/messages`])}?${query}`, headers };
  }
  const segment = () =>
    pick([
      ...oddStrings.map(encode),
      'threads',
      'messages',
      'runs',
      `thread_${int(1e6)}`,
      `msg_${int(1e6)}`,
      '%00',
      '%E0%A4%A',
      '..',
      'a'.repeat(1000),
    ]);
  const path = `/v1/${Array.from({ length: 1 + int(4) }, segment).join('/')}`;
  return {
    method: pick(['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS']),
    path,
    headers,
    body: random() < 0.5 ? bodyText() : '',
  };
}

let spool: SpoolProcess;
before(async () => {
  spool = await startSpool({ args: ['--body-limit', '256kb'] });
});
after(async () => {
  await spool.stop();
});

async function countAll(path: string): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  for (;;) {
    const page = (await raw(`${spool.url}${path}?limit=100${cursor ? `&after=${cursor}` : ''}`)).json as {
      data: unknown[];
      has_more: boolean;
      last_id: string | null;
    };
    count += page.data.length;
    if (!page.has_more) return count;
    cursor = page.last_id;
  }
}

test(`fuzz: ${cases} malformed requests (seed ${seed}) get 2xx or enveloped 4xx, and leave no partial writes`, async () => {
  const thread = (await raw(`${spool.baseURL}/threads`, { method: 'POST' })).json as { id: string };
  const threadsBefore = await countAll('/v1/threads');
  const requests = Array.from({ length: cases }, () => generate(thread.id));
  let createdThreads = 0;
  let createdMessages = 0;
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const fuzz = requests[next++] as FuzzRequest;
      const reply = await raw(`${spool.url}${fuzz.path}`, {
        method: fuzz.method,
        headers: fuzz.headers,
        ...(fuzz.body !== undefined && fuzz.method !== 'GET' ? { body: fuzz.body } : {}),
      });
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
      const context = `${fuzz.method} ${fuzz.path.slice(0, 200)} ${fuzz.body?.slice(0, 300)} -> ${reply.status} ${reply.text.slice(0, 300)}`;
      assert.ok(reply.status < 500, context);
      if (reply.status >= 400) envelopeOf(reply);
      else {
        assert.equal(reply.status, 200, context);
        if (fuzz.creates === 'thread') createdThreads++;
        if (fuzz.creates === 'message') createdMessages++;
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));

  assert.equal(
    await countAll('/v1/threads'),
    threadsBefore + createdThreads,
    'only acknowledged creates left a thread',
  );
  assert.equal(
    await countAll(`/v1/threads/${thread.id}/messages`),
    createdMessages,
    'only acknowledged creates left a message',
  );
  assert.ok(
    (statuses.get(400) ?? 0) > cases / 3,
    `the fuzzer mostly sends bad input: ${JSON.stringify([...statuses])}`,
  );
  assert.ok(createdThreads > 0, 'some mutations stay valid, so the happy path is exercised too');
  assert.equal(spool.child.exitCode, null, 'the server is still running');
  assert.equal((await raw(`${spool.baseURL}/threads/${thread.id}`)).status, 200);
});
