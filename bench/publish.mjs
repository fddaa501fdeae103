#!/usr/bin/env node
// bench/publish.mjs: the publishing pipeline's figures against a running
// stack (./marketplace up): pipeline time without the provider's own
// latency (p50/p95), OpenAPI validation time of the real Mistral document,
// and the outbox's delivery lag to the registry.  A baseline measured in
// the same run: a signed-in GET of /api/v1/publish.  Figures are printed,
// never asserted.
//
//   RUNS=30 node bench/publish.mjs
//
// Environment: BASE_URL (http://127.0.0.1:8080), MKT_PREFIX (./var/prefix,
// for marketctl and the configuration), RUNS.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
process.env.BASE_URL ??= 'http://127.0.0.1:8080';
const { signIn } = await import(path.join(here, '../tests/integration/session.mjs'));
const { get } = await import(path.join(here, '../tests/integration/helpers.mjs'));
const { startProvider, startRegistry, providerContract } = await import(path.join(here, '../tests/integration/standins.mjs'));

const RUNS = Number(process.env.RUNS || 30);
const PREFIX = process.env.MKT_PREFIX || path.join(here, '../var/prefix');
const CONFIG = `${PREFIX}/etc/llm-marketplace/marketplace.conf`;

const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const fmt = (xs) => `p50 ${q(xs, 0.5).toFixed(1)} ms, p95 ${q(xs, 0.95).toFixed(1)} ms (n=${xs.length})`;

const provider = await startProvider();
const registry = await startRegistry();
const s = await signIn('provider@example.com');
const headers = { Cookie: `mkt_session=${s.session}`, 'X-CSRF-Token': s.csrf, 'Content-Type': 'application/json', Accept: 'application/json' };
const body = (i, contract) => JSON.stringify({
  name: `Bench summarizer ${Date.now()}-${i}`, category: 'text-generation',
  endpoint: { url: provider.url, auth_method: 'bearer', credential: provider.key },
  pricing: { input_per_mtok: '0.5' }, sla: { max_latency_ms: 2000 },
  compliance: { level: 'public', data_residency: ['DE'] }, version: '1.0.0', contract,
});

const worker = spawn(`${PREFIX}/bin/marketctl`, ['-q', 'outbox'], {
  env: { ...process.env, MKT_CONFIG: CONFIG, MKT_REGISTRY_URL: `${registry.url}/services` }, stdio: 'inherit',
});
await new Promise((r) => setTimeout(r, 500));

const base = []; const pipe = []; const wall = []; const lag = [];
for (let i = 0; i < RUNS; i++) {
  let t = performance.now();
  await get('/api/v1/publish', { headers });
  base.push(performance.now() - t);
  const calls = registry.calls.length;
  t = performance.now();
  const r = await get('/api/v1/publish/services', { method: 'POST', headers, body: body(i, JSON.stringify(providerContract(provider.url))) });
  const done = performance.now();
  if (r.status !== 201) throw new Error(`publish: ${r.status} ${r.text.slice(0, 300)}`);
  wall.push(done - t);
  pipe.push(r.json().pipeline_ms);
  const t0 = Date.now() - (performance.now() - done);
  while (registry.calls.length === calls) await new Promise((res) => setTimeout(res, 2));
  lag.push(registry.calls[calls].at - t0);
}

const mistral = readFileSync(path.join(here, '../tests/fixtures/openapi/openapi31_mistral_openapi.json'), 'utf8');
const val = [];
for (let i = 0; i < Math.min(RUNS, 15); i++) {
  const r = await get('/api/v1/publish/services', { method: 'POST', headers, body: body(`m${i}`, mistral) });
  if (r.status !== 201) throw new Error(`mistral: ${r.status} ${r.text.slice(0, 300)}`);
  val.push(r.json().report.contract.ms);
}
worker.kill('SIGTERM');
await provider.close();
await registry.close();

console.log(`baseline GET /api/v1/publish:         ${fmt(base)}`);
console.log(`publish, server side w/o provider: ${fmt(pipe)}  ratio p50 ${(q(pipe, 0.5) / q(base, 0.5)).toFixed(1)}x baseline`);
console.log(`publish, whole request (client):      ${fmt(wall)}`);
console.log(`Mistral OpenAPI 3.1 parse + validate: ${fmt(val)}  (965 KB JSON, ${'131'} paths)`);
console.log(`outbox lag, answer to registry call: ${fmt(lag)}`);
