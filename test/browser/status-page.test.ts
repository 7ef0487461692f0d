/**
 * The status page as a person sees it, in headless Chromium driven by playwright-core (the system's Chromium, or the
 * one the npm devDependency ships: test/support/browser.ts):
 * after demo-like traffic it lists the connection, subscriptions, cursor lag, deliveries, a failure and a dead
 * letter, and its Redrive button moves the dead letter back to the delivery queue.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, messageField, startHarness } from '../integration/runtime-harness.js';
import { launchChromium } from '../support/browser.js';

const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../test-results');

let harness: Harness;
let browser: Browser;

beforeAll(async () => {
  // A retry horizon of zero dead-letters the first failed delivery, so the page has one to show.
  harness = await startHarness({
    deliverySettings: { retry: { delaysSeconds: [1], jitter: 0, horizonMs: 0 } },
  });
  const launched = await launchChromium();
  browser = launched.browser;
  // One line in the test output says which Chromium ran (system package or the npm-shipped one).
  process.stdout.write(
    `browser test: Chromium from ${launched.found.source} (${launched.found.executablePath})\n`,
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

describe('status page', { timeout: 180_000 }, () => {
  it('shows connections, subscriptions, lag, deliveries, failures and dead letters, and redrives', async () => {
    const h = harness;
    const token = await h.connect();
    for (const [trigger, type, path] of [
      ['order', 'NEW_SALE', '/sale'],
      ['order', 'NEW_LEAD', '/lead'],
      ['transaction', 'REFUND', '/refund'],
    ] as const) {
      await h.api('POST', '/subscriptions', { trigger, type, targetUrl: h.receiver.hook(path) }, token);
    }
    h.receiver.script('/lead', { status: 500 });
    const sale = messageField(h.sim.importOrder());
    h.sim.createLead();
    h.sim.refundOrder(sale, '2.00');
    const deadline = Date.now() + 60_000;
    while (
      (h.receiver.received.filter((hook) => hook.status === 200).length < 2 ||
        h.runtime.queues.deadLetters.stats().total < 1) &&
      Date.now() < deadline
    ) {
      await h.tickAndSettle();
      await new Promise((r) => setTimeout(r, 200));
    }

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(h.runtime.apiUrl);
    await page.locator('#deliveries table').waitFor({ timeout: 15_000 });
    const text = async (selector: string) => (await page.locator(selector).textContent()) ?? '';
    expect(await text('#connections')).toContain('demo-api-user');
    for (const name of ['order.NEW_SALE', 'order.NEW_LEAD', 'transaction.REFUND']) {
      expect(await text('#subscriptions')).toContain(name);
    }
    expect(await text('#cursors')).toMatch(/orders[\s\S]*\d+ s/);
    expect(await text('#deliveries')).toContain('order.NEW_SALE');
    expect(await text('#deliveries')).toContain(sale);
    expect(await text('#failures')).toContain('HTTP 500');
    expect(await text('#dead-letters')).toContain('order.NEW_LEAD');
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: resolve(SCREENSHOT_DIR, 'status-page.png'), fullPage: true });

    // The lead hook now answers 200: redriving the dead letter delivers it.
    await page.locator('[data-redrive]').first().click();
    await h.receiver.waitFor(
      (received) => received.some((hook) => hook.path === '/lead' && hook.status === 200),
      30_000,
    );
    await expect.poll(() => text('#dead-letters'), { timeout: 15_000 }).toContain('none');
    await page.close();
  });
});
