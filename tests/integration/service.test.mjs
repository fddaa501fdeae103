// service.test.mjs: the service page (GET /services/{slug|uuid}, GET /api/v1/services/{slug|uuid}), unknown ids and deprecated services.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  get, getJson, sql, assertProblem, assertHtmlError, decodeEntities, htmlLang,
  HAS_PSQL, HTML_TYPE, REQUEST_ID_RE,
} from './helpers.mjs';

/** A listed service with an input price, as the list shows it. */
async function pricedService() {
  const v = await getJson('/api/v1/services?per_page=100');
  const s = v.services.find((x) => x.pricing.input_per_mtok !== null && x.status === 'active');
  assert.ok(s, 'a priced, active service on the first 100');
  return s;
}

/** A deprecated service's slug: from the database when PSQL is set, else from the listing. */
async function deprecatedSlug() {
  if (HAS_PSQL) {
    const slug = sql("SELECT slug FROM services WHERE status = 'deprecated' AND compliance_level = 'public' ORDER BY slug LIMIT 1");
    assert.ok(slug, 'the demo catalog has a deprecated service');
    return slug;
  }
  for (let page = 1; ; page++) {
    const v = await getJson(`/api/v1/services?per_page=100&page=${page}`);
    const s = v.services.find((x) => x.status === 'deprecated');
    if (s) return s.slug;
    assert.ok(page < v.page.total_pages, 'no deprecated service listed');
  }
}

describe('a service by slug', () => {
  let listed, item, html;
  before(async () => {
    listed = await pricedService();
    item = (await getJson(`/api/v1/services/${listed.slug}`)).service;
    html = await get(`/services/${listed.slug}`, { headers: { 'Accept-Language': 'en' } });
  });

  it('JSON: the same service as the list shows', () => {
    assert.equal(item.slug, listed.slug);
    assert.equal(item.id, listed.id);
    assert.equal(item.name, listed.name);
    assert.equal(item.status, listed.status);
    assert.equal(item.links.self, `/api/v1/services/${listed.slug}`);
  });

  it('JSON: pricing.rates holds the input price of the list', () => {
    assert.equal(item.pricing.currency, listed.pricing.currency);
    assert.ok(Array.isArray(item.pricing.rates) && item.pricing.rates.length > 0);
    const input = item.pricing.rates.find((x) => x.kind === 'input');
    assert.ok(input, 'an input rate');
    assert.equal(input.price, listed.pricing.input_per_mtok);
    for (const rate of item.pricing.rates) {
      assert.ok(['input', 'output', 'cached_input', 'request'].includes(rate.kind));
      assert.equal(typeof rate.label, 'string');
      assert.equal(typeof rate.unit, 'string');
      assert.match(rate.price, /^\d+\.\d{2,}$/);
    }
  });

  it('JSON: the contract\'s operations and how to call it through the gateway', () => {
    // Demo services have a one-operation contract; published ones their own.
    assert.ok(Array.isArray(item.operations) && item.operations.length >= 1, JSON.stringify(item.operations));
    assert.equal(item.operations[0].method, 'POST');
    assert.match(item.operations[0].path, /^\/v1\//);
    assert.equal(item.how_to_call.model, item.slug);
    assert.match(item.how_to_call.curl, /\/v1\/chat\/completions/);
    assert.ok(item.sla.max_latency_ms > 0, 'every listed service promises a maximum latency');
  });

  it('JSON: versions include 1.0.0', () => {
    assert.ok(Array.isArray(item.versions));
    assert.ok(item.versions.some((x) => x.version === '1.0.0'), JSON.stringify(item.versions));
  });

  it('JSON: provider, category object and capabilities', () => {
    assert.equal(item.provider.slug, listed.provider.slug);
    assert.equal(item.provider.name, listed.provider.name);
    assert.deepEqual(item.category, listed.category);
    assert.equal(typeof item.category.name, 'string');
    assert.ok(Array.isArray(item.capabilities));
    for (const c of item.capabilities) {
      assert.ok(item.tags.includes(c.name), `capability ${c.name} comes from a tag`);
      assert.equal(typeof c.label, 'string');
    }
    assert.equal(item.links.provider, `/api/v1/services?provider=${item.provider.slug}`);
    assert.equal(item.links.category, `/api/v1/services?category=${item.category.slug}`);
  });

  it('HTML: the service page names the service and links its JSON twin', () => {
    assert.equal(html.status, 200);
    assert.equal(html.headers.get('content-type'), HTML_TYPE);
    assert.equal(htmlLang(html.text), 'en');
    const h1 = /<h1>([^<]*)<\/h1>/.exec(html.text);
    assert.ok(h1, 'an <h1>');
    assert.equal(decodeEntities(h1[1]), listed.name);
    assert.ok(html.text.includes(`href="/api/v1/services/${listed.slug}"`));
    // In the service's own currency (other tests publish in EUR).
    const symbol = { USD: '\\$', EUR: '€', GBP: '£' }[listed.pricing.currency] ?? '';
    assert.match(html.text, new RegExp(`${symbol}${listed.pricing.input_per_mtok.replace('.', '\\.')}<`), 'the input price');
  });
});

describe('a service by UUID', () => {
  it('JSON and HTML find the same service as the slug', async () => {
    const listed = await pricedService();
    const v = await getJson(`/api/v1/services/${listed.id}`);
    assert.equal(v.service.slug, listed.slug);
    assert.equal(v.service.id, listed.id);
    const h = await get(`/services/${listed.id}`);
    assert.equal(h.status, 200);
    assert.equal(decodeEntities(/<h1>([^<]*)<\/h1>/.exec(h.text)[1]), listed.name);
  });

  it('an unknown UUID is 404', async () => {
    assertProblem(await get('/api/v1/services/00000000-0000-4000-8000-000000000000'), 404, 'not-found');
  });
});

describe('an unknown service', () => {
  const slug = 'no-such-service-zz9';

  it('JSON: 404 problem with type, title, detail, instance and request id', async () => {
    const r = await get(`/api/v1/services/${slug}`);
    const p = assertProblem(r, 404, 'not-found');
    assert.equal(p.title, 'Not found');
    assert.ok(p.detail.includes(slug), `detail names the id: ${p.detail}`);
    assert.equal(p.instance, `/api/v1/services/${slug}`);
    assert.match(p.request_id, REQUEST_ID_RE);
  });

  it('HTML: 404 error page with the status and the title', async () => {
    const r = await get(`/services/${slug}`, { headers: { 'Accept-Language': 'en' } });
    assertHtmlError(r, 404);
    assert.match(r.text, /<h1 id="error-title">Not found<\/h1>/);
    assert.ok(r.text.includes(slug), 'the detail names the id');
  });
});

describe('a deprecated service', () => {
  let slug;
  before(async () => { slug = await deprecatedSlug(); });

  it('JSON: status is deprecated', async () => {
    const v = await getJson(`/api/v1/services/${slug}`);
    assert.equal(v.service.status, 'deprecated');
  });

  it('HTML: the page shows the deprecated badge', async () => {
    const r = await get(`/services/${slug}`, { headers: { 'Accept-Language': 'en' } });
    assert.equal(r.status, 200);
    assert.match(r.text, /<span class="badge badge-deprecated">Deprecated<\/span>/);
    assert.doesNotMatch(r.text, /badge badge-active/);
  });
});
