// What the console shows from others, in Debian's chromium: an image URL stored in a message is
// not fetched until the reader asks for it (no tracking pixel, no blind GET from the operator's
// browser), and the sign-in screen shows no text taken from its own address.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { browserMissing, launchChromium, screenshot, watchForProblems } from '../support/browser.js';
import { postJson } from '../support/http.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';

const key = 'sk-console-untrusted-key-0123456789abcdef';
// A 1x1 transparent PNG.
const pixel = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

let spool: SpoolProcess;
let images: Server;
let imageRequests: string[];
let imageUrl: string;
let threadId: string;
let browser: BrowserContext;
let page: Page;
let problems: string[];

before(async () => {
  if (browserMissing) return;
  imageRequests = [];
  images = createServer((request, response) => {
    imageRequests.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'image/png', 'content-length': pixel.length }).end(pixel);
  });
  await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
  imageUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}/pixel.png?reader=operator`;
  spool = await startSpool({ env: { SPOOL_API_KEYS: key } });
  const thread = await postJson(
    `${spool.baseURL}/threads`,
    {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look at this' },
            { type: 'image_url', image_url: { url: imageUrl } },
          ],
        },
      ],
    },
    { authorization: `Bearer ${key}` },
  );
  assert.equal(thread.status, 200, thread.text);
  threadId = (thread.json as { id: string }).id;
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
  await new Promise((resolve) => images?.close(resolve));
});

describe('image URLs from stored messages', () => {
  test('opening the thread makes no request to the image URL; a click on Show image loads it, once', {
    skip: browserMissing,
  }, async () => {
    await page.goto(`${spool.url}/`);
    await page.evaluate(`sessionStorage.setItem('spool.apiKey', ${JSON.stringify(key)})`);
    await page.goto(`${spool.url}/#/threads/${threadId}`);
    const article = page.getByRole('article').first();
    await article.locator('.text').getByText('Look at this').waitFor();
    await page.waitForLoadState('networkidle');
    assert.deepEqual(imageRequests, [], 'no request to the image URL before a click');
    assert.equal(await article.getByRole('img').count(), 0);
    assert.equal(
      await article.getByRole('link', { name: imageUrl }).getAttribute('rel'),
      'noopener noreferrer',
      'the URL is shown, as a link that sends no referrer',
    );

    const show = article.getByRole('button', { name: 'Show image' });
    await screenshot(page, 'console-image-on-request-desktop', [show, article.getByRole('link', { name: imageUrl })]);
    assert.deepEqual(imageRequests, [], 'still none');
    await show.click();
    const image = article.getByRole('img', { name: 'Image from the message' });
    await image.waitFor();
    await page.waitForFunction(
      () => (document.querySelector('figure.image img') as HTMLImageElement | null)?.complete === true,
    );
    assert.ok(
      ((await image.evaluate((element) => (element as HTMLImageElement).naturalWidth)) as number) > 0,
      'the image loaded',
    );
    assert.deepEqual(imageRequests, ['/pixel.png?reader=operator']);
    assert.deepEqual(problems, []);
  });
});

describe('the sign-in screen', () => {
  const planted = 'Your key has expired. Call +1 555 0100 and read it out to renew';

  test('shows no text from its address', { skip: browserMissing }, async () => {
    await page.evaluate("sessionStorage.removeItem('spool.apiKey')");
    await page.goto(
      `${spool.url}/#/sign-in?${new URLSearchParams({ why: planted, reason: planted, next: '#/threads' })}`,
    );
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    const shown = (await page.locator('body').textContent()) ?? '';
    assert.ok(!shown.includes('Call +1 555'), `the page shows: ${shown}`);
    assert.equal(await page.getByRole('alert').isVisible(), false, 'no notice at all');
  });

  test('a refused key sends the reader back with a fixed notice, neither the server text nor the key in the address', {
    skip: browserMissing,
  }, async () => {
    const wrong = 'sk-console-untrusted-wrong-000000000000';
    await page.evaluate(`sessionStorage.setItem('spool.apiKey', ${JSON.stringify(wrong)})`);
    await page.goto(`${spool.url}/#/threads`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal(await alert.textContent(), 'The server refused the saved API key. Sign in again.');
    assert.doesNotMatch(decodeURIComponent(page.url()), /Incorrect|0000|sk-/, page.url());
    assert.equal(await page.evaluate("sessionStorage.getItem('spool.apiKey')"), null, 'the refused key is forgotten');
  });

  test('after signing in, it goes on only to a console address', { skip: browserMissing }, async () => {
    await page.goto(`${spool.url}/#/sign-in?${new URLSearchParams({ next: '//attacker.example/' })}`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Threads' }).waitFor();
    assert.equal(new URL(page.url()).hash, '#/threads');
  });
});
