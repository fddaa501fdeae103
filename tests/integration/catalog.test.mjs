// catalog.test.mjs: the catalog list (GET /services, GET /api/v1/services): page, headers, JSON shape, paging, filters, sorting, negotiation.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  get, getJson, assertProblem, tbodyRows, listedSlugs, htmlLang, listedServiceCount,
  HTML_TYPE, NO_PSQL, REQUEST_ID_RE, UUID_RE, SLUG_RE,
} from './helpers.mjs';

const slugs = (v) => v.services.map((s) => s.slug);
const price = (s) => (s.pricing.input_per_mtok === null ? null : Number(s.pricing.input_per_mtok));

describe('GET /services (HTML)', () => {
  let r;
  before(async () => { r = await get('/services', { headers: { 'Accept-Language': 'en' } }); });

  it('answers 200 text/html; charset=utf-8 in English', () => {
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), HTML_TYPE);
    assert.equal(htmlLang(r.text), 'en');
    assert.match(r.text, /^<!DOCTYPE html>/i);
  });

  it('lists 20 services in a table', () => {
    assert.match(r.text, /<table class="data-table results">/);
    assert.equal(tbodyRows(r.text).length, 20);
    assert.equal(listedSlugs(r.text).length, 20);
  });

  it('has pager links to the next page', () => {
    assert.match(r.text, /<nav class="pager"/);
    assert.match(r.text, /rel="next" href="\/services\?page=2"/);
    assert.match(r.text, /class="pager-page" href="\/services\?page=2[&"]/);
  });

  it('sends a request id and the security headers', () => {
    const id = r.headers.get('x-request-id');
    assert.match(id ?? '', REQUEST_ID_RE);
    assert.ok(r.text.includes(`<code>${id}</code>`), 'footer shows the same request id');
    const csp = r.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
  });

  it('HEAD answers the same status and type without a body', async () => {
    const h = await get('/services', { method: 'HEAD' });
    assert.equal(h.status, 200);
    assert.equal(h.headers.get('content-type'), HTML_TYPE);
    assert.equal(h.text, '');
  });
});

describe('GET /api/v1/services (JSON)', () => {
  let v;
  before(async () => { v = await getJson('/api/v1/services'); });

  it('holds 20 services of the documented shape', () => {
    assert.ok(Array.isArray(v.services));
    assert.equal(v.services.length, 20);
    for (const s of v.services) {
      assert.match(s.id, UUID_RE);
      assert.match(s.slug, SLUG_RE);
      assert.equal(typeof s.name, 'string');
      assert.ok(s.name.length > 0);
      assert.equal(typeof s.provider.slug, 'string');
      assert.equal(typeof s.provider.name, 'string');
      assert.equal(typeof s.provider.verified, 'boolean');
      assert.equal(typeof s.pricing.currency, 'string');
      for (const k of ['input_per_mtok', 'output_per_mtok']) {
        const p = s.pricing[k];
        assert.ok(p === null || /^\d+\.\d{2,}$/.test(p), `${s.slug} ${k} = ${p}`);
      }
      assert.ok(s.context_window === null || (Number.isInteger(s.context_window) && s.context_window > 0));
      assert.ok(['active', 'deprecated'].includes(s.status), `${s.slug} status ${s.status}`);
      assert.equal(s.links.self, `/api/v1/services/${s.slug}`);
    }
    assert.equal(new Set(slugs(v)).size, 20, 'no service twice');
  });

  it('describes the page and links to the next one', () => {
    assert.equal(v.page.number, 1);
    assert.equal(v.page.size, 20);
    assert.ok(Number.isInteger(v.page.total_items) && v.page.total_items > 20);
    assert.equal(v.page.total_pages, Math.ceil(v.page.total_items / 20));
    assert.equal(v.page.first_item, 1);
    assert.equal(v.page.last_item, 20);
    assert.equal(v.links.next, '/api/v1/services?page=2');
    assert.equal(v.links.prev, null);
    assert.equal(v.links.last, `/api/v1/services?page=${v.page.total_pages}`);
  });

  it('counts every listed service of the database', { skip: NO_PSQL }, () => {
    assert.equal(v.page.total_items, listedServiceCount());
  });

  it('category counts add up to the total', () => {
    assert.ok(v.categories.length > 0);
    const sum = v.categories.reduce((a, c) => a + c.count, 0);
    assert.equal(sum, v.page.total_items);
  });
});

describe('paging', () => {
  let p1;
  before(async () => { p1 = await getJson('/api/v1/services'); });

  it('page 2 continues page 1 without overlap', async () => {
    const p2 = await getJson('/api/v1/services?page=2');
    assert.equal(p2.page.number, 2);
    assert.equal(p2.page.first_item, 21);
    assert.equal(p2.services.length, 20);
    const one = new Set(slugs(p1));
    for (const s of slugs(p2)) assert.ok(!one.has(s), `${s} is on both pages`);
    assert.equal(p2.links.prev, '/api/v1/services?page=1');
  });

  it('per_page=5 pages through the same order', async () => {
    const a = await getJson('/api/v1/services?per_page=5');
    const b = await getJson('/api/v1/services?page=2&per_page=5');
    assert.equal(a.services.length, 5);
    assert.equal(a.page.size, 5);
    assert.equal(a.page.total_pages, Math.ceil(a.page.total_items / 5));
    assert.equal(a.links.next, '/api/v1/services?page=2&per_page=5');
    assert.deepEqual([...slugs(a), ...slugs(b)], slugs(p1).slice(0, 10));
  });

  it('a page past the end is 200 with no services', async () => {
    const past = p1.page.total_pages + 1;
    const v = await getJson(`/api/v1/services?page=${past}`);
    assert.deepEqual(v.services, []);
    assert.equal(v.page.number, past);
    assert.equal(v.page.total_items, p1.page.total_items);
    assert.equal(v.page.first_item, 0);
    assert.equal(v.links.next, null);
  });

  it('per_page=101 is a 400 problem naming per_page', async () => {
    const r = await get('/api/v1/services?per_page=101');
    const p = assertProblem(r, 400, 'invalid-parameter');
    assert.deepEqual(p.errors.map((e) => e.name), ['per_page']);
  });

  it('page=0, page=abc and a repeated page are refused', async () => {
    for (const q of ['page=0', 'page=abc', 'page=1.5', 'page=1&page=2', 'per_page=0']) {
      const p = assertProblem(await get(`/api/v1/services?${q}`), 400, 'invalid-parameter');
      assert.ok(p.errors.some((e) => e.name === q.split('=')[0]), `${q}: ${JSON.stringify(p.errors)}`);
    }
  });
});

describe('filters', () => {
  let all;
  before(async () => { all = await getJson('/api/v1/services'); });

  it('category: every result has that category and the count matches', async () => {
    const c = all.categories.find((x) => x.count > 0 && x.count <= 100);
    assert.ok(c, 'a category with 1..100 services');
    const v = await getJson(`/api/v1/services?category=${c.slug}&per_page=100`);
    assert.equal(v.page.total_items, c.count);
    assert.equal(v.services.length, c.count);
    for (const s of v.services) assert.equal(s.category.slug, c.slug);
    assert.equal(v.filters.category, c.slug);
    assert.equal(v.categories.find((x) => x.slug === c.slug).count, c.count);
  });

  it('an unused category gives 200 and no services', async () => {
    const v = await getJson('/api/v1/services?category=no-such-category');
    assert.equal(v.page.total_items, 0);
    assert.deepEqual(v.services, []);
  });

  it('provider: every result is from that provider, counts match /api/v1/providers', async () => {
    const slug = all.services[0].provider.slug;
    const v = await getJson(`/api/v1/services?provider=${slug}&per_page=100`);
    assert.ok(v.services.length > 0);
    for (const s of v.services) assert.equal(s.provider.slug, slug);
    assert.equal(v.filters.provider, slug);
    assert.equal(v.categories.reduce((a, c) => a + c.count, 0), v.page.total_items);
    const providers = await getJson('/api/v1/providers');
    assert.equal(providers.providers.find((p) => p.slug === slug).services, v.page.total_items);
  });
});

describe('sorting', () => {
  it('sort=price: non-null input prices ascend, unpriced last', async () => {
    const v = await getJson('/api/v1/services?sort=price&per_page=100');
    assert.equal(v.filters.sort, 'price');
    const prices = v.services.map(price);
    const known = prices.filter((p) => p !== null);
    assert.ok(known.length >= 2, 'some priced services');
    for (let i = 1; i < known.length; i++) assert.ok(known[i - 1] <= known[i], `${known[i - 1]} > ${known[i]} at ${i}`);
    const firstNull = prices.indexOf(null);
    if (firstNull >= 0) assert.ok(prices.slice(firstNull).every((p) => p === null), 'a priced service after an unpriced one');
    assert.equal(v.links.next, '/api/v1/services?page=2&per_page=100&sort=price');
  });

  it('sort=price differs from the default order', async () => {
    const a = await getJson('/api/v1/services');
    const b = await getJson('/api/v1/services?sort=price');
    assert.notDeepEqual(slugs(a), slugs(b));
  });

  it('sort=context: context windows descend', async () => {
    const v = await getJson('/api/v1/services?sort=context&per_page=100');
    const w = v.services.map((s) => s.context_window).filter((x) => x !== null);
    assert.ok(w.length >= 2);
    for (let i = 1; i < w.length; i++) assert.ok(w[i - 1] >= w[i], `${w[i - 1]} < ${w[i]} at ${i}`);
    const p2 = await getJson('/api/v1/services?sort=context&per_page=100&page=2');
    for (const s of p2.services) {
      assert.ok(s.context_window === null || s.context_window <= w[w.length - 1],
        `page 2 has ${s.context_window} after ${w[w.length - 1]}`);
    }
  });
});

describe('one handler, two formats', () => {
  it('/services?page=3 lists the same slugs as /api/v1/services?page=3', async () => {
    const html = await get('/services?page=3');
    assert.equal(html.status, 200);
    const json = await getJson('/api/v1/services?page=3');
    assert.equal(json.services.length, 20);
    assert.deepEqual(listedSlugs(html.text), slugs(json));
  });

  it('Accept: application/json on /services answers JSON (portal links)', async () => {
    const r = await get('/services?page=2', { headers: { Accept: 'application/json' } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/json\b/);
    const v = r.json();
    assert.equal(v.services.length, 20);
    assert.equal(v.page.number, 2);
    assert.equal(v.links.self, '/services?page=2');
    assert.deepEqual(slugs(v), slugs(await getJson('/api/v1/services?page=2')));
  });

  it('a browser Accept header still gets HTML', async () => {
    const r = await get('/services', {
      headers: { Accept: 'text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), HTML_TYPE);
  });
});
