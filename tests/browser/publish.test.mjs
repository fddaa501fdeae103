// End-to-end browser test of publishing: a provider signs in, registers a
// service through the portal form (plain HTML form, no script needed),
// first with a mistake the form explains, then correctly, and reads the
// pipeline's outcome on the service's page; a confidential one waits in
// the administrators' queue until an administrator approves it.
//
// Headless Chromium (/usr/bin/chromium) through playwright-core; the
// provider endpoint is the suite's stand-in (tests/integration/standins.mjs).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startProvider, providerContract } from '../integration/standins.mjs';

const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const OUT_DIR = fileURLToPath(new URL('./out/', import.meta.url));
const PASSWORD = 'marketplace-demo';

let browser;
let provider;

async function signedIn(email) {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${BASE_URL}/login?next=/publish`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForURL(/\/publish$/), page.click('form[action="/login"] button[type=submit]')]);
  return { context, page };
}

async function fillService(page, name, extra = {}) {
  const fields = {
    name, description: 'Summaries of long documents, in German and English.',
    tags: 'summarization, german', endpoint_url: provider.url, credential: provider.key,
    input_per_mtok: '0.40', output_per_mtok: '1.20', max_latency_ms: '2000', availability_pct: '99.9',
    data_residency: 'DE, FR', version: '1.0.0', contract: JSON.stringify(providerContract(provider.url), null, 2),
    ...extra,
  };
  for (const [k, v] of Object.entries(fields)) await page.fill(`[name=${k}]`, v);
  await page.selectOption('select[name=category]', 'text-generation');
  await page.selectOption('select[name=auth_method]', 'bearer');
}

describe('publishing in the portal', { timeout: 120_000 }, () => {
  before(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    provider = await startProvider();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    await provider?.close();
  });

  test('a provider registers a service through the form and sees every step', async () => {
    const { context, page } = await signedIn('provider@example.com');
    await page.goto(`${BASE_URL}/publish/new`);
    assert.equal(await page.locator('h1').first().isVisible(), true);

    // A mistake first: the form comes back, filled in, and says what is wrong.
    const name = `Browser summarizer ${Date.now()}`;
    await fillService(page, name, { version: 'first' });
    await page.locator('form[action="/publish/services"] button[type=submit]').last().click();
    await page.waitForLoadState('domcontentloaded');
    assert.equal(await page.inputValue('[name=name]'), name, 'the form keeps what was typed');
    const alert = page.locator('[role=alert]').first();
    assert.equal(await alert.isVisible(), true);
    assert.match(await alert.innerText(), /version/i);
    assert.equal(await page.getAttribute('[name=version]', 'aria-invalid'), 'true');
    await page.screenshot({ path: `${OUT_DIR}/publish-refused.png`, fullPage: true });

    await page.fill('[name=version]', '1.0.0');
    await page.fill('[name=credential]', provider.key);
    await page.fill('[name=contract]', JSON.stringify(providerContract(provider.url)));
    await Promise.all([
      page.waitForURL(/\/publish\/services\/browser-summarizer-/),
      page.locator('form[action="/publish/services"] button[type=submit]').last().click(),
    ]);
    const body = await page.locator('main').innerText();
    assert.ok(body.includes(name));
    assert.match(body, /active/i);
    assert.match(body, /\/v1\/chat\/completions/);
    assert.ok(!body.includes(provider.key), 'the credential is never shown');
    await page.screenshot({ path: `${OUT_DIR}/publish-service.png`, fullPage: true });

    // The dashboard lists it.
    await page.goto(`${BASE_URL}/publish`);
    assert.ok((await page.locator('main').innerText()).includes(name));
    await context.close();
  });

  test('a confidential service waits for an administrator, who approves it', async () => {
    const { context, page } = await signedIn('provider@example.com');
    await page.goto(`${BASE_URL}/publish/new`);
    const name = `Confidential summarizer ${Date.now()}`;
    await fillService(page, name, { certifications: 'SOC2' });
    await page.selectOption('select[name=compliance_level]', 'confidential');
    await Promise.all([
      page.waitForURL(/\/publish\/services\/confidential-summarizer-/),
      page.locator('form[action="/publish/services"] button[type=submit]').last().click(),
    ]);
    const url = page.url();
    assert.match(await page.locator('main').innerText(), /approv/i);
    await context.close();

    const admin = await signedIn('admin@example.com');
    await admin.page.goto(`${BASE_URL}/admin/approvals`);
    const row = admin.page.locator(`:is(tr, article, li, section):has(a[href$="${url.split('/').pop()}"])`).first();
    assert.equal(await row.isVisible(), true, 'the service is in the queue');
    await Promise.all([
      admin.page.waitForURL(/\/admin\/approvals$/),
      row.locator('button[value=approve]').click(),
    ]);
    await admin.page.screenshot({ path: `${OUT_DIR}/approvals.png`, fullPage: true });
    await admin.page.goto(url);
    assert.match(await admin.page.locator('main').innerText(), /active/i);
    await admin.context.close();
  });
});
