// The web console in Debian's chromium against a real server with API keys: sign in, list and
// filter threads, page through a thread of 150 messages, create a thread, add a message, edit
// metadata and delete behind a confirmation, at desktop and phone widths, with a screenshot of
// each main screen under test-results/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { browserMissing, fitsWidth, launchChromium, screenshot, watchForProblems } from '../support/browser.js';
import { postJson, raw } from '../support/http.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';

const key = 'sk-console-test-key-0123456789abcdefghij';
const bearer = { authorization: `Bearer ${key}` };
// A small blue rectangle, so that the image shows without any network.
const imageUrl = `data:image/svg+xml;base64,${Buffer.from("<svg xmlns='http://www.w3.org/2000/svg' width='120' height='80'><rect width='120' height='80' fill='#4a90e2'/></svg>").toString('base64')}`;

let spool: SpoolProcess;
let browser: BrowserContext;
let page: Page;
let problems: string[];
/** Every thread, newest first, as the console lists them. */
const threadIds: string[] = [];
let longThread: string;

async function api<T>(path: string, body?: unknown): Promise<T> {
  const reply =
    body === undefined
      ? await raw(`${spool.baseURL}${path}`, { headers: bearer })
      : await postJson(`${spool.baseURL}${path}`, body, bearer);
  assert.equal(reply.status, 200, reply.text);
  return reply.json as T;
}

async function createThread(metadata: Record<string, string>): Promise<string> {
  const { id } = await api<{ id: string }>('/threads', { metadata });
  threadIds.unshift(id);
  return id;
}

before(async () => {
  if (browserMissing) return;
  spool = await startSpool({ env: { SPOOL_API_KEYS: key } });
  for (let index = 1; index <= 24; index++) await createThread({ team: 'sales', n: String(index) });
  await createThread({ team: 'support', tier: 'gold' });
  await createThread({ team: 'support', tier: 'silver' });
  await createThread({ team: 'support', tier: 'gold' });
  longThread = await createThread({ team: 'support', tier: 'gold', topic: 'long' });
  for (let index = 1; index <= 150; index++) {
    const content =
      index === 1
        ? [
            { type: 'text', text: 'Message 1' },
            { type: 'image_url', image_url: { url: imageUrl } },
          ]
        : `Message ${index}`;
    const attachments = index === 1 ? [{ file_id: 'file-doc', tools: [{ type: 'file_search' }] }] : [];
    await api(`/threads/${longThread}/messages`, {
      role: index % 2 === 0 ? 'assistant' : 'user',
      content,
      attachments,
    });
  }
  browser = await launchChromium();
  page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  problems = watchForProblems(page);
  await page.setViewportSize({ width: 1280, height: 800 });
});

after(async () => {
  if (browserMissing) return;
  await browser?.close();
  await spool?.stop();
});

const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
const threadLinks = () => page.getByRole('list', { name: 'Threads' }).getByRole('link');
const messageTexts = () => page.getByRole('article').locator('.text');

describe('the web console, desktop width', () => {
  test("sign in: the page shows the form; a wrong key gets the server's message; the right key opens the threads", {
    skip: browserMissing,
  }, async () => {
    await page.goto(`${spool.url}/`);
    await screenshot(page, 'console-sign-in-desktop', [
      heading('Sign in'),
      page.getByLabel('API key'),
      page.getByRole('button', { name: 'Sign in' }),
    ]);
    await page.getByLabel('API key').fill('sk-wrong-key-000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(
      (await alert.textContent()) ?? '',
      /^Incorrect API key provided: sk-wrong\*+0000\. You can find your API key at/,
    );
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Threads').waitFor();
    assert.equal(await page.evaluate("sessionStorage.getItem('spool.apiKey')"), key, 'the key is kept for this tab');
  });

  test('the threads list: twenty newest first, then the rest on the next page, and back', {
    skip: browserMissing,
  }, async () => {
    await threadLinks().nth(19).waitFor();
    assert.deepEqual(await threadLinks().allTextContents(), threadIds.slice(0, 20));
    const previous = page.getByRole('button', { name: 'Previous page' });
    const next = page.getByRole('button', { name: 'Next page' });
    assert.equal(await previous.isDisabled(), true);
    assert.equal(await next.isDisabled(), false);
    await screenshot(page, 'console-threads-desktop', [
      heading('Threads'),
      page.getByRole('link', { name: 'New thread' }),
      page.getByRole('search', { name: 'Filter threads' }),
      threadLinks(),
      next,
    ]);
    await next.click();
    await page.waitForURL(/after=/);
    // The first page's twenty links stay until the next page replaces them: wait for it to shrink.
    await threadLinks().nth(8).waitFor({ state: 'detached' });
    await threadLinks().nth(7).waitFor();
    assert.deepEqual(await threadLinks().allTextContents(), threadIds.slice(20));
    assert.equal(await next.isDisabled(), true);
    await previous.click();
    await page.waitForURL(/before=/);
    await threadLinks().nth(19).waitFor();
    assert.deepEqual(await threadLinks().allTextContents(), threadIds.slice(0, 20));
    assert.equal(await previous.isDisabled(), true, 'nothing is newer than the first page');
  });

  test('filter by metadata: pairs are AND-ed, kept in the address, and cleared', { skip: browserMissing }, async () => {
    await page.getByLabel('Key 1', { exact: true }).fill('team');
    await page.getByLabel('Value 1', { exact: true }).fill('support');
    await page.getByRole('button', { name: 'Add filter' }).click();
    await page.getByLabel('Key 2', { exact: true }).fill('tier');
    await page.getByLabel('Value 2', { exact: true }).fill('gold');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/metadata%5Btier%5D=gold/);
    await page.getByRole('button', { name: 'Clear filters' }).waitFor();
    const gold = (
      await api<{ data: Array<{ id: string }> }>('/threads?metadata[team]=support&metadata[tier]=gold')
    ).data.map((thread) => thread.id);
    assert.equal(gold.length, 3);
    assert.deepEqual(await threadLinks().allTextContents(), gold);
    assert.equal(
      await page.getByLabel('Value 2', { exact: true }).inputValue(),
      'gold',
      'the form shows the filters in force',
    );
    await screenshot(page, 'console-threads-filtered-desktop', [
      page.getByRole('button', { name: 'Clear filters' }),
      threadLinks(),
    ]);

    await page.getByLabel('Value 1', { exact: true }).fill('nobody');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No threads match these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await threadLinks().nth(19).waitFor();
    assert.equal(await page.getByLabel('Key 1', { exact: true }).inputValue(), '');
  });

  test('open the thread of 150 messages and page through it, fifty at a time, in the order written', {
    skip: browserMissing,
  }, async () => {
    await threadLinks().filter({ hasText: longThread }).click();
    await heading(`Thread ${longThread}`).waitFor();
    const numbers = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, index) => `Message ${from + index}`);
    await messageTexts().nth(49).waitFor();
    assert.deepEqual(await messageTexts().allTextContents(), numbers(1, 50));
    const metadata = page.getByRole('list', { name: 'Thread metadata' });
    assert.deepEqual(await metadata.getByRole('listitem').allTextContents(), [
      'team: support',
      'tier: gold',
      'topic: long',
    ]);
    const first = page.getByRole('article').first();
    assert.equal(await first.getByRole('img', { name: 'Image from the message' }).getAttribute('src'), imageUrl);
    assert.ok(
      ((await page.evaluate("document.querySelector('figure.image img').naturalWidth")) as number) > 0,
      'the image loaded',
    );
    assert.equal(
      await first.getByRole('list', { name: 'Attachments' }).textContent(),
      'Attachment file-doc for file_search',
    );
    assert.match((await page.getByRole('article').nth(1).getAttribute('aria-label')) ?? '', /^Assistant message msg_/);
    await screenshot(page, 'console-thread-desktop', [
      heading(`Thread ${longThread}`),
      page.getByRole('heading', { name: 'Metadata' }),
      page.getByRole('heading', { name: 'Messages' }),
      page.getByRole('img', { name: 'Image from the message' }),
      page.getByRole('heading', { name: 'Add a message' }),
      page.getByRole('button', { name: 'Delete thread' }),
    ]);

    const next = page.getByRole('button', { name: 'Next page' });
    const previous = page.getByRole('button', { name: 'Previous page' });
    assert.equal(await previous.isDisabled(), true);
    for (const [from, to] of [
      [51, 100],
      [101, 150],
    ] as const) {
      await next.click();
      await page.getByText(`Message ${to}`, { exact: true }).waitFor();
      assert.deepEqual(await messageTexts().allTextContents(), numbers(from, to));
    }
    assert.equal(await next.isDisabled(), true, 'the last page');
    await previous.click();
    await page.getByText('Message 51', { exact: true }).waitFor();
    assert.deepEqual(await messageTexts().allTextContents(), numbers(51, 100));
  });

  let created: string;

  test('create a thread with metadata and a first message', { skip: browserMissing }, async () => {
    await page.getByRole('link', { name: '← All threads' }).click();
    await page.getByRole('link', { name: 'New thread' }).click();
    await heading('New thread').waitFor();
    await page.getByLabel('Key 1', { exact: true }).fill('project');
    await page.getByLabel('Value 1', { exact: true }).fill('console-test');
    await page.getByLabel('Message', { exact: true }).fill('Created from the browser');
    await screenshot(page, 'console-new-thread-desktop', [
      heading('New thread'),
      page.getByRole('group', { name: 'Metadata' }),
      page.getByRole('button', { name: 'Create thread' }),
    ]);
    await page.getByRole('button', { name: 'Create thread' }).click();
    await heading(/^Thread thread_/).waitFor();
    created = ((await heading(/^Thread thread_/).textContent()) ?? '').replace('Thread ', '');
    assert.match(created, /^thread_[A-Za-z0-9]{24}$/);
    assert.deepEqual(await messageTexts().allTextContents(), ['Created from the browser']);
    const thread = await api<{ metadata: unknown }>(`/threads/${created}`);
    assert.deepEqual(thread.metadata, { project: 'console-test' });
  });

  test('add a message with an image URL: it shows on the last page and is stored', {
    skip: browserMissing,
  }, async () => {
    await page.getByLabel('Role').selectOption('assistant');
    await page.getByLabel('Message', { exact: true }).fill('A reply\non two lines');
    await page.getByLabel('Image URL (optional)').fill(imageUrl);
    await page.getByRole('button', { name: 'Add message' }).click();
    await page.getByRole('article').nth(1).waitFor();
    assert.deepEqual(await messageTexts().allTextContents(), ['Created from the browser', 'A reply\non two lines']);
    const stored = await api<{ data: Array<{ role: string; content: unknown }> }>(
      `/threads/${created}/messages?order=asc`,
    );
    assert.deepEqual(stored.data[1], {
      ...stored.data[1],
      role: 'assistant',
      content: [
        { type: 'text', text: { value: 'A reply\non two lines', annotations: [] } },
        { type: 'image_url', image_url: { url: imageUrl, detail: 'auto' } },
      ],
    });
  });

  test("edit the thread's metadata; a value the API refuses shows the server's message", {
    skip: browserMissing,
  }, async () => {
    await page.getByRole('button', { name: 'Edit metadata' }).click();
    await page.getByLabel('Value 1', { exact: true }).fill('edited');
    await page.getByRole('button', { name: 'Add a key' }).click();
    await page.getByLabel('Key 2', { exact: true }).fill('owner');
    await page.getByLabel('Value 2', { exact: true }).fill('browser');
    await page.getByRole('button', { name: 'Save metadata' }).click();
    const chips = page.getByRole('list', { name: 'Thread metadata' });
    await chips.getByText('browser').waitFor();
    assert.deepEqual(await chips.getByRole('listitem').allTextContents(), ['project: edited', 'owner: browser']);
    assert.deepEqual((await api<{ metadata: unknown }>(`/threads/${created}`)).metadata, {
      project: 'edited',
      owner: 'browser',
    });

    await page.getByRole('button', { name: 'Edit metadata' }).click();
    for (let row = 3; row <= 17; row++) {
      await page.getByRole('button', { name: 'Add a key' }).click();
      await page.getByLabel(`Key ${row}`, { exact: true }).fill(`k${row}`);
    }
    await page.getByRole('button', { name: 'Save metadata' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal(
      await alert.textContent(),
      "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with 17 properties instead.",
    );
    await page.getByRole('button', { name: 'Cancel' }).click();
    assert.deepEqual(
      (await api<{ metadata: unknown }>(`/threads/${created}`)).metadata,
      { project: 'edited', owner: 'browser' },
      'unchanged',
    );
  });

  test('delete asks first: cancel keeps the thread, confirm deletes it and returns to the list', {
    skip: browserMissing,
  }, async () => {
    await page.getByRole('button', { name: 'Delete thread' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this thread?' });
    await screenshot(
      page,
      'console-delete-dialog-desktop',
      [dialog, dialog.getByRole('button', { name: 'Cancel' }), dialog.getByRole('button', { name: 'Delete thread' })],
      { fullPage: false },
    );
    assert.match((await dialog.textContent()) ?? '', new RegExp(`${created} and all its messages will be deleted`));
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await raw(`${spool.baseURL}/threads/${created}`, { headers: bearer })).status, 200, 'still there');

    await page.getByRole('button', { name: 'Delete thread' }).click();
    await dialog.getByRole('button', { name: 'Delete thread' }).click();
    await heading('Threads').waitFor();
    await page.getByRole('status').getByText(`Deleted ${created}.`).waitFor();
    assert.equal((await raw(`${spool.baseURL}/threads/${created}`, { headers: bearer })).status, 404);
    assert.ok(!(await threadLinks().allTextContents()).includes(created));
  });

  test('a key the server stops accepting sends the reader back to sign in, with a notice', {
    skip: browserMissing,
  }, async () => {
    await page.evaluate("sessionStorage.setItem('spool.apiKey', 'sk-revoked-000000000000')");
    await page.goto(`${spool.url}/#/threads/${longThread}`);
    await heading('Sign in').waitFor();
    assert.equal(await page.getByRole('alert').textContent(), 'The server refused the saved API key. Sign in again.');
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading(`Thread ${longThread}`).waitFor();
  });

  test('the console raised no script errors and no content-security-policy violations', {
    skip: browserMissing,
  }, () => {
    assert.deepEqual(problems, []);
  });
});

describe('the web console, phone width', () => {
  before(async () => {
    if (browserMissing) return;
    await page.setViewportSize({ width: 390, height: 844 });
  });

  test('sign in, the threads and a thread fit a phone screen, nothing to scroll sideways', {
    skip: browserMissing,
  }, async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading('Sign in').waitFor();
    assert.equal(await page.evaluate("sessionStorage.getItem('spool.apiKey')"), null, 'signing out forgets the key');
    await screenshot(page, 'console-sign-in-phone', [
      heading('Sign in'),
      page.getByLabel('API key'),
      page.getByRole('button', { name: 'Sign in' }),
    ]);
    assert.ok(await fitsWidth(page));

    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Threads').waitFor();
    await threadLinks().nth(19).waitFor();
    await screenshot(page, 'console-threads-phone', [
      heading('Threads'),
      page.getByRole('link', { name: 'New thread' }),
      page.getByLabel('Key 1', { exact: true }),
      threadLinks(),
      page.getByRole('button', { name: 'Next page' }),
    ]);
    assert.ok(await fitsWidth(page), 'the threads list fits 390 px');

    await threadLinks().filter({ hasText: longThread }).click();
    await messageTexts().nth(49).waitFor();
    await screenshot(page, 'console-thread-phone', [
      heading(`Thread ${longThread}`),
      page.getByRole('button', { name: 'Edit metadata' }),
      page.getByRole('img', { name: 'Image from the message' }),
      page.getByRole('button', { name: 'Next page' }),
      page.getByRole('button', { name: 'Add message' }),
    ]);
    assert.ok(await fitsWidth(page), 'the thread fits 390 px');
    assert.deepEqual(problems, []);
  });
});

describe('the web console on a server without keys', () => {
  test('goes straight in: no sign-in screen and no sign-out button, and writes work', {
    skip: browserMissing,
  }, async () => {
    const open = await startSpool();
    try {
      const tab = await browser.newPage();
      const tabProblems = watchForProblems(tab);
      await tab.goto(`${open.url}/#/threads/new`);
      await tab.getByRole('heading', { level: 1, name: 'New thread' }).waitFor();
      assert.equal(await tab.getByLabel('API key').count(), 0);
      assert.equal(await tab.getByRole('button', { name: 'Sign out' }).count(), 0);
      await tab.getByLabel('Message', { exact: true }).fill('Written without a key');
      await tab.getByRole('button', { name: 'Create thread' }).click();
      await tab.getByRole('heading', { level: 1, name: /^Thread thread_/ }).waitFor();
      const listed = (await (
        await fetch(`${open.baseURL}/threads`, { headers: { 'openai-beta': 'assistants=v2' } })
      ).json()) as { data: unknown[] };
      assert.equal(listed.data.length, 1);
      await tab.getByRole('link', { name: '← All threads' }).click();
      await tab.getByRole('heading', { level: 1, name: 'Threads' }).waitFor();
      assert.equal(await tab.getByLabel('API key').count(), 0);
      await tab.close();
      assert.deepEqual(tabProblems, []);
    } finally {
      await open.stop();
    }
  });
});
