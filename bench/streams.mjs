// streams.mjs: holds STREAMS streaming chat calls through the gateway at
// once (the mock provider sends a word every 20 ms, TOKENS words each,
// so every stream lasts seconds and all of them overlap), checks that
// each one ends with [DONE], and prints the time to the first word, the
// duration, and the resident memory of the gateway processes at the peak.
//
//   BASE_URL=http://127.0.0.1:8081 KEY=mkt_… STREAMS=1000 node bench/streams.mjs
import http from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';

const BASE = new URL(process.env.BASE_URL || 'http://127.0.0.1:8080');
const KEY = process.env.KEY;
const STREAMS = Number(process.env.STREAMS || 1000);
const TOKENS = Number(process.env.TOKENS || 200);
const MODEL = process.env.MODEL || 'bench-gateway';
if (!KEY) { console.error('streams.mjs: set KEY to an API key'); process.exit(2); }

const agent = new http.Agent({ keepAlive: false, maxSockets: STREAMS + 10 });
let open = 0;
let peakOpen = 0;

function stream() {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let first = 0;
    let text = '';
    const body = JSON.stringify({
      model: MODEL, stream: true, max_tokens: TOKENS,
      messages: [{ role: 'user', content: `A long answer, please [mock:tokens=${TOKENS}]` }],
    });
    const req = http.request({
      host: BASE.hostname, port: BASE.port, path: '/v1/chat/completions', method: 'POST', agent,
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      open++;
      peakOpen = Math.max(peakOpen, open);
      res.setEncoding('utf8');
      res.on('data', (d) => { if (!first) first = performance.now() - t0; text += d; });
      res.on('end', () => {
        open--;
        resolve({ status: res.statusCode, done: text.includes('data: [DONE]'), first, ms: performance.now() - t0 });
      });
      res.on('error', () => { open--; resolve({ status: res.statusCode, done: false, first, ms: performance.now() - t0 }); });
    });
    req.on('error', (e) => resolve({ status: 0, done: false, error: e.code, first: 0, ms: performance.now() - t0 }));
    req.end(body);
  });
}

/** RSS in MB of every process whose command line names mkt-consume (and
 *  RSS_MATCH, e.g. --http for the gateway's own HTTP server only). */
const MATCH = process.env.RSS_MATCH || '';
function consumeRss() {
  let kb = 0;
  let n = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('mkt-consume') || !cmd.includes(MATCH)) continue;
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) { kb += Number(m[1]); n++; }
    } catch { /* gone */ }
  }
  return { mb: kb / 1024, processes: n };
}

const before = consumeRss();
let peak = before;
const sampler = setInterval(() => {
  const now = consumeRss();
  if (now.mb > peak.mb) peak = now;
}, 200);
const t0 = performance.now();
const results = await Promise.all(Array.from({ length: STREAMS }, stream));
clearInterval(sampler);
const wall = performance.now() - t0;

const ok = results.filter((r) => r.status === 200 && r.done);
const pct = (a, p) => a.length ? a.sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))] : 0;
const firsts = ok.map((r) => r.first);
const durations = ok.map((r) => r.ms);
const statuses = {};
for (const r of results) statuses[r.error ?? r.status] = (statuses[r.error ?? r.status] || 0) + 1;
console.log(`\n${STREAMS} concurrent streams of ${TOKENS} words (a word every 20 ms) through ${BASE.origin}`);
console.log(`  complete (200 and [DONE]): ${ok.length} of ${STREAMS}; answers: ${JSON.stringify(statuses)}`);
console.log(`  open at once (peak, as the client saw): ${peakOpen}`);
console.log(`  first word: p50 ${pct(firsts, 0.5).toFixed(0)} ms, p99 ${pct(firsts, 0.99).toFixed(0)} ms; ` +
  `whole stream: p50 ${pct(durations, 0.5).toFixed(0)} ms, p99 ${pct(durations, 0.99).toFixed(0)} ms; wall ${wall.toFixed(0)} ms`);
console.log(`  mkt-consume resident memory: ${before.mb.toFixed(1)} MB before, ${peak.mb.toFixed(1)} MB at the peak ` +
  `(${peak.processes} processes)`);
