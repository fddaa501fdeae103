#!/usr/bin/env node
// bench/scale.mjs: the measurement half of the scale benchmark (issue 5,
// "Scale and speed"); bench/scale.sh loads the services and runs it.
//
// Against a running stack whose catalog holds synthetic services
// (bench/generate.sql), per query class (rare, medium, common, multi-word,
// facet filters, facet counts, typeahead, typo):
//   * the real HTTP API, p50/p95/p99, 2 clients, every request a cache
//     miss (memcached is emptied with flush_all right before each request,
//     untimed);
//   * in the same run, in SQL through psql (\timing: the client's time
//     from sending the statement to the last row, over the Unix socket;
//     psql's own overhead is about 0.1 ms): the plain approach
//     (WHERE search_vector @@ q ORDER BY ts_rank_cd DESC LIMIT 20, q the
//     tsquery of search_query() computed once, as a constant), its exact
//     count(*), and the exact, uncapped blended ranking
//     search_rank_exact();
//   * SQLite FTS5 on the same rows (bench/fts5.py): bm25 top 20 and count;
//   * ranking agreement: the share of the API's top 20 that is in the exact
//     blended top 20 (search_rank_exact(q, 0, 20)), overall and per class;
//   * index sizes and the load's step times (bench.load_log).
// The query words are chosen from the generated vocabulary by their real
// document frequency in this database, so the classes mean the same at
// 100,000 and at 1,000,000 services.  Figures are printed, never asserted;
// a JSON copy goes to $MKT_STATE/bench/scale-<time>.json.
//
// Environment: MKT_STATE (./var), MKT_HTTP_PORT (8080), MKT_PG_PORT
// (15432), MKT_MC_PORT (11311), BASE_URL, RUNS (API requests per class,
// 100), SQL_RUNS (runs of each SQL statement, 5), FTS_RUNS (runs of each
// FTS5 query, 20), CLIENTS (2), SKIP_FTS=1, SKIP_SQL=1, URLS_FILE (write
// the query set's URLs there and stop).
import { spawn, execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STATE = path.resolve(process.env.MKT_STATE || path.join(SRC, 'var'));
const HTTP_PORT = process.env.MKT_HTTP_PORT || '8080';
const PG_PORT = process.env.MKT_PG_PORT || '15432';
const MC_PORT = Number(process.env.MKT_MC_PORT || 11311);
const BASE = (process.env.BASE_URL || `http://127.0.0.1:${HTTP_PORT}`).replace(/\/+$/, '');
const RUNS = Number(process.env.RUNS || 100);
const SQL_RUNS = Number(process.env.SQL_RUNS || 5);
const FTS_RUNS = Number(process.env.FTS_RUNS || 20);
const CLIENTS = Number(process.env.CLIENTS || 2);
const OUT = path.join(STATE, 'bench');
const PSQL = ['-X', '-q', '-h', path.join(STATE, 'run'), '-p', PG_PORT,
  '-U', 'marketplace', '-d', 'marketplace', '-v', 'ON_ERROR_STOP=1'];
fs.mkdirSync(OUT, { recursive: true });

const log = (...a) => console.error(`${new Date().toISOString().slice(11, 19)}`, ...a);
const lit = (s) => `'${String(s).replace(/'/g, "''")}'`;
const sql = (q) => execFileSync('psql', [...PSQL, '-A', '-t', '-c', q],
  { encoding: 'utf8', maxBuffer: 1 << 28 }).trim();
const sqlJson = (q) => JSON.parse(sql(`SELECT coalesce(json_agg(x), '[]') FROM (${q}) x`));
const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
};
const stats = (xs) => ({ n: xs.length, p50: pct(xs, 0.5), p95: pct(xs, 0.95), p99: pct(xs, 0.99) });
const f1 = (x) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : '—');
const n0 = (x) => (x == null ? '—' : Number(x).toLocaleString('en-US'));

// ---- the database: what is there ----

const total = Number(sql("SELECT count(*) FROM services WHERE status IN ('active', 'deprecated')"));
const synthetic = Number(sql("SELECT count(*) FROM services WHERE slug ~ '^syn-[0-9]{7}$'"));
const hasVocab = sql("SELECT to_regclass('bench.vocab') IS NOT NULL") === 't';
log(`${n0(total)} listed services (${n0(synthetic)} synthetic)`);

// The exact, uncapped blended ranking (0010_search_scale.sql).
const exactSql = (q, k) => `SELECT id::text, score FROM search_rank_exact(${lit(q)}, 0, ${k})`;

// ---- HTTP: one client = one keep-alive connection (undici) + memcached ----

class McFlusher {
  constructor() { this.ok = true; this.waiting = null; this.buf = ''; }
  async open() {
    await new Promise((res) => {
      this.sock = net.createConnection({ host: '127.0.0.1', port: MC_PORT }, res);
      this.sock.on('error', () => { this.ok = false; res(); if (this.waiting) this.waiting(); });
      this.sock.on('data', (d) => {
        this.buf += d;
        if (this.buf.includes('\r\n') && this.waiting) { this.buf = ''; const w = this.waiting; this.waiting = null; w(); }
      });
    });
    return this;
  }
  flush() {
    if (!this.ok) return Promise.resolve();
    return new Promise((res) => { this.waiting = res; this.sock.write('flush_all\r\n'); });
  }
  close() { if (this.sock) this.sock.destroy(); }
}

// A keep-alive connection the server closed while idle fails once: ask
// again on a new one.
const fetchRetry = (url) => fetch(url).catch(() => fetch(url));

async function getJson(url) {
  const r = await fetchRetry(url);
  const body = await r.text();
  let json = null;
  try { json = JSON.parse(body); } catch { /* an error page */ }
  return { status: r.status, json };
}

// Runs `runs` requests over the class's URLs (round robin) with CLIENTS
// concurrent clients; each request preceded by an untimed cache flush.
async function measureHttp(urls, runs) {
  const ms = [];
  const errors = {};
  let next = 0;
  const client = async () => {
    const mc = await new McFlusher().open();
    let k = 0;
    while (true) {
      const i = next++;
      if (i >= runs) break;
      let url = urls[i % urls.length];
      // Without memcached, another page size each time misses the cache.
      if (!mc.ok) url = url.replace(/per_page=(\d+)/, (_, n) => `per_page=${Number(n) + (k++ % 7)}`);
      await mc.flush();
      let t = performance.now();
      let status;
      try {
        let r;
        try { r = await fetch(url); } catch {
          // the server closed an idle connection: time the new attempt
          t = performance.now();
          r = await fetch(url);
        }
        await r.arrayBuffer();
        status = r.status;
      } catch (e) { status = 'fetch failed'; }
      ms.push(performance.now() - t);
      if (status !== 200) errors[status] = (errors[status] || 0) + 1;
    }
    mc.close();
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  return { ms, errors };
}

// ---- SQL through psql \timing, CLIENTS sessions at once ----

async function measureSql(stmts, runs) {
  // stmts: [{key, sql}]; each run `runs` times, interleaved, dealt out to
  // the clients.  A marker line before each statement names it.
  const jobs = [];
  for (let r = 0; r < runs; r++) stmts.forEach((s, i) => jobs.push(i));
  const per = Array.from({ length: CLIENTS }, () => []);
  jobs.forEach((j, n) => per[n % CLIENTS].push(j));
  const times = stmts.map(() => []);
  const errors = stmts.map(() => 0);
  await Promise.all(per.map((list) => new Promise((resolve, reject) => {
    const p = spawn('psql', [...PSQL.filter((a) => a !== 'ON_ERROR_STOP=1'), '-v', 'ON_ERROR_STOP=0'],
      { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', () => {
      let cur = null;
      for (const line of out.split('\n')) {
        const m = line.match(/^@@(\d+)$/);
        if (m) { if (cur !== null) errors[cur]++; cur = Number(m[1]); continue; }
        const t = line.match(/^Time: ([\d.]+) ms/);
        if (t && cur !== null) { times[cur].push(Number(t[1])); cur = null; }
      }
      if (cur !== null) errors[cur]++;
      if (err.trim()) log('psql:', err.trim().split('\n').slice(0, 3).join(' | '));
      resolve();
    });
    p.on('error', reject);
    p.stdin.write("SET statement_timeout = '120s';\n\\o /dev/null\n\\timing on\n");
    for (const i of list) p.stdin.write(`\\echo @@${i}\n${stmts[i].sql};\n`);
    p.stdin.end();
  })));
  return { times, errors };
}

// ---- the query set, from the real document frequencies ----

log('choosing the query words by their document frequency');
const synonyms = new Set(sqlJson('SELECT term FROM search_synonyms').map((r) => r.term));
// Words the search reads as filters (cgi/lib/nlquery.c) are not text
// queries; the API's "understood" list catches the rest below.
const reserved = new Set(('embeddings embedding vector stt transcription moderation rerank reranker reranking llm llms ' +
  'german english french multilingual deutsch vision reasoning confidential internal public soc2 hipaa gdpr ' +
  'long context syn model models').split(' '));
// The text query as a tsquery constant, computed once: search_query()
// (websearch syntax, synonyms by ts_rewrite) costs a query of its own, and
// written into the plain statement it would run again for every row.
const tsqCache = new Map();
const tsq = (q) => {
  if (!tsqCache.has(q)) tsqCache.set(q, `${lit(sql(`SELECT search_query(${lit(q)})::text`))}::tsquery`);
  return tsqCache.get(q);
};
const exactCount = (q) => Number(sql(`SELECT count(*) FROM services WHERE search_vector @@ ${tsq(q)}`));

let pool = [];
if (hasVocab) {
  const sampleRows = Math.min(total, 20000);
  const pctSample = Math.min(100, (100 * sampleRows) / Math.max(1, total + 1));
  pool = sqlJson(`
    WITH lex AS (
      SELECT v.word, v.rank, v.kind, (SELECT min(lexeme) FROM unnest(to_tsvector('english', v.word))) AS lexeme,
             (SELECT count(*) FROM unnest(to_tsvector('english', v.word))) AS nlex
      FROM bench.vocab v),
    st AS (SELECT word AS lexeme, ndoc FROM ts_stat(
      'SELECT search_vector FROM services TABLESAMPLE SYSTEM (${pctSample.toFixed(3)}) REPEATABLE (7)'))
    SELECT l.word, l.rank, l.kind, coalesce(st.ndoc, 0)::float8 * ${total} / greatest(1, (SELECT count(*)
             FROM services TABLESAMPLE SYSTEM (${pctSample.toFixed(3)}) REPEATABLE (7))) AS est
    FROM lex l LEFT JOIN st USING (lexeme)
    WHERE l.nlex = 1 AND l.word ~ '^[a-z]{4,}$'
    ORDER BY l.rank`);
}
pool = pool.filter((w) => !synonyms.has(w.word) && !reserved.has(w.word));

// Evenly spread picks from a list.
const spread = (xs, k) => (xs.length <= k ? xs : Array.from({ length: k }, (_, i) => xs[Math.floor((i * (xs.length - 1)) / (k - 1))]));
const inRange = (lo, hi) => (w) => w.est >= lo && w.est < hi;
const real = (w) => w.kind === 'head' || w.kind === 'word';
const common = spread(pool.filter(inRange(0.10 * total, Infinity)).sort((a, b) => b.est - a.est), 5).map((w) => w.word);
// Medium: real and invented words, each verified by its exact count.
const medLo = Math.max(0.001 * total, 100);
const medHi = 0.10 * total;
const medium = [];
for (const kindOk of [real, (w) => !real(w)]) {
  const cands = spread(pool.filter((w) => kindOk(w) && w.est >= medLo * 1.5 && w.est < medHi * 0.8)
    .sort((a, b) => b.est - a.est), 6);
  let got = 0;
  for (const w of cands) {
    if (got >= 3) break;
    const n = exactCount(w.word);
    if (n >= medLo && n < medHi) { medium.push(w.word); got++; }
  }
}
let rare = [];
for (const w of pool.filter((w) => w.rank > 12000 && w.rank % 211 === 0)) {
  if (rare.length >= 4) break;
  const n = exactCount(w.word);
  if (n >= 1 && n <= 100) rare.push(w.word);
}
// Rare words of the real demo catalog too.
for (const w of ['sonnet', 'codestral', 'haiku', 'jamba', 'gpt-4o']) {
  if (rare.length >= 6) break;
  const n = exactCount(w);
  if (n >= 1 && n <= 100) rare.push(w);
}
if (common.length < 3 || medium.length < 3) {
  console.error('not enough generated vocabulary to choose from: load services with bench/generate.sql first');
  process.exit(1);
}
const c = (i) => common[i % common.length];
const m = (i) => medium[i % medium.length];
// Several words: real words together, as people type them; only
// combinations that find something.
const realMed = pool.filter((w) => real(w) && w.est >= medLo && w.est < medHi).sort((a, b) => b.est - a.est).map((w) => w.word);
const rm = (i) => realMed[i % Math.max(1, realMed.length)] || m(i);
const multi = [`${c(0)} ${c(1)}`, `${c(1)} ${rm(0)}`, `${c(2)} ${rm(3)}`, `${c(0)} ${c(3)} ${rm(1)}`,
  `${rm(2)} ${rm(5)}`, `${c(4)} ${rm(7)}`, `${rm(4)} ${rm(9)}`, `${m(3)} ${c(2)}`]
  .filter((q) => exactCount(q) >= 1).slice(0, 5);
// Typos: a letter left out of a real word of the catalog.
const misspell = (w) => w.slice(0, 3) + w.slice(4);
const typo = [...spread(realMed.filter((w) => w.length >= 7), 6), ...common.filter((w) => w.length >= 7)]
  .map(misspell).filter((w) => exactCount(w) < 3).slice(0, 5);
if (typo.length === 0) typo.push('summarizaton');
const prefixes = [...new Set([c(0).slice(0, 3), c(1).slice(0, 2), m(0).slice(0, 3), m(1).slice(0, 4),
  'lla', 'qw', 'whi', 'bge', 'cla', 'gpt'])];

const api = (q, extra = '', per = 20) => `${BASE}/api/v1/services?per_page=${per}${q ? `&q=${encodeURIComponent(q)}` : ''}${extra}`;
const classes = [
  { name: 'rare', text: rare.map((q) => ({ q })) },
  { name: 'medium', text: medium.map((q) => ({ q })) },
  { name: 'common', text: common.map((q) => ({ q })) },
  { name: 'multi-word', text: multi.map((q) => ({ q })) },
  { name: 'facet filters', text: [
    { q: c(1), f: { tag: 'function-calling' } },
    { q: m(0), f: { max_price: '1' } },
    { q: c(2), f: { min_context: '128000' } },
    { q: c(0), f: { residency: 'EU' } },
    { q: m(1), f: { tag: 'vision', max_price: '5', residency: 'DE' } },
    { q: '', f: { tag: 'reasoning', residency: 'EU', min_context: '128000' } }] },
  { name: 'facet counts', per: 1, text: [c(0), c(1), c(2), m(0)].map((q) => ({ q })) },
  { name: 'typeahead', suggest: prefixes },
  { name: 'typo', text: typo.map((q) => ({ q })) },
];
const fq = (f) => Object.entries(f || {}).map(([k, v]) => `&${k}=${encodeURIComponent(v)}`).join('');
for (const k of classes) {
  k.urls = k.suggest
    ? k.suggest.map((p) => `${BASE}/api/v1/services/suggest?q=${encodeURIComponent(p)}`)
    : k.text.map((t) => api(t.q, fq(t.f), k.per || 20));
}

// Exact match counts, and what the API made of each query (a query read
// as filters would measure something else: it is dropped and said so).
log('counting matches and checking how the API reads each query');
const dropped = [];
for (const k of classes.filter((k) => k.text)) {
  for (const t of k.text) {
    t.matches = t.q ? exactCount(t.q) : null;
    const r = await getJson(api(t.q, fq(t.f), 1));
    t.http = r.status;
    t.total = r.json?.page?.total_items;
    t.understood = r.json?.understood?.length ? r.json.understood : null;
    t.didYouMean = r.json?.did_you_mean?.q || null;
  }
  const keep = k.text.filter((t) => !(t.understood && !t.f));
  for (const t of k.text) if (!keep.includes(t)) dropped.push(`${k.name}: "${t.q}" (read as ${JSON.stringify(t.understood)})`);
  k.text = keep;
  k.urls = k.text.map((t) => api(t.q, fq(t.f), k.per || 20));
}

console.log(`\nScale benchmark: ${n0(total)} listed services (${n0(synthetic)} synthetic), ${CLIENTS} clients, ${BASE}`);
console.log('\nQuery set (matches: exact count of search_vector @@ search_query(q), all services; API total: as the API reports it to an anonymous reader):');
for (const k of classes) {
  if (k.suggest) { console.log(`  ${k.name.padEnd(14)} prefixes ${k.suggest.map((p) => `"${p}"`).join(', ')}`); continue; }
  for (const t of k.text) {
    console.log(`  ${k.name.padEnd(14)} ${JSON.stringify(t.q)}${t.f ? ` + ${fq(t.f).slice(1)}` : ''}`.padEnd(74) +
      ` matches ${n0(t.matches).padStart(9)}  API total ${n0(t.total).padStart(9)}${t.http !== 200 ? `  HTTP ${t.http}` : ''}${t.didYouMean ? `  did you mean "${t.didYouMean}"` : ''}`);
  }
}
for (const d of dropped) console.log(`  dropped, read as filters: ${d}`);

// URLS_FILE=path: write each class's URLs there (a line each: class,
// tab, URL) and stop, for profiling one request at a time.
if (process.env.URLS_FILE) {
  fs.writeFileSync(process.env.URLS_FILE, classes.flatMap((k) => k.urls.map((u) => `${k.name}\t${u}\n`)).join(''));
  process.exit(0);
}

// ---- 1. the HTTP API ----

const results = { total, synthetic, clients: CLIENTS, base: BASE, classes: {} };
// The floor: what any request costs through lighttpd and FastCGI (the
// health check reads the database once).
log(`HTTP: floor, /health/search (${RUNS} requests)`);
results.floor = stats((await measureHttp([`${BASE}/health/search`], RUNS)).ms);
for (const k of classes) {
  log(`HTTP: ${k.name} (${RUNS} requests)`);
  // Warm-up: one request per URL, untimed (plans, connections).
  for (const u of k.urls) await fetchRetry(u).then((r) => r.arrayBuffer()).catch(() => {});
  const r = await measureHttp(k.urls, RUNS);
  results.classes[k.name] = { api: stats(r.ms), apiErrors: r.errors, queries: k.text || k.suggest };
}

// ---- 2. SQL: the plain approach, exact counts, the exact blend ----

const plainTop = (q) => `SELECT id FROM services WHERE search_vector @@ ${tsq(q)} ORDER BY ts_rank_cd(search_vector, ${tsq(q)}) DESC LIMIT 20`;
const plainCount = (q) => `SELECT count(*) FROM services WHERE search_vector @@ ${tsq(q)}`;
const filterWhere = (f) => [
  f.tag ? `AND ${lit(f.tag)} = ANY(s.tags)` : '',
  f.max_price ? `AND v.input_price_per_mtok <= ${Number(f.max_price)}` : '',
  f.min_context ? `AND v.context_window >= ${Number(f.min_context)}` : '',
  f.residency ? `AND residency_matches(s.data_residency, ${lit(f.residency)})` : ''].join(' ');
const plainFiltered = (t) => `SELECT s.id FROM services s LEFT JOIN service_versions v ON v.id = s.current_version_id
  WHERE ${t.q ? `s.search_vector @@ ${tsq(t.q)}` : 'true'} ${filterWhere(t.f)}
  ORDER BY ${t.q ? `ts_rank_cd(s.search_vector, ${tsq(t.q)}) DESC` : 's.name'} LIMIT 20`;
const plainFilteredCount = (t) => `SELECT count(*) FROM services s LEFT JOIN service_versions v ON v.id = s.current_version_id
  WHERE ${t.q ? `s.search_vector @@ ${tsq(t.q)}` : 'true'} ${filterWhere(t.f)}`;
// Facet counts the plain way: every facet counted over the whole match set.
const plainFacets = (q) => `WITH m AS MATERIALIZED (SELECT s.category, s.tags, s.provider_id, s.compliance_level,
    v.input_price_per_mtok AS price, v.context_window AS ctx
  FROM services s LEFT JOIN service_versions v ON v.id = s.current_version_id
  WHERE s.search_vector @@ ${tsq(q)})
  SELECT (SELECT json_agg(x) FROM (SELECT category, count(*) FROM m GROUP BY 1) x),
         (SELECT json_agg(x) FROM (SELECT t, count(*) FROM m, unnest(m.tags) t GROUP BY 1 ORDER BY 2 DESC LIMIT 12) x),
         (SELECT json_agg(x) FROM (SELECT provider_id, count(*) FROM m GROUP BY 1 ORDER BY 2 DESC LIMIT 12) x),
         (SELECT json_agg(x) FROM (SELECT compliance_level, count(*) FROM m GROUP BY 1) x),
         (SELECT json_agg(x) FROM (SELECT b, count(*) FROM m, (VALUES (0.1), (1), (5), (20)) p (b) WHERE price <= b GROUP BY 1) x),
         (SELECT json_agg(x) FROM (SELECT b, count(*) FROM m, (VALUES (32000), (128000), (200000), (1000000)) c (b) WHERE ctx >= b GROUP BY 1) x)`;
const plainPrefix = (p) => `SELECT name FROM services WHERE lower(name) LIKE ${lit(p.toLowerCase() + '%')} ORDER BY name LIMIT 8`;

if (!process.env.SKIP_SQL) {
  for (const k of classes) {
    const stmts = [];
    if (k.suggest) {
      for (const p of k.suggest) stmts.push({ kind: 'plain', sql: plainPrefix(p) });
    } else if (k.name === 'facet filters') {
      for (const t of k.text) { stmts.push({ kind: 'plain', sql: plainFiltered(t) }); stmts.push({ kind: 'count', sql: plainFilteredCount(t) }); }
    } else if (k.name === 'facet counts') {
      for (const t of k.text) stmts.push({ kind: 'plain', sql: plainFacets(t.q) });
    } else {
      for (const t of k.text) {
        stmts.push({ kind: 'plain', sql: plainTop(t.q) });
        stmts.push({ kind: 'count', sql: plainCount(t.q) });
        stmts.push({ kind: 'exact', sql: exactSql(t.q, 20) });
      }
    }
    log(`SQL: ${k.name} (${stmts.length} statements x ${SQL_RUNS})`);
    const r = await measureSql(stmts, SQL_RUNS);
    const by = (kind) => stmts.flatMap((s, i) => (s.kind === kind ? r.times[i] : []));
    const res = results.classes[k.name];
    res.plain = stats(by('plain'));
    res.count = stats(by('count'));
    res.exact = stats(by('exact'));
    res.sqlErrors = r.errors.reduce((a, b) => a + b, 0);
  }
}

// ---- 3. SQLite FTS5 on the same rows ----

const ftsClasses = ['rare', 'medium', 'common', 'multi-word', 'typo'];
if (!process.env.SKIP_FTS) {
  const csvPath = path.join(OUT, 'services.csv');
  const dbPath = path.join(OUT, 'fts5.db');
  const metaPath = path.join(OUT, 'fts5.json');
  const stamp = sql("SELECT count(*) || ':' || coalesce(max(slug) FILTER (WHERE slug ~ '^syn-'), '') FROM services");
  let meta = null;
  try { meta = JSON.parse(fs.readFileSync(metaPath, 'utf8')); } catch { /* none yet */ }
  if (!meta || meta.stamp !== stamp || !fs.existsSync(dbPath)) {
    log('FTS5: exporting the services (id, name, tags, category, description, provider)');
    const t0 = performance.now();
    execFileSync('psql', [...PSQL, '-c', `\\copy (SELECT s.id, s.name, array_to_string(s.tags, ' '),
      replace(s.category, '-', ' '), s.description, p.slug || ' ' || p.name
      FROM services s JOIN providers p ON p.id = s.provider_id) TO ${lit(csvPath)} WITH (FORMAT csv)`.replace(/\s+/g, ' ')]);
    const exportS = (performance.now() - t0) / 1000;
    log('FTS5: building the index');
    const b = JSON.parse(execFileSync('python3', [path.join(SRC, 'bench', 'fts5.py'), 'build', csvPath, dbPath],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
    meta = { stamp, exportSeconds: exportS, ...b };
    fs.writeFileSync(metaPath, JSON.stringify(meta));
    fs.unlinkSync(csvPath);
  }
  results.fts5 = meta;
  const queries = [];
  for (const k of classes.filter((k) => ftsClasses.includes(k.name))) for (const t of k.text) queries.push({ cls: k.name, q: t.q });
  const spec = path.join(OUT, 'fts5-queries.json');
  fs.writeFileSync(spec, JSON.stringify({ runs: FTS_RUNS, clients: CLIENTS, queries }));
  log(`FTS5: ${queries.length} queries x ${FTS_RUNS} runs`);
  const r = JSON.parse(execFileSync('python3', [path.join(SRC, 'bench', 'fts5.py'), 'query', dbPath, spec],
    { encoding: 'utf8', maxBuffer: 1 << 26 }));
  for (const name of ftsClasses) {
    const idx = queries.map((q, i) => (q.cls === name ? i : -1)).filter((i) => i >= 0);
    results.classes[name].fts = stats(idx.flatMap((i) => r.top[i]));
    results.classes[name].ftsCount = stats(idx.flatMap((i) => r.count[i]));
    results.classes[name].ftsMatches = idx.map((i) => r.matches[i]);
  }
}

// ---- 4. ranking agreement with the exact blended ranking ----

log('ranking agreement');
const agreeClasses = ['rare', 'medium', 'common', 'multi-word'];
const agreement = { overall: { inTop: 0, tied: 0, of: 0 }, classes: {}, queries: [] };
for (const name of agreeClasses) {
  const a = { inTop: 0, tied: 0, of: 0 };
  for (const t of classes.find((k) => k.name === name).text) {
    const r = await getJson(api(t.q, '&sort=relevance', 20));
    if (r.status !== 200 || !r.json?.services) { agreement.queries.push({ cls: name, q: t.q, error: r.status }); continue; }
    const got = r.json.services.map((s) => s.id);
    const exact = sqlJson(exactSql(t.q, 200));
    const top = new Set(exact.slice(0, 20).map((e) => e.id));
    const cut = exact.length >= 20 ? exact[19].score : -Infinity;
    const score = new Map(exact.map((e) => [e.id, e.score]));
    const inTop = got.filter((id) => top.has(id)).length;
    // Tie-tolerant: also counts an id whose exact score equals the 20th's
    // (the order among equal scores is a tie-break, not ranking quality).
    const tied = got.filter((id) => top.has(id) || (score.has(id) && score.get(id) >= cut - 1e-12)).length;
    a.inTop += inTop; a.tied += tied; a.of += got.length;
    agreement.queries.push({ cls: name, q: t.q, inTop, tied, of: got.length });
  }
  agreement.classes[name] = a;
  for (const key of ['inTop', 'tied', 'of']) agreement.overall[key] += a[key];
}
results.agreement = agreement;

// ---- 5. sizes and load times ----

results.sizes = sqlJson(`SELECT relation, kind, of_table, bytes, size FROM bench.sizes ORDER BY kind DESC, of_table, bytes DESC`);
results.load = hasVocab ? sqlJson(`SELECT step, rows, round(seconds::numeric, 1) AS seconds, at FROM bench.load_log ORDER BY id`) : [];

// ---- report ----

const share = (a) => (a.of ? `${((100 * a.inTop) / a.of).toFixed(1)} % (${a.inTop}/${a.of}); tie-tolerant ${((100 * a.tied) / a.of).toFixed(1)} %` : '—');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b >= 0.05 ? `${(a / b).toFixed(a / b < 0.1 ? 3 : 2)}×` : '—');
console.log(`\nLatency in ms (HTTP: the API through lighttpd, every request a cache miss; plain/count/exact: SQL through psql; FTS5: python sqlite3)`);
console.log(`${'class'.padEnd(14)} ${'API p50'.padStart(8)} ${'p95'.padStart(7)} ${'p99'.padStart(7)} ${'err'.padStart(4)} | ${'plain p50'.padStart(9)} ${'p95'.padStart(7)} | ${'count p95'.padStart(9)} | ${'exact p95'.padStart(9)} | ${'FTS5 p50'.padStart(8)} ${'p95'.padStart(7)} ${'cnt p95'.padStart(7)} | ${'API/plain p95'.padStart(13)} ${'API/FTS5 p95'.padStart(12)} | goal p95 <= 20`);
for (const k of classes) {
  const r = results.classes[k.name];
  const errs = Object.values(r.apiErrors).reduce((a, b) => a + b, 0);
  console.log(`${k.name.padEnd(14)} ${f1(r.api.p50).padStart(8)} ${f1(r.api.p95).padStart(7)} ${f1(r.api.p99).padStart(7)} ${String(errs).padStart(4)} | ` +
    `${f1(r.plain?.p50).padStart(9)} ${f1(r.plain?.p95).padStart(7)} | ${f1(r.count?.p95).padStart(9)} | ${f1(r.exact?.p95).padStart(9)} | ` +
    `${f1(r.fts?.p50).padStart(8)} ${f1(r.fts?.p95).padStart(7)} ${f1(r.ftsCount?.p95).padStart(7)} | ` +
    `${ratio(r.api.p95, r.plain?.p95).padStart(13)} ${ratio(r.api.p95, r.fts?.p95).padStart(12)} | ${r.api.p95 <= 20 && !errs ? 'met' : 'NOT met'}`);
}
console.log(`${'(floor: /health/search)'.padEnd(23)} ${f1(results.floor.p50).padStart(8)} ${f1(results.floor.p95).padStart(7)} ${f1(results.floor.p99).padStart(7)}       the cost of any request through lighttpd and FastCGI`);
console.log('  plain: the top 20 by ts_rank_cd of all matches, the tsquery a constant (facet filters: with the filters; facet counts: every facet over all');
console.log('  matches; typeahead: lower(name) LIKE prefix); count: exact count(*); exact: the uncapped blended ranking, top 20');
console.log(`  (search_rank_exact()).  Ratios below 1 mean the API is faster.`);
for (const k of classes) {
  const e = results.classes[k.name].apiErrors;
  if (Object.keys(e).length) console.log(`  ${k.name}: HTTP errors ${JSON.stringify(e)}`);
}
if (results.fts5) {
  console.log(`\nFTS5 counts (porter stemming, no synonyms) next to PostgreSQL's:`);
  for (const name of ftsClasses) {
    const k = classes.find((x) => x.name === name);
    console.log(`  ${name.padEnd(11)} ${k.text.map((t, i) => `${t.q}: ${n0(t.matches)} / ${n0(results.classes[name].ftsMatches?.[i])}`).join(', ')}`);
  }
}
console.log(`\nRanking agreement, API top 20 vs the exact blended top 20 (share of the API's ids in the exact top 20):`);
for (const name of agreeClasses) console.log(`  ${name.padEnd(11)} ${share(agreement.classes[name])}`);
console.log(`  ${'overall'.padEnd(11)} ${share(agreement.overall)}   goal >= 95 %: ${agreement.overall.of && agreement.overall.inTop / agreement.overall.of >= 0.95 ? 'met' : 'NOT met'}`);
const worst = agreement.queries.filter((q) => q.of && q.inTop < q.of).sort((a, b) => a.inTop / a.of - b.inTop / b.of).slice(0, 5);
if (worst.length) console.log(`  lowest: ${worst.map((q) => `"${q.q}" ${q.inTop}/${q.of}`).join(', ')}`);

console.log('\nSizes:');
for (const s of results.sizes) console.log(`  ${s.relation.padEnd(42)} ${s.kind.padEnd(8)} ${s.size.padStart(10)}`);
if (results.fts5) console.log(`  ${'SQLite FTS5 database'.padEnd(42)} ${'file'.padEnd(8)} ${(results.fts5.bytes / 1048576).toFixed(0).padStart(7)} MB (built in ${results.fts5.seconds.toFixed(1)} s, export ${results.fts5.exportSeconds.toFixed(1)} s)`);
if (results.load.length) {
  console.log('\nLoad and index build times (bench.load_log, all loads of this database):');
  for (const l of results.load) console.log(`  ${String(l.at).slice(0, 19)}  ${l.step.padEnd(40)} ${n0(l.rows).padStart(10)} rows ${String(l.seconds).padStart(8)} s`);
}
const file = path.join(OUT, `scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
fs.writeFileSync(file, JSON.stringify(results, null, 1));
console.log(`\nAll figures as JSON: ${file}`);
