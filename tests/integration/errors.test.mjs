// errors.test.mjs: protocol errors: unknown routes, methods, malformed and invalid queries, oversized requests, path traversal, X-Request-ID handling.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  get, request, rawHttp, assertProblem, assertHtmlError, assertRefused, REQUEST_ID_RE, HTML_TYPE,
} from './helpers.mjs';

describe('unknown routes', () => {
  it('/api/v1/nope is a 404 problem', async () => {
    const p = assertProblem(await get('/api/v1/nope'), 404, 'not-found');
    assert.equal(p.instance, '/api/v1/nope');
    assert.equal(typeof p.detail, 'string');
  });

  it('/nope is a 404 HTML page', async () => {
    const r = await get('/nope', { headers: { 'Accept-Language': 'en' } });
    assertHtmlError(r, 404);
    assert.match(r.text, /<title>Not found · /);
  });

  it('/nope with Accept: application/json is a 404 problem', async () => {
    const p = assertProblem(await get('/nope', { headers: { Accept: 'application/json' } }), 404, 'not-found');
    assert.equal(p.instance, '/nope');
  });
});

describe('methods', () => {
  it('POST /services is 405 with Allow: GET, HEAD, OPTIONS', async () => {
    const r = await get('/services', {
      method: 'POST', body: 'a=b', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assertHtmlError(r, 405);
    assert.equal(r.headers.get('allow'), 'GET, HEAD, OPTIONS');
  });

  it('POST /api/v1/services is a 405 problem naming the method', async () => {
    const r = await get('/api/v1/services', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    const p = assertProblem(r, 405, 'method-not-allowed');
    assert.match(p.detail, /POST/);
    assert.equal(r.headers.get('allow'), 'GET, HEAD, OPTIONS');
  });

  it('DELETE on a service is 405', async () => {
    const r = await get('/api/v1/services/anything', { method: 'DELETE' });
    assertProblem(r, 405, 'method-not-allowed');
    assert.equal(r.headers.get('allow'), 'GET, HEAD, OPTIONS');
  });

  it('OPTIONS /services is 204 with Allow and no body', async () => {
    const r = await get('/services', { method: 'OPTIONS' });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('allow'), 'GET, HEAD, OPTIONS');
    assert.equal(r.text, '');
  });

  it('an unknown method (PROPFIND) is 405', async () => {
    const r = await request('/services', { method: 'PROPFIND' });
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'GET, HEAD, OPTIONS');
    const api = await request('/api/v1/services', { method: 'PROPFIND', headers: { Depth: '1' } });
    assertProblem(api, 405, 'method-not-allowed');
  });
});

describe('malformed and invalid queries', () => {
  for (const q of ['page=%zz', 'page=%', 'page=%4', 'a%zz=1']) {
    it(`${q} is a 400 (API problem and HTML page)`, async () => {
      const p = assertProblem(await get(`/api/v1/services?${q}`), 400, 'bad-request');
      assert.match(p.detail, /query/);
      assertHtmlError(await get(`/services?${q}`), 400);
    });
  }

  // Both reach the program: a UTF-16 surrogate and a 3-byte overlong "/".
  for (const q of ['category=%ED%A0%80', 'q=%E0%80%AF']) {
    it(`invalid UTF-8 ${q} is a 400 invalid-utf8 problem`, async () => {
      assertProblem(await get(`/api/v1/services?${q}`), 400, 'invalid-utf8');
      const h = await get(`/services?${q}`, { headers: { 'Accept-Language': 'en' } });
      assertHtmlError(h, 400);
      assert.match(h.text, /<h1 id="error-title">Invalid text encoding<\/h1>/);
    });
  }

  // lighttpd refuses %C0/%C1/%F5-%FF bytes itself, before any program
  // runs (defence in depth), with its own 400 page; bytes it lets through
  // get our problem answer (above).  Either way: 400, never stored.
  it('invalid UTF-8 q=%C0%AF is refused with 400', async () => {
    const r = await get('/api/v1/services?q=%C0%AF');
    assert.equal(r.status, 400);
    if ((r.headers.get('content-type') || '').includes('problem+json'))
      assertProblem(r, 400, 'invalid-utf8');
  });

  for (const q of ['category=a%00b', 'category=a%01b', 'category=%1b', 'category=a%7Fb']) {
    it(`control characters ${q} are refused with 400`, async () => {
      for (const path of [`/api/v1/services?${q}`, `/services?${q}`]) {
        const r = await get(path);
        assert.equal(r.status, 400, `${path} → ${r.status}`);
        assert.doesNotMatch(r.text, /Internal error/);
      }
    });
  }
});

describe('oversized requests', () => {
  // Routing runs before the body is read: a POST to a GET-only route is
  // refused with 405 whatever its size, so the 413 of the body reader
  // (max_body_bytes, 1 MiB) is not reachable on the catalog.  The point
  // here is that a 1.5 MiB body neither crashes nor reaches a handler.
  it('a 1.5 MiB POST to /api/v1/services is 405, not 500', async () => {
    const body = '{"x":"' + 'a'.repeat(1.5 * 1024 * 1024) + '"}';
    const r = await get('/api/v1/services', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
    assertProblem(r, 405, 'method-not-allowed');
  });

  it('a query string over 8 KiB is 414', async () => {
    const r = await get(`/api/v1/services?q=${'a'.repeat(9000)}`);
    assert.equal(r.status, 414, `got ${r.status} ${r.headers.get('content-type')}`);
    assertProblem(r, 414, 'uri-too-long');
  });

  it('a path over 2 KiB is 414 (HTML page)', async () => {
    assertHtmlError(await get(`/services/${'a'.repeat(3000)}`), 414);
  });

  it('a path over 2 KiB under /api/v1 is a 414 problem', async () => {
    assertProblem(await get(`/api/v1/services/${'a'.repeat(3000)}`), 414, 'uri-too-long');
  });
});

describe('path traversal', () => {
  const paths = [
    '/static/../../etc/passwd',
    '/static/%2e%2e/%2e%2e/etc/passwd',
    '/static/..%2f..%2fetc%2fpasswd',
    '/services/%2e%2e%2fetc',
    '/services/..%2f..%2fetc%2fpasswd',
    '/services/a%2fb',
    '/services/%2e%2e',
    '/services/.',
    '/api/v1/services/..%2f..%2fetc%2fpasswd',
  ];
  for (const p of paths) {
    it(`${p} is 400/404, never a file`, async () => {
      assertRefused(await request(p));
    });
  }
});

describe('X-Request-ID', () => {
  it('a valid id is echoed in the header, the problem and the page', async () => {
    const id = 'it-test_id.0123456789';
    const a = await get('/api/v1/nope', { headers: { 'X-Request-ID': id } });
    assert.equal(a.headers.get('x-request-id'), id);
    assert.equal(a.json().request_id, id);
    const h = await get('/services?per_page=1', { headers: { 'X-Request-ID': id } });
    assert.equal(h.headers.get('x-request-id'), id);
    assert.ok(h.text.includes(`<code>${id}</code>`));
  });

  it('without an id every answer gets a fresh 32-hex id', async () => {
    const a = (await get('/health/search')).headers.get('x-request-id');
    const b = (await get('/health/search')).headers.get('x-request-id');
    assert.match(a, REQUEST_ID_RE);
    assert.match(b, REQUEST_ID_RE);
    assert.notEqual(a, b);
  });

  it('a 100-character id is replaced', async () => {
    const id = 'x'.repeat(100);
    const r = await get('/health/search', { headers: { 'X-Request-ID': id } });
    assert.match(r.headers.get('x-request-id'), REQUEST_ID_RE);
  });

  it('ids with markup or spaces are replaced', async () => {
    for (const id of ['<script>', 'a b', 'a;b', 'ä']) {
      const r = await request('/health/search', { headers: { 'X-Request-ID': Buffer.from(id).toString('latin1') } });
      assert.match(r.headers.get('x-request-id') ?? '', REQUEST_ID_RE, `id ${JSON.stringify(id)}`);
    }
  });

  // fetch refuses CR/LF in header values, so these go over a raw socket.
  const raw = (h) => `GET /health/search HTTP/1.1\r\nHost: 127.0.0.1\r\n${h}Connection: close\r\n\r\n`;
  const noInjectedCookie = (res) => {
    const cookies = res.headers.filter(([n]) => n === 'set-cookie').map(([, v]) => v);
    assert.ok(!cookies.some((v) => /^x=1\b/.test(v)), `injected cookie in:\n${res.head}`);
    assert.ok(!/\r\nSet-Cookie:\s*x=1/i.test(res.head));
  };
  const requestIds = (res) => res.headers.filter(([n]) => n === 'x-request-id').map(([, v]) => v);

  it('a folded header "abc\\r\\n Set-Cookie: x=1" gets no cookie and a fresh id', async () => {
    const res = await rawHttp(raw('X-Request-ID: abc\r\n Set-Cookie: x=1\r\n'));
    assert.equal(res.status, 200, res.head);
    noInjectedCookie(res);
    const ids = requestIds(res);
    assert.equal(ids.length, 1);
    assert.match(ids[0], REQUEST_ID_RE);
  });

  it('a percent-encoded CRLF id gets no cookie and a fresh id', async () => {
    const res = await rawHttp(raw('X-Request-ID: abc%0d%0aSet-Cookie:%20x=1\r\n'));
    assert.equal(res.status, 200, res.head);
    noInjectedCookie(res);
    assert.match(requestIds(res)[0], REQUEST_ID_RE);
  });

  it('bare CR or LF inside the header never injects a header', async () => {
    for (const h of ['X-Request-ID: abc\rSet-Cookie: x=1\r\n', 'X-Request-ID: abc\nSet-Cookie: x=1\r\n']) {
      const res = await rawHttp(raw(h));
      assert.ok(res.status === 200 || res.status === 400, `status ${res.status}`);
      noInjectedCookie(res);
      for (const id of requestIds(res)) assert.match(id, REQUEST_ID_RE);
    }
  });

  // A real CRLF ends the header: "abc" is then a valid id of its own and a
  // request header "Set-Cookie" is just ignored, never reflected.
  it('"abc\\r\\nSet-Cookie: x=1" sends two request headers; none is reflected', async () => {
    const res = await rawHttp(raw('X-Request-ID: abc\r\nSet-Cookie: x=1\r\n'));
    assert.equal(res.status, 200, res.head);
    noInjectedCookie(res);
    assert.deepEqual(requestIds(res), ['abc']);
  });
});

describe('error pages are complete pages', () => {
  it('a 405 page carries the portal frame and security headers', async () => {
    const r = await get('/services', { method: 'POST', body: 'x=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.headers.get('content-type'), HTML_TYPE);
    assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
    assert.match(r.text, /<header class="site-header">/);
  });
});
