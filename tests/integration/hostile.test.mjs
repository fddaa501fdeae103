// hostile.test.mjs: SQL metacharacters and markup in parameters, paths and headers: 4xx problems, escaped output, nothing stored.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  get, request, assertProblem, assertHtmlError, rowCounts, htmlLang, HAS_PSQL, NO_PSQL, REQUEST_ID_RE,
} from './helpers.mjs';

const RAW_SCRIPT = /<script>alert\(1\)/i;

/** Hostile query parameters, each refused by the route's parameter table. */
const QUERIES = [
  ['category', "' OR 1=1--"],
  ['provider', "%'; DROP TABLE services;--"],
  ['sort', '<script>'],
  ['sort', 'name; DELETE FROM services'],
  ['category', '<script>alert(1)</script>'],
  ['provider', '"><script>alert(1)</script>'],
  ['page', '1 OR 1=1'],
  ['per_page', '1;SELECT pg_sleep(5)'],
  ['category', 'Text-Generation'],
];

let before_counts = null;

before(() => { if (HAS_PSQL) before_counts = rowCounts(); });

describe('hostile query parameters', () => {
  for (const [name, value] of QUERIES) {
    const qs = `${name}=${encodeURIComponent(value)}`;

    it(`API ${qs} is a 400 problem naming ${name}`, async () => {
      const r = await get(`/api/v1/services?${qs}`);
      const p = assertProblem(r, 400, 'invalid-parameter');
      assert.deepEqual(p.errors.map((e) => e.name), [name]);
      assert.equal(typeof p.errors[0].reason, 'string');
    });

    it(`HTML ${qs} is a 400 page without raw markup`, async () => {
      const r = await get(`/services?${qs}`);
      assertHtmlError(r, 400);
      assert.doesNotMatch(r.text, RAW_SCRIPT);
    });
  }
});

describe('hostile path segments', () => {
  // One segment that reaches the service handler, which echoes the id in
  // its 404 detail: the page must show it escaped.
  const echoed = '"><script>alert(1)<';

  it('an echoed slug is escaped on the HTML 404 page', async () => {
    const r = await get(`/services/${encodeURIComponent(echoed)}`, { headers: { 'Accept-Language': 'en' } });
    assertHtmlError(r, 404);
    assert.doesNotMatch(r.text, RAW_SCRIPT);
    assert.ok(r.text.includes('&lt;script&gt;alert(1)&lt;'), 'the detail shows the id, escaped');
  });

  it('an echoed slug comes back as JSON data in the API problem', async () => {
    const p = assertProblem(await get(`/api/v1/services/${encodeURIComponent(echoed)}`), 404, 'not-found');
    assert.ok(p.detail.includes(echoed), p.detail);
  });

  it('<script>alert(1)</script> sent raw: 4xx HTML page without raw markup', async () => {
    const r = await request('/services/<script>alert(1)</script>');
    assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}`);
    assertHtmlError(r, r.status);
    assert.doesNotMatch(r.text, RAW_SCRIPT);
  });

  it('<script>alert(1)</script> percent-encoded: 4xx HTML page without raw markup', async () => {
    const r = await get(`/services/${encodeURIComponent('<script>alert(1)</script>')}`);
    assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}`);
    assertHtmlError(r, r.status);
    assert.doesNotMatch(r.text, RAW_SCRIPT);
  });

  it('<script>alert(1)</script> as an API slug: 4xx problem', async () => {
    const r = await get(`/api/v1/services/${encodeURIComponent('<script>alert(1)</script>')}`);
    assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}`);
    assertProblem(r, r.status, r.status === 404 ? 'not-found' : 'bad-request');
  });

  it('SQL in a slug is a 404, not a match', async () => {
    for (const slug of ["x' OR '1'='1", 'x%27%20OR%20%271%27%3D%271', '%25']) {
      const r = await get(`/api/v1/services/${encodeURIComponent(slug)}`);
      assertProblem(r, 404, 'not-found');
    }
  });
});

describe('hostile headers', () => {
  it('a hostile lang cookie and Accept-Language fall back to English', async () => {
    const r = await get('/services?per_page=1', {
      headers: { Cookie: "lang=<script>'; lang2=x", 'Accept-Language': "' OR 1=1--, <script>" },
    });
    assert.equal(r.status, 200);
    assert.equal(htmlLang(r.text), 'en');
    assert.doesNotMatch(r.text, /<script>'/);
  });

  it('a hostile Accept header is treated as a browser', async () => {
    const r = await get('/services?per_page=1', { headers: { Accept: "application/json;q=abc, text/html;q=<script>" } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  });

  it('a hostile X-Request-ID is never echoed', async () => {
    const r = await get('/api/v1/nope', { headers: { 'X-Request-ID': "'; DROP TABLE audit_log;--" } });
    assert.match(r.headers.get('x-request-id'), REQUEST_ID_RE);
  });
});

describe('nothing was stored', () => {
  it('row counts are unchanged after the hostile requests', { skip: NO_PSQL }, () => {
    // Runs last in this file (tests of a file run in order).
    assert.deepEqual(rowCounts(), before_counts);
  });
});

after(() => {
  if (HAS_PSQL) assert.ok(rowCounts().services > 0, 'the services table is still there and full');
});
