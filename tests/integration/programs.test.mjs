// programs.test.mjs: the five programs behind lighttpd: health, providers, reports, sign-in-only pages, the home redirect, static files.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  get, getJson, sql, assertProblem, assertHtmlError, decodeEntities, listedServiceCount,
  HTML_TYPE, CSS_TYPE, NO_PSQL, REQUEST_ID_RE,
} from './helpers.mjs';

describe('health of every program', () => {
  for (const program of ['search', 'publish', 'consume', 'admin', 'reports']) {
    it(`/health/${program} is answered by ${program} and everything is ok`, async () => {
      const r = await get(`/health/${program}`);
      assert.equal(r.status, 200, r.text);
      assert.match(r.headers.get('content-type'), /^application\/json\b/);
      assert.match(r.headers.get('x-request-id'), REQUEST_ID_RE);
      const h = r.json();
      assert.equal(h.status, 'ok');
      assert.equal(h.program, program);
      assert.equal(typeof h.version, 'string');
      for (const check of ['database', 'memcached']) {
        assert.equal(h.checks[check].status, 'ok', `${check}: ${JSON.stringify(h.checks[check])}`);
        assert.equal(typeof h.checks[check].latency_ms, 'number');
        assert.ok(h.checks[check].latency_ms >= 0);
      }
    });
  }
});

describe('providers', () => {
  let v, total;
  before(async () => {
    v = await getJson('/api/v1/providers');
    total = (await getJson('/api/v1/services?per_page=1')).page.total_items;
  });

  it('JSON: every provider with its count and catalog link', () => {
    assert.ok(Array.isArray(v.providers) && v.providers.length > 0);
    for (const p of v.providers) {
      assert.equal(typeof p.slug, 'string');
      assert.equal(typeof p.name, 'string');
      assert.equal(typeof p.verified, 'boolean');
      assert.ok(Number.isInteger(p.services) && p.services >= 0);
      assert.equal(p.catalog, `/api/v1/services?provider=${p.slug}`);
    }
    assert.equal(new Set(v.providers.map((p) => p.slug)).size, v.providers.length);
  });

  it('JSON: counts add up to the number of listed services', () => {
    assert.equal(v.providers.reduce((a, p) => a + p.services, 0), total);
  });

  it('JSON: one entry per provider of the database', { skip: NO_PSQL }, () => {
    assert.equal(v.providers.length, Number(sql('SELECT count(*) FROM providers')));
  });

  it('HTML: a table with one row per provider', async () => {
    const r = await get('/providers', { headers: { 'Accept-Language': 'en' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), HTML_TYPE);
    assert.match(r.text, /<h1>Providers<\/h1>/);
    const names = [...r.text.matchAll(/<span class="provider-name">([^<]*)<\/span>/g)].map((m) => decodeEntities(m[1]));
    assert.deepEqual(names, v.providers.map((p) => p.name));
    const withServices = v.providers.find((p) => p.services > 0);
    assert.ok(r.text.includes(`href="/services?provider=${withServices.slug}"`), 'portal catalog links');
  });
});

describe('reports', () => {
  let s, catalog;
  before(async () => {
    s = (await getJson('/api/v1/reports')).summary;
    catalog = await getJson('/api/v1/services?per_page=1');
  });

  it('JSON: summary.services equals the catalog total', () => {
    assert.equal(s.services, catalog.page.total_items);
  });

  it('JSON: per-category figures add up and match the catalog counts', () => {
    assert.equal(s.categories.reduce((a, c) => a + c.services, 0), s.services);
    for (const c of s.categories) {
      assert.ok(c.services > 0);
      assert.equal(c.services, catalog.categories.find((x) => x.slug === c.slug).count, c.slug);
      assert.ok(c.median_input_per_mtok === null || /^\d+\.\d{2,}$/.test(c.median_input_per_mtok));
    }
  });

  it('JSON: summary.providers counts providers with listed services', async () => {
    const providers = (await getJson('/api/v1/providers')).providers;
    assert.equal(s.providers, providers.filter((p) => p.services > 0).length);
  });

  it('JSON: totals match the database', { skip: NO_PSQL }, () => {
    assert.equal(s.services, listedServiceCount());
  });

  it('HTML: the report page', async () => {
    const r = await get('/reports', { headers: { 'Accept-Language': 'en' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), HTML_TYPE);
    assert.match(r.text, /<h1>Catalog report<\/h1>/);
    assert.ok(r.text.includes(s.services.toLocaleString('en-US')), 'the total is shown');
  });
});

describe('pages that need a sign-in', () => {
  for (const page of ['/keys', '/admin', '/publish']) {
    it(`${page}: browsers are sent to the sign-in page`, async () => {
      const r = await get(page, { headers: { Accept: 'text/html', 'Accept-Language': 'en' } });
      assert.equal(r.status, 303);
      assert.equal(r.headers.get('location'), `/login?next=${encodeURIComponent(page)}`);
    });

    it(`/api/v1${page}: 401 problem "unauthenticated"`, async () => {
      const p = assertProblem(await get(`/api/v1${page}`), 401, 'unauthenticated');
      assert.equal(p.instance, `/api/v1${page}`);
    });

    it(`${page} with Accept: application/json: 401 problem`, async () => {
      assertProblem(await get(page, { headers: { Accept: 'application/json' } }), 401, 'unauthenticated');
    });
  }
});

describe('home and static files', () => {
  it('/ redirects (302) to /services', async () => {
    const r = await get('/');
    assert.equal(r.status, 302);
    assert.match(r.headers.get('location') ?? '', /^(https?:\/\/[^/]+)?\/services$/);
  });

  it('/static/css/market.css is served as text/css', async () => {
    const r = await get('/static/css/market.css');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), CSS_TYPE);
    assert.match(r.text, /market\.css/);
    assert.match(r.text, /\{[^}]*\}/);
  });

  it('a missing static file is 404', async () => {
    const r = await get('/static/css/no-such-file.css');
    assert.equal(r.status, 404);
  });
});
