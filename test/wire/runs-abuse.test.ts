// A model server or a client that misbehaves on purpose: an endless fast stream, a huge tool call,
// error pages with secrets in them, model names that are also JavaScript's own, and image URLs
// that point at the model server's own machine or network.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { FakeModel, type RecordedRequest } from '../support/fake-model.js';
import { envelopeOf, postJson, type RawResponse, raw } from '../support/http.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';
import { storedMessageStatus } from '../support/stored.js';

let model: FakeModel;
let spool: SpoolProcess;
let assistantId: string;

const terminal = ['completed', 'failed', 'cancelled', 'expired', 'incomplete', 'requires_action'];
const genericServerError = 'The server had an error while processing your request. Sorry about that!';

interface WireRun {
  id: string;
  thread_id: string;
  status: string;
  incomplete_details: { reason: string } | null;
  last_error: { code: string; message: string } | null;
}

before(async () => {
  model = await new FakeModel().start();
  spool = await startSpool({ env: { SPOOL_MODEL_BASE_URL: model.url, SPOOL_MODEL_TIMEOUT_MS: '2000' } });
  const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
  assistantId = ((await postJson(`${spool.baseURL}/assistants`, { model: 'gpt-4o', tools })).json as { id: string }).id;
});
after(async () => {
  await spool?.stop();
  await model?.stop();
});

function percentile(samples: readonly number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

function rssMegabytes(pid: number | undefined): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(line?.[1] ?? 0) / 1024);
}

async function timedGet(url: string): Promise<{ ms: number; response: RawResponse }> {
  const started = performance.now();
  const response = await raw(url);
  return { ms: performance.now() - started, response };
}

/** Starts a run and, until it stops being active, retrieves it in a loop, timing every request. */
async function runWhileTiming(body: object = {}): Promise<{ run: WireRun; latencies: number[]; peakRssMb: number }> {
  const created = (
    await postJson(`${spool.baseURL}/threads/runs`, {
      assistant_id: assistantId,
      thread: { messages: [{ role: 'user', content: 'go' }] },
      ...body,
    })
  ).json as WireRun;
  const latencies: number[] = [];
  let peakRssMb = 0;
  const started = Date.now();
  for (;;) {
    const { ms, response } = await timedGet(`${spool.baseURL}/threads/${created.thread_id}/runs/${created.id}`);
    latencies.push(ms);
    peakRssMb = Math.max(peakRssMb, rssMegabytes(spool.child.pid));
    const run = response.json as WireRun;
    if (terminal.includes(run.status)) return { run, latencies, peakRssMb };
    assert.ok(
      Date.now() - started < 60_000,
      `the run is still ${run.status} after 60 s (${report('meanwhile', latencies, `, peak RSS ${peakRssMb} MB`)})`,
    );
  }
}

async function baselineLatencies(): Promise<number[]> {
  const thread = (await postJson(`${spool.baseURL}/threads`, {})).json as { id: string };
  const latencies: number[] = [];
  for (let index = 0; index < 200; index++)
    latencies.push((await timedGet(`${spool.baseURL}/threads/${thread.id}`)).ms);
  return latencies;
}

function report(label: string, latencies: readonly number[], extra = ''): string {
  return `${label}: ${latencies.length} GETs, p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms${extra}`;
}

describe('a model server that floods', () => {
  test('an endless fast stream: the answer stops at 256,000 characters, the run is incomplete, other requests stay fast', async (t) => {
    const baseline = await baselineLatencies();
    model.script({ endless: 'x' });
    const { run, latencies, peakRssMb } = await runWhileTiming();
    t.diagnostic(report('idle baseline', baseline));
    t.diagnostic(report('during the flood', latencies, `, peak RSS ${peakRssMb} MB`));

    assert.equal(run.status, 'incomplete');
    assert.deepEqual(run.incomplete_details, { reason: 'max_completion_tokens' });
    const messages = (await raw(`${spool.baseURL}/threads/${run.thread_id}/messages?run_id=${run.id}`)).json as {
      data: Array<{ id: string; content: Array<{ text: { value: string } }> }>;
    };
    const [answer] = messages.data;
    assert.deepEqual(await storedMessageStatus(spool, answer?.id ?? ''), {
      status: 'incomplete',
      incomplete_details: { reason: 'max_tokens' },
    });
    assert.equal(answer?.content[0]?.text.value.length, 256_000, 'what was written up to the limit is kept');
    assert.ok(latencies.length >= 5, 'the run lasted long enough to be measured alongside');
    // The margin is wide (the machine is shared); before the fix this was seconds, and the run never ended.
    assert.ok(percentile(latencies, 0.99) < 100 + percentile(baseline, 0.99), report('during the flood', latencies));
    assert.ok(peakRssMb < 400, `peak RSS ${peakRssMb} MB`);
  });

  test('a 12 MB tool call in 64 kB pieces fails the run at 262,144 characters, saying so', async (t) => {
    model.script({ toolCalls: [{ name: 'lookup', arguments: 'a'.repeat(12_000_000) }], argumentChunkSize: 65_536 });
    const { run, latencies } = await runWhileTiming();
    t.diagnostic(report('during the huge tool call', latencies));
    assert.equal(run.status, 'failed');
    assert.deepEqual(run.last_error, {
      code: 'server_error',
      message:
        "The arguments of one of the model's tool calls exceeded 262144 characters, the most Spool accepts for one call.",
    });
    const steps = (await raw(`${spool.baseURL}/threads/${run.thread_id}/runs/${run.id}/steps`)).json as {
      data: Array<{ status: string }>;
    };
    assert.deepEqual(
      steps.data.map((step) => step.status),
      ['failed'],
    );
  });

  test('a 12 MB tool call in two 6 MB stream events fails the run at the 1 MiB event limit, and other requests stay fast', async (t) => {
    const baseline = await baselineLatencies();
    model.script({ toolCalls: [{ name: 'lookup', arguments: 'a'.repeat(12_000_000) }] });
    const { run, latencies } = await runWhileTiming();
    t.diagnostic(report('idle baseline', baseline));
    t.diagnostic(report('during the two-event tool call', latencies));
    assert.equal(run.status, 'failed');
    assert.deepEqual(run.last_error, {
      code: 'server_error',
      message: 'The model server sent a stream event larger than 1048576 bytes, more than Spool accepts.',
    });
    assert.ok(
      Math.max(...latencies) < 100 + percentile(baseline, 0.99),
      report('during the two-event tool call', latencies),
    );
  });

  test('129 tool calls fail the run: at most 128', async () => {
    model.script({ toolCalls: Array.from({ length: 129 }, () => ({ name: 'lookup', arguments: '{}' })) });
    const { run } = await runWhileTiming();
    assert.equal(run.status, 'failed');
    assert.equal(
      run.last_error?.message,
      'The model made more than 128 tool calls in one answer, the most Spool accepts.',
    );
  });
});

describe("the model server's error text", () => {
  test('an error page with an internal address, a traceback and a key is logged, and the client gets the generic message', async () => {
    const page =
      '<html><body><h1>502 Bad Gateway</h1><p>upstream 10.20.30.40:8000 failed</p><pre>Traceback (most recent call last): key sk-proj-****WXYZ</pre></body></html>';
    model.script({ status: 502, errorBody: page }, { status: 502, errorBody: page }, { status: 502, errorBody: page });
    const { run } = await runWhileTiming();
    assert.equal(run.status, 'failed');
    assert.deepEqual(run.last_error, { code: 'server_error', message: genericServerError });
    const everything = [
      (await raw(`${spool.baseURL}/threads/${run.thread_id}/runs/${run.id}`)).text,
      (await raw(`${spool.baseURL}/threads/${run.thread_id}/runs/${run.id}/steps`)).text,
      (await raw(`${spool.baseURL}/threads/${run.thread_id}/runs`)).text,
    ].join('\n');
    for (const secret of ['10.20.30.40', 'Traceback', 'sk-proj', 'Bad Gateway'])
      assert.ok(!everything.includes(secret), `${secret} reached the client`);
    assert.match(
      spool.output(),
      new RegExp(`"run":"${run.id}","attempt":3,"status":502,"upstream":"[^"]*10\\.20\\.30\\.40:8000`),
      'the details are in the log',
    );
  });

  test('a rate limit with an organisation in its message: the client gets a generic rate-limit message', async () => {
    const limited = {
      status: 429,
      errorBody:
        '{"error":{"message":"Rate limit reached for org-SECRET123 on tokens per min","type":"tokens","param":null,"code":"rate_limit_exceeded"}}',
      headers: { 'content-type': 'application/json', 'retry-after': '0.05' },
    };
    model.script(limited, limited, limited);
    const { run } = await runWhileTiming();
    assert.equal(run.status, 'failed');
    assert.deepEqual(run.last_error, {
      code: 'rate_limit_exceeded',
      message: 'Rate limit reached for requests to the model. Please try again later.',
    });
    assert.match(spool.output(), /org-SECRET123/);
  });
});

describe('a Spool with a model map and SPOOL_MODEL_IMAGE_URLS=any', () => {
  let mapped: SpoolProcess;
  before(async () => {
    mapped = await startSpool({
      env: { SPOOL_MODEL_BASE_URL: model.url, SPOOL_MODEL_MAP: 'gpt-4o=mapped-model', SPOOL_MODEL_IMAGE_URLS: 'any' },
    });
  });
  after(async () => {
    await mapped?.stop();
  });

  async function askedFor(base: string, assistant: object, content: unknown): Promise<RecordedRequest['body']> {
    const created = await postJson(`${base}/assistants`, assistant);
    assert.equal(created.status, 200, created.text);
    const before = model.requests.length;
    const run = (
      await postJson(`${base}/threads/runs`, {
        assistant_id: (created.json as { id: string }).id,
        thread: { messages: [{ role: 'user', content }] },
      })
    ).json as WireRun;
    for (let status = run.status; !terminal.includes(status); ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = ((await raw(`${base}/threads/${run.thread_id}/runs/${run.id}`)).json as WireRun).status;
    }
    const request = model.requests[before];
    assert.ok(request, 'the model was called');
    return request.body;
  }

  test('models named constructor, __proto__ or toString are sent as those names; a mapped one is mapped', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      assert.equal((await askedFor(mapped.baseURL, { model: name }, 'hi')).model, name);
    }
    assert.equal((await askedFor(mapped.baseURL, { model: 'gpt-4o' }, 'hi')).model, 'mapped-model');
  });

  test('with SPOOL_MODEL_IMAGE_URLS=any, a loopback image URL is forwarded as it is', async () => {
    const body = await askedFor(mapped.baseURL, { model: 'gpt-4o' }, [
      { type: 'image_url', image_url: { url: 'http://127.0.0.1:9/secret.png' } },
    ]);
    assert.match(JSON.stringify(body.messages), /127\.0\.0\.1:9\/secret\.png/);
  });
});

describe('image URLs the model server would fetch from its own network (default: public only)', () => {
  test('loopback, private, link-local and localhost URLs are replaced by a note; public and data: URLs are sent', async () => {
    const withheld = [
      'http://127.0.0.1:9/secret.png',
      'http://[::1]/a.png',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.8/internal.png',
      'http://localhost:8080/x.png',
      'http://2130706433/decimal.png',
      'http://0.0.0.0/x.png',
    ];
    const sent = ['https://example.com/cat.png', 'data:image/png;base64,iVBORw0KGgo='];
    const content = [
      { type: 'text', text: 'what are these?' },
      ...[...withheld, ...sent].map((url) => ({ type: 'image_url', image_url: { url } })),
    ];
    const before = model.requests.length;
    const { run } = await runWhileTiming({ thread: { messages: [{ role: 'user', content }] } });
    assert.equal(run.status, 'completed');
    const forwarded = JSON.stringify(model.requests[before]?.body.messages);
    for (const url of withheld) assert.ok(!forwarded.includes(url), `${url} was sent to the model server`);
    for (const url of sent) assert.ok(forwarded.includes(url), `${url} was not sent`);
    const user = model.requests[before]?.body.messages.find((message) => message.role === 'user');
    assert.ok(Array.isArray(user?.content));
    const notes = (user.content as Array<{ type: string; text?: string }>).filter(
      (part) => part.type === 'text' && part.text?.includes('not sent to the model'),
    );
    assert.equal(notes.length, withheld.length, 'the model reads a note in place of each image');
  });

  test('a file: image URL never reaches the model server (refused at create, or withheld)', async () => {
    const before = model.requests.length;
    const created = await postJson(`${spool.baseURL}/threads/runs`, {
      assistant_id: assistantId,
      thread: {
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] }],
      },
    });
    if (created.status === 400) {
      assert.ok(envelopeOf(created).message);
      return;
    }
    const run = created.json as WireRun;
    for (let status = run.status; !terminal.includes(status); ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = ((await raw(`${spool.baseURL}/threads/${run.thread_id}/runs/${run.id}`)).json as WireRun).status;
    }
    assert.ok(model.requests.length > before, 'the model was called');
    assert.ok(
      !JSON.stringify(model.requests.slice(before).map((request) => request.body)).includes('file:'),
      'file: reached the model server',
    );
  });
});
