// The console's runs panel in Debian's chromium, against Spool and a fake model server: a thread
// whose first run called a tool and then answered, and whose second run failed; its runs with
// status, model, usage and error; the steps of a run (the tool call with its arguments and output,
// the message it wrote, which links to that message); older runs on request; at desktop and phone
// widths, with screenshots under test-results/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { browserMissing, fitsWidth, launchChromium, screenshot, watchForProblems } from '../support/browser.js';
import { FakeModel } from '../support/fake-model.js';
import { postJson, raw } from '../support/http.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';

const key = 'sk-console-runs-key-0123456789abcdefghij';
const bearer = { authorization: `Bearer ${key}` };
const answer = 'It is sunny and 22 C in Paris.';

interface Run {
  id: string;
  thread_id: string;
  status: string;
  last_error: { code: string; message: string } | null;
  required_action: { submit_tool_outputs: { tool_calls: Array<{ id: string }> } } | null;
}

let model: FakeModel;
let spool: SpoolProcess;
let browser: BrowserContext;
let page: Page;
let problems: string[];
let threadId: string;
let toolRun: Run;
let failedRun: Run;
let answerMessageId: string;
let busyThreadId: string;
const busyRunIds: string[] = [];

async function api<T>(path: string, body?: unknown): Promise<T> {
  const reply =
    body === undefined
      ? await raw(`${spool.baseURL}${path}`, { headers: bearer })
      : await postJson(`${spool.baseURL}${path}`, body, bearer);
  assert.equal(reply.status, 200, reply.text);
  return reply.json as T;
}

async function settled(run: Run): Promise<Run> {
  for (let tries = 0; tries < 200; tries++) {
    const current = await api<Run>(`/threads/${run.thread_id}/runs/${run.id}`);
    if (!['queued', 'in_progress', 'cancelling'].includes(current.status)) return current;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`run ${run.id} did not settle`);
}

before(async () => {
  if (browserMissing) return;
  model = await new FakeModel().start();
  spool = await startSpool({ env: { SPOOL_API_KEYS: key, SPOOL_MODEL_BASE_URL: model.url } });
  const assistant = await api<{ id: string }>('/assistants', {
    model: 'gpt-4o',
    name: 'Weather',
    tools: [
      {
        type: 'function',
        function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    ],
  });

  model.script(
    {
      toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris","unit":"C"}' }],
      usage: { prompt_tokens: 30, completion_tokens: 8 },
    },
    { text: answer, usage: { prompt_tokens: 52, completion_tokens: 9 } },
  );
  const started = await settled(
    await api<Run>('/threads/runs', {
      assistant_id: assistant.id,
      thread: { messages: [{ role: 'user', content: 'Weather in Paris?' }] },
    }),
  );
  assert.equal(started.status, 'requires_action');
  threadId = started.thread_id;
  const callId = started.required_action?.submit_tool_outputs.tool_calls[0]?.id;
  toolRun = await settled(
    await api<Run>(`/threads/${threadId}/runs/${started.id}/submit_tool_outputs`, {
      tool_outputs: [{ tool_call_id: callId, output: '{"temp_c":22,"sky":"sunny"}' }],
    }),
  );
  assert.equal(toolRun.status, 'completed');
  const messages = await api<{ data: Array<{ id: string; role: string }> }>(
    `/threads/${threadId}/messages?order=desc&limit=1`,
  );
  answerMessageId = messages.data[0]?.id ?? '';

  model.script({ status: 400 });
  failedRun = await settled(
    await api<Run>(`/threads/${threadId}/runs`, {
      assistant_id: assistant.id,
      additional_messages: [{ role: 'user', content: 'And tomorrow?' }],
    }),
  );
  assert.equal(failedRun.status, 'failed');

  // A thread with more runs than one page holds.
  busyThreadId = (await api<{ id: string }>('/threads', {})).id;
  for (let index = 0; index < 21; index++) {
    const run = await settled(
      await api<Run>(`/threads/${busyThreadId}/runs`, { assistant_id: assistant.id, metadata: { n: String(index) } }),
    );
    busyRunIds.unshift(run.id);
  }

  browser = await launchChromium();
  page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  problems = watchForProblems(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  // Signed in as the sign-in screen leaves it (that screen has its own tests), without its notice.
  await page.goto(`${spool.url}/`);
  await page.evaluate(`sessionStorage.setItem('spool.apiKey', ${JSON.stringify(key)})`);
});

after(async () => {
  if (browserMissing) return;
  await browser?.close();
  await spool?.stop();
  await model?.stop();
});

const runArticles = () => page.getByRole('list', { name: 'Runs' }).getByRole('article');
const factOf = (scope: Locator, term: string) =>
  scope.locator('.fact', { has: page.locator('dt', { hasText: term }) }).locator('dd');

describe('the runs panel, desktop width', () => {
  test("a thread lists its runs newest first, with status, model, usage and the failed run's error", {
    skip: browserMissing,
  }, async () => {
    await page.goto(`${spool.url}/#/threads/${threadId}`);
    await page.getByRole('heading', { level: 2, name: 'Runs' }).waitFor();
    await runArticles().nth(1).waitFor();
    assert.deepEqual(
      await runArticles().evaluateAll((articles) => articles.map((article) => article.getAttribute('aria-label'))),
      [`Run ${failedRun.id}`, `Run ${toolRun.id}`],
    );

    const failed = page.getByRole('article', { name: `Run ${failedRun.id}` });
    assert.equal(await failed.locator('.status-badge').textContent(), 'failed');
    assert.equal(await factOf(failed, 'Error').textContent(), `server_error: ${failedRun.last_error?.message}`);
    assert.equal(await factOf(failed, 'Usage').textContent(), 'None reported.');
    // The model server's own error text is logged, never shown: the run carries OpenAI's generic message.
    assert.equal(
      failedRun.last_error?.message,
      'The server had an error while processing your request. Sorry about that!',
    );

    const completed = page.getByRole('article', { name: `Run ${toolRun.id}` });
    assert.equal(await completed.locator('.status-badge').textContent(), 'completed');
    assert.equal(await factOf(completed, 'Model').textContent(), 'gpt-4o');
    assert.equal(await factOf(completed, 'Usage').textContent(), '99 tokens (82 prompt, 17 completion)');
    assert.equal(await factOf(completed, 'Error').count(), 0, 'a completed run shows no error');
  });

  test('the steps of a run: the tool call with its name, arguments and output, then the message it wrote', {
    skip: browserMissing,
  }, async () => {
    const completed = page.getByRole('article', { name: `Run ${toolRun.id}` });
    const toggle = completed.getByRole('button', { name: 'Show steps' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    const steps = completed.getByRole('list', { name: `Steps of run ${toolRun.id}` }).getByRole('article');
    await steps.nth(1).waitFor();
    assert.equal(await completed.getByRole('button', { name: 'Hide steps' }).getAttribute('aria-expanded'), 'true');
    assert.deepEqual(await steps.locator('h4').allTextContents(), ['Called a tool', 'Wrote a message']);

    const call = steps.first().getByRole('region', { name: 'Tool call get_weather' });
    assert.equal(await call.locator('.tool-name').textContent(), 'get_weather');
    assert.equal(await factOf(call, 'Arguments').textContent(), '{\n  "city": "Paris",\n  "unit": "C"\n}');
    assert.equal(await factOf(call, 'Output').textContent(), '{\n  "temp_c": 22,\n  "sky": "sunny"\n}');
    assert.equal(await factOf(steps.first(), 'Usage').textContent(), '38 tokens (30 prompt, 8 completion)');
    const link = steps.nth(1).getByRole('link', { name: answerMessageId });
    assert.equal(await link.getAttribute('href'), `#/threads/${threadId}/messages/${answerMessageId}`);

    await screenshot(page, 'console-runs-desktop', [
      page.getByRole('heading', { level: 2, name: 'Runs' }),
      page.getByRole('article', { name: `Run ${failedRun.id}` }).locator('.status-badge'),
      factOf(page.getByRole('article', { name: `Run ${failedRun.id}` }), 'Error'),
      factOf(completed, 'Usage'),
      call.locator('.tool-name'),
      factOf(call, 'Arguments'),
      factOf(call, 'Output'),
      link,
    ]);

    await completed.getByRole('button', { name: 'Hide steps' }).click();
    assert.equal(await steps.first().isVisible(), false, 'the steps fold away');
  });

  test('the message link opens the message the run wrote, with the run that wrote it', {
    skip: browserMissing,
  }, async () => {
    const completed = page.getByRole('article', { name: `Run ${toolRun.id}` });
    await completed.getByRole('button', { name: 'Show steps' }).click();
    await completed.getByRole('link', { name: answerMessageId }).click();
    await page.getByRole('heading', { level: 1, name: `Message ${answerMessageId}` }).waitFor();
    assert.equal(
      await page
        .getByRole('article', { name: `Assistant message ${answerMessageId}` })
        .locator('.text')
        .textContent(),
      answer,
    );
    assert.equal(
      await page
        .locator('.fact', { has: page.locator('dt', { hasText: 'Written by run' }) })
        .locator('dd')
        .textContent(),
      toolRun.id,
    );
    await page.getByRole('link', { name: `← Thread ${threadId}` }).click();
    await page.getByRole('heading', { level: 1, name: `Thread ${threadId}` }).waitFor();

    await page.goto(`${spool.url}/#/threads/${threadId}/messages/msg_gone`);
    await page.getByRole('heading', { level: 1, name: 'Message not found' }).waitFor();
    assert.equal(await page.getByRole('alert').textContent(), "No message found with id 'msg_gone'.");
  });

  test('older runs load on request, twenty at a time, until there are no more', { skip: browserMissing }, async () => {
    await page.goto(`${spool.url}/#/threads/${busyThreadId}`);
    await runArticles().nth(19).waitFor();
    const labels = () =>
      runArticles().evaluateAll((articles) => articles.map((article) => article.getAttribute('aria-label')));
    assert.deepEqual(
      await labels(),
      busyRunIds.slice(0, 20).map((id) => `Run ${id}`),
    );
    const more = page.getByRole('button', { name: 'Load older runs' });
    await more.click();
    await runArticles().nth(20).waitFor();
    assert.deepEqual(
      await labels(),
      busyRunIds.map((id) => `Run ${id}`),
    );
    await more.waitFor({ state: 'hidden' });
  });

  test('a thread without runs says so; the console raised no script errors', { skip: browserMissing }, async () => {
    const empty = (await api<{ id: string }>('/threads', {})).id;
    await page.goto(`${spool.url}/#/threads/${empty}`);
    await page.getByText('No runs on this thread.').waitFor();
    assert.deepEqual(problems, []);
  });
});

describe('the runs panel, phone width', () => {
  before(async () => {
    if (browserMissing) return;
    await page.setViewportSize({ width: 390, height: 844 });
  });

  test('runs and steps fit a phone screen, nothing to scroll sideways', { skip: browserMissing }, async () => {
    await page.goto(`${spool.url}/#/threads/${threadId}`);
    const completed = page.getByRole('article', { name: `Run ${toolRun.id}` });
    await completed.getByRole('button', { name: 'Show steps' }).click();
    const call = completed.getByRole('region', { name: 'Tool call get_weather' });
    await call.waitFor();
    await completed.scrollIntoViewIfNeeded();
    await screenshot(page, 'console-runs-phone', [
      page.getByRole('heading', { level: 2, name: 'Runs' }),
      factOf(page.getByRole('article', { name: `Run ${failedRun.id}` }), 'Error'),
      completed.locator('.status-badge'),
      factOf(call, 'Arguments'),
      factOf(call, 'Output'),
      completed.getByRole('link', { name: answerMessageId }),
    ]);
    assert.ok(await fitsWidth(page), 'the runs panel fits 390 px');
    assert.deepEqual(problems, []);
  });
});
