// audit.test.mjs: the audit log for auditors (/admin/audit and its JSON
// twin, with filters and paging) and the chain verified on demand
// (/admin/audit/verify), signed in as the demo accounts.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { get, assertProblem } from './helpers.mjs';

const PASSWORD = 'marketplace-demo';
const AGENT = `audit-test-agent/${randomBytes(6).toString('hex')}`;

function cookieFrom(r, name) {
  for (const c of r.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq) === name) return pair.slice(eq + 1);
  }
  return null;
}

/** Signs in with a request id and user agent of our own; returns the
 * session cookie, the user's id and the request id of the sign-in. */
async function signIn(email) {
  const form = await get('/login', { headers: { 'Accept-Language': 'en' } });
  assert.equal(form.status, 200);
  const csrf = cookieFrom(form, 'mkt_csrf');
  const requestId = randomBytes(16).toString('hex');
  const r = await get('/login', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Cookie: `mkt_csrf=${csrf}`,
      'X-Request-ID': requestId,
      'User-Agent': AGENT,
    },
    body: new URLSearchParams({ email, password: PASSWORD, next: '/services', csrf }).toString(),
  });
  assert.equal(r.status, 303, `sign-in of ${email}: ${r.status}`);
  const session = cookieFrom(r, 'mkt_session');
  assert.ok(session);
  const cookie = `mkt_session=${session}`;
  const account = await get('/api/v1/account', { headers: { Cookie: cookie } });
  assert.equal(account.status, 200);
  return { cookie, id: account.json().account.id, requestId };
}

/** GET as the signed-in user; returns the response. */
function as(who, path, headers = {}) {
  return get(path, { headers: { Cookie: who.cookie, 'Accept-Language': 'en', ...headers } });
}

async function entries(who, query = '') {
  const r = await as(who, `/api/v1/admin/audit${query}`);
  assert.equal(r.status, 200, `audit${query}: ${r.status} ${r.text.slice(0, 300)}`);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json\b/);
  assert.ok(!r.text.includes(AGENT), 'no user agent value in the log view');
  assert.ok(!/\b127\.0\.0\.1\b|::1\b/.test(r.text), 'no client address in the log view');
  const v = r.json();
  assert.ok(Array.isArray(v.entries));
  return v;
}

describe('audit log', () => {
  let auditor;

  before(async () => {
    auditor = await signIn('auditor@example.com');
  });

  it('lists the sign-in just made, newest first, without personal data', async () => {
    const v = await entries(auditor);
    const mine = v.entries.find((e) => e.request_id === auditor.requestId);
    assert.ok(mine, 'the sign-in is in the log with its request id');
    assert.equal(mine.action, 'user.sign_in');
    assert.equal(mine.resource_type, 'user');
    assert.equal(mine.resource_id, auditor.id);
    assert.equal(mine.actor.id, auditor.id);
    assert.equal(mine.actor.type, 'user');
    assert.equal(mine.actor.email, 'auditor@example.com');
    assert.equal(typeof mine.details, 'string');
    assert.ok(['recorded', 'erased', null].includes(mine.client_addr));
    assert.ok(['recorded', 'erased', null].includes(mine.user_agent));
    assert.equal(mine.user_agent, 'recorded');
    for (let i = 1; i < v.entries.length; i++) {
      assert.ok(v.entries[i - 1].seq > v.entries[i].seq, 'newest first');
    }
    assert.ok(v.entries.length <= 50);
    assert.ok(v.page.total_items >= v.entries.length);
    assert.match(v.links.self, /^\/api\/v1\/admin\/audit\?page=1.*&before=\d+$/);
  });

  it('filters by exact action and by action prefix', async () => {
    const exact = await entries(auditor, '?action=user.sign_in');
    assert.ok(exact.entries.length > 0);
    assert.ok(exact.entries.every((e) => e.action === 'user.sign_in'));
    const prefix = await entries(auditor, '?action=user.');
    assert.ok(prefix.entries.length > 0);
    assert.ok(prefix.entries.every((e) => e.action.startsWith('user.')));
    assert.ok(prefix.page.total_items >= exact.page.total_items);
  });

  it('filters by actor, as an email address (any case) or a user id', async () => {
    for (const actor of ['auditor@example.com', 'Auditor@Example.COM', auditor.id]) {
      const v = await entries(auditor, `?actor=${encodeURIComponent(actor)}`);
      assert.ok(v.entries.length > 0, `actor=${actor}`);
      assert.ok(v.entries.every((e) => e.actor.id === auditor.id), `actor=${actor}`);
    }
    const none = await entries(auditor, '?actor=nobody-here%40example.com');
    assert.equal(none.entries.length, 0);
  });

  it('filters by resource type and by type:id', async () => {
    const v = await entries(auditor, `?resource=${encodeURIComponent(`user:${auditor.id}`)}`);
    assert.ok(v.entries.some((e) => e.request_id === auditor.requestId));
    assert.ok(v.entries.every((e) => e.resource_type === 'user' && e.resource_id === auditor.id));
    const t = await entries(auditor, '?resource=user');
    assert.ok(t.entries.every((e) => e.resource_type === 'user'));
  });

  it('filters by day: today has entries, a future day none', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const v = await entries(auditor, `?from=${today}&to=${today}&action=user.sign_in`);
    assert.ok(v.entries.some((e) => e.request_id === auditor.requestId));
    const future = await entries(auditor, '?from=2999-01-01&to=2999-12-31');
    assert.equal(future.entries.length, 0);
    assert.equal(future.page.total_items, 0);
  });

  it('a malformed date is a 400 problem naming the field', async () => {
    for (const [field, value] of [['from', '2024-13-01'], ['to', 'yesterday'], ['from', '2023-02-29'], ['to', '2024-1-01']]) {
      const r = await as(auditor, `/api/v1/admin/audit?${field}=${encodeURIComponent(value)}`);
      const p = assertProblem(r, 400, 'invalid-parameter');
      assert.ok(p.errors.some((e) => e.name === field), `${field}=${value} names the field`);
    }
  });

  it('SQL and markup in every filter never cause a 500', async () => {
    const hostile = ["' OR 1=1 --", '"><script>alert(1)</script>', "x'; DROP TABLE audit_log; --", '%', '_', ':', '\\'];
    for (const field of ['actor', 'action', 'resource', 'from', 'to', 'page', 'before']) {
      for (const value of hostile) {
        const q = `?${field}=${encodeURIComponent(value)}`;
        for (const path of ['/api/v1/admin/audit', '/admin/audit']) {
          const r = await as(auditor, path + q);
          assert.ok(r.status === 200 || r.status === 400, `${path}${q}: ${r.status}`);
          if (!path.startsWith('/api')) {
            assert.ok(!r.text.includes('<script>alert(1)'), `${path}${q} escapes markup`);
          } else if (r.status === 200) {
            assert.match(r.headers.get('content-type') ?? '', /^application\/json\b/);
            const v = r.json();
            if (field !== 'page' && field !== 'before') {
              assert.equal(v.entries.length, 0, `${q} matches nothing`);
            }
          }
        }
      }
    }
  });

  it('pages stably: links keep the filters and the snapshot', async () => {
    const v = await entries(auditor, '?action=user.');
    const before = v.filters.before;
    assert.match(String(before), /^\d+$/);
    await signIn('auditor@example.com');	// a new entry meanwhile
    const again = await entries(auditor, `?action=user.&before=${before}`);
    assert.deepEqual(again.entries.map((e) => e.seq), v.entries.map((e) => e.seq));
    const beyond = await entries(auditor, '?page=100000');
    assert.equal(beyond.entries.length, 0);
  });

  it('the page renders for the auditor: a filter form, a table and the verify link', async () => {
    const r = await as(auditor, '/admin/audit?action=user.sign_in');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(r.text, /<form[^>]*method="get"[^>]*action="\/admin\/audit"/);
    assert.match(r.text, /<table[^>]*class="data-table audit-table"/);
    assert.match(r.text, /<details>/);
    assert.match(r.text, /href="\/admin\/audit\/verify"/);
    assert.ok(r.text.includes(auditor.requestId));
    assert.ok(!r.text.includes(AGENT), 'no user agent value on the page');
  });

  it('is 403 for a consumer and sends anonymous visitors to /login', async () => {
    const consumer = await signIn('consumer@example.com');
    for (const path of ['/admin/audit', '/admin/audit/verify']) {
      const r = await as(consumer, path);
      assert.equal(r.status, 403, `consumer ${path}`);
      const api = await as(consumer, `/api/v1${path}`);
      assert.equal(api.status, 403, `consumer /api/v1${path}`);
      const anon = await get(path);
      assert.equal(anon.status, 303, `anonymous ${path}`);
      assert.match(anon.headers.get('location') ?? '', /^\/login\b/);
    }
  });

  it('administrators may read the log too', async () => {
    const admin = await signIn('admin@example.com');
    const v = await entries(admin, '?action=user.sign_in');
    assert.ok(v.entries.some((e) => e.request_id === admin.requestId));
  });

  it('verifies the chain: ok with the rows and the head', async () => {
    const r = await as(auditor, '/api/v1/admin/audit/verify');
    assert.equal(r.status, 200, r.text.slice(0, 300));
    const { verify } = r.json();
    assert.equal(verify.ok, true, JSON.stringify(verify));
    assert.ok(verify.rows >= 1);
    assert.ok(verify.head_seq >= verify.rows);
    assert.match(verify.head_hash, /^[0-9a-f]{64}$/);
    assert.equal(verify.bad_seq, null);
    assert.equal(typeof verify.elapsed_ms, 'number');
    // The worker's connection is left usable: more requests succeed.
    for (let i = 0; i < 3; i++) {
      const again = await as(auditor, '/api/v1/admin/audit/verify');
      assert.equal(again.status, 200);
      await entries(auditor, '?action=user.sign_in');
    }
    const page = await as(auditor, '/admin/audit/verify');
    assert.equal(page.status, 200);
    assert.match(page.text, /The audit chain is intact\./);
    assert.ok(page.text.includes(verify.head_hash.slice(0, 16)) || /[0-9a-f]{64}/.test(page.text));
  });
});
