// helpers.mjs: configuration (BASE_URL, PSQL) and the HTTP, SQL, HTML and gettext helpers the integration tests share.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';

export const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const base = new URL(BASE_URL);
const PSQL_CMD = process.env.PSQL && process.env.PSQL.trim() !== ''
  ? process.env.PSQL.trim().split(/\s+/) : null;

/** True when PSQL is set: database cross-checks run, otherwise they are skipped. */
export const HAS_PSQL = PSQL_CMD !== null;
export const NO_PSQL = HAS_PSQL ? false : 'PSQL is not set';

export const REQUEST_ID_RE = /^[0-9a-f]{32}$/;
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const SLUG_RE = /^[a-z0-9][a-z0-9._-]*$/;
export const CSS_TYPE = /^text\/css\b/;
export const HTML_TYPE = 'text/html; charset=utf-8';

/* ---------- HTTP ---------- */

/**
 * GET (or another method) through global fetch; redirects are not followed.
 * Returns { status, headers (a Headers), text, json() }.
 */
export async function get(path, { method = 'GET', headers = {}, body } = {}) {
  let res;
  try {
    res = await fetch(BASE_URL + path, { method, headers, body, redirect: 'manual' });
  } catch (e) {
    // A kept-alive connection the server closed while this process was
    // blocked (execFileSync of psql or marketctl keeps the client from
    // retiring idle sockets in time): the request never reached the
    // server, so it is sent once more on a fresh connection.
    if (!/^(UND_ERR_SOCKET|ECONNRESET|EPIPE)$/.test(e.cause?.code ?? '')) throw e;
    res = await fetch(BASE_URL + path, { method, headers, body, redirect: 'manual' });
  }
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

export async function getJson(path, headers = {}) {
  const r = await get(path, { headers });
  assert.equal(r.status, 200, `GET ${path} → ${r.status}: ${r.text.slice(0, 300)}`);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json\b/, `GET ${path} content type`);
  return r.json();
}

/**
 * One request through node:http with the target sent verbatim (fetch
 * would normalise "..", "%2e%2e" and the like) and any method or header.
 * Same result shape as get().
 */
export function request(path, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: base.hostname, port: base.port || 80, method, path, headers, agent: false,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode, headers: h, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.setTimeout(20000, () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/**
 * Writes raw bytes on a fresh TCP connection and returns the parsed head of
 * the answer: { status, head (raw text), headers: [[name, value], …] }.
 */
export function rawHttp(bytes) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(base.port || 80), base.hostname, () => sock.write(bytes));
    const chunks = [];
    const finish = () => {
      const all = Buffer.concat(chunks).toString('latin1');
      const head = all.split('\r\n\r\n')[0];
      const lines = head.split('\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
      const headers = lines.slice(1).map((l) => {
        const i = l.indexOf(':');
        return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()];
      });
      resolve({ status: m ? Number(m[1]) : 0, head, headers });
    };
    sock.on('data', (c) => chunks.push(c));
    sock.on('end', finish);
    sock.on('error', (e) => (chunks.length ? finish() : reject(e)));
    sock.setTimeout(10000, () => { sock.destroy(); finish(); });
  });
}

/* ---------- Assertions on answers ---------- */

/** The answer is an RFC 9457 problem of the product; returns the parsed body. */
export function assertProblem(r, status, type) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text.slice(0, 300)}`);
  assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json\b/,
    `content type of a ${status} problem (body starts: ${r.text.slice(0, 120)})`);
  const p = r.json();
  assert.equal(p.type, `/problems/${type}`);
  assert.equal(p.status, status);
  assert.equal(typeof p.title, 'string');
  assert.ok(p.title.length > 0, 'problem title is empty');
  assert.equal(typeof p.instance, 'string');
  assert.equal(p.request_id, r.headers.get('x-request-id'), 'request_id equals the X-Request-ID header');
  return p;
}

/** The answer is the product's HTML error page for this status. */
export function assertHtmlError(r, status) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}`);
  assert.equal(r.headers.get('content-type'), HTML_TYPE);
  assert.match(r.text, /<html\b[^>]*\blang="[a-z]{2}"/);
  assert.match(r.text, new RegExp(`class="error-code">(?:<span[^>]*>[^<]*</span>)?${status}<`),
    'the page shows the status code');
  const id = r.headers.get('x-request-id');
  assert.match(id ?? '', /^[A-Za-z0-9._-]+$/);
  assert.ok(r.text.includes(`<code>${id}</code>`), 'the page shows the request id');
}

/** Never a server error, never a success, never file contents. */
export function assertRefused(r, allowed = [400, 404]) {
  assert.ok(allowed.includes(r.status), `expected one of ${allowed}, got ${r.status}`);
  assert.doesNotMatch(r.text, /root:.*:0:0:/, 'file contents leaked');
}

/* ---------- HTML ---------- */

export function htmlLang(html) {
  const m = /<html\b[^>]*\blang="([^"]*)"/.exec(html);
  return m ? m[1] : null;
}

export function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos|nbsp);/gi, (all, e) => {
    const k = e.toLowerCase();
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'amp') return '&';
    if (k === 'quot') return '"';
    if (k === 'apos') return "'";
    if (k === 'nbsp') return '\u00a0';
    return String.fromCodePoint(k.startsWith('#x') ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10));
  });
}

/** Rows of the first <tbody> of the page. */
export function tbodyRows(html) {
  const m = /<tbody>([\s\S]*?)<\/tbody>/.exec(html);
  return m ? [...m[1].matchAll(/<tr\b[\s\S]*?<\/tr>/g)].map((x) => x[0]) : [];
}

/** Slugs of the services listed on a catalog page, in order. */
export function listedSlugs(html) {
  return [...html.matchAll(/<a class="service-name" href="\/services\/([^"]+)"/g)].map((m) => decodeEntities(m[1]));
}

/** Text of the primary-navigation link marked as the current section. */
export function currentNavText(html) {
  const nav = /<nav class="primary-nav"[\s\S]*?<\/nav>/.exec(html);
  const m = nav && /aria-current="page">([^<]*)</.exec(nav[0]);
  return m ? decodeEntities(m[1]) : null;
}

/** Every primary-navigation label, in order. */
export function navLabels(html) {
  const nav = /<nav class="primary-nav"[\s\S]*?<\/nav>/.exec(html);
  return nav ? [...nav[0].matchAll(/<a href="[^"]*"[^>]*>([^<]*)</g)].map((m) => decodeEntities(m[1])) : [];
}

/* ---------- PostgreSQL ---------- */

/** Runs one SQL statement through $PSQL; returns its trimmed output (null without PSQL). */
export function sql(query) {
  if (!HAS_PSQL) return null;
  return execFileSync(PSQL_CMD[0], [...PSQL_CMD.slice(1), '-c', query], { encoding: 'utf8' }).trim();
}

export const WATCHED_TABLES = ['services', 'providers', 'organizations', 'users', 'audit_log', 'outbox'];

/** { table: row count } for the tables hostile requests must never change. */
export function rowCounts() {
  const out = sql(`SELECT ${WATCHED_TABLES.map((t) => `(SELECT count(*) FROM ${t})`).join(', ')}`);
  const n = out.split('|').map(Number);
  assert.equal(n.length, WATCHED_TABLES.length, `unexpected psql output: ${out}`);
  return Object.fromEntries(WATCHED_TABLES.map((t, i) => [t, n[i]]));
}

export function listedServiceCount() {
  // What an anonymous visitor may see: public services only.
  return Number(sql("SELECT count(*) FROM services WHERE status IN ('active', 'deprecated') AND compliance_level = 'public'"));
}

/* ---------- Translations (po/*.po, the catalogs the programs compile) ---------- */

const poCache = new Map();

function poString(lines) {
  return lines.map((l) => JSON.parse(l.replace(/^(msgid|msgstr)\s+/, ''))).join('');
}

/** msgid → msgstr of po/<lang>.po (translated, non-fuzzy entries only). */
export function poMessages(lang) {
  if (poCache.has(lang)) return poCache.get(lang);
  const text = readFileSync(new URL(`../../po/${lang}.po`, import.meta.url), 'utf8');
  const map = new Map();
  for (const block of text.split(/\n\s*\n/)) {
    if (/^#,.*\bfuzzy\b/m.test(block)) continue;
    const lines = block.split('\n').filter((l) => !l.startsWith('#'));
    let cur = null;
    const parts = { msgid: [], msgstr: [] };
    for (const l of lines) {
      if (l.startsWith('msgid ')) cur = 'msgid';
      else if (l.startsWith('msgstr ')) cur = 'msgstr';
      else if (!l.startsWith('"')) { cur = null; continue; }
      if (cur) parts[cur].push(l);
    }
    if (!parts.msgid.length || !parts.msgstr.length) continue;
    const id = poString(parts.msgid);
    const str = poString(parts.msgstr);
    if (id !== '' && str !== '') map.set(id, str);
  }
  poCache.set(lang, map);
  return map;
}

/** The translation of msgid in po/<lang>.po; fails the test when there is none. */
export function tr(lang, msgid) {
  const s = poMessages(lang).get(msgid);
  assert.ok(s, `po/${lang}.po has no translation of "${msgid}"`);
  return s;
}
