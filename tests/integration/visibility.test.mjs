// visibility.test.mjs: access control of discovery (the specification's
// discoverServices, phases 3 and 5): a reader never learns of a service
// their clearance and organisation may not see: not in results, counts,
// facets, category counts, suggestions (services or words), "did you
// mean", the service page or recommendations.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { get, sql, HAS_PSQL } from './helpers.mjs';
import { signIn } from './session.mjs';
import { startProvider, providerContract } from './standins.mjs';

const PREFIX = process.env.MKT_PREFIX;
let provider; let prov; let consumer; let admin;
const word = (p) => `${p}${crypto.randomBytes(4).toString('hex').replace(/[0-9]/g, (d) => 'ghijklmnop'[d])}`;

function post(path, s, body) {
  return get(path, {
    method: 'POST',
    headers: { Cookie: `mkt_session=${s.session}`, 'X-CSRF-Token': s.csrf, Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}
const json = async (path, s) => {
  const r = await get(path, { headers: s ? { Cookie: `mkt_session=${s.session}`, Accept: 'application/json' } : { Accept: 'application/json' } });
  return { status: r.status, body: r.status === 200 ? r.json() : null };
};

async function publish(name, level) {
  const r = await post('/api/v1/publish/services', prov, {
    name,
    description: 'A service only some may see.',
    category: 'text-generation',
    tags: ['summarization'],
    capabilities: ['chat'],
    endpoint: { url: provider.url, protocol: 'openai', auth_method: 'bearer', credential: provider.key },
    pricing: { currency: 'EUR', input_per_mtok: '0.40', output_per_mtok: '1.20' },
    sla: { availability_pct: '99.9', max_latency_ms: 2000, support: '24x7' },
    compliance: { level: 'internal', certifications: [], data_residency: [], data_retention_days: 30, training_use: false },
    version: '1.0.0',
    contract: JSON.stringify(providerContract(provider.url)),
  });
  assert.equal(r.status, 201, r.text);
  const slug = r.json().service;
  // Straight to the level wanted: the approval a confidential service
  // waits for is publish.test.mjs's subject.
  sql(`UPDATE services SET compliance_level = '${level}' WHERE slug = '${slug}'`);
  return slug;
}

describe('what discovery shows to whom', { skip: (!HAS_PSQL || !PREFIX) && 'PSQL and MKT_PREFIX are needed' }, () => {
  const secret = word('qzsecret');
  const inside = word('qzinside');
  let secretSlug; let insideSlug;

  before(async () => {
    provider = await startProvider();
    prov = await signIn('provider@example.com');
    consumer = await signIn('consumer@example.com');
    admin = await signIn('admin@example.com');
    secretSlug = await publish(`${secret} summarizer`, 'confidential');
    insideSlug = await publish(`${inside} summarizer`, 'internal');
    execFileSync(`${PREFIX}/bin/marketctl`, ['-q', 'search-refresh'],
      { env: { ...process.env, MKT_CONFIG: `${PREFIX}/etc/llm-marketplace/marketplace.conf` } });
  });
  after(async () => { await provider?.close(); });

  /** Everything a reader can learn about the word w; true when nothing. */
  async function learnsNothing(w, slug, s) {
    const found = await json(`/api/v1/services?q=${w}&per_page=${5 + Math.floor(Math.random() * 90)}`, s);
    assert.equal(found.status, 200);
    assert.equal(found.body.page.total_items, 0, 'no result');
    assert.deepEqual(found.body.services, []);
    for (const [k, v] of Object.entries(found.body.facets)) assert.deepEqual(v, [], `facet ${k}`);
    for (const c of found.body.categories) assert.equal(c.count, 0, `category ${c.slug}`);
    const typo = await json(`/api/v1/services?q=${w.slice(0, -1)}x&per_page=${5 + Math.floor(Math.random() * 90)}`, s);
    assert.ok(!JSON.stringify(typo.body.did_you_mean ?? null).includes(w), 'no "did you mean" with the word');
    const sugg = await json(`/api/v1/services/suggest?q=${w.slice(0, 12)}`, s);
    assert.equal(sugg.status, 200);
    assert.deepEqual(sugg.body.services, [], 'no suggested service');
    assert.ok(!sugg.body.words.includes(w), 'no suggested word');
    assert.equal((await json(`/api/v1/services/${slug}`, s)).status, 404, 'no service page');
  }

  it('hides a confidential service from anonymous visitors and from other organisations', async () => {
    await learnsNothing(secret, secretSlug, null);
    await learnsNothing(secret, secretSlug, consumer);
  });

  it('hides an internal service from anonymous visitors only', async () => {
    await learnsNothing(inside, insideSlug, null);
    const found = await json(`/api/v1/services?q=${inside}&per_page=7`, consumer);
    assert.equal(found.body.page.total_items, 1);
    const sugg = await json(`/api/v1/services/suggest?q=${inside.slice(0, 12)}`, consumer);
    assert.equal(sugg.body.services[0].slug, insideSlug);
    assert.ok(sugg.body.words.includes(inside), 'the word, for a reader who may see it');
  });

  it('shows the confidential service to its own organisation and to administrators', async () => {
    for (const s of [prov, admin]) {
      const found = await json(`/api/v1/services?q=${secret}&per_page=9`, s);
      assert.equal(found.body.page.total_items, 1);
      assert.equal(found.body.services[0].slug, secretSlug);
      assert.equal((await json(`/api/v1/services/${secretSlug}`, s)).status, 200);
      const sugg = await json(`/api/v1/services/suggest?q=${secret.slice(0, 12)}`, s);
      assert.equal(sugg.body.services[0].slug, secretSlug);
    }
    const sugg = await json(`/api/v1/services/suggest?q=${secret.slice(0, 12)}`, admin);
    assert.ok(sugg.body.words.includes(secret), 'administrators see every word');
  });
});
