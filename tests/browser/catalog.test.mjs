// End-to-end browser test of the LLM Marketplace catalog (/services and /services/{slug}).
//
// Drives the system's headless Chromium (/usr/bin/chromium) through playwright-core; no
// browser is ever downloaded.  Every journey runs in English (locale en-US) and in German
// (locale de-DE, i.e. "Accept-Language: de-DE,de"), with the translated strings taken
// from po/de.po.
//
//   cd tests/browser && npm install && BASE_URL=http://127.0.0.1:8080 npm test
//
// Screenshots are written to tests/browser/out/ (git-ignored).

import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const OUT_DIR = fileURLToPath(new URL('./out/', import.meta.url));

const TIMEOUT = 15_000; // per action / wait
const NAV_TIMEOUT = 30_000; // per navigation
const TEST_TIMEOUT = 90_000; // per test

const ROWS_PER_PAGE = 20;

// The UI strings a journey relies on, per language (English msgids and po/de.po msgstrs).
const LANGS = {
  en: {
    locale: 'en-US',
    html: 'en',
    t: {
      catalog: 'Catalog',
      services: 'Services',
      category: 'Category',
      embeddings: 'Embeddings',
      apply: 'Apply',
      next: 'Next',
      pagination: 'Pagination',
      skip: 'Skip to content',
      breadcrumb: 'Breadcrumb',
      pricing: 'Pricing',
      versions: 'Versions',
      language: 'Language',
      english: 'English',
      deutsch: 'Deutsch',
    },
  },
  de: {
    locale: 'de-DE',
    html: 'de',
    t: {
      catalog: 'Katalog',
      services: 'Dienste',
      category: 'Kategorie',
      embeddings: 'Embeddings',
      apply: 'Anwenden',
      next: 'Weiter',
      pagination: 'Seitennavigation',
      skip: 'Zum Inhalt springen',
      breadcrumb: 'Pfadnavigation',
      pricing: 'Preise',
      versions: 'Versionen',
      language: 'Sprache',
      english: 'English',
      deutsch: 'Deutsch',
    },
  },
};

const EMBEDDINGS_SLUG = 'embeddings';

const LAUNCH_OPTIONS = {
  executablePath: CHROMIUM,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

// ---------- helpers ----------

/** Retries an assertion until it passes or the timeout runs out (pages are server-rendered,
 *  but this keeps checks robust against late layout/loads). */
async function eventually(fn, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

/** Listens for console errors, uncaught page errors and failed / ≥400 requests for /static/. */
function watch(page) {
  const problems = { console: [], pageErrors: [], staticFailures: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.console.push(`${msg.text()} @ ${msg.location()?.url ?? ''}`);
  });
  page.on('pageerror', (err) => problems.pageErrors.push(String(err)));
  const isStatic = (u) => {
    try {
      const url = new URL(u);
      return url.origin === new URL(BASE_URL).origin && url.pathname.startsWith('/static/');
    } catch {
      return false;
    }
  };
  page.on('requestfailed', (req) => {
    if (isStatic(req.url())) problems.staticFailures.push(`${req.url()}: ${req.failure()?.errorText}`);
  });
  page.on('response', (res) => {
    if (isStatic(res.url()) && res.status() >= 400) problems.staticFailures.push(`${res.url()}: HTTP ${res.status()}`);
  });
  return problems;
}

function assertClean(problems) {
  assert.deepEqual(problems.staticFailures, [], 'no /static/ asset may fail to load');
  assert.deepEqual(problems.console, [], 'no console errors');
  assert.deepEqual(problems.pageErrors, [], 'no uncaught page errors');
}

async function goto(page, path) {
  const res = await page.goto(path, { waitUntil: 'load', timeout: NAV_TIMEOUT });
  assert.ok(res, `navigation to ${path} gave a response`);
  assert.equal(res.status(), 200, `GET ${path} answers 200`);
  return res;
}

/** Waits until the URL matches and the new document has loaded. */
async function waitForPage(page, re) {
  await page.waitForURL(re, { waitUntil: 'load', timeout: NAV_TIMEOUT });
}

async function htmlLang(page) {
  return page.locator('html').getAttribute('lang', { timeout: TIMEOUT });
}

/** The results table of /services (its caption is the accessible name). */
function resultsTable(page, t) {
  return page.getByRole('table', { name: t.services, exact: true });
}

/** Name, href and category of every row of the results table (found by its translated
 *  caption, or, with t = null, by its class only). */
async function readRows(page, t) {
  const table = t ? resultsTable(page, t) : page.locator('table.results');
  await table.waitFor({ state: 'visible', timeout: TIMEOUT });
  return table.locator('tbody > tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const a = tr.querySelector('td a.service-name');
      return {
        name: a ? a.textContent.trim() : null,
        href: a ? a.getAttribute('href') : null,
        category: tr.cells[1] ? tr.cells[1].textContent.trim() : null,
        priced: !!(tr.cells[3] && tr.cells[3].querySelector('.price')),
      };
    }),
  );
}

function queryOf(page) {
  return new URL(page.url()).searchParams;
}

/** Picks the category in the filter form and presses the (translated) Apply button. */
async function filterByCategory(page, t, slug) {
  const select = page.getByLabel(t.category, { exact: true });
  await select.waitFor({ state: 'visible', timeout: TIMEOUT });
  const chosen = await select.selectOption(slug, { timeout: TIMEOUT });
  assert.deepEqual(chosen, [slug]);
  const optionLabel = await select.locator(`option[value="${slug}"]`).textContent({ timeout: TIMEOUT });
  assert.match(optionLabel.trim(), new RegExp(`^${t.embeddings} \\(\\d[\\d.,]*\\)$`), 'the option shows the translated category and its count');
  await page.getByRole('button', { name: t.apply, exact: true }).click({ timeout: TIMEOUT });
  await waitForPage(page, (url) => url.pathname === '/services' && url.searchParams.get('category') === slug);
}

async function assertAllRowsInCategory(page, t, label) {
  const rows = await readRows(page, t);
  assert.equal(rows.length, ROWS_PER_PAGE, `a full page of ${ROWS_PER_PAGE} rows`);
  for (const row of rows) assert.equal(row.category, label, `row "${row.name}" is in category ${label}`);
  return rows;
}

// ---------- the suite ----------

let browser;

before(async () => {
  mkdirSync(OUT_DIR, { recursive: true });
  // Fail fast, with a clear message, when the stack is not running.
  try {
    const res = await fetch(`${BASE_URL}/services`, { signal: AbortSignal.timeout(TIMEOUT) });
    await res.arrayBuffer();
  } catch (err) {
    throw new Error(`the LLM Marketplace is not reachable at ${BASE_URL} (${err.message}); start it or set BASE_URL`);
  }
  browser = await chromium.launch(LAUNCH_OPTIONS);
});

after(async () => {
  await browser?.close();
});

for (const [code, lang] of Object.entries(LANGS)) {
  const { t } = lang;

  describe(`catalog in ${code} (${lang.locale})`, () => {
    let context;
    let page;
    let problems;

    beforeEach(async () => {
      context = await browser.newContext({
        baseURL: BASE_URL,
        locale: lang.locale,
        viewport: { width: 1280, height: 900 },
      });
      context.setDefaultTimeout(TIMEOUT);
      context.setDefaultNavigationTimeout(NAV_TIMEOUT);
      page = await context.newPage();
      problems = watch(page);
    });

    afterEach(async () => {
      await context?.close();
    });

    test('the catalog list renders, translated, with 20 linked rows and no errors', { timeout: TEST_TIMEOUT }, async () => {
      const res = await goto(page, '/services');
      await page.screenshot({ path: `${OUT_DIR}${code}-catalog.png`, fullPage: true });

      assert.equal(res.headers()['content-language'], lang.html, 'Content-Language header');
      assert.equal(await htmlLang(page), lang.html, '<html lang>');
      assert.ok((await page.title()).includes(t.catalog), `title "${await page.title()}" contains "${t.catalog}"`);
      await page.getByRole('heading', { level: 1, name: t.catalog, exact: true }).waitFor({ state: 'visible' });

      const rows = await readRows(page, t);
      assert.equal(rows.length, ROWS_PER_PAGE, `${ROWS_PER_PAGE} rows on the first page`);
      for (const row of rows) {
        assert.ok(row.name, 'each row has a service name');
        assert.match(row.href ?? '', /^\/services\/[^/?#]+$/, `row "${row.name}" links to /services/…`);
      }
      // The links are real links with the service name as their accessible name.
      const first = rows[0];
      const link = resultsTable(page, t).getByRole('link', { name: first.name, exact: true }).first();
      assert.equal(await link.getAttribute('href'), first.href);

      // The stylesheet really applied (a regression would leave the header unstyled).
      const headerBg = await page.locator('header.site-header').evaluate((el) => getComputedStyle(el).backgroundColor);
      assert.ok(headerBg && headerBg !== 'rgba(0, 0, 0, 0)', `the header has a background (${headerBg})`);
      const captionPosition = await resultsTable(page, t).locator('caption').evaluate((el) => getComputedStyle(el).position);
      assert.equal(captionPosition, 'absolute', 'the table caption is visually hidden by the stylesheet');
      assert.ok(await page.evaluate(() => document.styleSheets.length >= 1 && [...document.styleSheets].some((s) => s.href && s.href.includes('/static/css/'))), 'market.css loaded');

      assertClean(problems);
    });

    test('the category filter form filters and the pager goes to page 2', { timeout: TEST_TIMEOUT }, async () => {
      await goto(page, '/services');
      const page1All = await readRows(page, t);

      await filterByCategory(page, t, EMBEDDINGS_SLUG);
      assert.equal(queryOf(page).get('category'), EMBEDDINGS_SLUG, 'URL has category=…');
      assert.equal(await htmlLang(page), lang.html, 'still in the same language after filtering');
      assert.equal(await page.getByLabel(t.category, { exact: true }).inputValue(), EMBEDDINGS_SLUG, 'the form keeps the chosen category');
      const page1 = await assertAllRowsInCategory(page, t, t.embeddings);
      assert.notDeepEqual(page1.map((r) => r.name), page1All.map((r) => r.name), 'the filter changed the result set');

      const pager = page.getByRole('navigation', { name: t.pagination, exact: true });
      await pager.waitFor({ state: 'visible' });
      await pager.getByRole('link', { name: t.next, exact: true }).click();
      await waitForPage(page, (url) => url.searchParams.get('page') === '2');

      const q = queryOf(page);
      assert.equal(q.get('page'), '2', 'URL has page=2');
      assert.equal(q.get('category'), EMBEDDINGS_SLUG, 'the pager keeps the category filter');
      const page2 = await assertAllRowsInCategory(page, t, t.embeddings);
      const seen = new Set(page1.map((r) => r.name));
      for (const row of page2) assert.ok(!seen.has(row.name), `"${row.name}" is not repeated from page 1`);
      const current = pager.locator('a[aria-current="page"]');
      assert.equal((await current.innerText()).replace(/\D+/g, ''), '2', 'the pager marks page 2 as current');

      assertClean(problems);
    });

    test('a service opened from the list shows its name, pricing, versions and breadcrumb', { timeout: TEST_TIMEOUT }, async () => {
      await goto(page, '/services');
      // Found without translated strings, so the journey reaches the service page (and its
      // screenshot) even when translations regress; the first test checks those.
      const rows = await readRows(page, null);
      // A priced service, so the pricing table (not the "no prices" note) is expected.
      const row = rows.find((r) => r.priced);
      assert.ok(row, 'the first page lists at least one priced service');

      await page.locator('table.results').getByRole('link', { name: row.name, exact: true }).first().click();
      await waitForPage(page, (url) => url.pathname === row.href);
      await page.screenshot({ path: `${OUT_DIR}${code}-service.png`, fullPage: true });

      assert.equal(await htmlLang(page), lang.html, '<html lang>');
      assert.ok((await page.title()).includes(row.name), 'the title names the service');
      const h1 = page.getByRole('heading', { level: 1 });
      assert.equal((await h1.innerText()).trim(), row.name, 'h1 is the service name');

      const pricing = page.getByRole('table', { name: t.pricing, exact: true });
      await pricing.waitFor({ state: 'visible' });
      assert.ok((await pricing.locator('tbody > tr').count()) >= 1, 'the pricing table has rates');
      assert.ok((await pricing.locator('.price').count()) >= 1, 'the pricing table shows prices');

      const versions = page.getByRole('table', { name: t.versions, exact: true });
      await versions.waitFor({ state: 'visible' });
      await versions.getByRole('rowheader', { name: '1.0.0', exact: true }).waitFor({ state: 'visible' });

      const crumbs = page.getByRole('navigation', { name: t.breadcrumb, exact: true });
      const back = crumbs.getByRole('link', { name: t.catalog, exact: true });
      assert.equal(await back.getAttribute('href'), '/services');
      await crumbs.getByRole('link', { name: row.name, exact: true }).waitFor({ state: 'visible' });
      await back.click();
      await waitForPage(page, (url) => url.pathname === '/services');
      await page.getByRole('heading', { level: 1, name: t.catalog, exact: true }).waitFor({ state: 'visible' });

      assertClean(problems);
    });

    test('pressing Tab first focuses the skip link, which targets #main', { timeout: TEST_TIMEOUT }, async () => {
      await goto(page, '/services');
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement;
        return el && { tag: el.tagName, cls: el.className, href: el.getAttribute('href'), text: el.textContent.trim() };
      });
      assert.deepEqual(focused, { tag: 'A', cls: 'skip-link', href: '#main', text: t.skip }, 'the skip link is focused first');
      const skip = page.getByRole('link', { name: t.skip, exact: true });
      // Hidden off-screen until focused, then visible inside the viewport.
      const box = await skip.boundingBox();
      assert.ok(box && box.y >= 0 && box.height > 0, 'the focused skip link is on screen');
      assert.equal(await page.locator('#main').count(), 1, 'the skip target #main exists');
      assert.equal(await page.locator('#main').evaluate((el) => el.tagName), 'MAIN');

      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.hash === '#main');
      await eventually(async () => assert.equal(await page.evaluate(() => document.activeElement?.id), 'main', 'Enter moves focus to main'));

      assertClean(problems);
    });

    test('the filter form works with JavaScript disabled', { timeout: TEST_TIMEOUT }, async () => {
      const noJs = await browser.newContext({
        baseURL: BASE_URL,
        locale: lang.locale,
        javaScriptEnabled: false,
      });
      try {
        noJs.setDefaultTimeout(TIMEOUT);
        noJs.setDefaultNavigationTimeout(NAV_TIMEOUT);
        const p = await noJs.newPage();
        const noJsProblems = watch(p);
        await goto(p, '/services');
        assert.equal(await p.evaluate(() => typeof window), 'object'); // Playwright's own evaluation still works
        await filterByCategory(p, t, EMBEDDINGS_SLUG);
        assert.equal(queryOf(p).get('category'), EMBEDDINGS_SLUG);
        await assertAllRowsInCategory(p, t, t.embeddings);
        assertClean(noJsProblems);
      } finally {
        await noJs.close();
      }
    });
  });
}

describe('language switcher', () => {
  const cases = [
    { from: LANGS.en, to: LANGS.de, click: LANGS.en.t.deutsch, code: 'de' },
    { from: LANGS.de, to: LANGS.en, click: LANGS.de.t.english, code: 'en' },
  ];

  for (const c of cases) {
    test(`from ${c.from.html} (${c.from.locale}), "${c.click}" switches to ${c.to.html} and a cookie keeps it`, { timeout: TEST_TIMEOUT }, async () => {
      const context = await browser.newContext({ baseURL: BASE_URL, locale: c.from.locale });
      try {
        context.setDefaultTimeout(TIMEOUT);
        context.setDefaultNavigationTimeout(NAV_TIMEOUT);
        const page = await context.newPage();
        const problems = watch(page);

        await goto(page, '/services');
        assert.equal(await htmlLang(page), c.from.html, 'starts in the Accept-Language language');
        assert.ok((await page.title()).includes(c.from.t.catalog), `title "${await page.title()}" contains "${c.from.t.catalog}"`);

        const switcher = page.getByRole('navigation', { name: c.from.t.language, exact: true });
        await switcher.getByRole('link', { name: c.click, exact: true }).click();
        await waitForPage(page, (url) => url.searchParams.get('lang') === c.code);

        assert.equal(await htmlLang(page), c.to.html, `<html lang="${c.to.html}"> after switching`);
        assert.ok((await page.title()).includes(c.to.t.catalog), `title "${await page.title()}" contains "${c.to.t.catalog}"`);
        await page.getByRole('heading', { level: 1, name: c.to.t.catalog, exact: true }).waitFor({ state: 'visible' });
        await page.getByRole('navigation', { name: c.to.t.language, exact: true })
          .locator(`a[hreflang="${c.code}"][aria-current="true"]`).waitFor({ state: 'visible' });

        const cookies = await context.cookies(BASE_URL);
        assert.ok(cookies.some((k) => k.name === 'lang' && k.value === c.code), 'a lang cookie remembers the choice');

        // A later plain navigation (no ?lang) stays in the chosen language, despite Accept-Language.
        await goto(page, '/services');
        assert.equal(new URL(page.url()).search, '', 'plain /services');
        assert.equal(await htmlLang(page), c.to.html, 'the cookie keeps the language');
        assert.ok((await page.title()).includes(c.to.t.catalog), `title "${await page.title()}" still contains "${c.to.t.catalog}"`);
        await resultsTable(page, c.to.t).waitFor({ state: 'visible' });

        assertClean(problems);
      } finally {
        await context.close();
      }
    });
  }
});
