// state.test.mjs: 200 sequential requests to one program with alternating languages, cookies and ids leave nothing behind for the next request.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { get, htmlLang, navLabels, REQUEST_ID_RE } from './helpers.mjs';

/** Request i of the sequence: what it sends and which language it must get. */
function plan(i) {
  const kinds = [
    { headers: { 'Accept-Language': 'de' }, lang: 'de' },
    { headers: { 'Accept-Language': 'en' }, lang: 'en' },
    { headers: { Cookie: 'lang=de', 'Accept-Language': 'en' }, lang: 'de' },
    { headers: {}, lang: 'en' },
    { headers: { Cookie: 'lang=de' }, query: 'lang=en', lang: 'en', setsCookie: 'en' },
    { headers: { 'Accept-Language': 'en' }, query: 'lang=de', lang: 'de', setsCookie: 'de' },
    { headers: { Cookie: 'lang=en', 'Accept-Language': 'de' }, lang: 'en' },
  ];
  const k = kinds[i % kinds.length];
  // Both pages are served by the search program: the catalog and its 404 page.
  const path = i % 2 === 0 ? '/services' : '/no-such-page';
  const params = [i % 2 === 0 ? 'per_page=2' : null, k.query].filter(Boolean).join('&');
  const headers = { ...k.headers };
  if (i % 3 === 0) headers['X-Request-ID'] = `seq-${i}`;
  return { url: params ? `${path}?${params}` : path, headers, ...k, status: i % 2 === 0 ? 200 : 404 };
}

it('200 alternating requests: each answer matches its own request', async () => {
  const seen = new Set();
  for (let i = 0; i < 200; i++) {
    const p = plan(i);
    const r = await get(p.url, { headers: p.headers });
    const where = `request ${i} ${p.url} ${JSON.stringify(p.headers)}`;
    assert.equal(r.status, p.status, where);
    assert.equal(htmlLang(r.text), p.lang, `${where}: <html lang>`);
    assert.equal(r.headers.get('content-language'), p.lang, `${where}: Content-Language`);
    // English answers must carry English text, never a German catalog left over.
    if (p.lang === 'en') assert.equal(navLabels(r.text)[0], 'Catalog', `${where}: nav text`);
    const cookie = r.headers.get('set-cookie');
    if (p.setsCookie) assert.match(cookie ?? '', new RegExp(`^lang=${p.setsCookie};`), `${where}: Set-Cookie`);
    else assert.equal(cookie, null, `${where}: a Set-Cookie from an earlier request`);
    const id = r.headers.get('x-request-id');
    if (p.headers['X-Request-ID']) assert.equal(id, p.headers['X-Request-ID'], `${where}: echoed id`);
    else assert.match(id, REQUEST_ID_RE, `${where}: fresh id (not an earlier request's)`);
    assert.ok(!seen.has(id), `${where}: request id ${id} reused`);
    seen.add(id);
    assert.ok(r.text.includes(`<code>${id}</code>`), `${where}: page shows its own id`);
  }
});
