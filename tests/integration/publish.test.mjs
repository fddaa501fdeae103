// publish.test.mjs: the publishing pipeline end to end, against real
// stand-ins of the provider, the LLM-Registry and the Policy Engine:
// registration to active, every refusal with its reason and nothing
// written, endpoint tests, approval, versions (order, breaking changes,
// a race), the lifecycle, ownership, the registry worker (outage,
// duplicate, slow) and the signed webhook.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import crypto from 'node:crypto';
import { get, assertProblem, sql } from './helpers.mjs';
import { signIn, loginForm, postLogin, cookieFrom } from './session.mjs';
import {
  startProvider, startRegistry, startPolicyEngine, providerContract, signWebhook,
} from './standins.mjs';

const PREFIX = process.env.MKT_PREFIX;
const CONFIG = `${PREFIX}/etc/llm-marketplace/marketplace.conf`;
const MISTRAL = new URL('../fixtures/openapi/openapi31_mistral_openapi.json', import.meta.url);

function configValue(key) {
  const m = readFileSync(CONFIG, 'utf8').match(new RegExp(`^${key} = (.*)$`, 'm'));
  return m ? m[1].trim() : '';
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** JSON or form POST with a session. */
function post(path, s, body, { form = false, headers = {} } = {}) {
  return get(path, {
    method: 'POST',
    headers: {
      Cookie: `mkt_session=${s.session}`, 'X-CSRF-Token': s.csrf, Accept: form ? 'text/html' : 'application/json',
      'Content-Type': form ? 'application/x-www-form-urlencoded' : 'application/json', 'Accept-Language': 'en', ...headers,
    },
    body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
}

const ids = () => crypto.randomUUID().slice(0, 8);
const count = (table, where = 'true') => Number(sql(`SELECT count(*) FROM ${table} WHERE ${where}`));
/** Row counts of every table a publication writes, in one query. */
const written = () => sql(`SELECT concat_ws(',', ${['services', 'service_versions', 'contracts', 'approvals', 'outbox', 'audit_log', 'version_history']
  .map((t) => `(SELECT count(*) FROM ${t})`).join(', ')})`);

let provider; let registry; let engine; let prov; let admin; let worker;

function service(overrides = {}) {
  return {
    name: `Summarizer ${ids()}`,
    description: 'Summaries of long documents.',
    category: 'text-generation',
    tags: ['summarization', 'german'],
    capabilities: ['chat'],
    endpoint: { url: provider.url, protocol: 'openai', auth_method: 'bearer', credential: provider.key },
    pricing: { currency: 'EUR', input_per_mtok: '0.40', output_per_mtok: '1.20' },
    sla: { availability_pct: '99.9', max_latency_ms: 2000, support: '24x7' },
    compliance: { level: 'internal', certifications: ['SOC2'], data_residency: ['DE', 'FR'], data_retention_days: 30, training_use: false },
    version: '1.0.0',
    changelog: 'First release.',
    contract: JSON.stringify(providerContract(provider.url)),
    ...overrides,
  };
}

async function publish(s, body) {
  return post('/api/v1/publish/services', s, body);
}

// The operator tool and the programs run here directly: the test
// cluster trusts local connections, whoever makes them.
function startWorker(env = {}) {
  const child = spawn(`${PREFIX}/bin/marketctl`, ['outbox'],
    { env: { ...process.env, MKT_CONFIG: CONFIG, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.output = '';
  child.stdout.on('data', (d) => { child.output += d; });
  child.stderr.on('data', (d) => { child.output += d; });
  return child;
}

function stopWorker(child) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null) return resolve();
    child.on('exit', resolve);
    // marketctl finishes the row it is delivering, then exits.
    child.kill('SIGTERM');
  });
}

async function waitFor(fn, ms = 30000, what = 'condition') {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const registryStatus = (slug) => sql(`SELECT registry_status || '|' || coalesce(registry_id, '') || '|' || coalesce(registry_error, '') FROM services WHERE slug = '${slug}'`);

describe('the publishing pipeline', () => {
  before(async () => {
    provider = await startProvider();
    registry = await startRegistry(Number(process.env.REGISTRY_PORT));
    engine = await startPolicyEngine(Number(process.env.POLICY_PORT));
    prov = await signIn('provider@example.com');
    admin = await signIn('admin@example.com');
  });
  after(async () => {
    await stopWorker(worker);
    await provider.close();
    await registry.close();
    await engine.close();
  });

  it('takes a service from nothing to active, with every step reported', async () => {
    const body = service();
    const r = await publish(prov, body);
    assert.equal(r.status, 201, r.text);
    const j = r.json();
    assert.equal(j.status, 'active');
    assert.match(r.headers.get('location'), new RegExp(`^/api/v1/publish/services/${j.service}$`));
    for (const step of ['contract', 'policy', 'policy_engine', 'tests', 'approval']) {
      assert.equal(j.report[step].ok, true, `${step}: ${JSON.stringify(j.report[step])}`);
    }
    assert.equal(j.report.contract.operations, 2);
    assert.match(j.report.contract.sha256, /^[0-9a-f]{64}$/);
    assert.equal(j.report.tests.request.path, '/v1/chat/completions');
    assert.equal(j.report.tests.request.status, 200);
    assert.equal(j.report.approval.required, false);
    assert.ok(j.pipeline_ms < 1000, `pipeline ${j.pipeline_ms} ms`);
    // The provider got its own credential, never the consumer's or ours.
    assert.ok(provider.seen.some((x) => x.authorization === `Bearer ${provider.key}`));

    // Stored: the service, its version, the contract, history, events.
    const slug = j.service;
    assert.equal(sql(`SELECT status FROM services WHERE slug = '${slug}'`), 'active');
    assert.equal(sql(`SELECT v.status || ' ' || v.version || ' ' || v.currency FROM service_versions v JOIN services s ON s.id = v.service_id WHERE s.slug = '${slug}'`), 'active 1.0.0 EUR');
    assert.equal(sql(`SELECT count(*) FROM contracts WHERE sha256 = '${j.report.contract.sha256}'`), '1');
    assert.equal(sql(`SELECT string_agg(coalesce(h.from_status, '-') || '>' || h.to_status, ',') FROM version_history h JOIN service_versions v ON v.id = h.version_id JOIN services s ON s.id = v.service_id WHERE s.slug = '${slug}'`), '->active');
    const events = sql(`SELECT string_agg(destination || ':' || event_type, ',' ORDER BY id) FROM outbox WHERE aggregate_id = (SELECT id::text FROM services WHERE slug = '${slug}')`);
    assert.equal(events, 'analytics:service.published,analytics:service.version_published,registry:registry.register');
    assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'service.publish' AND details->>'service' = '${slug}'`), '1');
    // The credential is sealed: not in clear anywhere, not shown again.
    const sealed = sql(`SELECT endpoint_secret FROM services WHERE slug = '${slug}'`);
    assert.match(sealed, /^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    assert.ok(!sealed.includes(provider.key));
    assert.equal(count('services', `endpoint::text LIKE '%${provider.key}%'`), 0);
    assert.equal(count('service_versions', `report::text LIKE '%${provider.key}%'`), 0);
    const page = await get(`/api/v1/publish/services/${slug}`, { headers: { Cookie: `mkt_session=${prov.session}` } });
    assert.equal(page.status, 200);
    assert.ok(!page.text.includes(provider.key));
    assert.equal(page.json().service.has_credential, true);
    assert.deepEqual(page.json().operations.map((o) => `${o.method} ${o.path}`), ['POST /v1/chat/completions', 'GET /v1/models']);
    const html = await get(`/publish/services/${slug}`, { headers: { Cookie: `mkt_session=${prov.session}` } });
    assert.equal(html.status, 200);
    assert.ok(html.text.includes(body.name));
    // Listed in the catalog at once.
    // An internal service: listed for people signed in, with what a
    // buyer needs: the contract's operations, the SLA, compliance, and
    // how to call it.
    const item = await get(`/api/v1/services/${slug}`, { headers: { Cookie: `mkt_session=${prov.session}` } });
    assert.equal(item.status, 200);
    const svc = item.json().service;
    assert.deepEqual(svc.operations.map((o) => `${o.method} ${o.path}`), ['POST /v1/chat/completions', 'GET /v1/models']);
    assert.equal(svc.contract, undefined, 'the document itself has its own address');
    assert.equal(svc.sla.max_latency_ms, 2000);
    assert.deepEqual(svc.certifications, ['SOC2']);
    assert.deepEqual(svc.data_residency, ['DE', 'FR']);
    assert.equal(svc.how_to_call.model, slug);
    assert.match(svc.how_to_call.python, /base_url="http:\/\/127\.0\.0\.1:\d+\/v1"/);
    const itemHtml = await get(`/services/${slug}`, { headers: { Cookie: `mkt_session=${prov.session}`, 'Accept-Language': 'en' } });
    assert.match(itemHtml.text, /How to call it/);
    assert.match(itemHtml.text, /<code>\/v1\/chat\/completions<\/code>/);
    assert.match(itemHtml.text, /2,000 ms/);
  });

  it('registers the service with the registry within seconds (worker, NOTIFY)', async () => {
    worker = startWorker();
    const r = await publish(prov, service());
    assert.equal(r.status, 201, r.text);
    const slug = r.json().service;
    const t0 = Date.now();
    const st = await waitFor(() => { const v = registryStatus(slug); return v.startsWith('registered|') && v; }, 30000, 'registration');
    const lag = Date.now() - t0;
    assert.ok(lag < 30000, `registered after ${lag} ms`);
    const rid = st.split('|')[1];
    assert.match(rid, /^reg-/);
    // Exactly one registration for this service's event.
    const event = sql(`SELECT event_id FROM outbox WHERE destination = 'registry' AND aggregate_id = (SELECT id::text FROM services WHERE slug = '${slug}')`);
    assert.equal(registry.byEvent.get(event), rid);
    assert.equal(registry.calls.filter((c) => c.event === event).length, 1);
    assert.equal(sql(`SELECT delivered_at IS NOT NULL FROM outbox WHERE event_id = '${event}'`), 't');
    assert.equal(count('audit_log', `action = 'service.registry_sync' AND resource_id = (SELECT id::text FROM services WHERE slug = '${slug}')`), 1);
  });

  it('keeps trying while the registry is down and delivers once after it recovers', async () => {
    registry.mode = 'down';
    const r = await publish(prov, service());
    assert.equal(r.status, 201, r.text);
    const slug = r.json().service;
    const sid = sql(`SELECT id FROM services WHERE slug = '${slug}'`);
    await waitFor(() => Number(sql(`SELECT attempts FROM outbox WHERE destination = 'registry' AND aggregate_id = '${sid}'`)) >= 2, 20000, 'two failed attempts');
    assert.match(sql(`SELECT last_error FROM outbox WHERE destination = 'registry' AND aggregate_id = '${sid}'`), /HTTP 503/);
    assert.equal(registryStatus(slug).split('|')[0], 'pending');
    registry.mode = 'up';
    await waitFor(() => registryStatus(slug).startsWith('registered|'), 30000, 'registration after recovery');
    const event = sql(`SELECT event_id FROM outbox WHERE destination = 'registry' AND aggregate_id = '${sid}'`);
    assert.equal(registry.byEvent.has(event), true);
    assert.equal(registry.calls.filter((c) => c.event === event && c.mode === 'up').length, 1, 'one successful delivery');
  });

  it('reports a duplicate to the publisher and does not retry it', async () => {
    registry.mode = 'duplicate';
    const r = await publish(prov, service());
    const slug = r.json().service;
    await waitFor(() => registryStatus(slug).startsWith('duplicate|'), 20000, 'duplicate');
    assert.match(registryStatus(slug), /already knows this service as reg-existing-1/);
    const page = await get(`/api/v1/publish/services/${slug}`, { headers: { Cookie: `mkt_session=${prov.session}` } });
    assert.match(page.json().service.registry_error, /reg-existing-1/);
    const n = registry.calls.length;
    await sleep(1500);
    assert.equal(registry.calls.length, n, 'no more calls for a duplicate');
    registry.mode = 'up';
  });

  it('survives a registry slower than its timeout: the retry gets the same registration', async () => {
    await stopWorker(worker);
    worker = startWorker({ MKT_REGISTRY_TIMEOUT_MS: '300', MKT_OUTBOX_RETRY_BASE_MS: '100' });
    registry.mode = 'slow';
    registry.delay = 700;
    const r = await publish(prov, service());
    const slug = r.json().service;
    const sid = sql(`SELECT id FROM services WHERE slug = '${slug}'`);
    await waitFor(() => Number(sql(`SELECT attempts FROM outbox WHERE destination = 'registry' AND aggregate_id = '${sid}'`)) >= 1, 10000, 'a timed-out attempt');
    registry.mode = 'up';
    await waitFor(() => registryStatus(slug).startsWith('registered|'), 20000, 'registration');
    const event = sql(`SELECT event_id FROM outbox WHERE destination = 'registry' AND aggregate_id = '${sid}'`);
    assert.ok(registry.calls.filter((c) => c.event === event).length >= 2);
    assert.equal(registryStatus(slug).split('|')[1], registry.byEvent.get(event), 'one registration per event id');
    // The later tests count rows: no worker writes behind their backs.
    await stopWorker(worker);
    assert.match(worker.output, /delivered/);
  });

  it('refuses bad input with every bad field named, writing nothing', async () => {
    const before = written();
    const r = await publish(prov, service({
      name: '', version: '1.0', category: 'Text Generation!', sla: { max_latency_ms: -5 },
      compliance: { level: 'secret', certifications: ['SOC 2'], data_residency: ['Germany'] },
      endpoint: { url: 'ftp://x', auth_method: 'bearer' }, pricing: { input_per_mtok: '1e3' },
    }));
    assertProblem(r, 422, 'invalid-input');
    const names = r.json().errors.map((e) => e.name).sort();
    for (const n of ['name', 'version', 'category', 'sla.max_latency_ms', 'compliance.level', 'compliance.certifications',
      'compliance.data_residency', 'endpoint.url', 'endpoint.credential', 'pricing.input_per_mtok']) {
      assert.ok(names.includes(n), `${n} in ${names}`);
    }
    assert.equal(written(), before);
  });

  it('refuses a contract that is not OpenAPI 3.1, pointing at the problem', async () => {
    const before = written();
    const doc = providerContract(provider.url);
    doc.openapi = '3.0.3';
    doc.paths['/v1/models'].get.responses['200'].content = { 'application/json': { schema: { $ref: '#/components/schemas/Nope' } } };
    const r = await publish(prov, service({ contract: JSON.stringify(doc) }));
    assertProblem(r, 422, 'pipeline-refused');
    const f = r.json().report.contract.findings;
    assert.ok(f.some((x) => x.pointer === '/openapi'), JSON.stringify(f));
    assert.ok(f.some((x) => x.pointer.startsWith('/paths/~1v1~1models/get/responses/200')), JSON.stringify(f));
    const y = await publish(prov, service({ contract: 'openapi: 3.1.0\ninfo: [unclosed' }));
    assertProblem(y, 422, 'pipeline-refused');
    assert.match(y.json().report.contract.findings[0].message, /line \d+/);
    assert.equal(written(), before);
  });

  it('accepts the real Mistral OpenAPI 3.1 document, as JSON and as YAML', async () => {
    const mistral = readFileSync(MISTRAL, 'utf8');
    const yaml = readFileSync(new URL('../fixtures/openapi/openapi31_mistral_openapi.yaml', import.meta.url), 'utf8');
    // Mistral's servers are https://api.mistral.ai: no endpoint test can
    // pass against our stand-in, so the version fails validation there,
    // but the contract step is what this checks.
    for (const [text, fmt] of [[mistral, 'json'], [yaml, 'yaml']]) {
      const r = await publish(prov, service({ contract: text }));
      assert.equal(r.status, 201, r.text.slice(0, 500));
      const c = r.json().report.contract;
      assert.equal(c.ok, true);
      assert.equal(c.format, fmt);
      assert.ok(c.operations > 100, `${c.operations} operations`);
    }
  });

  it('refuses what the policies forbid, naming each rule', async () => {
    const cases = [
      [{ compliance: { level: 'confidential', certifications: [], data_residency: ['DE'] } }, 'confidential-certified'],
      [{ compliance: { level: 'public', data_residency: ['SG'] } }, 'data-residency-allowed'],
      [{ endpoint: { url: 'http://provider.example.com/v1', auth_method: 'none' } }, 'https-endpoint'],
      [{ pricing: {} }, 'price-present'],
      [{ sla: { availability_pct: '99' } }, 'sla-max-latency'],
      [{ compliance: { level: 'confidential', certifications: ['ISO27001'], training_use: true } }, 'confidential-no-training'],
    ];
    for (const [o, rule] of cases) {
      const before = written();
      const r = await publish(prov, service(o));
      assertProblem(r, 422, 'pipeline-refused');
      const v = r.json().report.policy.violations;
      assert.ok(v.some((x) => x.rule === rule && x.severity === 'block' && x.message.length > 10), `${rule}: ${JSON.stringify(v)}`);
      assert.equal(written(), before, rule);
    }
    // A warning does not refuse: it is shown.
    const w = await publish(prov, service({ description: '' }));
    assert.equal(w.status, 201, w.text);
    assert.ok(w.json().report.policy.violations.some((x) => x.rule === 'description-present' && x.severity === 'warn'));
  });

  it('asks the outside policy engine: its refusal stops, its silence is fail-open here', async () => {
    engine.mode = 'deny';
    const before = written();
    const r = await publish(prov, service());
    assertProblem(r, 422, 'pipeline-refused');
    assert.equal(r.json().report.policy_engine.violations[0].rule, 'corp-ai-board');
    assert.equal(written(), before);
    engine.mode = 'slow';
    engine.delay = 2500;
    const t0 = Date.now();
    const s = await publish(prov, service());
    assert.equal(s.status, 201, s.text);
    assert.ok(Date.now() - t0 < 2400, 'the engine timeout bounds the wait');
    const pe = s.json().report.policy_engine;
    assert.equal(pe.status, 'unavailable');
    assert.match(pe.message, /fail-open/);
    engine.mode = 'allow';
  });

  it('fails closed when so configured: 503 and nothing written', async () => {
    engine.mode = 'slow';
    const body = JSON.stringify(service());
    const before = written();
    const env = {
      MKT_CONFIG: CONFIG, MKT_POLICY_ENGINE_FAIL: 'closed', REQUEST_METHOD: 'POST',
      REQUEST_URI: '/api/v1/publish/services', CONTENT_TYPE: 'application/json',
      CONTENT_LENGTH: String(Buffer.byteLength(body)), HTTP_ACCEPT: 'application/json',
      HTTP_COOKIE: `mkt_session=${prov.session}`, HTTP_X_CSRF_TOKEN: prov.csrf, REMOTE_ADDR: '127.0.0.1',
      HTTP_HOST: '127.0.0.1',
    };
    const bin = `${PREFIX}/libexec/llm-marketplace/mkt-publish`;
    const out = execFileSync(bin, [], { input: body, env: { ...process.env, ...env } }).toString();
    engine.mode = 'allow';
    assert.match(out, /^Status: 503/m, out.slice(0, 300));
    assert.match(out, /fail-closed|try again later/);
    assert.equal(written(), before);
  });

  it('keeps a version whose endpoint breaks the contract as failed_validation, and tests it again', async () => {
    provider.mode = 'bad-schema';
    const r = await publish(prov, service());
    assert.equal(r.status, 201, r.text);
    const j = r.json();
    assert.equal(j.status, 'failed_validation');
    assert.equal(j.report.tests.ok, false);
    assert.ok(j.report.tests.request.findings.some((f) => f.pointer === '' && /choices/.test(f.message)), JSON.stringify(j.report.tests));
    assert.equal(sql(`SELECT status FROM services WHERE slug = '${j.service}'`), 'failed_validation');
    assert.equal((await get(`/api/v1/services/${j.service}`, { headers: { Cookie: `mkt_session=${prov.session}` } })).status, 404, 'not listed');
    assert.equal(count('outbox', `destination = 'registry' AND aggregate_id = (SELECT id::text FROM services WHERE slug = '${j.service}')`), 0);
    provider.mode = 'ok';
    const t = await post(`/api/v1/publish/services/${j.service}/versions/1.0.0/retest`, prov, {});
    assert.equal(t.status, 200, t.text);
    assert.equal(t.json().status, 'active');
    assert.equal(sql(`SELECT string_agg(coalesce(h.from_status, '-') || '>' || h.to_status, ',' ORDER BY h.id) FROM version_history h JOIN service_versions v ON v.id = h.version_id JOIN services s ON s.id = v.service_id WHERE s.slug = '${j.service}'`),
      '->failed_validation,failed_validation>active');
    provider.mode = 'error';
    const u = await publish(prov, service());
    assert.equal(u.json().status, 'failed_validation');
    assert.match(u.json().report.tests.request.message, /HTTP 500/);
    provider.mode = 'ok';
  });

  it('sends confidential services to the approval queue; admins approve or reject with a reason', async () => {
    const conf = { level: 'confidential', certifications: ['SOC2'], data_residency: ['DE'], training_use: false };
    const r = await publish(prov, service({ compliance: conf }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json().status, 'pending_approval');
    assert.ok(r.json().report.approval.reasons.some((x) => x.rule === 'confidential-approval'));
    const slug = r.json().service;
    const q = await get('/api/v1/admin/approvals', { headers: { Cookie: `mkt_session=${admin.session}` } });
    const item = q.json().waiting.find((x) => x.service === slug);
    assert.ok(item, 'in the queue');
    // Not the provider's to decide; a rejection needs a reason.
    assertProblem(await post(`/api/v1/admin/approvals/${item.id}`, prov, { decision: 'approve' }, { form: true, headers: { Accept: 'application/json' } }), 403, 'forbidden');
    assertProblem(await post(`/api/v1/admin/approvals/${item.id}`, admin, { decision: 'reject' }, { form: true, headers: { Accept: 'application/json' } }), 422, 'invalid-input');
    const ok = await post(`/api/v1/admin/approvals/${item.id}`, admin, { decision: 'approve', reason: 'Reviewed the DPA.' }, { form: true, headers: { Accept: 'application/json' } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(sql(`SELECT status FROM services WHERE slug = '${slug}'`), 'active');
    assert.equal(count('outbox', `destination = 'registry' AND aggregate_id = (SELECT id::text FROM services WHERE slug = '${slug}')`), 1);
    assertProblem(await post(`/api/v1/admin/approvals/${item.id}`, admin, { decision: 'approve' }, { form: true, headers: { Accept: 'application/json' } }), 409, 'conflict');

    const r2 = await publish(prov, service({ compliance: conf }));
    const slug2 = r2.json().service;
    const id2 = (await get('/api/v1/admin/approvals', { headers: { Cookie: `mkt_session=${admin.session}` } })).json().waiting.find((x) => x.service === slug2).id;
    const no = await post(`/api/v1/admin/approvals/${id2}`, admin, { decision: 'reject', reason: 'No data processing agreement.' }, { form: true, headers: { Accept: 'application/json' } });
    assert.equal(no.status, 200, no.text);
    const page = (await get(`/api/v1/publish/services/${slug2}`, { headers: { Cookie: `mkt_session=${prov.session}` } })).json();
    assert.equal(page.versions[0].status, 'failed_validation');
    assert.equal(page.versions[0].approval.decision, 'rejected');
    assert.equal(page.versions[0].approval.reason, 'No data processing agreement.');
    const html = await get('/admin/approvals', { headers: { Cookie: `mkt_session=${admin.session}` } });
    assert.equal(html.status, 200);
  });

  it('shows confidential and internal services only to those cleared for them (catalog, counts, cache)', async () => {
    const conf = await publish(prov, service({ compliance: { level: 'confidential', certifications: ['SOC2'], data_residency: ['DE'], training_use: false } }));
    const slug = conf.json().service;
    const id = (await get('/api/v1/admin/approvals', { headers: { Cookie: `mkt_session=${admin.session}` } })).json().waiting.find((x) => x.service === slug).id;
    assert.equal((await post(`/api/v1/admin/approvals/${id}`, admin, { decision: 'approve' }, { form: true, headers: { Accept: 'application/json' } })).status, 200);
    const internal = (await publish(prov, service({ compliance: { level: 'internal', data_residency: ['DE'] } }))).json().service;
    const consumer = await signIn('consumer@example.com');
    const auditor = await signIn('auditor@example.com');
    const as = (s) => (s ? { Cookie: `mkt_session=${s.session}` } : {});
    const seen = async (s, x) => (await get(`/api/v1/services/${x}`, { headers: as(s) })).status;
    const listed = async (s) => {
      const j = (await get('/api/v1/services?provider=mistral&per_page=100&sort=name', { headers: as(s) })).json();
      return { total: j.page.total_items, slugs: j.services.map((x) => x.slug), cats: j.categories };
    };
    // Twice each, in an order that would leak through a shared cache.
    for (let round = 0; round < 2; round++) {
      const admins = await listed(admin);
      const anon = await listed(null);
      const cons = await listed(consumer);
      assert.equal(await seen(null, slug), 404, 'anonymous: confidential');
      assert.equal(await seen(null, internal), 404, 'anonymous: internal');
      assert.equal(await seen(consumer, slug), 404, 'another organisation: confidential');
      assert.equal(await seen(consumer, internal), 200, 'signed in: internal');
      assert.equal(await seen(prov, slug), 200, 'its own organisation');
      assert.equal(await seen(admin, slug), 200);
      assert.equal(await seen(auditor, slug), 200);
      assert.equal(admins.total - anon.total >= 2, true, `${admins.total} vs ${anon.total}`);
      assert.ok(cons.total > anon.total && cons.total < admins.total, `${anon.total} < ${cons.total} < ${admins.total}`);
      const sum = (c) => c.reduce((a, x) => a + x.count, 0);
      assert.equal(sum(anon.cats), anon.total, 'facet counts add up to what this reader sees');
      assert.equal(sum(admins.cats), admins.total);
      // Nor does a search find it for those who may not see it.
      const name = encodeURIComponent(sql(`SELECT name FROM services WHERE slug = '${slug}'`));
      const found = async (s) => (await get(`/api/v1/services?q=${name}`, { headers: as(s) })).json().services.map((x) => x.slug);
      assert.ok(!(await found(null)).includes(slug), 'anonymous search');
      assert.ok(!(await found(consumer)).includes(slug), 'another organisation\'s search');
      assert.ok((await found(admin)).includes(slug), 'the administrator\'s search');
    }
  });

  it('publishes versions in SemVer order, refusing breaking changes without a major bump', async () => {
    const r = await publish(prov, service());
    const slug = r.json().service;
    const v = (version, opts = {}) => post(`/api/v1/publish/services/${slug}/versions`, prov, {
      version, contract: JSON.stringify(providerContract(provider.url, { version, ...opts })), pricing: { input_per_mtok: '0.30', output_per_mtok: '1.00' },
    });
    const added = await v('1.1.0', { extraPath: true });
    assert.equal(added.status, 201, added.text);
    assert.deepEqual(added.json().report.breaking.changes, []);
    let before = written();
    const removed = await v('1.2.0');
    assertProblem(removed, 422, 'pipeline-refused');
    assert.ok(removed.json().report.breaking.changes.some((c) => /embeddings/.test(c.message)), JSON.stringify(removed.json().report.breaking));
    const required = await v('1.2.0', { extraPath: true, requiredParam: true });
    assertProblem(required, 422, 'pipeline-refused');
    assert.ok(required.json().report.breaking.changes.some((c) => /owner/.test(c.message)));
    assert.equal(written(), before);
    const major = await v('2.0.0');
    assert.equal(major.status, 201, major.text);
    assert.equal(major.json().report.breaking.allowed, true);
    before = written();
    assertProblem(await v('1.5.0'), 409, 'conflict');
    assertProblem(await v('2.0.0'), 409, 'conflict');
    assertProblem(await v('2.0.0+build.7'), 409, 'conflict');
    assertProblem(await v('2.0.0-rc.1'), 409, 'conflict');
    assert.equal(written(), before);
    // Several versions live side by side; the newest active speaks.
    const page = (await get(`/api/v1/publish/services/${slug}`, { headers: { Cookie: `mkt_session=${prov.session}` } })).json();
    assert.deepEqual(page.versions.map((x) => `${x.version}:${x.status}`), ['2.0.0:active', '1.1.0:active', '1.0.0:active']);
    assert.equal(sql(`SELECT v.version FROM services s JOIN service_versions v ON v.id = s.current_version_id WHERE s.slug = '${slug}'`), '2.0.0');
    // The contract of a published version is served as stored and never changes.
    const c = await get(`/api/v1/publish/services/${slug}/versions/1.1.0/contract`);
    assert.equal(c.status, 200);
    assert.ok(c.json().paths['/v1/embeddings']);
    assert.throws(() => sql(`UPDATE service_versions SET contract_sha256 = (SELECT contract_sha256 FROM service_versions v2 JOIN services s ON s.id = v2.service_id WHERE s.slug = '${slug}' AND v2.version = '1.0.0') WHERE version = '1.1.0' AND service_id = (SELECT id FROM services WHERE slug = '${slug}')`), /cannot change/);
    assert.equal(sql("SELECT has_table_privilege('mkt_app', 'contracts', 'UPDATE') OR has_table_privilege('mkt_app', 'contracts', 'DELETE')"), 'f');
  });

  it('lets exactly one of two concurrent publications of the same version win', async () => {
    const slug = (await publish(prov, service())).json().service;
    const body = { version: '3.0.0', contract: JSON.stringify(providerContract(provider.url, { version: '3.0.0' })), pricing: { input_per_mtok: '1' } };
    const [a, b] = await Promise.all([0, 1].map(() => post(`/api/v1/publish/services/${slug}/versions`, prov, body)));
    assert.deepEqual([a.status, b.status].sort(), [201, 409], `${a.text} ${b.text}`);
    assert.equal(count('service_versions', `version = '3.0.0' AND service_id = (SELECT id FROM services WHERE slug = '${slug}')`), 1);
  });

  it('enforces the lifecycle in C and in the database', async () => {
    const slug = (await publish(prov, service())).json().service;
    const st = (body, s = prov) => post(`/api/v1/publish/services/${slug}/versions/1.0.0/status`, s, body);
    assertProblem(await st({ status: 'deprecated' }), 422, 'invalid-input');
    assertProblem(await st({ status: 'deprecated', sunset: '2001-01-01' }), 422, 'invalid-input');
    assertProblem(await st({ status: 'suspended' }), 403, 'forbidden');
    const dep = await st({ status: 'deprecated', sunset: '2099-12-31', reason: 'Use 2.x' });
    assert.equal(dep.status, 200, dep.text);
    assert.equal(sql(`SELECT status || ' ' || to_char(sunset_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM service_versions WHERE service_id = (SELECT id FROM services WHERE slug = '${slug}')`), 'deprecated 2099-12-31');
    assert.equal(sql(`SELECT status FROM services WHERE slug = '${slug}'`), 'deprecated');
    assert.equal((await get(`/api/v1/services/${slug}`, { headers: { Cookie: `mkt_session=${prov.session}` } })).status, 200, 'deprecated versions are still listed');
    assert.equal((await st({ status: 'retired' })).status, 200);
    assertProblem(await st({ status: 'active' }, admin), 409, 'lifecycle');
    assertProblem(await st({ status: 'deprecated', sunset: '2099-12-31' }), 409, 'lifecycle');
    assert.equal((await get(`/api/v1/services/${slug}`, { headers: { Cookie: `mkt_session=${prov.session}` } })).status, 404, 'retired versions are hidden');
    // The database refuses a forbidden step whoever asks.
    assert.throws(() => sql(`UPDATE service_versions SET status = 'active' WHERE service_id = (SELECT id FROM services WHERE slug = '${slug}')`), /cannot go from retired to active/);
    assert.equal(sql(`SELECT string_agg(h.to_status || ':' || coalesce(h.reason, ''), ',' ORDER BY h.id) FROM version_history h JOIN service_versions v ON v.id = h.version_id WHERE v.service_id = (SELECT id FROM services WHERE slug = '${slug}')`),
      'active:published,deprecated:Use 2.x,retired:');
    assert.equal(count('outbox', `event_type = 'service.status_changed' AND aggregate_id = (SELECT id::text FROM services WHERE slug = '${slug}')`), 2);
  });

  it('lets a provider change only its own organisation\'s services; auditors and consumers change nothing', async () => {
    const slug = (await publish(prov, service())).json().service;
    const email = `other-${ids()}@example.com`;
    const made = await post('/api/v1/admin/users', admin, { email, name: 'Olga Other', password: 'a-long-enough-password', org: 'acme', role_provider: 'on' }, { form: true, headers: { Accept: 'application/json' } });
    assert.equal(made.status, 201, made.text);
    const pre = await loginForm();
    const li = await postLogin(email, 'a-long-enough-password', { csrf: pre, cookie: `mkt_csrf=${pre}` });
    const other = { session: cookieFrom(li, 'mkt_session').value };
    const acct = await get('/account', { headers: { Cookie: `mkt_session=${other.session}` } });
    other.csrf = acct.text.match(/name="csrf" value="([0-9a-f]{64})"/)[1];
    const auditor = await signIn('auditor@example.com');
    const consumer = await signIn('consumer@example.com');
    const before = written();
    assertProblem(await post(`/api/v1/publish/services/${slug}/versions`, other, { version: '9.0.0', contract: JSON.stringify(providerContract(provider.url)) }), 403, 'forbidden');
    assertProblem(await post(`/api/v1/publish/services/${slug}/versions/1.0.0/status`, other, { status: 'retired' }), 403, 'forbidden');
    assertProblem(await post(`/api/v1/publish/services/${slug}/versions/1.0.0/retest`, other, {}), 403, 'forbidden');
    assertProblem(await get(`/api/v1/publish/services/${slug}`, { headers: { Cookie: `mkt_session=${other.session}` } }), 403, 'forbidden');
    assertProblem(await publish(other, service({ provider: 'mistral' })), 403, 'forbidden');
    for (const s of [auditor, consumer]) {
      assertProblem(await publish(s, service()), 403, 'forbidden');
      assertProblem(await post(`/api/v1/publish/services/${slug}/versions/1.0.0/status`, s, { status: 'retired' }), 403, 'forbidden');
    }
    assertProblem(await publish({ session: 'x'.repeat(64), csrf: 'y' }, service()), 401, 'unauthenticated');
    assert.equal(written(), before);
    // The other organisation's provider publishes under its own name.
    const own = await publish(other, service());
    assert.equal(own.status, 201, own.text);
    assert.equal(sql(`SELECT p.slug FROM services s JOIN providers p ON p.id = s.provider_id WHERE s.slug = '${own.json().service}'`), 'acme');
    assert.equal(own.json().status, 'pending_approval', 'a provider\'s first service waits for approval');
    assert.ok(own.json().report.approval.reasons.some((x) => x.rule === 'first-service-approval'));
  });

  it('lets administrators change the policies (audited); auditors read them and change nothing', async () => {
    const form = { form: true, headers: { Accept: 'application/json' } };
    const auditor = await signIn('auditor@example.com');
    const list = await get('/api/v1/admin/policies', { headers: { Cookie: `mkt_session=${auditor.session}` } });
    assert.equal(list.status, 200);
    assert.ok(list.json().policies.some((x) => x.id === 'price-present' && x.enabled === true));
    assert.equal((await get('/admin/policies', { headers: { Cookie: `mkt_session=${admin.session}` } })).status, 200);
    let before = written();
    const audits = count('audit_log', "action LIKE 'policy.%'");
    assertProblem(await post('/api/v1/admin/policies/price-present', auditor, { enabled: 'off' }, form), 403, 'forbidden');
    assertProblem(await post('/api/v1/admin/policies/price-present', prov, { enabled: 'off' }, form), 403, 'forbidden');
    assertProblem(await post('/api/v1/admin/policies/price-present', admin, { rule: '{"id": "price-present", "op": "nope"}' }, form), 422, 'invalid-input');
    assertProblem(await post('/api/v1/admin/policies/price-present', admin, { rule: '{"id": "other"}' }, form), 422, 'invalid-input');
    assertProblem(await post('/api/v1/admin/policies/brand-new-rule', admin, { enabled: 'on' }, form), 422, 'invalid-input');
    assert.equal(written(), before);
    // Off: a version without a price passes; on again: refused again.
    assert.equal((await post('/api/v1/admin/policies/price-present', admin, { enabled: 'off' }, form)).status, 204);
    assert.equal((await publish(prov, service({ pricing: {} }))).status, 201);
    assert.equal((await post('/api/v1/admin/policies/price-present', admin, { enabled: 'on' }, form)).status, 204);
    assertProblem(await publish(prov, service({ pricing: {} })), 422, 'pipeline-refused');
    // A new rule takes effect at once.
    const id = `no-beta-${ids()}`;
    const rule = { id, field: 'tags', op: 'contains_any', value: ['never-this-tag'], severity: 'warn', message: 'Tagged for testing.' };
    assert.equal((await post('/api/v1/admin/policies', admin, { id, kind: 'check', rule: JSON.stringify(rule) }, form)).status, 204);
    const warned = await publish(prov, service());
    assert.ok(warned.json().report.policy.violations.some((x) => x.rule === id));
    assert.equal((await post(`/api/v1/admin/policies/${id}`, admin, { enabled: 'off' }, form)).status, 204);
    assert.equal(count('audit_log', "action LIKE 'policy.%'"), audits + 4);
    assert.equal(sql(`SELECT details->'rule'->>'message' FROM audit_log WHERE action = 'policy.create' AND resource_id = '${id}'`), 'Tagged for testing.');
  });

  it('stores markup and SQL verbatim and shows them escaped', async () => {
    const evil = `<script>alert(1)</script>' OR 1=1; DROP TABLE services; -- ${ids()}`;
    const r = await publish(prov, service({ name: evil, description: `"><img src=x onerror=alert(2)>`, changelog: evil }));
    assert.equal(r.status, 201, r.text);
    const slug = r.json().service;
    assert.equal(sql(`SELECT name FROM services WHERE slug = '${slug}'`), evil);
    const html = await get(`/publish/services/${slug}`, { headers: { Cookie: `mkt_session=${prov.session}` } });
    assert.equal(html.status, 200);
    assert.ok(!html.text.includes('<script>alert(1)'));
    assert.ok(!html.text.includes('<img src=x'));
    assert.ok(html.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  });

  it('answers the portal form with the form again, errors named, on refusal', async () => {
    const f = await get('/publish/new', { headers: { Cookie: `mkt_session=${prov.session}`, 'Accept-Language': 'en' } });
    assert.equal(f.status, 200);
    assert.match(f.text, /name="contract"/);
    const before = written();
    const r = await post('/publish/services', prov, { name: 'Form service', category: 'text-generation', endpoint_url: provider.url, version: 'one', contract: '' }, { form: true });
    assert.equal(r.status, 422);
    assert.match(r.headers.get('content-type'), /text\/html/);
    assert.match(r.text, /value="Form service"/);
    assert.match(r.text, /semantic version/);
    assert.equal(written(), before);
    const ok = await post('/publish/services', prov, {
      name: `Form service ${ids()}`, category: 'text-generation', endpoint_url: provider.url, auth_method: 'bearer', credential: provider.key,
      input_per_mtok: '0.1', max_latency_ms: '1500', compliance_level: 'public', data_residency: 'de, fr', version: '1.0.0',
      contract: JSON.stringify(providerContract(provider.url)), tags: 'a, b',
    }, { form: true });
    assert.equal(ok.status, 303, ok.text.slice(0, 500));
    assert.match(ok.headers.get('location'), /^\/publish\/services\/form-service-/);
  });
});

describe('the registry webhook', () => {
  let slug; let secret;
  before(async () => {
    provider = await startProvider();
    secret = configValue('registry_webhook_secret');
    assert.match(secret, /^[0-9a-f]{64}$/);
    const s = await signIn('provider@example.com');
    slug = (await publish(s, service())).json().service;
  });

  after(() => provider.close());

  const hook = (body, headers) => get('/api/v1/publish/registry/webhook', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

  it('applies a signed event once, and refuses replays, bad signatures and stale timestamps', async () => {
    const sid = sql(`SELECT id FROM services WHERE slug = '${slug}'`);
    const body = JSON.stringify({ event_id: `evt-${ids()}`, service_id: sid, registry_id: `reg-hook-${ids()}`, status: 'registered', provenance: { source: 'llm-registry', verified_by: 'registry-bot' } });
    const before = written();
    assertProblem(await hook(body, signWebhook('0'.repeat(64), body)), 401, 'bad-signature');
    assertProblem(await hook(body, signWebhook(secret, body, Math.floor(Date.now() / 1000) - 3600)), 401, 'stale-signature');
    assertProblem(await hook(body, {}), 401, 'bad-signature');
    const tampered = body.replace('registered', 'failed');
    assertProblem(await hook(tampered, signWebhook(secret, body)), 401, 'bad-signature');
    assert.equal(written(), before);
    const ok = await hook(body, signWebhook(secret, body));
    assert.equal(ok.status, 204, ok.text);
    assert.equal(sql(`SELECT registry_status || ' ' || (provenance->>'verified_by') FROM services WHERE id = '${sid}'`), 'registered registry-bot');
    assert.equal(count('audit_log', `action = 'service.registry_update' AND resource_id = '${sid}'`), 1);
    assertProblem(await hook(body, signWebhook(secret, body)), 409, 'replay');
    const unknown = JSON.stringify({ event_id: `evt-${ids()}`, registry_id: 'reg-nobody', status: 'registered' });
    assertProblem(await hook(unknown, signWebhook(secret, unknown)), 404, 'not-found');
  });
});
