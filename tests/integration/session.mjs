// session.mjs: signing in as the demo accounts, for the tests that need
// a session (auth, users, audit).
import assert from 'node:assert/strict';
import { get } from './helpers.mjs';

export const PASSWORD = 'marketplace-demo';

/** The value of one cookie from a response's Set-Cookie headers. */
export function cookieFrom(r, name) {
  for (const c of r.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq) === name) return { value: pair.slice(eq + 1), raw: c };
  }
  return null;
}

/** The sign-in form: its pre-session CSRF cookie and the token in the form. */
export async function loginForm() {
  const r = await get('/login', { headers: { 'Accept-Language': 'en' } });
  assert.equal(r.status, 200);
  const pre = cookieFrom(r, 'mkt_csrf');
  assert.ok(pre, 'the form sets a CSRF cookie');
  const m = r.text.match(/name="csrf" value="([0-9a-f]{64})"/);
  assert.ok(m, 'the form carries a CSRF field');
  assert.equal(m[1], pre.value);
  return pre.value;
}

export function form(fields) {
  return new URLSearchParams(fields).toString();
}

export async function postLogin(email, password, { csrf, cookie, next = '/services', headers = {} } = {}) {
  const fields = { email, password, next };
  if (csrf) fields.csrf = csrf;
  return get('/login', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'Accept-Language': 'en',
      ...(cookie ? { Cookie: cookie } : {}),
      ...headers,
    },
    body: form(fields),
  });
}

/** Signs in and returns { session, csrf } for later requests. */
export async function signIn(email) {
  const pre = await loginForm();
  const r = await postLogin(email, PASSWORD, { csrf: pre, cookie: `mkt_csrf=${pre}` });
  assert.equal(r.status, 303, `sign-in of ${email}: ${r.status} ${r.text.slice(0, 200)}`);
  const s = cookieFrom(r, 'mkt_session');
  assert.ok(s && /^[0-9a-f]{64}$/.test(s.value), 'a session cookie of 256 random bits');
  const account = await get('/api/v1/account', { headers: { Cookie: `mkt_session=${s.value}` } });
  assert.equal(account.status, 200);
  const page = await get('/account', { headers: { Cookie: `mkt_session=${s.value}` } });
  const m = page.text.match(/name="csrf" value="([0-9a-f]{64})"/);
  assert.ok(m, 'signed-in pages carry the session CSRF token');
  return { session: s.value, csrf: m[1], account: account.json().account };
}

