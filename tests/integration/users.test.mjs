// users.test.mjs: account administration: create, change roles, disable
// (sessions end at once), erase a person (GDPR) with the audit chain kept.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { get, assertProblem, sql, HAS_PSQL, UUID_RE } from './helpers.mjs';
import { signIn, loginForm, postLogin, cookieFrom } from './session.mjs';

const PW = 'a-long-enough-password';

function post(path, s, fields) {
  return get(path, { method: 'POST', headers: { Cookie: `mkt_session=${s.session}`,
    'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': s.csrf },
  body: new URLSearchParams(fields).toString() });
}

async function createUser(admin, extra = {}) {
  const email = `person-${crypto.randomUUID()}@example.com`;
  const r = await post('/api/v1/admin/users', admin,
    { email, name: 'Pat Person', password: PW, org: 'acme', role_consumer: 'on', ...extra });
  assert.equal(r.status, 201, r.text);
  const list = await get(`/api/v1/admin/users?q=${encodeURIComponent(email)}`,
    { headers: { Cookie: `mkt_session=${admin.session}` } });
  const u = list.json().users.items.find((x) => x.email === email);
  assert.ok(u && UUID_RE.test(u.id));
  return { email, id: u.id, user: u };
}

async function signInAs(email) {
  const pre = await loginForm();
  const r = await postLogin(email, PW, { csrf: pre, cookie: `mkt_csrf=${pre}` });
  assert.equal(r.status, 303, `${email}: ${r.status}`);
  return cookieFrom(r, 'mkt_session').value;
}

describe('user administration', () => {
  it('is for administrators only', async () => {
    const c = await signIn('consumer@example.com');
    assertProblem(await get('/api/v1/admin/users', { headers: { Cookie: `mkt_session=${c.session}` } }),
      403, 'forbidden');
    assertProblem(await get('/api/v1/admin/users'), 401, 'unauthenticated');
  });

  it('lists accounts and finds them by email', async () => {
    const a = await signIn('admin@example.com');
    const r = await get('/api/v1/admin/users?q=consumer@', { headers: { Cookie: `mkt_session=${a.session}` } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json().users.items.map((x) => x.email), ['consumer@example.com']);
    const page = await get('/admin/users', { headers: { Cookie: `mkt_session=${a.session}`, 'Accept-Language': 'en' } });
    assert.equal(page.status, 200);
    assert.match(page.text, /auditor@example\.com/);
  });

  it('creates an account that can sign in, with the roles checked', async () => {
    const a = await signIn('admin@example.com');
    const { email, user } = await createUser(a, { role_provider: 'on' });
    assert.deepEqual(user.roles, ['consumer', 'provider']);
    assert.equal(user.organization, 'acme');
    await signInAs(email);
  });

  it('refuses a taken address (409), a short password and an unknown organisation', async () => {
    const a = await signIn('admin@example.com');
    assertProblem(await post('/api/v1/admin/users', a, { email: 'consumer@example.com', name: 'X', password: PW }),
      409, 'conflict');
    assertProblem(await post('/api/v1/admin/users', a, { email: 'new-x@example.com', name: 'X', password: 'short' }),
      400, 'invalid-parameter');
    assertProblem(await post('/api/v1/admin/users', a, { email: 'new-y@example.com', name: 'Y', password: PW,
      org: 'no-such-org' }), 422, 'invalid-parameter');
  });

  it('needs the CSRF token', async () => {
    const a = await signIn('admin@example.com');
    const r = await get('/admin/users', { method: 'POST', headers: { Cookie: `mkt_session=${a.session}`,
      'Content-Type': 'application/x-www-form-urlencoded' }, body: `email=z@example.com&name=Z&password=${PW}` });
    assert.equal(r.status, 403);
  });

  it('disabling an account ends its sessions at once', async () => {
    const a = await signIn('admin@example.com');
    const { email, id } = await createUser(a);
    const session = await signInAs(email);
    assert.equal((await get('/api/v1/account', { headers: { Cookie: `mkt_session=${session}` } })).status, 200);
    const r = await post(`/api/v1/admin/users/${id}`, a, { status: 'disabled' });
    assert.equal(r.status, 204, r.text);
    assertProblem(await get('/api/v1/account', { headers: { Cookie: `mkt_session=${session}` } }), 401, 'unauthenticated');
    const pre = await loginForm();
    assert.equal((await postLogin(email, PW, { csrf: pre, cookie: `mkt_csrf=${pre}` })).status, 401);
  });

  it('an administrator cannot disable or demote themselves', async () => {
    const a = await signIn('admin@example.com');
    assertProblem(await post(`/api/v1/admin/users/${a.account.id}`, a, { status: 'disabled' }), 409, 'conflict');
    assertProblem(await post(`/api/v1/admin/users/${a.account.id}`, a, { role_consumer: 'on' }), 409, 'conflict');
  });

  it('erases a person: pseudonymised, signed out, audit chain intact', async () => {
    const a = await signIn('admin@example.com');
    const { email, id } = await createUser(a);
    const session = await signInAs(email);
    // What the person wrote is theirs too: a review of theirs goes with
    // them (written straight into the table: reviews.test.mjs tests how
    // one is written), and the service's rating follows.
    const svc = HAS_PSQL ? sql("SELECT id FROM services WHERE status = 'active' ORDER BY name LIMIT 1") : null;
    if (HAS_PSQL) {
      sql(`INSERT INTO reviews (service_id, author_id, rating, body) VALUES ('${svc}', '${id}', 2, 'Mine, and personal.')`);
      assert.equal(sql(`SELECT count(*) FROM service_ratings WHERE service_id = '${svc}'`), '1');
    }
    const r = await post(`/api/v1/admin/users/${id}/erase`, a, {});
    assert.equal(r.status, 204, r.text);
    assertProblem(await get('/api/v1/account', { headers: { Cookie: `mkt_session=${session}` } }), 401, 'unauthenticated');
    const list = (await get(`/api/v1/admin/users?q=${id}`, { headers: { Cookie: `mkt_session=${a.session}` } })).json();
    const erased = list.users.items.find((x) => x.id === id);
    assert.ok(erased, 'the account row stays (pseudonymised)');
    assert.notEqual(erased.email, email);
    assert.equal(erased.name, 'Erased user');
    if (HAS_PSQL) {
      assert.equal(sql(`SELECT count(*) FROM users WHERE email = '${email}'`), '0');
      assert.equal(sql(`SELECT count(*) FROM audit_log_pii p JOIN audit_log l USING (seq) WHERE l.actor_id = '${id}'`), '0');
      assert.ok(Number(sql(`SELECT count(*) FROM audit_log WHERE action = 'user.erase' AND resource_id = '${id}'`)) === 1);
      assert.equal(sql(`SELECT count(*) FROM reviews WHERE author_id = '${id}'`), '0', 'their review is gone');
      assert.equal(sql(`SELECT coalesce((SELECT reviews FROM service_ratings WHERE service_id = '${svc}'), 0)`),
        sql(`SELECT count(*) FROM reviews WHERE service_id = '${svc}' AND NOT hidden`), 'the rating follows');
    }
    assertProblem(await post(`/api/v1/admin/users/${a.account.id}/erase`, a, {}), 409, 'conflict');
    assertProblem(await post(`/api/v1/admin/users/${crypto.randomUUID()}/erase`, a, {}), 404, 'not-found');
  });
});

describe('organisations', () => {
  it('an administrator creates, lists and renames organisations', async () => {
    const a = await signIn('admin@example.com');
    const slug = `team-${crypto.randomUUID().slice(0, 8)}`;
    assert.equal((await post('/api/v1/admin/organizations', a, { slug, name: 'Team One' })).status, 201);
    const list = async () => (await get('/api/v1/admin/organizations',
      { headers: { Cookie: `mkt_session=${a.session}` } })).json().organizations.items;
    assert.equal((await list()).find((o) => o.slug === slug).name, 'Team One');
    assert.equal((await post(`/api/v1/admin/organizations/${slug}`, a, { name: 'Team Renamed' })).status, 204);
    assert.equal((await list()).find((o) => o.slug === slug).name, 'Team Renamed');
    assertProblem(await post('/api/v1/admin/organizations', a, { slug, name: 'Again' }), 409, 'conflict');
    assertProblem(await post('/api/v1/admin/organizations/no-such-org-here', a, { name: 'X' }), 404, 'not-found');
    assertProblem(await post('/api/v1/admin/organizations', a, { slug: 'Bad Slug!', name: 'X' }), 400, 'invalid-parameter');
    const { user } = await createUserIn(a, slug);
    assert.equal(user.organization, slug);
    const page = await get('/admin/organizations', { headers: { Cookie: `mkt_session=${a.session}`, 'Accept-Language': 'en' } });
    assert.equal(page.status, 200);
    assert.match(page.text, /Team Renamed/);
  });

  it('deletes an empty organisation and merges one with members into another', async () => {
    const a = await signIn('admin@example.com');
    const make = async (name) => {
      const slug = `team-${crypto.randomUUID().slice(0, 8)}`;
      assert.equal((await post('/api/v1/admin/organizations', a, { slug, name })).status, 201);
      return slug;
    };
    const empty = await make('Empty team');
    const from = await make('Old team');
    const into = await make('New team');
    const { user } = await createUserIn(a, from);
    const audit = Number(sql("SELECT count(*) FROM audit_log WHERE action IN ('organization.delete', 'organization.merge')"));
    // Not while it has members; not into itself or nowhere.
    assertProblem(await post(`/api/v1/admin/organizations/${from}/delete`, a, {}), 409, 'conflict');
    assertProblem(await post(`/api/v1/admin/organizations/${from}/merge`, a, { into: from }), 422, 'invalid-input');
    assertProblem(await post(`/api/v1/admin/organizations/${from}/merge`, a, { into: 'no-such-org-here' }), 422, 'invalid-input');
    assertProblem(await post(`/api/v1/admin/organizations/no-such-org-here/delete`, a, {}), 404, 'not-found');
    assert.equal(sql(`SELECT count(*) FROM organizations WHERE slug = '${from}'`), '1');
    assert.equal((await post(`/api/v1/admin/organizations/${empty}/delete`, a, {})).status, 204);
    assert.equal(sql(`SELECT count(*) FROM organizations WHERE slug = '${empty}'`), '0');
    assert.equal((await post(`/api/v1/admin/organizations/${from}/merge`, a, { into })).status, 204);
    assert.equal(sql(`SELECT o.slug FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.id = '${user.id}'`), into);
    assert.equal(sql(`SELECT count(*) FROM organizations WHERE slug = '${from}'`), '0');
    assert.equal(Number(sql("SELECT count(*) FROM audit_log WHERE action IN ('organization.delete', 'organization.merge')")), audit + 2);
    assert.equal(sql(`SELECT details->>'users' FROM audit_log WHERE action = 'organization.merge' AND details->>'slug' = '${from}'`), '1');
  });

  it('is for administrators only', async () => {
    const c = await signIn('consumer@example.com');
    assertProblem(await post('/api/v1/admin/organizations', c, { slug: 'nope-org', name: 'Nope' }), 403, 'forbidden');
    assertProblem(await post('/api/v1/admin/organizations/acme/delete', c, {}), 403, 'forbidden');
    assertProblem(await post('/api/v1/admin/organizations/acme/merge', c, { into: 'mistral' }), 403, 'forbidden');
  });
});

async function createUserIn(admin, org) {
  const email = `member-${crypto.randomUUID()}@example.com`;
  const r = await post('/api/v1/admin/users', admin, { email, name: 'Mo Member', password: PW, org });
  assert.equal(r.status, 201, r.text);
  const list = await get(`/api/v1/admin/users?q=${encodeURIComponent(email)}`,
    { headers: { Cookie: `mkt_session=${admin.session}` } });
  return { user: list.json().users.items.find((x) => x.email === email) };
}
