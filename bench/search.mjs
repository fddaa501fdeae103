#!/usr/bin/env node
// bench/search.mjs: catalog search through the HTTP API of a running stack
// (./marketplace up), per query class, p50/p95/p99, with the page cache
// missed on purpose (every request asks for another page size).  Baseline
// in the same run: the plain catalog list without words.  Figures are
// printed, never asserted.  The demo catalog has 2,552 services; a
// million of them: bench/scale.sh.
//
//   RUNS=60 node bench/search.mjs
import { performance } from 'node:perf_hooks';

const BASE = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const RUNS = Number(process.env.RUNS || 60);

const classes = {
  'baseline: list, no words': '',
  'rare term (gpt-4o)': 'q=gpt-4o',
  'common term (chat)': 'q=chat',
  'multi-word (claude sonnet)': 'q=claude%20sonnet',
  'words read as filters': 'q=vision%20models%20under%20%241%20per%20million%20tokens',
  'with facet filters': 'q=claude&tag=reasoning&min_context=100000',
  'typo (did you mean)': 'q=claud%20sonet',
  'typeahead (suggest)': null,
};

const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
let size = 21;
const results = {};
for (const [name, qs] of Object.entries(classes)) {
  const ms = [];
  for (let i = 0; i < RUNS; i++) {
    size = size >= 99 ? 21 : size + 1;
    const url = qs === null
      ? `${BASE}/api/v1/services/suggest?q=${['cla', 'gpt', 'gem', 'mis', 'emb'][i % 5]}&_=${i}`
      : `${BASE}/api/v1/services?per_page=${size}${qs ? `&${qs}` : ''}`;
    const t = performance.now();
    const r = await fetch(url);
    await r.arrayBuffer();
    ms.push(performance.now() - t);
    if (r.status !== 200) throw new Error(`${name}: HTTP ${r.status}`);
  }
  results[name] = ms;
}
const base = q(results['baseline: list, no words'], 0.5);
for (const [name, ms] of Object.entries(results)) {
  console.log(`${name.padEnd(30)} p50 ${q(ms, 0.5).toFixed(1).padStart(6)} ms  p95 ${q(ms, 0.95).toFixed(1).padStart(6)} ms  p99 ${q(ms, 0.99).toFixed(1).padStart(6)} ms  (${(q(ms, 0.5) / base).toFixed(2)}x baseline)`);
}
