// reviews.test.mjs: reviews and ratings of services (0011_reviews.sql,
// cgi/search/reviews.c, cgi/admin/reviews.c): only people who used a
// service may review it, one review per person (a second one edits it),
// bad input is refused with nothing written, markup stays text, the
// provider replies (nobody else), administrators hide a review with a
// reason (audited) and it leaves the list and the rating, the Bayesian
// average, and a confidential service's reviews stay as hidden as it.
//
// The services are published fresh through the API by the demo provider
// (as publish.test.mjs does, with its stand-in endpoint), so each run
// starts from services nobody has used or reviewed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { get, assertProblem, decodeEntities, sql, HAS_PSQL } from './helpers.mjs';
import { signIn } from './session.mjs';
import { startProvider, providerContract } from './standins.mjs';

const PREFIX = process.env.MKT_PREFIX;
const ids = () => crypto.randomUUID().slice(0, 8);
const count = (table, where) => Number(sql(`SELECT count(*) FROM ${table} WHERE ${where}`));

/** JSON (or form) POST with a session. */
function post(path, s, body, { form = false } = {}) {
  return get(path, {
    method: 'POST',
    headers: {
      Cookie: `mkt_session=${s.session}`, 'X-CSRF-Token': s.csrf, 'Accept-Language': 'en',
      Accept: form ? 'text/html' : 'application/json',
      'Content-Type': form ? 'application/x-www-form-urlencoded' : 'application/json',
    },
    body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
}

const as = (s, extra = {}) => ({ headers: { Cookie: `mkt_session=${s.session}`, 'Accept-Language': 'en', ...extra } });

let provider; let prov; let consumer; let admin; let auditor;

/** A new internal service of the demo provider (organisation mistral), listed at once. */
async function publishService(label) {
  const r = await post('/api/v1/publish/services', prov, {
    name: `${label} ${ids()}`,
    description: 'A service to review.',
    category: 'text-generation',
    tags: ['summarization'],
    capabilities: ['chat'],
    endpoint: { url: provider.url, protocol: 'openai', auth_method: 'bearer', credential: provider.key },
    pricing: { currency: 'EUR', input_per_mtok: '0.40', output_per_mtok: '1.20' },
    sla: { availability_pct: '99.9', max_latency_ms: 2000, support: '24x7' },
    compliance: { level: 'internal', certifications: ['SOC2'], data_residency: ['DE'], data_retention_days: 30, training_use: false },
    version: '1.0.0',
    changelog: 'First release.',
    contract: JSON.stringify(providerContract(provider.url)),
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json().status, 'active');
  const slug = r.json().service;
  const [id, name] = sql(`SELECT id || '|' || name FROM services WHERE slug = '${slug}'`).split('|');
  return { slug, id, name };
}

/*
 * The gateway that writes usage records does not exist yet (issue 4);
 * this row stands in for one call of the service by the person.
 */
function used(svc, userId) {
  sql(`INSERT INTO usage_records (request_id, service_id, consumer_id, tokens_in, tokens_out, latency_ms, status)
       VALUES ('review-test-${crypto.randomUUID()}', '${svc.id}', '${userId}', 10, 10, 100, '200')`);
}

const reviewsOf = (svc) => count('reviews', `service_id = '${svc.id}'`);
const reviewAudits = () => count('audit_log', "action LIKE 'review.%'");

describe('reviews and ratings', { skip: !HAS_PSQL && 'PSQL is not set' }, () => {
  let svc;
  let many;

  before(async () => {
    provider = await startProvider();
    prov = await signIn('provider@example.com');
    consumer = await signIn('consumer@example.com');
    admin = await signIn('admin@example.com');
    auditor = await signIn('auditor@example.com');
    svc = await publishService('Reviewed summarizer');
  });
  after(async () => {
    await provider?.close();
  });

  it('refuses a review from someone who has not used the service (403), writing nothing', async () => {
    const page = await get(`/api/v1/services/${svc.slug}`, as(consumer));
    assert.equal(page.status, 200);
    const s = page.json().service;
    assert.deepEqual(s.rating, { reviews: 0, average: null, bayesian: null });
    assert.equal(s.can_review, false);
    assert.equal(s.review_state, 'use-first');
    const audits = reviewAudits();
    const p = assertProblem(await post(`/api/v1/services/${svc.slug}/reviews`, consumer,
      { rating: 5, body: 'Great, though I never called it.' }), 403, 'forbidden');
    assert.match(p.detail, /used this service/);
    assert.equal(reviewsOf(svc), 0);
    assert.equal(reviewAudits(), audits);
    // Nor from the provider's own organisation, used or not.
    used(svc, prov.account.id);
    const own = assertProblem(await post(`/api/v1/services/${svc.slug}/reviews`, prov,
      { rating: 5, body: 'Our own service is the best.' }), 403, 'forbidden');
    assert.match(own.detail, /own organisation/);
    assert.equal((await get(`/api/v1/services/${svc.slug}`, as(prov))).json().service.review_state, 'own-organisation');
    // Anonymous visitors must sign in, and cannot even see an internal service's reviews.
    assertProblem(await get(`/api/v1/services/${svc.slug}/reviews`, { method: 'POST',
      headers: { 'Content-Type': 'application/json' }, body: '{}' }), 401, 'unauthenticated');
    assertProblem(await get(`/api/v1/services/${svc.slug}/reviews`), 404, 'not-found');
    assert.equal(reviewsOf(svc), 0);
  });

  it('takes a review after use, and a second one edits it (still one row)', async () => {
    used(svc, consumer.account.id);
    const s = (await get(`/api/v1/services/${svc.slug}`, as(consumer))).json().service;
    assert.equal(s.can_review, true);
    assert.equal(s.my_review, null);

    const r = await post(`/api/v1/services/${svc.slug}/reviews`, consumer,
      { rating: 4, title: 'Solid summaries', body: 'Summaries of our contracts were accurate.' });
    assert.equal(r.status, 201, r.text);
    const first = r.json().review;
    assert.equal(first.rating, 4);
    assert.equal(first.title, 'Solid summaries');
    assert.equal(first.mine, true);
    assert.equal(first.edited, false);
    assert.equal(first.author, 'Carla Consumer');
    assert.equal(reviewsOf(svc), 1);
    assert.equal(count('audit_log', `action = 'review.create' AND resource_id = '${first.id}'`), 1);

    const again = await post(`/api/v1/services/${svc.slug}/reviews`, consumer,
      { rating: '3', body: 'After a month: accurate, but slow on long documents.' });
    assert.equal(again.status, 200, again.text);
    const second = again.json().review;
    assert.equal(second.id, first.id, 'the same review');
    assert.equal(second.rating, 3);
    assert.equal(second.title, null, 'an omitted title is removed');
    assert.equal(second.edited, true);
    assert.equal(reviewsOf(svc), 1);
    assert.equal(count('audit_log', `action = 'review.update' AND resource_id = '${first.id}'`), 1);

    const list = await get(`/api/v1/services/${svc.slug}/reviews`, as(consumer));
    assert.equal(list.status, 200);
    const l = list.json();
    assert.equal(l.page.total_items, 1);
    assert.equal(l.reviews[0].body, 'After a month: accurate, but slow on long documents.');
    assert.deepEqual(l.rating.reviews, 1);
    assert.equal(Number(l.rating.average), 3);
    const item = (await get(`/api/v1/services/${svc.slug}`, as(consumer))).json().service;
    assert.equal(item.my_review.id, first.id);
    assert.equal(item.reviews_total, 1);
    assert.equal(item.links.reviews, `/api/v1/services/${svc.slug}/reviews`);
  });

  it('refuses a bad rating or text with 422 and the fields, changing nothing', async () => {
    const before = sql(`SELECT rating || '|' || body || '|' || updated_at FROM reviews WHERE service_id = '${svc.id}'`);
    const audits = reviewAudits();
    for (const rating of [0, 6, 'x', 4.5, true, '', null, '5 stars', -1]) {
      const p = assertProblem(await post(`/api/v1/services/${svc.slug}/reviews`, consumer,
        { rating, body: 'Fine.' }), 422, 'invalid-input');
      assert.deepEqual(p.errors.map((e) => e.name), ['rating'], JSON.stringify(rating));
    }
    for (const body of ['', '   \n ', 'x'.repeat(4001)]) {
      const p = assertProblem(await post(`/api/v1/services/${svc.slug}/reviews`, consumer,
        { rating: 5, body }), 422, 'invalid-input');
      assert.deepEqual(p.errors.map((e) => e.name), ['body']);
    }
    let p = assertProblem(await post(`/api/v1/services/${svc.slug}/reviews`, consumer,
      { rating: 5, title: 't'.repeat(121), body: 'Fine.' }), 422, 'invalid-input');
    assert.deepEqual(p.errors.map((e) => e.name), ['title']);
    p = assertProblem(await post(`/api/v1/services/${svc.slug}/reviews`, consumer,
      { rating: 5, body: 'null byte \u0000 here' }), 422, 'invalid-input');
    p = assertProblem(await post(`/api/v1/services/${svc.slug}/reviews`, consumer,
      { rating: 5, body: ['a list'] }), 422, 'invalid-input');
    // A person gets the service page again, with what was sent and why it was refused.
    const html = await post(`/services/${svc.slug}/reviews`, consumer,
      { csrf: consumer.csrf, rating: '9', title: 'Kept <title>', body: 'Kept text' }, { form: true });
    assert.equal(html.status, 422);
    assert.match(html.headers.get('content-type'), /^text\/html/);
    assert.match(html.text, /The review was not saved/);
    assert.match(html.text, /choose from 1 to 5 stars/);
    assert.match(html.text, /value="Kept &lt;title&gt;"/);
    assert.match(html.text, />Kept text<\/textarea>/);
    assert.equal(sql(`SELECT rating || '|' || body || '|' || updated_at FROM reviews WHERE service_id = '${svc.id}'`), before);
    assert.equal(reviewAudits(), audits);
  });

  it('counts characters, not bytes: 4,000 umlauts are fine', async () => {
    const r = await post(`/api/v1/services/${svc.slug}/reviews`, consumer, { rating: 4, body: 'ä'.repeat(4000) });
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.equal(r.json().review.body.length, 4000);
  });

  it('shows markup in a review as text, and takes the portal form (post, redirect, notice)', async () => {
    const body = '<script>alert("x")</script> <b>bold</b> & "quoted"\nsecond line';
    const r = await post(`/services/${svc.slug}/reviews`, consumer,
      { csrf: consumer.csrf, rating: '4', title: '<i>Title</i>', body }, { form: true });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    assert.equal(r.headers.get('location'), `/services/${svc.slug}?notice=review-saved#reviews`);
    const page = await get(`/services/${svc.slug}?notice=review-saved`, as(consumer));
    assert.equal(page.status, 200);
    assert.match(page.text, /Thank you: your review has been saved\./);
    assert.ok(!page.text.includes('<script>alert'), 'no script element from a review');
    assert.ok(!page.text.includes('<b>bold</b>'));
    assert.ok(!page.text.includes('<i>Title</i>'));
    assert.match(page.text, /&lt;script&gt;alert\("x"\)&lt;\/script&gt; &lt;b&gt;bold&lt;\/b&gt; &amp; "quoted"<br>second line/);
    // The rating: stars as text with a label, one review.
    assert.match(page.text, /<span class="stars" role="img" aria-label="4\.0 out of 5 stars"[^>]*>★★★★☆<\/span>/);
    assert.match(decodeEntities(page.text), /1 review\b/);
    // An unknown notice shows nothing; text from the address never does.
    const other = await get(`/services/${svc.slug}?notice=%3Cb%3Ehi`, as(consumer));
    assert.ok(!other.text.includes('hi</b>') && !other.text.includes('role="status"'));
  });

  it('lets the provider reply (and change the reply), nobody else', async () => {
    const rid = sql(`SELECT id FROM reviews WHERE service_id = '${svc.id}'`);
    const path = `/api/v1/services/${svc.slug}/reviews/${rid}/reply`;
    const audits = reviewAudits();
    assertProblem(await post(path, consumer, { body: 'I am not the provider.' }), 403, 'forbidden');
    assertProblem(await post(path, auditor, { body: 'Nor am I.' }), 403, 'forbidden');
    assert.equal(reviewAudits(), audits);
    assert.equal(sql(`SELECT reply IS NULL FROM reviews WHERE id = '${rid}'`), 't');
    assertProblem(await post(path, prov, { body: '  ' }), 422, 'invalid-input');
    assertProblem(await post(`/api/v1/services/${svc.slug}/reviews/${crypto.randomUUID()}/reply`, prov,
      { body: 'To nobody.' }), 404, 'not-found');

    let r = await post(path, prov, { body: 'Thank you! Long documents are faster since 1.1.' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json().review.reply.body, 'Thank you! Long documents are faster since 1.1.');
    r = await post(path, prov, { body: 'Thank you! Long documents are faster since 1.2.' });
    assert.equal(r.status, 200);
    assert.equal(sql(`SELECT reply FROM reviews WHERE id = '${rid}'`), 'Thank you! Long documents are faster since 1.2.');
    assert.equal(count('audit_log', `action = 'review.reply' AND resource_id = '${rid}'`), 2);
    const page = await get(`/services/${svc.slug}`, as(consumer));
    assert.match(page.text, /Reply from the provider/);
    assert.match(page.text, /faster since 1\.2\./);
    assert.ok(!page.text.includes(`/reviews/${rid}/reply"`), 'no reply form for a consumer');
    const mine = await get(`/services/${svc.slug}`, as(prov));
    assert.ok(mine.text.includes(`action="/services/${svc.slug}/reviews/${rid}/reply"`), 'the provider gets the form');
  });

  it('lets administrators hide a review with a reason (audited): it leaves the list and the rating', async () => {
    const rid = sql(`SELECT id FROM reviews WHERE service_id = '${svc.id}'`);
    const hide = `/api/v1/admin/reviews/${rid}/hide`;
    assertProblem(await post(hide, consumer, { reason: 'I do not like it.' }), 403, 'forbidden');
    assertProblem(await post(hide, admin, {}), 422, 'invalid-input');
    assertProblem(await post(hide, admin, { reason: '   ' }), 422, 'invalid-input');
    assertProblem(await post(`/api/v1/admin/reviews/${crypto.randomUUID()}/hide`, admin, { reason: 'x' }), 404, 'not-found');
    assert.equal(sql(`SELECT hidden FROM reviews WHERE id = '${rid}'`), 'f');
    assert.equal(count('audit_log', `action = 'review.hide' AND resource_id = '${rid}'`), 0);

    const r = await post(hide, admin, { reason: 'Contains a customer name.' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json().review, { id: rid, hidden: true });
    assertProblem(await post(hide, admin, { reason: 'Again.' }), 409, 'conflict');
    const audit = sql(`SELECT actor_id || '|' || (details->>'reason') FROM audit_log
                       WHERE action = 'review.hide' AND resource_id = '${rid}'`);
    assert.equal(audit, `${admin.account.id}|Contains a customer name.`);

    // Gone from the public list and from the rating.
    const list = (await get(`/api/v1/services/${svc.slug}/reviews`, as(consumer))).json();
    assert.equal(list.page.total_items, 0);
    assert.deepEqual(list.rating, { reviews: 0, average: null, bayesian: null });
    assert.equal(count('service_ratings', `service_id = '${svc.id}'`), 0);
    // Its author still sees it, with the reason; administrators and auditors see it marked.
    const item = (await get(`/api/v1/services/${svc.slug}`, as(consumer))).json().service;
    assert.equal(item.my_review.hidden, true);
    assert.equal(item.my_review.moderation.reason, 'Contains a customer name.');
    for (const who of [admin, auditor]) {
      const seen = (await get(`/api/v1/services/${svc.slug}/reviews`, as(who))).json();
      assert.equal(seen.reviews.length, 1);
      assert.equal(seen.reviews[0].hidden, true);
    }
    // Editing does not bring it back.
    assert.equal((await post(`/api/v1/services/${svc.slug}/reviews`, consumer,
      { rating: 5, body: 'Edited after moderation.' })).status, 200);
    assert.equal(sql(`SELECT hidden FROM reviews WHERE id = '${rid}'`), 't');
    // The moderation page lists it among the hidden ones.
    const mod = await get('/admin/reviews?state=hidden', as(admin));
    assert.equal(mod.status, 200);
    assert.ok(mod.text.includes(`action="/admin/reviews/${rid}/unhide"`));
    assert.match(mod.text, /Contains a customer name\./);
    assertProblem(await get('/api/v1/admin/reviews', as(consumer)), 403, 'forbidden');

    // Shown again (also with a reason, also audited): back in the rating.
    assertProblem(await post(`/api/v1/admin/reviews/${rid}/unhide`, admin, {}), 422, 'invalid-input');
    const form = await post(`/admin/reviews/${rid}/unhide`, admin,
      { csrf: admin.csrf, reason: 'The name was the provider\'s own.' }, { form: true });
    assert.equal(form.status, 303);
    assert.equal(form.headers.get('location'), '/admin/reviews?notice=shown');
    assert.equal(count('audit_log', `action = 'review.unhide' AND resource_id = '${rid}'`), 1);
    const back = (await get(`/api/v1/services/${svc.slug}/reviews`, as(consumer))).json();
    assert.equal(back.page.total_items, 1);
    assert.equal(back.rating.reviews, 1);
    assert.equal(Number(back.rating.average), 5);
  });

  it('ranks 1 review of 5 stars below 200 reviews of 4.8 (Bayesian average)', async () => {
    many = await publishService('Much reviewed');
    const once = await publishService('Once reviewed');
    const other = await publishService('Middling');
    // 200 reviewers (kept across runs), straight into the database: the
    // rules of the programs are tested above.
    sql(`INSERT INTO users (email, display_name) SELECT 'reviewer-' || g || '@reviews.example', 'Reviewer ' || g
         FROM generate_series(1, 200) g ON CONFLICT (lower(email)) DO NOTHING`);
    const reviewers = "SELECT id, row_number() OVER (ORDER BY email) AS n FROM users WHERE email LIKE 'reviewer-%@reviews.example'";
    sql(`INSERT INTO reviews (service_id, author_id, rating, body)
         SELECT '${many.id}', id, CASE WHEN n <= 160 THEN 5 ELSE 4 END, 'Review ' || n FROM (${reviewers}) r`);
    sql(`INSERT INTO reviews (service_id, author_id, rating, body)
         SELECT '${once.id}', id, 5, 'The only review' FROM (${reviewers}) r WHERE n = 1`);
    // The rest of a catalog: its mean m is what a few reviews lean towards.
    sql(`INSERT INTO reviews (service_id, author_id, rating, body)
         SELECT '${other.id}', id, 3, 'So-so' FROM (${reviewers}) r`);
    // Every service's Bayesian average with the new mean.
    execFileSync(`${PREFIX}/bin/marketctl`, ['-q', 'search-refresh'],
      { env: { ...process.env, MKT_CONFIG: `${PREFIX}/etc/llm-marketplace/marketplace.conf` } });

    const rating = async (s) => (await get(`/api/v1/services/${s.slug}`, as(consumer))).json().service.rating;
    const a = await rating(many);
    const b = await rating(once);
    assert.equal(a.reviews, 200);
    assert.equal(Number(a.average), 4.8);
    assert.equal(b.reviews, 1);
    assert.equal(Number(b.average), 5);
    assert.ok(Number(a.bayesian) > Number(b.bayesian), `200×4.8 → ${a.bayesian}, 1×5 → ${b.bayesian}`);
    // Exactly (C·m + Σ) / (C + n), C = 10, m the mean of all visible reviews.
    const m = Number(sql('SELECT avg(rating) FROM reviews WHERE NOT hidden'));
    assert.ok(Math.abs(Number(b.bayesian) - (10 * m + 5) / 11) < 0.0015, `${b.bayesian} vs m ${m}`);
    assert.ok(Math.abs(Number(a.bayesian) - (10 * m + 960) / 210) < 0.0015);
    // In rating order, the much reviewed service comes first.
    const order = sql(`SELECT string_agg(service_id::text, ',' ORDER BY bayesian DESC)
                       FROM service_ratings WHERE service_id IN ('${many.id}', '${once.id}')`);
    assert.equal(order, `${many.id},${once.id}`);
    // The catalog's rating filter reads a copy on the service's row
    // (0023_search_listing_copies.sql): it follows the figures.
    assert.ok(Number(a.bayesian) >= 4.5 && Number(b.bayesian) < 4.5, `${a.bayesian}, ${b.bayesian}`);
    const rated = async (s) => (await get(`/api/v1/services?q=${encodeURIComponent(s.name)}&min_rating=4.5&per_page=100`,
      as(consumer))).json().services.map((x) => x.id);
    assert.ok((await rated(many)).includes(many.id), 'the much reviewed service meets its own rating');
    assert.ok(!(await rated(once)).includes(once.id), 'the once reviewed one does not');
    assert.equal(sql(`SELECT count(*) FROM services s LEFT JOIN service_ratings r ON r.service_id = s.id
                      WHERE s.rating_bayesian IS DISTINCT FROM r.bayesian`), '0', 'every copy of a rating is current');
    // The trigger keeps a service current on each review; a hidden one stops counting.
    sql(`UPDATE reviews SET hidden = true, hidden_reason = 'test', hidden_at = now()
         WHERE service_id = '${many.id}' AND rating = 4`);
    const c = await rating(many);
    assert.equal(c.reviews, 160);
    assert.equal(Number(c.average), 5);
  });

  it('keeps a confidential service\'s reviews from those who may not see it (404)', async () => {
    const conf = await publishService('Confidential reviewed');
    used(conf, consumer.account.id);
    assert.equal((await post(`/api/v1/services/${conf.slug}/reviews`, consumer,
      { rating: 5, body: 'Visible while internal.' })).status, 201);
    sql(`UPDATE services SET compliance_level = 'confidential' WHERE id = '${conf.id}'`);
    // consumer@example.com is in acme, the service belongs to mistral.
    assertProblem(await get(`/api/v1/services/${conf.slug}/reviews`, as(consumer)), 404, 'not-found');
    assertProblem(await get(`/api/v1/services/${conf.id}/reviews`, as(consumer)), 404, 'not-found');
    assertProblem(await post(`/api/v1/services/${conf.slug}/reviews`, consumer,
      { rating: 1, body: 'Still here?' }), 404, 'not-found');
    const rid = sql(`SELECT id FROM reviews WHERE service_id = '${conf.id}'`);
    assertProblem(await post(`/api/v1/services/${conf.slug}/reviews/${rid}/reply`, consumer,
      { body: 'x' }), 404, 'not-found');
    assert.equal(sql(`SELECT rating FROM reviews WHERE id = '${rid}'`), '5');
    // Its own organisation and the administrators still see them.
    assert.equal((await get(`/api/v1/services/${conf.slug}/reviews`, as(prov))).json().page.total_items, 1);
    assert.equal((await get(`/api/v1/services/${conf.slug}/reviews`, as(admin))).json().page.total_items, 1);
  });

  it('pages the list, with HTML and German', async () => {
    // The much reviewed service of the test above: 160 visible reviews.
    const p2 = await get(`/api/v1/services/${many.slug}/reviews?page=2&per_page=50`, as(consumer));
    assert.equal(p2.status, 200);
    const j = p2.json();
    assert.equal(j.reviews.length, 50);
    assert.equal(j.page.number, 2);
    assert.match(j.links.next, /page=3&per_page=50$/);
    assertProblem(await get(`/api/v1/services/${many.slug}/reviews?per_page=500`, as(consumer)), 400, 'invalid-parameter');
    const html = await get(`/services/${many.slug}/reviews?page=2`, as(consumer, { 'Accept-Language': 'de' }));
    assert.equal(html.status, 200);
    assert.match(html.text, /<html lang="de"/);
    assert.match(html.text, /Bewertungen/);
    assert.match(html.text, /von 5 Sternen/);
    assert.match(html.text, /class="pager"/);
  });
});
