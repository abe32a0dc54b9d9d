// Debian's chromium driven by playwright-core, headless, with a fresh profile, and screenshots saved
// under test-results/ after checking that what a person should see is on the screen.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { unlessInstalled } from './optional-tools.js';
import { makeTempDir, repoRoot } from './spool.js';

export const resultsDir = join(repoRoot, 'test-results');

/** Why the browser tests cannot run here (Debian's chromium is absent), or false. */
export const browserMissing = unlessInstalled('chromium', 'apt-get install chromium');

/** Chromium as root on a closed network: no sandbox, and nothing that phones home. */
export function launchChromium(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(makeTempDir('spool-chromium-'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Problems a page reports: uncaught exceptions, and console errors other than failed requests (a 401 or 404 is logged that way). */
export function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(`console: ${message.text()}`);
  });
  return problems;
}

/**
 * Checks that each locator is visible, then saves a screenshot (of the whole page unless told to
 * keep to the viewport, as for a modal dialog) as test-results/<name>.png
 * and checks it is a PNG as wide as the viewport.
 */
export async function screenshot(
  page: Page,
  name: string,
  mustSee: Locator[],
  options: { fullPage: boolean } = { fullPage: true },
): Promise<string> {
  for (const locator of mustSee) await locator.first().waitFor({ state: 'visible' });
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage });
  const png = readFileSync(path);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${name}.png is a PNG`);
  const viewport = page.viewportSize();
  assert.ok(viewport);
  assert.equal(png.readUInt32BE(16), viewport.width, `${name}.png is as wide as the viewport`);
  assert.ok(png.readUInt32BE(20) >= viewport.height, `${name}.png is at least as tall as the viewport`);
  return path;
}

/** Whether the page fits its viewport's width, with nothing to scroll sideways. */
export async function fitsWidth(page: Page): Promise<boolean> {
  const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
  return width <= (page.viewportSize()?.width ?? 0);
}
