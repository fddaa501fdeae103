// End-to-end browser test of the consumer's portal: a consumer opens a service page, subscribes
// to its Free plan through the plan's form, creates an API key through the form and sees its
// secret once (and never again on /keys), revokes it (the gateway then refuses it), reads the
// usage page with its server-drawn chart, and cancels the subscription again.
//
// JavaScript is switched off: every step must work with plain links and forms.  Headless
// Chromium (/usr/bin/chromium) through playwright-core; PSQL (as for the integration tests)
// picks a service the consumer does not subscribe to yet.

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
const SECRET_RE = /^mkt_[0-9a-f]{48}$/;

let browser;

/** A listed public service on the catalog's default plans that the consumer holds no live subscription of. */
function pickService() {
  return sql(`SELECT s.slug FROM services s
    WHERE s.status = 'active' AND s.compliance_level = 'public'
      AND NOT EXISTS (SELECT 1 FROM plans p WHERE p.service_id = s.id AND p.active)
      AND NOT EXISTS (SELECT 1 FROM subscriptions x JOIN users u ON u.email = 'consumer@example.com'
        WHERE x.service_id = s.id AND x.status IN ('active', 'pending')
          AND (x.user_id = u.id OR x.organization_id = u.organization_id))
    ORDER BY s.name LIMIT 1`);
}

/** The gateway's answer to GET /v1/models with a key. */
async function models(secret) {
  const r = await fetch(`${BASE_URL}/v1/models`, { headers: { Authorization: `Bearer ${secret}` } });
  await r.arrayBuffer();
  return r.status;
}

describe('subscribing, keys and usage in the portal', { timeout: 120_000, skip: !HAS_PSQL && 'PSQL is not set' }, () => {
  before(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  });
  after(async () => {
    await browser?.close();
  });

  test('subscribe to a Free plan, make a key, see it once, revoke it, read the usage chart', async () => {
    const slug = pickService();
    assert.match(slug ?? '', /^[a-z0-9][a-z0-9._-]*$/, 'a service to subscribe to');
    const context = await browser.newContext({ baseURL: BASE_URL, locale: 'en-US', javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    try {
      await page.goto(`/login?next=/services/${slug}`);
      await page.fill('input[name=email]', 'consumer@example.com');
      await page.fill('input[name=password]', PASSWORD);
      await Promise.all([
        page.waitForURL((u) => u.pathname === `/services/${slug}`),
        page.click('form[action="/login"] button[type=submit]'),
      ]);

      // The navigation of a signed-in consumer.
      const nav = page.getByRole('navigation', { name: 'Main', exact: true });
      for (const label of ['Subscriptions', 'API keys', 'Usage']) {
        await nav.getByRole('link', { name: label, exact: true }).waitFor();
      }

      // The service page: the plans, each with its form; how to call it in five languages.
      const plans = page.locator('section#plans');
      await plans.getByRole('heading', { level: 2, name: 'Plans', exact: true }).waitFor();
      const free = plans.getByRole('article', { name: 'Free', exact: true });
      await free.getByText('Requests per minute').waitFor();
      const call = page.locator('section#call');
      for (const lang of ['curl', 'JavaScript', 'Python', 'Go', 'Java']) {
        await call.locator('summary', { hasText: new RegExp(`^${lang}$`) }).waitFor();
      }
      assert.match(await call.textContent(), new RegExp(`${slug}@\\^\\d+\\.\\d+`), 'the pinning example');
      assert.match(await call.textContent(), /MARKETPLACE_API_KEY/);

      // Subscribe for oneself (the consumer belongs to an organisation: the choice is offered).
      const forMe = free.getByRole('radio', { name: 'just me' });
      if (await forMe.count()) await forMe.check();
      await page.screenshot({ path: `${OUT_DIR}consume-plans.png`, fullPage: true });
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/subscriptions' && u.searchParams.get('notice') === 'subscribed'),
        free.getByRole('button', { name: 'Subscribe', exact: true }).click(),
      ]);
      await page.getByRole('status').filter({ hasText: 'You are subscribed.' }).waitFor();
      const subs = page.getByRole('table', { name: /^Your subscriptions/ });
      // Its row (an earlier run may have left a cancelled one): active, on the Free plan.
      const row = subs.locator('tbody tr').filter({ has: page.locator(`a[href="/services/${slug}"]`) })
        .filter({ has: page.getByText('Active', { exact: true }) });
      await row.getByText('Free', { exact: true }).waitFor();
      assert.match(await row.textContent(), /left of 1,000 requests/, 'what is left of the month');
      await page.screenshot({ path: `${OUT_DIR}consume-subscriptions.png`, fullPage: true });

      // A key limited to this service.
      const name = `browser ${Date.now()}`;
      await page.goto('/keys');
      await page.getByRole('heading', { level: 1, name: 'API keys', exact: true }).waitFor();
      const create = page.locator('form[action="/keys"]');
      await create.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
      await create.getByLabel('Services (optional)').fill(slug);
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/keys'),
        create.getByRole('button', { name: 'Create the key', exact: true }).click(),
      ]);
      const shown = page.locator('section#new-key');
      await shown.getByRole('heading', { level: 2, name: `Your new API key: ${name}`, exact: true }).waitFor();
      await shown.getByText('it is shown this once and never again').waitFor();
      const secret = await shown.getByLabel('Secret key', { exact: true }).inputValue();
      assert.match(secret, SECRET_RE);
      const curl = await shown.locator('pre code').filter({ hasText: 'curl ' }).textContent();
      assert.ok(curl.includes(`Bearer ${secret}`), 'the curl example carries the key');
      assert.ok(curl.includes('/v1/chat/completions'), 'the curl example calls the gateway');
      assert.ok(curl.includes(`"model": "${slug}"`), 'the curl example names the service');
      await page.screenshot({ path: `${OUT_DIR}consume-key-created.png`, fullPage: true });
      assert.equal(await models(secret), 200, 'the new key works at the gateway');

      // Never again: /keys lists the key by its display only.
      await page.goto('/keys');
      assert.equal((await page.content()).includes(secret), false, 'the secret is not shown again');
      assert.equal(await page.locator('section#new-key').count(), 0);
      const keyRow = page.getByRole('table', { name: /^Your API keys/ }).locator('tbody tr')
        .filter({ has: page.getByRole('rowheader', { name: name }) });
      const display = (await keyRow.locator('code.key-display').textContent()).trim();
      assert.equal(display, `${secret.slice(0, 12)}…${secret.slice(-4)}`);
      await keyRow.getByText('Active', { exact: true }).waitFor();
      await keyRow.getByRole('link', { name: slug, exact: true }).waitFor();

      // Revoke it: the notice, the badge, and the gateway refuses it.
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/keys' && u.searchParams.get('notice') === 'revoked'),
        keyRow.getByRole('button', { name: 'Revoke key', exact: true }).click(),
      ]);
      await page.getByRole('status').filter({ hasText: 'The key has been revoked' }).waitFor();
      await keyRow.getByText('Revoked', { exact: true }).waitFor();
      assert.equal(await keyRow.getByRole('button', { name: 'Revoke key' }).count(), 0);
      assert.equal(await models(secret), 401, 'a revoked key is refused at once');

      // Usage: the chart drawn on the server, one bar per day, and its numbers as a table.
      await page.goto('/usage');
      await page.getByRole('heading', { level: 1, name: 'Usage and spend', exact: true }).waitFor();
      const chart = page.getByRole('img', { name: /^Spend per day, last 30 days/ });
      await chart.waitFor();
      assert.equal(await chart.evaluate((el) => el.tagName.toLowerCase()), 'svg');
      assert.equal(await chart.locator('rect.chart-bar').count(), 30, 'a bar per day');
      assert.equal(await chart.locator('rect.chart-bar title').count(), 30, 'a tooltip per bar');
      await page.locator('details.chart-table > summary').click();
      const days = page.getByRole('table', { name: 'Spend per day, last 30 days', exact: true });
      assert.equal(await days.locator('tbody tr').count(), 30, 'the same days as a table');
      // The period form: 7 days.
      await page.getByLabel('Period', { exact: true }).selectOption('7');
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/usage' && u.searchParams.get('days') === '7'),
        page.locator('form.period-form').getByRole('button', { name: 'Show', exact: true }).click(),
      ]);
      assert.equal(await page.getByRole('img', { name: /^Spend per day, last 7 days/ }).locator('rect.chart-bar').count(), 7);
      await page.screenshot({ path: `${OUT_DIR}consume-usage.png`, fullPage: true });

      // Cancel the subscription again (so that the test can run again).
      await page.goto('/subscriptions');
      const again = page.getByRole('table', { name: /^Your subscriptions/ }).locator('tbody tr')
        .filter({ has: page.locator(`a[href="/services/${slug}"]`) })
        .filter({ has: page.getByText('Active', { exact: true }) });
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/subscriptions' && u.searchParams.get('notice') === 'cancelled'),
        again.getByRole('button', { name: 'Cancel subscription', exact: true }).click(),
      ]);
      await page.getByRole('status').filter({ hasText: 'The subscription has been cancelled.' }).waitFor();
    } finally {
      await context.close();
    }
  });
});
