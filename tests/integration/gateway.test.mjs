// gateway.test.mjs: the metering gateway through the real web server, with
// the official OpenAI SDK as the client and the mock provider the stack
// starts (MOCK_PORT) as the provider: subscriptions, key lifecycle,
// SemVer model names, forwarding, streaming, exact rate limits, budgets
// under concurrency, provider failures, and the rule that every success
// has exactly one committed usage record.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync, statSync, chownSync, existsSync, mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import OpenAI from 'openai';
import { BASE_URL, get, assertProblem, sql, HAS_PSQL } from './helpers.mjs';
import { signIn, PASSWORD } from './session.mjs';

const MOCK_PORT = Number(process.env.MOCK_PORT || 18400);
const MOCK = `http://127.0.0.1:${MOCK_PORT}`;
// The gateway answering HTTP itself, next to lighttpd's FastCGI one.
const GATEWAY_URL = (process.env.GATEWAY_URL || 'http://127.0.0.1:8081').replace(/\/+$/, '');
const skip = !HAS_PSQL && 'PSQL is not set (the gateway tests set up services in SQL)';
const tag = crypto.randomBytes(4).toString('hex');
const SVC = `gw-chat-${tag}`;		// versions 1.0.0 (deprecated), 1.2.0, 1.4.0
const SLOW = `gw-slow-${tag}`;		// SLA of 400 ms
const DEAD = `gw-dead-${tag}`;		// an endpoint where nothing listens
const OTHER = `gw-other-${tag}`;	// for scopes
// A consumer and an organisation of this file's own: its calls must not
// become the demo consumer's usage (recommendations learn from it).
const ORG = `gw-org-${tag}`;
const EMAIL = `gw-${tag}@example.com`;

let me;			// the signed-in consumer { session, csrf, account }
let H;			// their JSON API headers
let key;		// an API key of theirs (secret)
let client;		// the OpenAI SDK pointed at the marketplace

const q = (s) => s.replace(/'/g, "''");
// A gateway process remembers an acceptance (key, service, subscription,
// policy) for at most a second (gateway_accept_cache_ms): changes made
// elsewhere take effect within that bound.
const pastAcceptBound = () => new Promise((r) => setTimeout(r, 1100));

/** A service calling the mock (or url), with its provider credential
 *  taken from a demo service, and the given versions. */
function makeService(slug, { url = `${MOCK}/v1`, sla = 30000, versions, plans = [], prices = ['1.000000', '2.000000'] }) {
  sql(`INSERT INTO services (provider_id, slug, name, description, category, mode, status, endpoint, endpoint_secret, sla, compliance_level)
       SELECT p.id, '${slug}', 'Gateway test ${slug}', 'A test service of the gateway tests', 'text-generation', 'chat', 'active',
              jsonb_build_object('url', '${q(url)}', 'model', 'mock-chat'),
              (SELECT endpoint_secret FROM services WHERE endpoint_secret IS NOT NULL AND endpoint->>'url' LIKE '${MOCK}%' LIMIT 1),
              jsonb_build_object('max_latency_ms', ${sla}), 'internal'
         FROM providers p WHERE p.slug = 'mistral'`);
  for (const [v, status] of versions) {
    sql(`INSERT INTO service_versions (service_id, version, status, input_price_per_mtok, output_price_per_mtok,
                                       max_output_tokens, published_at, deprecated_at, sunset_at)
         SELECT id, '${v}', '${status}', ${prices[0]}, ${prices[1]}, 1000, now(),
                ${status === 'deprecated' ? "now() - interval '1 day', now() + interval '90 days'" : 'NULL, NULL'}
           FROM services WHERE slug = '${slug}'`);
  }
  for (const p of plans) {
    sql(`INSERT INTO plans (service_id, slug, name, requests_per_minute, tokens_per_minute, monthly_budget)
         SELECT id, '${p.slug}', '${p.slug}', ${p.rpm ?? 'NULL'}, ${p.tpm ?? 'NULL'}, ${p.budget ?? 'NULL'}
           FROM services WHERE slug = '${slug}'`);
  }
}

async function api(path, body, method = 'POST') {
  return get(`/api/v1${path}`, { method, headers: H, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function subscribe(service, plan) {
  const r = await api('/subscriptions', { service, plan });
  assert.equal(r.status, 201, r.text);
  return r.json().subscription;
}

async function newKey(fields = {}) {
  const r = await api('/keys', { name: `test ${tag}`, ...fields });
  assert.equal(r.status, 201, r.text);
  return r.json();
}

/** A raw gateway call with fetch: { status, headers, text, json() }. */
function call(path, body, secret = key, extra = {}) {
  return get(path, {
    method: 'POST',
    headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json', ...extra },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const chat = (model, content = 'Hello', more = {}) =>
  ({ model, messages: [{ role: 'user', content }], ...more });

/** Waits until both gateways (lighttpd's FastCGI process and the HTTP
 *  one) have shipped their journals' usage records to PostgreSQL: a
 *  success is durable in the journal when its client hears of it, and in
 *  PostgreSQL a moment later. */
async function shipped() {
  for (const base of [BASE_URL, GATEWAY_URL]) {
    let journal;
    for (let i = 0; i < 100; i++) {
      // A process just killed is being replaced: asked again.
      journal = await fetch(`${base}/health/consume`).then((r) => r.json()).then((j) => j.gateway.journal).catch(() => null);
      if (journal?.waiting === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(journal?.waiting, 0, `${base}: usage records still waiting in the journal after 5 s`);
  }
}

async function usageOf(requestId) {
  await shipped();
  const out = sql(`SELECT status || '|' || tokens_in || '|' || tokens_out || '|' || cost || '|' || estimated
                     FROM usage_records WHERE request_id = '${q(requestId)}'`);
  return out === '' ? [] : out.split('\n').map((l) => {
    const [status, tin, tout, cost, estimated] = l.split('|');
    return { status, tin: Number(tin), tout: Number(tout), cost: Number(cost), estimated: estimated === 'true' };
  });
}

async function mockLast() {
  const r = await fetch(`${MOCK}/debug/last`);
  return r.json();
}

describe('the gateway', { skip }, () => {
  before(async () => {
    makeService(SVC, { versions: [['1.0.0', 'deprecated'], ['1.2.0', 'active'], ['1.4.0', 'active'], ['2.0.0-rc.1', 'active']] });
    makeService(SLOW, { sla: 400, versions: [['1.0.0', 'active']] });
    makeService(DEAD, { url: 'http://127.0.0.1:9/v1', versions: [['1.0.0', 'active']] });
    makeService(OTHER, { versions: [['1.0.0', 'active']] });
    const admin = await signIn('admin@example.com');
    const form = (fields) => ({ method: 'POST', body: new URLSearchParams(fields).toString(),
      headers: { Cookie: `mkt_session=${admin.session}`, 'X-CSRF-Token': admin.csrf,
        'Content-Type': 'application/x-www-form-urlencoded' } });
    let r = await get('/api/v1/admin/organizations', form({ slug: ORG, name: `Gateway tests ${tag}` }));
    assert.equal(r.status, 201, r.text);
    r = await get('/api/v1/admin/users', form({ email: EMAIL, name: 'Gale Gateway', password: PASSWORD, org: ORG, role_consumer: 'on' }));
    assert.equal(r.status, 201, r.text);
    me = await signIn(EMAIL);
    H = { Cookie: `mkt_session=${me.session}`, 'X-CSRF-Token': me.csrf, 'Content-Type': 'application/json' };
    await subscribe(SVC, 'premium');
    await subscribe(SLOW, 'standard');
    await subscribe(DEAD, 'standard');
    await subscribe(OTHER, 'standard');
    key = (await newKey()).secret;
    client = new OpenAI({ apiKey: key, baseURL: `${BASE_URL}/v1`, maxRetries: 0, timeout: 20000 });
  });

  describe('API keys', () => {
    it('are shown once, stored only as a hash, and listed by prefix and last digits', async () => {
      const { key: k, secret } = await newKey({ name: 'shown once' });
      assert.match(secret, /^mkt_[0-9a-f]{48}$/);
      assert.equal(k.display, `${secret.slice(0, 12)}…${secret.slice(-4)}`);
      const list = await get('/api/v1/keys', { headers: H });
      assert.equal(list.status, 200);
      assert.ok(!list.text.includes(secret), 'the list never shows a secret');
      assert.ok(list.json().keys.some((x) => x.id === k.id));
      const hash = crypto.createHash('sha256').update(secret).digest('hex');
      assert.equal(sql(`SELECT count(*) FROM api_keys WHERE hash = '${hash}'`), '1');
      assert.equal(sql(`SELECT count(*) FROM api_keys WHERE hash = '${secret}' OR prefix = '${secret}'`), '0');
      assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'api_key.create' AND resource_id = '${k.id}' AND details::text NOT LIKE '%${secret.slice(4)}%'`), '1');
    });

    it('missing, malformed and unknown keys get 401 with WWW-Authenticate', async () => {
      const none = await get('/v1/chat/completions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(chat(SVC)) });
      assertProblem(none, 401, 'invalid-api-key');
      assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
      assertProblem(await call('/v1/chat/completions', chat(SVC), 'sk-not-ours'), 401, 'invalid-api-key');
      assertProblem(await call('/v1/chat/completions', chat(SVC), `mkt_${'0'.repeat(48)}`), 401, 'invalid-api-key');
    });

    it('a revoked key is refused within a second, whichever process accepted it before', async () => {
      const { key: k, secret } = await newKey({ name: 'to revoke' });
      assert.equal((await call('/v1/chat/completions', chat(SVC), secret)).status, 200);
      const rv = await api(`/keys/${k.id}/revoke`, {});
      assert.equal(rv.status, 200, rv.text);
      assert.equal(rv.json().key.state, 'revoked');
      await pastAcceptBound();
      const p = assertProblem(await call('/v1/chat/completions', chat(SVC), secret), 401, 'invalid-api-key');
      assert.match(p.detail, /revoked/);
      assert.equal((await api(`/keys/${k.id}/revoke`, {})).status, 409);
    });

    it('an expired key is refused', async () => {
      const { key: k, secret } = await newKey({ name: 'to expire', expires_in_days: 1 });
      assert.equal(k.state, 'expiring');
      sql(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = '${k.id}'`);
      const p = assertProblem(await call('/v1/chat/completions', chat(SVC), secret), 401, 'invalid-api-key');
      assert.match(p.detail, /expired/);
    });

    it('a key scoped to one service cannot call another', async () => {
      const { secret } = await newKey({ name: 'scoped', scopes: [OTHER] });
      assert.equal((await call('/v1/chat/completions', chat(OTHER), secret)).status, 200);
      assertProblem(await call('/v1/chat/completions', chat(SVC), secret), 403, 'forbidden');
      const models = (await get('/v1/models', { headers: { Authorization: `Bearer ${secret}` } })).json();
      assert.deepEqual(models.data.map((m) => m.id), [OTHER]);
    });

    it('rotation gives a new key and keeps the old one for the overlap only', async () => {
      const { key: k, secret } = await newKey({ name: 'to rotate' });
      const r = await api(`/keys/${k.id}/rotate`, { overlap_seconds: 60 });
      assert.equal(r.status, 201, r.text);
      const fresh = r.json();
      assert.notEqual(fresh.secret, secret);
      assert.equal(fresh.key.name, 'to rotate');
      assert.equal(fresh.key.replaces.rotated_to, fresh.key.id);
      assert.equal((await call('/v1/chat/completions', chat(SVC), secret)).status, 200, 'old key within the overlap');
      assert.equal((await call('/v1/chat/completions', chat(SVC), fresh.secret)).status, 200);
      sql(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = '${k.id}'`);
      await pastAcceptBound();
      assertProblem(await call('/v1/chat/completions', chat(SVC), secret), 401, 'invalid-api-key');
    });

    it('bad key requests are refused and change nothing', async () => {
      const before = sql('SELECT count(*) FROM api_keys');
      for (const body of [{}, { name: '' }, { name: 'x'.repeat(81) }, { name: 'ok', scopes: 'not-an-array-or-list!' },
        { name: 'ok', scopes: ['no-such-service-' + tag] }, { name: 'ok', expires_in_days: 0 }, { name: 'ok', expires_in_days: 'soon' }]) {
        const r = await api('/keys', body);
        assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
      }
      assert.equal(sql('SELECT count(*) FROM api_keys'), before);
      assert.equal((await api('/keys/00000000-0000-0000-0000-000000000000/revoke', {})).status, 404);
    });
  });

  // The same calls through lighttpd (FastCGI) and to the gateway's own
  // HTTP port (mkt-consume --http): both must behave alike.
  for (const [where, url] of [['through the web server', BASE_URL], ['on the gateway\'s own HTTP port', GATEWAY_URL]]) describe(`the OpenAI SDK as a client, ${where}`, () => {
    let client;
    before(() => { client = new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0, timeout: 20000 }); });

    it('chat completions: answer, usage, and exactly one usage record committed', async () => {
      const { data, response } = await client.chat.completions
        .create({ model: SVC, messages: [{ role: 'user', content: 'Say hello' }], max_tokens: 8 }).withResponse();
      assert.equal(data.object, 'chat.completion');
      assert.ok(data.choices[0].message.content.length > 0);
      assert.equal(data.usage.completion_tokens, 8);
      const rid = response.headers.get('x-request-id');
      assert.equal(response.headers.get('x-marketplace-version'), '1.4.0', 'the highest active version');
      const recs = await usageOf(rid);
      assert.equal(recs.length, 1, 'one usage record');
      assert.equal(recs[0].status, 'success');
      assert.equal(recs[0].tin, data.usage.prompt_tokens);
      assert.equal(recs[0].tout, 8);
      assert.equal(recs[0].estimated, false);
      // 1.00 per million in, 2.00 per million out.
      assert.equal(recs[0].cost, (data.usage.prompt_tokens * 1 + 8 * 2) / 1e6);
      assert.equal(Number(response.headers.get('x-usage-cost')), recs[0].cost);
      assert.equal(response.headers.get('cache-control'), 'no-store', 'answers are never cached');
    });

    it('streaming: events arrive one by one, with usage when asked', async () => {
      const { data: stream, response } = await client.chat.completions.create({
        model: SVC, messages: [{ role: 'user', content: 'Stream please' }], max_tokens: 5,
        stream: true, stream_options: { include_usage: true },
      }).withResponse();
      let text = '';
      let usage = null;
      let chunks = 0;
      for await (const chunk of stream) {
        chunks++;
        if (chunk.choices[0]?.delta?.content) text += chunk.choices[0].delta.content;
        if (chunk.usage) usage = chunk.usage;
      }
      assert.ok(chunks >= 6, `${chunks} chunks`);
      assert.equal(text.trim().split(/\s+/).length, 5);
      assert.equal(usage?.completion_tokens, 5);
      const recs = await usageOf(response.headers.get('x-request-id'));
      assert.equal(recs.length, 1);
      assert.equal(recs[0].status, 'success');
      assert.equal(recs[0].tout, 5);
    });

    it('streaming passes events on as they come (the first before the provider ends)', async () => {
      // The mock waits 20 ms between events (./marketplace starts it so).
      const t0 = Date.now();
      const stream = await client.chat.completions.create({
        model: SVC, messages: [{ role: 'user', content: 'Slowly [mock:tokens=30]' }], max_tokens: 30, stream: true,
      });
      let first = 0;
      for await (const chunk of stream) {
        if (!first && chunk.choices[0]?.delta?.content) first = Date.now() - t0;
      }
      const total = Date.now() - t0;
      assert.ok(total >= 500, `the stream took ${total} ms`);
      assert.ok(first < total - 300, `first token after ${first} ms of ${total} ms`);
    });

    it('streaming without include_usage: metered all the same, no usage chunk shown', async () => {
      const { data: stream, response } = await client.chat.completions.create({
        model: SVC, messages: [{ role: 'user', content: 'Stream please' }], max_tokens: 3, stream: true,
      }).withResponse();
      for await (const chunk of stream) assert.equal(chunk.usage ?? null, null);
      const recs = await usageOf(response.headers.get('x-request-id'));
      assert.equal(recs.length, 1);
      assert.equal(recs[0].tout, 3);
      assert.equal(recs[0].estimated, false, 'the gateway asked the provider for usage itself');
      const last = await mockLast();
      assert.equal(last.body.stream_options.include_usage, true);
    });

    it('completions and embeddings', async () => {
      const c = await client.completions.create({ model: SVC, prompt: 'Once upon a time', max_tokens: 4 });
      assert.equal(c.usage.completion_tokens, 4);
      const e = await client.embeddings.create({ model: SVC, input: ['one', 'two'] });
      assert.equal(e.data.length, 2);
      assert.ok(e.data[0].embedding.length > 0);
    });

    it('models list: the services this key may call', async () => {
      const ids = [];
      for await (const m of client.models.list()) ids.push(m.id);
      for (const s of [SVC, SLOW, DEAD, OTHER]) assert.ok(ids.includes(s), `${s} in ${ids}`);
    });

    it('errors reach the SDK as exceptions with our message', async () => {
      await assert.rejects(client.chat.completions.create({ model: `no-such-${tag}`, messages: [{ role: 'user', content: 'x' }] }),
        (e) => e.status === 404 && /no service/.test(e.message));
    });
  });

  describe('models pinned by SemVer', () => {
    const version = async (model) => {
      const r = await call('/v1/chat/completions', chat(model));
      return { status: r.status, version: r.headers.get('x-marketplace-version'), r };
    };

    it('resolve to the highest active version in range, never another', async () => {
      assert.equal((await version(`${SVC}@^1.2`)).version, '1.4.0');
      assert.equal((await version(`${SVC}@1.2.0`)).version, '1.2.0');
      assert.equal((await version(`${SVC}@~1.2`)).version, '1.2.0');
      assert.equal((await version(`${SVC}@2.0.0-rc.1`)).version, '2.0.0-rc.1');
      const none = await version(`${SVC}@^3`);
      assertProblem(none.r, 404, 'model-not-found');
      assert.match(none.r.json().detail, /\^3/);
      assertProblem((await version(`${SVC}@not a range`)).r, 400, 'model-not-found');
    });

    it('a deprecated version answers with Deprecation and Sunset headers', async () => {
      const { status, version: v, r } = await version(`${SVC}@~1.0`);
      assert.equal(status, 200);
      assert.equal(v, '1.0.0');
      assert.match(r.headers.get('deprecation') ?? '', /^@\d+$/);
      assert.match(r.headers.get('sunset') ?? '', /GMT$/);
    });
  });

  describe('the generic passthrough /gw/{service}/{path}', () => {
    it('passes a contract\'s own paths through, metered like the rest', async () => {
      const r = await call(`/gw/${SVC}@^1.2/chat/completions`, chat('ignored', 'Hi', { max_tokens: 3 }));
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('x-marketplace-version'), '1.4.0');
      assert.equal(r.json().usage.completion_tokens, 3);
      const recs = await usageOf(r.headers.get('x-request-id'));
      assert.equal(recs.length, 1);
      assert.equal(recs[0].status, 'success');
      assert.equal(recs[0].tout, 3);
      const last = await mockLast();
      assert.equal(last.path, '/v1/chat/completions');
      assert.equal(last.body.model, 'ignored', 'the body goes as it was sent');
      const g = await get(`/gw/${SVC}/models?limit=2`, { headers: { Authorization: `Bearer ${key}` } });
      assert.equal(g.status, 200, g.text);
      assert.equal((await mockLast()).path, '/v1/models?limit=2');
    });

    it('refuses paths that could leave the provider\'s base, and keys it does not know', async () => {
      for (const path of [`/gw/${SVC}/..`, `/gw/${SVC}/a%2F..%2F..%2Fetc`, `/gw/${SVC}/%2e%2e/x`]) {
        const r = await get(path, { headers: { Authorization: `Bearer ${key}` } });
        assert.ok([400, 404].includes(r.status), `${path}: ${r.status}`);
      }
      assertProblem(await get(`/gw/${SVC}/models`), 401, 'invalid-api-key');
    });
  });

  describe('forwarding', () => {
    it('injects the provider credential, never the consumer key, and propagates ids and the trace', async () => {
      const trace = crypto.randomBytes(16).toString('hex');
      const rid = crypto.randomBytes(16).toString('hex');
      const r = await call('/v1/chat/completions', chat(SVC), key, {
        traceparent: `00-${trace}-${'1'.repeat(16)}-01`, 'X-Request-ID': rid, Connection: 'keep-alive',
      });
      assert.equal(r.status, 200, r.text);
      const last = await mockLast();
      const h = last.headers;
      assert.ok(!JSON.stringify(last).includes(key), 'the consumer key never reaches the provider');
      const provKey = sql(`SELECT 1 FROM services WHERE slug = '${SVC}' AND endpoint_secret IS NOT NULL`);
      if (provKey === '1') assert.match(h.authorization ?? '', /^Bearer \S+$/);
      assert.equal(h['x-request-id'], rid);
      assert.equal(h['x-consumer-id'], me.account.id);
      assert.match(h.traceparent, new RegExp(`^00-${trace}-[0-9a-f]{16}-01$`));
      assert.notEqual(h.traceparent.split('-')[2], '1'.repeat(16), 'a span of its own');
      assert.equal(last.body.model, 'mock-chat', 'the provider\'s model name');
    });
  });

  describe('rate limits and budgets', () => {
    it('64 concurrent clients against 100 requests a minute: exactly 100 get through', async () => {
      const svc = `gw-rate-${tag}`;
      makeService(svc, { versions: [['1.0.0', 'active']], plans: [{ slug: 'hundred', rpm: 100 }] });
      await subscribe(svc, 'hundred');
      // Not too close to the end of a minute: all calls in one window.
      const left = 60 - (Math.floor(Date.now() / 1000) % 60);
      if (left < 20) await new Promise((r) => setTimeout(r, left * 1000 + 200));
      let next = 0;
      const statuses = [];
      const worker = async () => {
        while (next < 160) {
          next++;
          const r = await call('/v1/chat/completions', chat(svc));
          statuses.push(r);
        }
      };
      await Promise.all(Array.from({ length: 64 }, worker));
      const ok = statuses.filter((r) => r.status === 200).length;
      const limited = statuses.filter((r) => r.status === 429);
      console.log(`# rate limit: ${ok} allowed, ${limited.length} refused of ${statuses.length} (limit 100)`);
      assert.equal(ok, 100);
      assert.equal(limited.length, statuses.length - 100);
      const one = limited[0];
      assertProblem(one, 429, 'rate-limited');
      assert.match(one.headers.get('retry-after') ?? '', /^\d+$/);
      assert.equal(one.headers.get('ratelimit-limit'), '100');
      assert.equal(one.headers.get('ratelimit-remaining'), '0');
    });

    it('a budget is never overspent by 32 concurrent calls', async () => {
      const svc = `gw-budget-${tag}`;
      // Worst case per call: about 10 tokens in and 1000 out at 2.00 per
      // million: 0.002; the budget holds five of those.
      makeService(svc, { versions: [['1.0.0', 'active']], plans: [{ slug: 'tiny', budget: '0.010000' }] });
      const sub = await subscribe(svc, 'tiny');
      const rs = await Promise.all(Array.from({ length: 32 }, () =>
        call('/v1/chat/completions', chat(svc, 'Hi', { max_tokens: 1000 }))));
      const ok = rs.filter((r) => r.status === 200);
      const refused = rs.filter((r) => r.status === 402);
      assert.equal(ok.length + refused.length, 32, rs.map((r) => r.status).join(','));
      assert.ok(ok.length >= 4, `${ok.length} calls got through`);
      assertProblem(refused[0], 402, 'budget-exhausted');
      await shipped();
      const [spent, reserved] = sql(`SELECT spent || '|' || reserved FROM subscriptions WHERE id = '${sub.id}'`).split('|').map(Number);
      assert.ok(spent <= 0.01, `spent ${spent}`);
      assert.equal(reserved, 0, 'every reservation settled');
      const recorded = Number(sql(`SELECT coalesce(sum(cost), 0) FROM usage_records u JOIN services s ON s.id = u.service_id WHERE s.slug = '${svc}'`));
      assert.equal(recorded, spent);
    });
  });

  describe('leases and group commit', () => {
    it('first calls and known calls at once all get an answer: no thread waits for a batch while holding a database connection', async () => {
      // More calls than database connections (db_pool_size, 16): first
      // calls of new keys (each looks its key up, then joins a batch)
      // together with calls of a key already accepted (which need no
      // lookup).  A small budget keeps every call reserving alone.
      const svc = `gw-burst-${tag}`;
      makeService(svc, { versions: [['1.0.0', 'active']], plans: [{ slug: 'small', budget: '0.040000' }] });
      await subscribe(svc, 'small');
      const keys = [];
      for (let i = 0; i < 48; i++) keys.push((await newKey({ name: `burst ${i}` })).secret);
      const warm = (await newKey({ name: 'burst warm' })).secret;
      const body = chat(svc, 'Hi', { max_tokens: 1000 });
      assert.equal((await call('/v1/chat/completions', body, warm)).status, 200);
      let timer;
      const stuck = new Promise((resolve) => { timer = setTimeout(() => resolve('stuck'), 30000); });
      const rs = await Promise.race([Promise.all([...keys, ...keys.map(() => warm)].map((k) =>
        call('/v1/chat/completions', body, k))), stuck]);
      clearTimeout(timer);
      assert.notEqual(rs, 'stuck', 'the calls did not all answer within 30 s');
      const statuses = new Set(rs.map((r) => r.status));
      assert.ok([...statuses].every((st) => st === 200 || st === 402), [...statuses].join(','));
      assert.ok(statuses.has(200) && statuses.has(402), 'some calls fit the budget, the rest were refused');
    });

    it('calls that come fast share a lease; each still has its own usage record, and what a lease did not use goes back', async () => {
      const svc = `gw-lease-${tag}`;
      makeService(svc, { versions: [['1.0.0', 'active']], plans: [{ slug: 'roomy', budget: '1000.000000' }] });
      const sub = await subscribe(svc, 'roomy');
      const gateway = async () => (await get('/health/consume')).json().gateway;
      const before = await gateway();
      const N = 40;
      for (let i = 0; i < N; i++) {
        assert.equal((await call('/v1/chat/completions', chat(svc, 'Hi', { max_tokens: 100 }))).status, 200);
      }
      const after = await gateway();
      const reserved = after.reservations.calls - before.reservations.calls;
      // Settled through the journal, or on the call without one.
      const settled = after.journal.records - before.journal.records + after.settlements.calls - before.settlements.calls;
      assert.ok(settled >= N, `${settled} settlements for ${N} calls`);
      await shipped();
      assert.ok(reserved <= N / 2, `${reserved} reservations for ${N} calls: leases should have served most`);
      assert.ok(after.accepted_again.hits > before.accepted_again.hits, 'the key and model were accepted again from memory');
      assert.equal(Number(sql(`SELECT count(*) FROM usage_records WHERE subscription_id = '${sub.id}' AND status = 'success'`)), N);
      // What the subscription holds is what its live reservations hold,
      // and what it spent is what its usage records cost.
      const check = () => {
        const [res, reqs, spent] = sql(`SELECT reserved || '|' || reserved_requests || '|' || spent FROM subscriptions WHERE id = '${sub.id}'`).split('|').map(Number);
        const [amount, calls] = sql(`SELECT coalesce(sum(amount), 0) || '|' || coalesce(sum(calls), 0) FROM gateway_reservations WHERE subscription_id = '${sub.id}'`).split('|').map(Number);
        assert.equal(res, amount);
        assert.equal(reqs, calls);
        assert.equal(spent, Number(sql(`SELECT sum(cost) FROM usage_records WHERE subscription_id = '${sub.id}'`)));
        assert.ok(spent + res <= 1000);
      };
      check();
      const leases = sql(`SELECT request_id FROM gateway_reservations WHERE subscription_id = '${sub.id}'`).split('\n').filter(Boolean);
      // A lease is drawn on for a second at most; the next call gives
      // back what it did not use.
      await pastAcceptBound();
      assert.equal((await call('/v1/chat/completions', chat(svc, 'Hi', { max_tokens: 100 }))).status, 200);
      for (const id of leases) {
        assert.equal(sql(`SELECT count(*) FROM gateway_reservations WHERE request_id = '${id}'`), '0', `lease ${id} given back`);
      }
      check();
    });
  });

  describe('the organisation', () => {
    it('its monthly budget stops its members\' calls; its data residency keeps them where they must stay', async () => {
      const admin = await signIn('admin@example.com');
      const AH = { Cookie: `mkt_session=${admin.session}`, 'X-CSRF-Token': admin.csrf, 'Content-Type': 'application/json' };
      const set = (fields) => get(`/api/v1/admin/organizations/${ORG}/budget`, { method: 'POST', headers: AH, body: JSON.stringify(fields) });
      try {
        assert.equal((await set({ monthly_budget: '0.000001' })).status, 204);
        const p = assertProblem(await call('/v1/chat/completions', chat(SVC)), 402, 'budget-exhausted');
        assert.match(p.detail, /organisation/);
        for (const bad of [{ monthly_budget: '-5' }, { monthly_budget: '1e9' }, { monthly_budget: '1.1234567' }, { residency_required: 'eu' }, { residency_required: 'XYZ' }]) {
          assert.equal((await set(bad)).status, 400, JSON.stringify(bad));
        }
        assert.equal(sql(`SELECT monthly_budget FROM organizations WHERE slug = '${ORG}'`), '0.000001', 'refused changes change nothing');
        assert.equal((await set({ monthly_budget: '', residency_required: 'DE' })).status, 204);
        await pastAcceptBound();
        const r = assertProblem(await call('/v1/chat/completions', chat(SVC)), 403, 'forbidden');
        assert.match(r.detail, /DE/);
        assert.ok(Number(sql("SELECT count(*) FROM audit_log WHERE action = 'organization.budget'")) >= 2);
      } finally {
        assert.equal((await set({ monthly_budget: '', residency_required: '' })).status, 204);
      }
      // Refusals are never remembered: lifted, the call goes at once.
      assert.equal((await call('/v1/chat/completions', chat(SVC))).status, 200);
    });

    it('pays for its members\' calls to several services at once: its spend is what they cost, it holds only what live reservations hold, and the key shows its last use', async () => {
      const svc = `gw-orgpay-${tag}`;
      makeService(svc, { versions: [['1.0.0', 'active']], plans: [{ slug: 'open' }] });
      await subscribe(svc, 'open');
      const spentBefore = sql(`SELECT CASE WHEN budget_period = date_trunc('month', now())::date THEN budget_spent ELSE 0 END FROM organizations WHERE slug = '${ORG}'`);
      // Calls of two subscriptions at the same moment share settlement
      // batches, which lock both subscriptions' rows first.
      const rs = await Promise.all(Array.from({ length: 24 }, (_, i) =>
        call('/v1/chat/completions', chat(i % 2 ? svc : SVC, 'Hi', { max_tokens: 20 }))));
      assert.deepEqual([...new Set(rs.map((r) => r.status))], [200]);
      const ids = rs.map((r) => `'${q(r.headers.get('x-request-id'))}'`).join(',');
      await shipped();
      const [spent, cost, reserved, held] = sql(`SELECT o.budget_spent - ${spentBefore} || '|' ||
          (SELECT sum(cost) FROM usage_records WHERE request_id IN (${ids})) || '|' || o.budget_reserved || '|' ||
          (SELECT coalesce(sum(amount), 0) FROM gateway_reservations WHERE organization_id = o.id)
        FROM organizations o WHERE o.slug = '${ORG}'`).split('|').map(Number);
      assert.ok(cost > 0);
      assert.equal(spent, cost, 'the organisation spent what the calls cost');
      assert.equal(reserved, held, 'it holds what its live reservations hold');
      assert.equal(sql(`SELECT count(*) FROM api_keys k JOIN users u ON u.id = k.user_id
                         WHERE u.email = '${EMAIL}' AND k.last_used_at > now() - interval '1 minute'`) !== '0', true,
        'the key\'s last use is written');
    });
  });

  describe('provider failures', () => {
    it('a provider error is a clean 502, recorded as failed, not charged', async () => {
      const r = await call('/v1/chat/completions', chat(SVC, 'fail [mock:status=500]'));
      const p = assertProblem(r, 502, 'provider-error');
      assert.equal(p.error.type, 'provider-error', 'an OpenAI-style error member too');
      assert.ok(!r.text.includes('mock failure'), 'provider internals are not passed on');
      const recs = await usageOf(r.headers.get('x-request-id'));
      assert.equal(recs.length, 1);
      assert.equal(recs[0].status, 'provider_error');
      assert.equal(recs[0].cost, 0);
    });

    it('503 from the provider is retried, then given up', async () => {
      const before = (await (await fetch(`${MOCK}/debug/stats`)).json()).requests;
      const r = await call('/v1/chat/completions', chat(SVC, 'busy [mock:status=503]'));
      assertProblem(r, 502, 'provider-error');
      const after = (await (await fetch(`${MOCK}/debug/stats`)).json()).requests;
      assert.equal(after - before, 4, 'one call and three retries');
    });

    it('a provider over its SLA times out with 504', async () => {
      const t0 = Date.now();
      const r = await call('/v1/chat/completions', chat(SLOW, 'wait [mock:hang]'));
      assertProblem(r, 504, 'provider-timeout');
      assert.ok(Date.now() - t0 < 5000);
      assert.equal((await usageOf(r.headers.get('x-request-id')))[0].status, 'timeout');
    });

    it('a slow answer within the timeout is served and writes an SLA breach', async () => {
      const r = await call('/v1/chat/completions', chat(SLOW, 'slow [mock:latency=500]'));
      assert.equal(r.status, 200, r.text);
      const rid = r.headers.get('x-request-id');
      await shipped();
      assert.equal(sql(`SELECT count(*) FROM sla_breaches WHERE request_id = '${rid}' AND kind = 'latency'`), '1');
      assert.equal(sql(`SELECT count(*) FROM outbox WHERE event_type = 'sla_breached' AND payload->>'request_id' = '${rid}'`), '1');
    });

    it('connection refused: 502 after retries', async () => {
      const r = await call('/v1/chat/completions', chat(DEAD));
      assertProblem(r, 502, 'provider-error');
      assert.equal((await usageOf(r.headers.get('x-request-id')))[0].status, 'unreachable');
    });

    it('a stream cut mid-way: the client gets an error, the usage is partial, never success', async () => {
      const { data: stream, response } = await client.chat.completions.create({
        model: SVC, messages: [{ role: 'user', content: 'cut [mock:cut=3][mock:tokens=10]' }], stream: true,
      }).withResponse();
      let text = '';
      await assert.rejects((async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      })());
      assert.ok(text.length > 0, 'the first pieces arrived');
      const recs = await usageOf(response.headers.get('x-request-id'));
      assert.equal(recs.length, 1);
      assert.equal(recs[0].status, 'partial');
      assert.equal(recs[0].estimated, true);
    });

    it('a worker killed mid-call: no success without a usage record', async () => {
      const prefix = process.env.MKT_PREFIX;
      const rid = crypto.randomBytes(16).toString('hex');
      const pending = call('/v1/chat/completions', chat(SVC, 'long [mock:latency=1500]'), key, { 'X-Request-ID': rid });
      await new Promise((r) => setTimeout(r, 500));
      // lighttpd's FastCGI process: its command line is the program alone
      // (the gateway's own HTTP server has options after it).
      const pids = execFileSync('pgrep', ['-f', `${prefix ?? ''}.*mkt-consume$`], { encoding: 'utf8' }).trim().split('\n');
      execFileSync('kill', ['-9', ...pids]);
      const r = await pending.catch((e) => ({ status: 0, error: e }));
      assert.notEqual(r.status, 200, 'no success was reported');
      assert.ok(!(await usageOf(rid)).some((u) => u.status === 'success'), 'and none is recorded');
      // lighttpd starts the program again.
      let back = 0;
      for (let i = 0; i < 50 && back !== 200; i++) {
        await new Promise((res) => setTimeout(res, 200));
        back = (await call('/v1/chat/completions', chat(SVC))).status;
      }
      assert.equal(back, 200);
    });
  });

  describe('the gateway\'s own HTTP server', () => {
    // The supervisor (its pid file) and the process serving under it.
    const supervisor = () => readFileSync(`${process.env.MKT_STATE_DIR || new URL('../../var', import.meta.url).pathname}/run/gateway.pid`, 'utf8').trim();
    const servingProcess = () => { try { return execFileSync('pgrep', ['-P', supervisor()], { encoding: 'utf8' }).trim(); } catch { return ''; } };
    // A call straight to the gateway's port: with a request id, one that
    // lasts (ms) and can be found in the usage records.
    const post = (id, ms) => fetch(`${GATEWAY_URL}/v1/chat/completions`, {
      method: 'POST', body: JSON.stringify(chat(SVC, id ? `long [mock:latency=${ms}]` : 'Hello')),
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...(id ? { 'X-Request-ID': id } : {}) },
    }).then((r) => ({ status: r.status })).catch((e) => ({ status: 0, error: e }));
    // The process serving when a call is in flight, sent signal; the
    // call's outcome, and the process serving once the gateway answers
    // again.
    async function signalMidCall(signal, ms) {
      const rid = crypto.randomBytes(16).toString('hex');
      const pending = post(rid, ms);
      await new Promise((r) => setTimeout(r, ms / 2.5));
      const victim = servingProcess();
      assert.match(victim, /^\d+$/, 'one serving process under the supervisor');
      execFileSync('kill', [`-${signal}`, victim]);
      const r = await pending;
      let back = 0;
      for (let i = 0; i < 50 && back !== 200; i++) {
        await new Promise((res) => setTimeout(res, 200));
        back = (await post()).status;
      }
      assert.equal(back, 200, 'the gateway answers again');
      const next = servingProcess();
      assert.notEqual(next, victim, 'from a new process');
      return { rid, status: r.status, next };
    }

    it('its serving process killed mid-call: no success without a usage record, and its supervisor starts another', async () => {
      const { rid, status } = await signalMidCall('KILL', 1500);
      assert.notEqual(status, 200, 'no success was reported');
      assert.ok(!(await usageOf(rid)).some((u) => u.status === 'success'), 'and none is recorded');
    });

    it('its serving process stopped (SIGTERM) finishes the call in flight, and the next one it starts answers', async () => {
      // The stopping process must leave the listening socket alone: it
      // is its supervisor's too, and the next process serves from it.
      const { rid, status, next } = await signalMidCall('TERM', 1000);
      assert.equal(status, 200, 'the call in flight is answered');
      assert.equal((await usageOf(rid)).filter((u) => u.status === 'success').length, 1, 'and recorded');
      await new Promise((res) => setTimeout(res, 1500));
      assert.equal(servingProcess(), next, 'which stays up');
    });
  });

  describe('the usage journal', () => {
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const journalDir = () => readFileSync(`${process.env.MKT_PREFIX}/etc/llm-marketplace/marketplace.conf`, 'utf8')
      .match(/^gateway_journal_dir\s*=\s*(.*)$/m)?.[1].trim();
    const journalOf = async (base) => (await (await fetch(`${base}/health/consume`)).json()).gateway.journal;
    const count = (rid) => sql(`SELECT count(*) FROM usage_records WHERE request_id = '${q(rid)}'`);

    it('a success is in the journal, synced, when its client hears of it, and in PostgreSQL exactly once a moment later', { skip: !process.env.MKT_PREFIX && 'MKT_PREFIX is not set' }, async () => {
      const before = await journalOf(GATEWAY_URL);
      assert.equal(before.state, 'on', `the journal: ${JSON.stringify(before)}`);
      const rid = crypto.randomBytes(16).toString('hex');
      const r = await fetch(`${GATEWAY_URL}/v1/chat/completions`, {
        method: 'POST', body: JSON.stringify(chat(SVC)),
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'X-Request-ID': rid },
      });
      assert.equal(r.status, 200);
      const after = await journalOf(GATEWAY_URL);
      assert.equal(after.records - before.records, 1, 'one record written');
      assert.ok(after.syncs > before.syncs, 'and synced');
      assert.ok(readFileSync(`${journalDir()}/${after.file}.journal`, 'utf8').includes(`"request":"${rid}"`), 'the line is in the file');
      assert.equal((await usageOf(rid)).length, 1, 'and in PostgreSQL once');
    });

    it('the journal a dead process left is shipped by the next process to look, from where PostgreSQL has it, without the line its crash cut', { skip: !process.env.MKT_PREFIX && 'MKT_PREFIX is not set' }, async () => {
      const dir = journalDir();
      const r = await call('/v1/chat/completions', chat(SVC));
      assert.equal(r.status, 200);
      await shipped();
      const [service, version, consumer, apiKey, subscription] = sql(`SELECT service_id || '|' || version_id || '|' || consumer_id || '|' || api_key_id || '|' || subscription_id
        FROM usage_records WHERE request_id = '${q(r.headers.get('x-request-id'))}'`).split('|');
      const record = (request, at) => JSON.stringify({
        reservation: `orphan-${request}`, request, service, version, consumer, key: apiKey, org: null, subscription,
        tokens_in: 3, tokens_out: 4, estimated: false, latency_ms: 5, ttfb_ms: 2, status: 'success', touch: false, at,
      });
      const ids = [1, 2, 3, 4, 5, 6].map((i) => `journal-${tag}-${i}-${crypto.randomBytes(4).toString('hex')}`);
      // The time of each call, as the gateway writes it: one earlier
      // this month, one of last month (its journal shipped after the
      // month turned), and one a day ahead (a gateway whose clock is
      // wrong).
      const [earlier, lastMonth] = sql(`SELECT to_char(greatest(date_trunc('month', now()), now() - interval '1 hour')
          AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' ||
        to_char((date_trunc('month', now()) - interval '1 day') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`).split('|');
      // Whole lines, one PostgreSQL will never take (its tokens are no
      // number), and a last one cut by the crash before its sync.
      const poison = record(ids[2]).replace('"tokens_in":3', '"tokens_in":"many"');
      const ahead = new Date(Date.now() + 86400e3).toISOString();
      const lines = [`${record(ids[0])}\n`, `${record(ids[1], earlier)}\n`, `${poison}\n`, `${record(ids[3], lastMonth)}\n`,
        `${record(ids[5], ahead)}\n`, record(ids[4]).slice(0, 60)];
      const counters = () => sql(`SELECT requests || '|' || tokens || '|' || spent FROM subscriptions WHERE id = '${subscription}'`).split('|');
      const [requests, tokens, spent] = counters();
      const name = `gateway-${crypto.randomBytes(8).toString('hex')}`;
      // PostgreSQL has the first line already (its batch committed, the
      // answer lost with the process).
      sql(`INSERT INTO gateway_journals (name, shipped) VALUES ('${name}', ${Buffer.byteLength(lines[0])})`);
      const file = `${dir}/${name}.journal`;
      const data = Buffer.alloc(8192);	// preallocated: the data ends at the first zero byte
      Buffer.from(lines.join('')).copy(data);
      writeFileSync(file, data, { mode: 0o600 });
      if (process.getuid?.() === 0) chownSync(file, statSync(dir).uid, statSync(dir).gid);
      // Each gateway process looks for journals nobody holds every 10 s.
      let left = true;
      for (let i = 0; i < 200 && left; i++) {
        await sleep(100);
        left = existsSync(file) || sql(`SELECT count(*) FROM gateway_journals WHERE name = '${name}'`) !== '0';
      }
      assert.equal(left, false, 'shipped, then the file and its position deleted, within 20 s');
      assert.equal(count(ids[0]), '0', 'the line PostgreSQL had is not shipped again');
      assert.equal(count(ids[1]), '1', 'the lines it lacked are');
      assert.equal(count(ids[3]), '1', 'the lines it lacked are, after the one it refuses');
      assert.equal(count(ids[2]), '0', 'the line it refuses is not');
      assert.ok(readFileSync(`${dir}/rejected.jsonl`, 'utf8').includes(poison), 'but set aside for an operator');
      assert.equal(count(ids[4]), '0', 'the cut line is no record');
      // Each record bears the time of its call, not of its shipping.
      const when = (rid) => sql(`SELECT occurred_at = '${q(rid === ids[1] ? earlier : lastMonth)}'::timestamptz
        FROM usage_records WHERE request_id = '${q(rid)}'`);
      assert.equal(when(ids[1]), 't', 'the time of the call');
      assert.equal(when(ids[3]), 't', 'the time of the call, last month');
      assert.equal(sql(`SELECT occurred_at <= now() AND occurred_at > now() - interval '1 minute' FROM usage_records
        WHERE request_id = '${q(ids[5])}'`), 't', 'a time ahead of PostgreSQL\'s is its time of arrival');
      // This month's quota and budget count this month's calls alone.
      const [requestsNow, tokensNow, spentNow] = counters();
      assert.equal(Number(requestsNow) - Number(requests), 2, 'two requests more this month');
      assert.equal(Number(tokensNow) - Number(tokens), 14, 'their tokens');
      assert.equal(sql(`SELECT ${spentNow}::numeric - ${spent}::numeric = sum(cost) FROM usage_records
        WHERE request_id IN ('${q(ids[1])}', '${q(ids[5])}')`), 't', 'and their cost');
    });

    it('charges what the header says, to the last decimal, at prices of six decimals', async () => {
      const svc = `gw-odd-${tag}`;
      makeService(svc, { versions: [['1.0.0', 'active']], prices: ['0.123457', '3.333333'], plans: [{ slug: 'odd' }] });
      await subscribe(svc, 'odd');
      for (const [content, max] of [['a', 1], ['a somewhat longer question, with more words in it', 7], ['b', 3]]) {
        const r = await call('/v1/chat/completions', chat(svc, content, { max_tokens: max }));
        assert.equal(r.status, 200, r.text);
        const [rec] = await usageOf(r.headers.get('x-request-id'));
        assert.equal(r.headers.get('x-usage-cost'), sql(`SELECT cost FROM usage_records WHERE request_id = '${q(r.headers.get('x-request-id'))}'`));
        assert.equal(Number(r.headers.get('x-usage-cost')), Math.round((rec.tin * 0.123457 + rec.tout * 3.333333) * 100) / 1e8);
      }
    });

    it('charges a call at the prices it was accepted at, when they change before its record is shipped', { skip: !process.env.MKT_PREFIX && 'MKT_PREFIX is not set' }, async () => {
      const svc = `gw-reprice-${tag}`;
      makeService(svc, { versions: [['1.0.0', 'active']], prices: ['2', '4'], plans: [{ slug: 'std' }] });
      await subscribe(svc, 'std');
      const jdir = mkdtempSync(`${tmpdir()}/mkt-journal-`);
      // Records wait a second (the most there is) for company: time to
      // change the prices.
      const gw = await ownGateway([`gateway_journal_dir = ${jdir}`, 'gateway_journal_gather_ms = 1000']);
      try {
        const rid = crypto.randomBytes(16).toString('hex');
        const r = await fetch(`${gw.url}/v1/chat/completions`, {
          method: 'POST', body: JSON.stringify(chat(svc, 'Hi', { max_tokens: 5 })),
          headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'X-Request-ID': rid },
        });
        assert.equal(r.status, 200, await r.text());
        const told = r.headers.get('x-usage-cost');
        assert.ok(Number(told) > 0, `a priced call: ${told}`);
        sql(`UPDATE service_versions SET input_price_per_mtok = 200, output_price_per_mtok = 400
          WHERE service_id = (SELECT id FROM services WHERE slug = '${svc}')`);
        assert.equal(count(rid), '0', 'the record still waits in the journal');
        for (let i = 0; i < 100 && count(rid) === '0'; i++) await sleep(100);
        assert.equal(count(rid), '1', 'shipped');
        assert.equal(sql(`SELECT cost FROM usage_records WHERE request_id = '${rid}'`), told, 'charged what its client was told');
        assert.equal(sql(`SELECT gateway_cost(version_id, tokens_in, tokens_out) = 100 * cost FROM usage_records
          WHERE request_id = '${rid}'`), 't', 'not the prices of when it was shipped');
      } finally {
        await gw.stop();
        rmSync(jdir, { recursive: true, force: true });
      }
    });

    /** A gateway of its own on a free port, with the stack's settings
     *  and these (lines "name = value"), and env in its environment:
     *  { url, dir, health, stop() }. */
    async function ownGateway(settings, env = {}) {
      const port = await new Promise((resolve) => {
        const srv = net.createServer().listen(0, '127.0.0.1', () => { const p = srv.address().port; srv.close(() => resolve(p)); });
      });
      const dir = mkdtempSync(`${tmpdir()}/mkt-gateway-`);
      const conf = `${dir}/marketplace.conf`;
      let text = readFileSync(`${process.env.MKT_PREFIX}/etc/llm-marketplace/marketplace.conf`, 'utf8');
      for (const line of settings) text = text.replace(new RegExp(`^${line.split(' ')[0]}\\s*=.*$`, 'm'), '') + `\n${line}\n`;
      writeFileSync(conf, text);
      const gw = spawn(`${process.env.MKT_PREFIX}/libexec/llm-marketplace/mkt-consume`, ['--http', `127.0.0.1:${port}`, '--threads', '16'],
        { env: { ...process.env, ...env, MKT_CONFIG: conf }, stdio: 'ignore' });
      const url = `http://127.0.0.1:${port}`;
      const health = () => fetch(`${url}/health/consume`).then((r) => r.json()).catch(() => null);
      const stop = async (signal = 'SIGTERM') => {
        gw.kill(signal);
        await new Promise((r) => { if (gw.exitCode !== null || gw.signalCode !== null) r(); else gw.on('exit', r); });
        rmSync(dir, { recursive: true, force: true });
      };
      let up = null;
      for (let i = 0; i < 100 && !up; i++) {
        await sleep(100);
        up = await health();
      }
      if (!up) await stop();
      assert.ok(up, 'the second gateway answers');
      // The process serving under this supervisor.
      const serving = () => { try { return execFileSync('pgrep', ['-P', String(gw.pid)], { encoding: 'utf8' }).trim(); } catch { return ''; } };
      return { url, dir, health, stop, serving };
    }
    const callAt = (url, rid, content = 'Hi') => fetch(`${url}/v1/chat/completions`, {
      method: 'POST', body: JSON.stringify(chat(SVC, content, { max_tokens: 5 })),
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'X-Request-ID': rid },
    });

    for (const [why, setting, status] of [['gateway_journal_dir empty', '', 'ok'], ['its folder unusable: health says so', '/nonexistent/mkt-journal', 'degraded']]) it(`without one (${why}), each usage record is committed in PostgreSQL before its answer`, { skip: !process.env.MKT_PREFIX && 'MKT_PREFIX is not set' }, async () => {
      const gw = await ownGateway([`gateway_journal_dir = ${setting}`]);
      try {
        const health = await gw.health();
        assert.equal(health.gateway.journal.state, 'off');
        assert.equal(health.status, status);
        if (setting) assert.match(health.gateway.journal.problem, /nonexistent/);
        for (let i = 0; i < 3; i++) {
          const rid = crypto.randomBytes(16).toString('hex');
          const r = await callAt(gw.url, rid);
          assert.equal(r.status, 200);
          // No waiting: it is in before the answer.
          assert.equal(count(rid), '1');
          assert.equal(Number(r.headers.get('x-usage-cost')), Number(sql(`SELECT cost FROM usage_records WHERE request_id = '${rid}'`)));
        }
        const after = await gw.health();
        assert.ok(after.gateway.settlements.calls >= 3, 'settled on the call');
        assert.equal(after.gateway.journal.records, 0);
      } finally {
        await gw.stop();
      }
    });

    it('a gateway process killed while records wait in its journal: every success it answered reaches PostgreSQL once, through the next process', { skip: !process.env.MKT_PREFIX && 'MKT_PREFIX is not set' }, async () => {
      const jdir = mkdtempSync(`${tmpdir()}/mkt-journal-`);
      const ids = Array.from({ length: 20 }, () => crypto.randomBytes(16).toString('hex'));
      const inPg = () => Number(sql(`SELECT count(*) FROM usage_records WHERE request_id IN (${ids.map((x) => `'${x}'`).join(',')})`));
      // Records wait a second for company: the kill comes first.
      const gw = await ownGateway([`gateway_journal_dir = ${jdir}`, 'gateway_journal_gather_ms = 1000']);
      try {
        const rs = await Promise.all(ids.map((rid) => callAt(gw.url, rid)));
        assert.deepEqual([...new Set(rs.map((r) => r.status))], [200]);
        const victim = gw.serving();
        assert.match(victim, /^\d+$/, 'one serving process under the supervisor');
        execFileSync('kill', ['-9', victim]);
        const before = inPg();
        assert.ok(before < ids.length, `${before} of ${ids.length} were in PostgreSQL when it died: nothing was left to recover`);
        // Its supervisor starts another, which ships the journal the
        // dead one left.
        let n = before;
        for (let i = 0; i < 100 && n < ids.length; i++) {
          await sleep(100);
          n = inPg();
        }
        assert.equal(n, ids.length, 'every success answered is in PostgreSQL');
        assert.equal(sql(`SELECT count(DISTINCT request_id) FROM usage_records WHERE request_id IN (${ids.map((x) => `'${x}'`).join(',')})`), String(ids.length), 'once each');
        assert.notEqual(gw.serving(), victim);
        assert.equal((await gw.health()).gateway.journal.recovered, ids.length - before, 'shipped by the next process');
      } finally {
        await gw.stop();
        rmSync(jdir, { recursive: true, force: true });
      }
    });

    it('a long journal file gives way to a new one and goes once shipped; a process that stops ships everything and leaves nothing', { skip: !process.env.MKT_PREFIX && 'MKT_PREFIX is not set' }, async () => {
      const jdir = mkdtempSync(`${tmpdir()}/mkt-journal-`);
      const gw = await ownGateway([`gateway_journal_dir = ${jdir}`, 'gateway_journal_file_kb = 64']);
      const files = () => readdirSync(jdir).filter((n) => n.endsWith('.journal'));
      const last = Array.from({ length: 5 }, () => crypto.randomBytes(16).toString('hex'));
      try {
        const ids = Array.from({ length: 400 }, () => crypto.randomBytes(16).toString('hex'));
        for (let i = 0; i < ids.length; i += 8) {
          const rs = await Promise.all(ids.slice(i, i + 8).map((rid) => callAt(gw.url, rid)));
          assert.deepEqual([...new Set(rs.map((r) => r.status))], [200]);
        }
        // Left in the folder: the file written, and the next one made
        // ready.
        let j;
        const earlier = () => files().filter((n) => n !== `${j.file}.journal` && n !== `${j.spare}.journal`);
        for (let i = 0; i < 100; i++) {
          j = (await gw.health()).gateway.journal;
          if (j.waiting === 0 && earlier().length === 0) break;
          await sleep(50);
        }
        assert.ok(j.files >= 3, `${j.files} files for about 170 KB of records in files of 64 KB`);
        assert.equal(j.waiting, 0);
        assert.deepEqual(earlier(), [], 'the earlier files are gone once shipped');
        assert.equal(sql(`SELECT count(*) FROM usage_records WHERE request_id IN (${ids.map((x) => `'${x}'`).join(',')})`), String(ids.length));
        // The last calls, then a stop: shipped before the process ends.
        for (const rid of last) assert.equal((await callAt(gw.url, rid)).status, 200);
      } finally {
        await gw.stop();
      }
      try {
        assert.equal(sql(`SELECT count(*) FROM usage_records WHERE request_id IN (${last.map((x) => `'${x}'`).join(',')})`), '5', 'the last calls are in');
        assert.deepEqual(files(), [], 'nothing left in the folder');
      } finally {
        rmSync(jdir, { recursive: true, force: true });
      }
    });

    it('a write or a sync of the journal that fails: its calls settle on the call, the journal goes on in a new file, every success once in PostgreSQL', { skip: !process.env.MKT_PREFIX && 'MKT_PREFIX is not set' }, async () => {
      // The gateway's fault switches (journal.c): the fifth write fails
      // with half its line in the file, or the fifth sync fails.
      for (const fault of ['MKT_FAULT_JOURNAL_WRITE', 'MKT_FAULT_JOURNAL_SYNC']) {
        const jdir = mkdtempSync(`${tmpdir()}/mkt-journal-`);
        const gw = await ownGateway([`gateway_journal_dir = ${jdir}`], { [fault]: '5' });
        const ids = Array.from({ length: 30 }, () => crypto.randomBytes(16).toString('hex'));
        try {
          // Three at a time: calls that share the sync that fails.
          for (let i = 0; i < ids.length; i += 3) {
            const rs = await Promise.all(ids.slice(i, i + 3).map((rid) => callAt(gw.url, rid)));
            assert.deepEqual([...new Set(rs.map((r) => r.status))], [200], fault);
            if (i === 6) await sleep(1100);	// a new file is tried after a second
          }
          let h;
          for (let i = 0; i < 100; i++) {
            h = (await gw.health()).gateway;
            if (h.journal.waiting === 0) break;
            await sleep(50);
          }
          assert.ok(h.settlements.calls >= 1, `${fault}: the calls of the failed ${fault.endsWith('SYNC') ? 'sync' : 'write'} settled on the call`);
          assert.equal(h.journal.state, 'on', `${fault}: on again, ${JSON.stringify(h.journal)}`);
          assert.ok(h.journal.files >= 2, `${fault}: in a new file`);
          assert.equal(sql(`SELECT count(*) FROM usage_records WHERE request_id IN (${ids.map((x) => `'${x}'`).join(',')})`),
            String(ids.length), `${fault}: every success in PostgreSQL`);
          assert.equal(sql(`SELECT count(DISTINCT request_id) FROM usage_records WHERE request_id IN (${ids.map((x) => `'${x}'`).join(',')})`),
            String(ids.length), `${fault}: once each`);
        } finally {
          await gw.stop();
        }
        try {
          assert.deepEqual(readdirSync(jdir).filter((n) => n.endsWith('.journal')), [], `${fault}: the broken file shipped and gone too`);
        } finally {
          rmSync(jdir, { recursive: true, force: true });
        }
      }
    });

    it('GET /metrics: the health page\'s figures and the requests answered, in the Prometheus text format', async () => {
      const scrape = async () => {
        const r = await fetch(`${GATEWAY_URL}/metrics`);
        assert.equal(r.status, 200);
        assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
        const samples = new Map();
        const typed = new Map();
        for (const line of (await r.text()).split('\n')) {
          const t = line.match(/^# TYPE ([a-z_]+) (counter|gauge|histogram)$/);
          if (t) typed.set(t[1], t[2]);
          if (line === '' || line.startsWith('#')) continue;
          const m = line.match(/^([a-z_]+)(\{[a-z_]+="[^"]*"(?:,[a-z_]+="[^"]*")*\})? (\S+)$/);
          assert.ok(m, `a sample: ${line}`);
          assert.ok(Number.isFinite(Number(m[3])), line);
          const family = [...typed.keys()].find((n) => m[1] === n || m[1].replace(/_(bucket|sum|count)$/, '') === n);
          assert.ok(family, `${m[1]}: its TYPE comes first`);
          if (typed.get(family) === 'counter') assert.match(m[1], /_total$/, 'a counter\'s name ends in _total');
          samples.set(m[1] + (m[2] ?? ''), Number(m[3]));
        }
        return samples;
      };
      const before = await scrape();
      for (let i = 0; i < 3; i++) assert.equal((await callAt(GATEWAY_URL, crypto.randomBytes(16).toString('hex'))).status, 200);
      const after = await scrape();
      assert.equal(after.get('mkt_check_up{check="database"}'), 1);
      assert.equal(after.get('mkt_gateway_journal_state{state="on"}'), 1);
      assert.equal(after.get('mkt_gateway_journal_records_total') - before.get('mkt_gateway_journal_records_total'), 3, 'three records');
      const ok = (m) => m.get('mkt_http_requests_total{program="consume",code="200"}');
      assert.ok(ok(after) - ok(before) >= 4, 'the three calls and the first scrape answered 200');
      // The histogram: cumulative buckets, the last one every request.
      const buckets = [...after].filter(([k]) => k.startsWith('mkt_http_request_duration_seconds_bucket')).map(([, v]) => v);
      assert.ok(buckets.length > 5);
      assert.deepEqual([...buckets].sort((x, y) => x - y), buckets, 'cumulative');
      const count = after.get('mkt_http_request_duration_seconds_count{program="consume"}');
      assert.equal(buckets.at(-1), count);
      assert.equal([...after].filter(([k]) => k.startsWith('mkt_http_requests_total')).reduce((n, [, v]) => n + v, 0), count,
        'every request answered is in the histogram');
      // Behind FastCGI the process answers for itself alone: not offered.
      assert.equal((await fetch(`${BASE_URL}/metrics`)).status, 404);
    });

    it('PostgreSQL refuses a batch it has: a batch sent again after a lost answer adds nothing', () => {
      const name = `gateway-${crypto.randomBytes(8).toString('hex')}`;
      try {
        assert.equal(sql(`SELECT count(*) FROM gateway_ship('${name}', 0, 100, '[]', false)`), '0');
        assert.throws(() => sql(`SELECT count(*) FROM gateway_ship('${name}', 0, 100, '[]', false)`), /is at byte 100, not 0/);
        assert.equal(sql(`SELECT shipped FROM gateway_journals WHERE name = '${name}'`), '100');
      } finally {
        sql(`DELETE FROM gateway_journals WHERE name = '${name}'`);
      }
    });
  });

  describe('bad requests', () => {
    it('malformed JSON, missing fields, unknown models and oversize bodies get clear errors', async () => {
      assertProblem(await call('/v1/chat/completions', '{"model": '), 400, 'invalid-json');
      assertProblem(await call('/v1/chat/completions', { messages: [] }), 400, 'invalid-parameter');
      assertProblem(await call('/v1/chat/completions', { model: SVC }), 400, 'invalid-parameter');
      assertProblem(await call('/v1/chat/completions', chat(SVC, 'x', { max_tokens: -1 })), 400, 'invalid-parameter');
      assertProblem(await call('/v1/chat/completions', chat(SVC, 'x', { stream: 'yes' })), 400, 'invalid-parameter');
      assertProblem(await call('/v1/chat/completions', chat(`no-such-${tag}`)), 404, 'model-not-found');
      const big = await call('/v1/chat/completions', chat(SVC, 'x'.repeat(3 * 1024 * 1024)));
      assert.equal(big.status, 413);
    });

    it('a service without a subscription is refused with what to do', async () => {
      const svc = `gw-unsubscribed-${tag}`;
      makeService(svc, { versions: [['1.0.0', 'active']] });
      const p = assertProblem(await call('/v1/chat/completions', chat(svc)), 403, 'not-subscribed');
      assert.match(p.detail, /subscribe/);
    });

    it('every 2xx of this file has exactly one usage record', async () => {
      await shipped();
      const dup = sql(`SELECT count(*) FROM (SELECT request_id FROM usage_records u JOIN services s ON s.id = u.service_id
                        WHERE s.slug LIKE 'gw-%-${tag}' GROUP BY request_id HAVING count(*) > 1) d`);
      assert.equal(dup, '0');
    });
  });
});
