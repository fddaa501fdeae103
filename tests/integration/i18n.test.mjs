// i18n.test.mjs: language choice (Accept-Language, ?lang=, the lang cookie) and German pages and problems, checked against po/de.po.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get, htmlLang, currentNavText, navLabels, tr } from './helpers.mjs';

describe('Accept-Language', () => {
  it('de: <html lang="de"> and Content-Language: de', async () => {
    const r = await get('/services?per_page=1', { headers: { 'Accept-Language': 'de' } });
    assert.equal(r.status, 200);
    assert.equal(htmlLang(r.text), 'de');
    assert.equal(r.headers.get('content-language'), 'de');
  });

  it('de: the navigation is German (po/de.po)', async () => {
    const r = await get('/services?per_page=1', { headers: { 'Accept-Language': 'de' } });
    assert.equal(currentNavText(r.text), tr('de', 'Catalog'));
    assert.deepEqual(navLabels(r.text).slice(0, 1), [tr('de', 'Catalog')]);
    assert.ok(navLabels(r.text).includes(tr('de', 'Reports')));
  });

  it('en: English navigation and Content-Language: en', async () => {
    const r = await get('/services?per_page=1', { headers: { 'Accept-Language': 'en' } });
    assert.equal(htmlLang(r.text), 'en');
    assert.equal(r.headers.get('content-language'), 'en');
    assert.equal(currentNavText(r.text), 'Catalog');
  });

  const cases = [
    ['de-AT,de;q=0.9', 'de'],
    ['fr, de;q=0.8, en;q=0.5', 'de'],
    ['en, de;q=0.9', 'en'],
    ['de;q=0.4, en;q=0.6', 'en'],
    ['fr', 'en'],
    ['', 'en'],
  ];
  for (const [header, want] of cases) {
    it(`"${header}" picks ${want}`, async () => {
      const r = await get('/services?per_page=1', { headers: { 'Accept-Language': header } });
      assert.equal(htmlLang(r.text), want);
      assert.equal(r.headers.get('content-language'), want);
    });
  }
});

describe('?lang= and the lang cookie', () => {
  it('?lang=de sets lang=de (Path=/, SameSite=Lax, HttpOnly) and answers in German', async () => {
    const r = await get('/services?per_page=1&lang=de', { headers: { 'Accept-Language': 'en' } });
    assert.equal(r.status, 200);
    const cookie = r.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^lang=de;/);
    assert.match(cookie, /;\s*Path=\//);
    assert.match(cookie, /;\s*SameSite=Lax/);
    assert.match(cookie, /;\s*HttpOnly/);
    assert.equal(htmlLang(r.text), 'de');
  });

  it('the cookie makes the next request German, over Accept-Language', async () => {
    const r = await get('/services?per_page=1', { headers: { Cookie: 'lang=de', 'Accept-Language': 'en' } });
    assert.equal(htmlLang(r.text), 'de');
    assert.equal(r.headers.get('content-language'), 'de');
    assert.equal(r.headers.get('set-cookie'), null, 'the cookie is not sent again');
  });

  it('the cookie makes the next request German: German navigation', async () => {
    const r = await get('/services?per_page=1', { headers: { Cookie: 'lang=de' } });
    assert.equal(currentNavText(r.text), tr('de', 'Catalog'));
  });

  it('?lang=en overrides the cookie and resets it', async () => {
    const r = await get('/services?per_page=1&lang=en', { headers: { Cookie: 'lang=de' } });
    assert.equal(htmlLang(r.text), 'en');
    assert.match(r.headers.get('set-cookie') ?? '', /^lang=en;/);
  });

  it('an unsupported ?lang= or cookie is ignored', async () => {
    const r = await get('/services?per_page=1&lang=xx', { headers: { Cookie: 'lang=fr', 'Accept-Language': 'de' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('set-cookie'), null);
    assert.equal(htmlLang(r.text), 'de');
  });
});

describe('translated problems', () => {
  it('Accept-Language: de on /api/v1/nope gives the German title and detail', async () => {
    const r = await get('/api/v1/nope', { headers: { 'Accept-Language': 'de' } });
    assert.equal(r.status, 404);
    const p = r.json();
    assert.equal(p.type, '/problems/not-found');
    assert.equal(p.title, tr('de', 'Not found'));
    assert.equal(p.detail, tr('de', 'there is nothing at this address'));
  });

  it('the German error page has the German title', async () => {
    const r = await get('/nope', { headers: { 'Accept-Language': 'de' } });
    assert.equal(r.status, 404);
    assert.equal(htmlLang(r.text), 'de');
    assert.match(r.text, new RegExp(`<h1 id="error-title">${tr('de', 'Not found')}</h1>`));
  });

  it('English stays English', async () => {
    const p = (await get('/api/v1/nope', { headers: { 'Accept-Language': 'en' } })).json();
    assert.equal(p.title, 'Not found');
  });
});
