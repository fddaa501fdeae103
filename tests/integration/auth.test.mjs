// auth.test.mjs: sign-in, sessions, CSRF, roles, sign-out and throttling
// over HTTP with the demo accounts (./marketplace creates them).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get, assertProblem, sql, HAS_PSQL } from './helpers.mjs';

import { PASSWORD, cookieFrom, loginForm, postLogin, signIn } from './session.mjs';

describe('sign-in', () => {
  it('the form works without a session and sets a CSRF cookie', async () => {
    await loginForm();
  });

  it('a correct password signs in: 303 to next, a hardened session cookie', async () => {
    const pre = await loginForm();
    const r = await postLogin('consumer@example.com', PASSWORD,
      { csrf: pre, cookie: `mkt_csrf=${pre}`, next: '/reports' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/reports');
    const s = cookieFrom(r, 'mkt_session');
    assert.match(s.raw, /HttpOnly/);
    assert.match(s.raw, /SameSite=Lax/);
    assert.match(s.raw, /Path=\//);
    assert.doesNotMatch(s.raw, /Secure/, 'plain HTTP: no Secure flag');
  });

  it('the e-mail address is case-insensitive', async () => {
    const pre = await loginForm();
    const r = await postLogin('Consumer@Example.COM', PASSWORD, { csrf: pre, cookie: `mkt_csrf=${pre}` });
    assert.equal(r.status, 303);
  });

  it('a wrong password and an unknown account get the same answer', async () => {
    const pre = await loginForm();
    const a = await postLogin('consumer@example.com', 'wrong-password-1', { csrf: pre, cookie: `mkt_csrf=${pre}` });
    const b = await postLogin('nobody-here@example.com', 'wrong-password-1', { csrf: pre, cookie: `mkt_csrf=${pre}` });
    assert.equal(a.status, 401);
    assert.equal(b.status, 401);
    assert.match(a.text, /the email address or password is not correct/);
    assert.match(b.text, /the email address or password is not correct/);
    assert.equal(cookieFrom(a, 'mkt_session'), null);
  });

  it('next may only be a local path', async () => {
    for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil']) {
      const pre = await loginForm();
      const r = await postLogin('consumer@example.com', PASSWORD, { csrf: pre, cookie: `mkt_csrf=${pre}`, next });
      assert.equal(r.status, 303);
      assert.equal(r.headers.get('location'), '/services', `next=${next}`);
    }
  });

  it('markup in the e-mail field comes back escaped', async () => {
    const pre = await loginForm();
    const r = await postLogin('"><script>alert(1)</script>@x', 'whatever-123', { csrf: pre, cookie: `mkt_csrf=${pre}` });
    assert.equal(r.status, 401);
    assert.doesNotMatch(r.text, /<script>alert\(1\)/);
  });
});

describe('CSRF', () => {
  it('a sign-in post without a token is refused with 403', async () => {
    const pre = await loginForm();
    const r = await postLogin('consumer@example.com', PASSWORD, { cookie: `mkt_csrf=${pre}` });
    assert.equal(r.status, 403);
    assert.match(r.text, /Form expired/);
  });

  it('a token that does not match the cookie is refused', async () => {
    const pre = await loginForm();
    const other = await loginForm();
    const r = await postLogin('consumer@example.com', PASSWORD, { csrf: other, cookie: `mkt_csrf=${pre}` });
    assert.equal(r.status, 403);
  });

  it('a post from another origin is refused', async () => {
    const pre = await loginForm();
    const r = await postLogin('consumer@example.com', PASSWORD,
      { csrf: pre, cookie: `mkt_csrf=${pre}`, headers: { Origin: 'https://evil.example' } });
    assert.equal(r.status, 403);
  });

  it('sign-out needs the session token', async () => {
    const s = await signIn('consumer@example.com');
    const r = await get('/logout', { method: 'POST', headers: { Cookie: `mkt_session=${s.session}`,
      'Content-Type': 'application/x-www-form-urlencoded' }, body: 'csrf=' + '0'.repeat(64) });
    assert.equal(r.status, 403);
    const still = await get('/api/v1/account', { headers: { Cookie: `mkt_session=${s.session}` } });
    assert.equal(still.status, 200, 'the session survived the forged post');
  });
});

describe('sessions', () => {
  it('a session cookie set before sign-in is not kept (no fixation)', async () => {
    const planted = 'a'.repeat(64);
    const pre = await loginForm();
    const r = await postLogin('consumer@example.com', PASSWORD,
      { csrf: pre, cookie: `mkt_csrf=${pre}; mkt_session=${planted}` });
    assert.equal(r.status, 303);
    assert.notEqual(cookieFrom(r, 'mkt_session').value, planted);
  });

  it('a tampered cookie is anonymous', async () => {
    const s = await signIn('consumer@example.com');
    const flipped = (s.session[0] === 'a' ? 'b' : 'a') + s.session.slice(1);
    const r = await get('/api/v1/account', { headers: { Cookie: `mkt_session=${flipped}` } });
    assertProblem(r, 401, 'unauthenticated');
  });

  it('sign-out ends the session for good (replay is anonymous)', async () => {
    const s = await signIn('consumer@example.com');
    const out = await get('/logout', { method: 'POST', headers: { Cookie: `mkt_session=${s.session}`,
      'Content-Type': 'application/x-www-form-urlencoded' }, body: `csrf=${s.csrf}` });
    assert.equal(out.status, 303);
    assert.match(cookieFrom(out, 'mkt_session').raw, /Max-Age=0/);
    const again = await get('/api/v1/account', { headers: { Cookie: `mkt_session=${s.session}` } });
    assertProblem(again, 401, 'unauthenticated');
    const page = await get('/account', { headers: { Cookie: `mkt_session=${s.session}` } });
    assert.equal(page.status, 303);
  });

  it('one session can revoke another at once', async () => {
    const a = await signIn('provider@example.com');
    const b = await signIn('provider@example.com');
    const ids = a.account.sessions.map((x) => x.id);
    const mine = (await get('/api/v1/account', { headers: { Cookie: `mkt_session=${b.session}` } })).json()
      .account.sessions.find((x) => x.current);
    assert.ok(mine && ids.length >= 1);
    const r = await get(`/account/sessions/${mine.id}/revoke`, { method: 'POST',
      headers: { Cookie: `mkt_session=${a.session}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `csrf=${a.csrf}` });
    assert.equal(r.status, 303);
    assertProblem(await get('/api/v1/account', { headers: { Cookie: `mkt_session=${b.session}` } }),
      401, 'unauthenticated');
    assert.equal((await get('/api/v1/account', { headers: { Cookie: `mkt_session=${a.session}` } })).status, 200);
  });

  it("another user's session cannot be revoked (404)", async () => {
    const a = await signIn('consumer@example.com');
    const b = await signIn('auditor@example.com');
    const bs = b.account.sessions.find((x) => x.current);
    const r = await get(`/api/v1/account/sessions/${bs.id}/revoke`, { method: 'POST',
      headers: { Cookie: `mkt_session=${a.session}`, 'X-CSRF-Token': a.csrf } });
    assertProblem(r, 404, 'not-found');
    assert.equal((await get('/api/v1/account', { headers: { Cookie: `mkt_session=${b.session}` } })).status, 200);
  });

  it('the account page shows who I am', async () => {
    const s = await signIn('consumer@example.com');
    assert.equal(s.account.email, 'consumer@example.com');
    assert.deepEqual(s.account.roles.map((x) => x.name), ['consumer']);
    assert.equal(s.account.organization.slug, 'acme');
    const page = await get('/account', { headers: { Cookie: `mkt_session=${s.session}`, 'Accept-Language': 'en' } });
    assert.match(page.text, /Carla Consumer/);
  });
});

describe('roles', () => {
  it('an administrator reaches /admin', async () => {
    const s = await signIn('admin@example.com');
    const r = await get('/api/v1/admin', { headers: { Cookie: `mkt_session=${s.session}` } });
    assert.equal(r.status, 200);
    assert.ok(r.json().overview.users >= 4);
  });

  for (const who of ['consumer@example.com', 'auditor@example.com', 'provider@example.com']) {
    it(`${who} gets 403 on /admin`, async () => {
      const s = await signIn(who);
      assertProblem(await get('/api/v1/admin', { headers: { Cookie: `mkt_session=${s.session}` } }), 403, 'forbidden');
      const page = await get('/admin', { headers: { Cookie: `mkt_session=${s.session}` } });
      assert.equal(page.status, 403);
    });
  }
});

describe('throttling', () => {
  it('five failures on one account lock its sign-in for a while (429)', async () => {
    const email = `throttle-${process.pid}-${Date.now()}@example.com`;
    const pre = await loginForm();
    for (let i = 0; i < 5; i++) {
      const r = await postLogin(email, 'wrong-password-1', { csrf: pre, cookie: `mkt_csrf=${pre}` });
      assert.equal(r.status, 401, `attempt ${i + 1}`);
    }
    const r = await postLogin(email, 'wrong-password-1', { csrf: pre, cookie: `mkt_csrf=${pre}` });
    assert.equal(r.status, 429);
    assert.ok(Number(r.headers.get('retry-after')) > 0);
    assert.match(r.text, /too many failed sign-in attempts/);
  });
});

describe('audit', { skip: !HAS_PSQL && 'PSQL is not set' }, () => {
  it('sign-in and sign-out are audited with the request id', async () => {
    const s = await signIn('auditor@example.com');
    const uid = s.account.id;
    const n = Number(sql(`SELECT count(*) FROM audit_log WHERE action = 'user.sign_in' AND resource_id = '${uid}'`));
    assert.ok(n >= 1);
  });
});
