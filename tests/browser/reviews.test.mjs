// End-to-end browser test of reviews: a consumer searches the catalog with the search box,
// narrows the results with a facet link, opens a service, is told to use it first, uses it
// (a usage record stands in for the gateway, which does not exist yet), then leaves a review
// through the plain HTML form and reads it on the service page, with its stars and the notice.
//
// JavaScript is switched off: every step must work with plain links and forms.  Headless
// Chromium (/usr/bin/chromium) through playwright-core; PSQL (as for the integration tests)
// writes the usage record.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { sql, HAS_PSQL } from '../integration/helpers.mjs';

const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const OUT_DIR = fileURLToPath(new URL('./out/', import.meta.url));
const PASSWORD = 'marketplace-demo';
const TIMEOUT = 15_000;

let browser;

describe('reviewing a service in the portal', { timeout: 120_000, skip: !HAS_PSQL && 'PSQL is not set' }, () => {
  before(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  });
  after(async () => {
    await browser?.close();
  });

  test('search, filter, open a service, leave a review, see it on the page', async () => {
    const context = await browser.newContext({ baseURL: BASE_URL, locale: 'en-US', javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    try {
      await page.goto('/login?next=/services');
      await page.fill('input[name=email]', 'consumer@example.com');
      await page.fill('input[name=password]', PASSWORD);
      await Promise.all([page.waitForURL(/\/services$/), page.click('form[action="/login"] button[type=submit]')]);

      // The search box of the header.
      await page.getByRole('searchbox', { name: 'Search services' }).fill('claude');
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/services' && u.searchParams.get('q') === 'claude'),
        page.getByRole('search').getByRole('button', { name: 'Search', exact: true }).click(),
      ]);

      // A facet link: the first provider of the results.
      const facet = page.getByRole('navigation', { name: 'Refine' }).locator('.facet')
        .filter({ has: page.getByRole('heading', { name: 'Provider', exact: true }) })
        .getByRole('link').first();
      const label = (await facet.textContent()).trim();
      const expected = Number(label.match(/\((\d[\d,]*)\)$/)[1].replace(/,/g, ''));
      await Promise.all([
        page.waitForURL((u) => u.searchParams.get('q') === 'claude' && u.searchParams.has('provider')),
        facet.click(),
      ]);
      const provider = new URL(page.url()).searchParams.get('provider');
      assert.match(provider, /^[a-z0-9][a-z0-9._-]*$/);
      assert.match(await page.locator('main').textContent(), new RegExp(`\\b${expected}\\b`), 'the count of the facet link');

      // The first service of the narrowed list.
      const first = page.locator('table.results a.service-name').first();
      const name = (await first.textContent()).trim();
      await Promise.all([page.waitForURL(/\/services\/[^/?]+$/), first.click()]);
      await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
      const slug = new URL(page.url()).pathname.split('/').pop();
      const reviews = page.locator('section#reviews');
      await reviews.getByRole('heading', { level: 2, name: 'Reviews', exact: true }).waitFor();

      // Not used yet: no form, a sentence saying why (unless an earlier run used it).
      const id = sql(`SELECT id FROM services WHERE slug = '${slug}'`);
      const me = sql("SELECT id FROM users WHERE email = 'consumer@example.com'");
      if (sql(`SELECT review_eligible('${me}', '${id}')`) === 'f') {
        assert.equal(await page.locator('#review-form').count(), 0, 'no form before use');
        await reviews.getByText('You can review this service once you have used it.').waitFor();
        // The gateway that writes usage records does not exist yet: one row stands in for a call.
        sql(`INSERT INTO usage_records (request_id, service_id, consumer_id, tokens_in, tokens_out, latency_ms, status)
             VALUES ('browser-review-' || gen_random_uuid(), '${id}', '${me}', 12, 30, 250, '200')`);
        await page.reload();
      }

      // The form: four stars, a title, the text.
      const text = `Used it for contract summaries (run ${Date.now()}): accurate <and> quick.`;
      const form = page.locator('#review-form');
      await form.getByRole('radio', { name: '4 stars', exact: true }).check();
      await form.getByLabel('Title (optional)', { exact: true }).fill('Good summaries');
      await form.getByLabel('Your review', { exact: true }).fill(text);
      await page.screenshot({ path: `${OUT_DIR}review-form.png`, fullPage: true });
      await Promise.all([
        page.waitForURL((u) => u.pathname === `/services/${slug}` && u.searchParams.get('notice') === 'review-saved'),
        form.getByRole('button', { name: /^(Publish|Save) your review$/ }).click(),
      ]);

      // Back on the service page: the notice, the review with its stars, the form to change it.
      await reviews.getByRole('status').filter({ hasText: 'Thank you: your review has been saved.' }).waitFor();
      const mine = reviews.locator('li.review').filter({ hasText: text });
      await mine.waitFor();
      assert.equal(await mine.getByRole('img', { name: '4.0 out of 5 stars' }).count(), 1);
      assert.equal(await mine.getByRole('heading', { level: 3 }).textContent().then((t) => t.includes('Good summaries')), true);
      await mine.getByText('Your review', { exact: true }).waitFor();
      await reviews.getByRole('heading', { name: 'Change your review', exact: true }).waitFor();
      assert.equal(await form.getByLabel('Your review', { exact: true }).inputValue(), text);
      // The rating summary counts it.
      await reviews.locator('.rating-summary').getByRole('img', { name: /out of 5 stars$/ }).waitFor();
      await page.screenshot({ path: `${OUT_DIR}review-saved.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });
});
