// recommend.test.mjs: recommendations (FR-002.4, cgi/search/recommend.c,
// 0012_recommendations.sql): "consumers who use this also use" from real
// co-usage after marketctl search-refresh, "popular in <category>" as the
// fallback of a service nobody uses yet, "based on the services you use"
// for a signed-in person, and never a service the reader may not see.
//
// The gateway that writes usage records does not exist yet; rows
// inserted here stand in for calls (other consumers are bare ids, as
// usage_records allows).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { get, sql, HAS_PSQL } from './helpers.mjs';
import { signIn } from './session.mjs';
import { startProvider, providerContract } from './standins.mjs';

const PREFIX = process.env.MKT_PREFIX;
let provider; let prov; let consumer; let admin;

function post(path, s, body) {
  return get(path, {
    method: 'POST',
    headers: { Cookie: `mkt_session=${s.session}`, 'X-CSRF-Token': s.csrf, Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}
const as = (s) => ({ headers: { Cookie: `mkt_session=${s.session}`, 'Accept-Language': 'en', Accept: 'application/json' } });

async function publish(label, extra = {}) {
  const r = await post('/api/v1/publish/services', prov, {
    name: `${label} ${crypto.randomUUID().slice(0, 8)}`,
    description: 'A service to recommend.',
    category: 'text-generation',
    tags: ['summarization'],
    capabilities: ['chat'],
    endpoint: { url: provider.url, protocol: 'openai', auth_method: 'bearer', credential: provider.key },
    pricing: { currency: 'EUR', input_per_mtok: '0.40', output_per_mtok: '1.20', ...extra.pricing },
    sla: { availability_pct: '99.9', max_latency_ms: 2000, support: '24x7' },
    compliance: { level: 'internal', certifications: [], data_residency: [], data_retention_days: 30, training_use: false },
    version: '1.0.0',
    contract: JSON.stringify(providerContract(provider.url)),
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json().status, 'active', r.text);
  const slug = r.json().service;
  return { slug, id: sql(`SELECT id FROM services WHERE slug = '${slug}'`) };
}

function use(svc, consumerId, calls = 1) {
  sql(`INSERT INTO usage_records (request_id, service_id, consumer_id, tokens_in, tokens_out, latency_ms, status)
       SELECT 'rec-test-' || md5(random()::text), '${svc.id}', '${consumerId}', 5, 5, 100, '200'
       FROM generate_series(1, ${calls})`);
}

function refresh() {
  execFileSync(`${PREFIX}/bin/marketctl`, ['-q', 'search-refresh'],
    { env: { ...process.env, MKT_CONFIG: `${PREFIX}/etc/llm-marketplace/marketplace.conf` } });
}

function useTimed(svc, latencies, status = '200') {
  sql(`INSERT INTO usage_records (request_id, service_id, tokens_in, tokens_out, latency_ms, status)
       SELECT 'obs-test-' || md5(random()::text), '${svc.id}', 5, 5, l, '${status}'
       FROM unnest(ARRAY[${latencies.join(',')}]) l`);
}

const listOf = (service, kind) => (service.recommendations.find((x) => x.kind === kind) || { items: [] }).items.map((i) => i.slug);

describe('recommendations', { skip: (!HAS_PSQL || !PREFIX) && 'PSQL and MKT_PREFIX are needed' }, () => {
  let a; let b; let c; let d; let fresh;

  before(async () => {
    provider = await startProvider();
    prov = await signIn('provider@example.com');
    consumer = await signIn('consumer@example.com');
    admin = await signIn('admin@example.com');
    [a, b, c, d, fresh] = [await publish('Rec A'), await publish('Rec B'), await publish('Rec C'),
      await publish('Rec D'), await publish('Rec fresh')];
    // D is confidential: only its provider's organisation and the
    // administrators may see it, even as a recommendation.
    sql(`UPDATE services SET compliance_level = 'confidential' WHERE id = '${d.id}'`);
    // The demo consumer's calls of earlier runs would compete with these.
    sql(`DELETE FROM usage_records WHERE consumer_id = '${consumer.account.id}' AND request_id LIKE 'rec-test-%'`);
    const others = [1, 2, 3].map(() => crypto.randomUUID());
    for (const o of others) { use(a, o); use(b, o); use(d, o); }
    const one = crypto.randomUUID();
    use(a, one); use(c, one);
    use(a, consumer.account.id, 3);
    refresh();
  });
  after(async () => { await provider?.close(); });

  it('shows what consumers of a service also use, most shared first', async () => {
    const r = await get(`/api/v1/services/${a.slug}`, as(consumer));
    assert.equal(r.status, 200, r.text);
    const also = listOf(r.json().service, 'also_used');
    assert.deepEqual(also.slice(0, 2), [b.slug, c.slug], JSON.stringify(r.json().service.recommendations));
    const item = r.json().service.recommendations.find((x) => x.kind === 'also_used').items[0];
    assert.equal(item.consumers, 3);
    assert.equal(item.link, `/api/v1/services/${b.slug}`);
  });

  it('never recommends a service the reader may not see', async () => {
    const mine = listOf((await get(`/api/v1/services/${a.slug}`, as(consumer))).json().service, 'also_used');
    assert.ok(!mine.includes(d.slug), 'a confidential service stays out of a stranger\'s recommendations');
    const adm = listOf((await get(`/api/v1/services/${a.slug}`, as(admin))).json().service, 'also_used');
    assert.ok(adm.includes(d.slug), 'an administrator sees it');
    const forYou = (await get(`/api/v1/services?per_page=${10 + Math.floor(Math.random() * 90)}`, as(consumer))).json().recommendations;
    for (const list of forYou) for (const i of list.items) assert.notEqual(i.slug, d.slug);
  });

  it('recommends from the signed-in person\'s own usage, on the service page and the catalog', async () => {
    const page = (await get(`/api/v1/services/${b.slug}`, as(consumer))).json().service;
    const forYou = listOf(page, 'for_you');
    assert.ok(!forYou.includes(a.slug), 'not what they use already');
    assert.ok(!forYou.includes(b.slug), 'not the page\'s own service');
    assert.ok(forYou.includes(c.slug), JSON.stringify(page.recommendations));
    // A page size of its own: not a page cached by an earlier run.
    const list = (await get(`/api/v1/services?per_page=${10 + Math.floor(Math.random() * 90)}`, as(consumer))).json();
    const fy = list.recommendations.find((x) => x.kind === 'for_you');
    assert.ok(fy, 'the first catalog page recommends for a signed-in person');
    assert.ok(fy.items.some((i) => i.slug === b.slug), JSON.stringify(fy));
    const anon = await get('/api/v1/services?per_page=4');
    assert.deepEqual(anon.json().recommendations, [], 'nothing personal for anonymous visitors');
    const html = await get(`/services/${b.slug}`, { headers: { Cookie: `mkt_session=${consumer.session}`, 'Accept-Language': 'en' } });
    assert.match(html.text, /<section class="card recommendations" aria-labelledby="recommendations-h">/);
    assert.match(html.text, /Based on the services you use/);
  });

  it('falls back on the best of the category for a service nobody uses yet', async () => {
    const s = (await get(`/api/v1/services/${fresh.slug}`, as(consumer))).json().service;
    assert.deepEqual(listOf(s, 'also_used'), []);
    const popular = s.recommendations.find((x) => x.kind === 'popular');
    assert.ok(popular && popular.items.length === 5, JSON.stringify(s.recommendations));
    assert.equal(popular.title, 'Popular in Text generation');
    assert.ok(!popular.items.some((i) => i.slug === fresh.slug));
    for (const i of popular.items) {
      assert.equal(sql(`SELECT category FROM services WHERE slug = '${i.slug}'`), 'text-generation');
    }
  });
});

describe('the service page: plans and what was observed against the promise', { skip: (!HAS_PSQL || !PREFIX) && 'PSQL and MKT_PREFIX are needed' }, () => {
  let svc;
  before(async () => {
    provider = await startProvider();
    prov = await signIn('provider@example.com');
    consumer = await signIn('consumer@example.com');
    svc = await publish('Planned', { pricing: { tiers: [
      { name: 'free', description: 'To try it', price_monthly: '0', requests_per_minute: 10, monthly_tokens: 100000 },
      { name: 'standard', price_monthly: '49', input_per_mtok: '0.30', output_per_mtok: '0.90', requests_per_minute: 600 },
    ] } });
    // 20 calls: 17 fast, two slow (the p95 is the 19th), one a server error.
    useTimed(svc, [...Array(17).fill(300), 2500, 2500]);
    useTimed(svc, [200], '503');
    refresh();
  });
  after(async () => { await provider?.close(); });

  it('shows the plans, and the observed p95 and availability next to the SLA', async () => {
    const s = (await get(`/api/v1/services/${svc.slug}`, as(consumer))).json().service;
    assert.deepEqual(s.tiers.map((t) => t.name), ['free', 'standard']);
    assert.equal(s.observed.calls_30d, 20);
    assert.equal(s.observed.p95_latency_ms, 2500);
    assert.equal(Number(s.observed.availability), 95);
    // The SLA watch's other rolling figures.
    assert.equal(s.observed.p50_latency_ms, 300);
    assert.equal(s.observed.p99_latency_ms, 2500);
    assert.equal(Number(s.observed.error_rate), 5);
    assert.equal(s.observed.sla_breaches, 0);
    const r = await get(`/services/${svc.slug}`, { headers: { Cookie: `mkt_session=${consumer.session}`, 'Accept-Language': 'en' } });
    const html = r.text;
    assert.match(html, /<h2 id="plans-h">Plans<\/h2>/);
    assert.match(html, /<th scope="row">standard<\/th><td class="num"><span class="price">€49<\/span><\/td>/);
    assert.match(html, /Observed p95 latency \(30 days\)<\/dt><dd>2,500 ms <span class="badge badge-deprecated">below the promise<\/span>/);
    assert.match(html, /Observed availability \(30 days\)<\/dt><dd>95\.000 % <span class="badge badge-deprecated">below the promise<\/span>/);
    assert.match(html, /Latency p50 \/ p99, first byte \(30 days\)<\/dt><dd>300 \/ 2,500 ms<\/dd>/);
  });
});
