// httpd.test.mjs: the gateway answering HTTP/1.1 itself (mkt-consume
// --http, GATEWAY_URL), spoken to over raw sockets: keep-alive,
// pipelining, HEAD, framing, and the hostile heads a server on a port of
// its own must refuse (RFC 9112): malformed request lines, folded or
// oversized headers, smuggling shapes (Transfer-Encoding with
// Content-Length, repeated Content-Length), oversized bodies, and headers
// with underscores that would pass for others as CGI variables; and a
// server of two threads, to see quiet clients give their threads up.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn, execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const GATEWAY_URL = process.env.GATEWAY_URL || 'http://127.0.0.1:8081';
const { hostname, port } = new URL(GATEWAY_URL);
const HOST = `${hostname}:${port}`;

/** Sends raw bytes, then reads until the server closes or `until`
 *  returns true for what came so far (or ms pass). */
function exchange(chunks, { until, ms = 5000, gapMs = 0 } = {}) {
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), hostname);
    let got = Buffer.alloc(0);
    let closed = false;
    const done = () => { clearTimeout(t); s.destroy(); resolve({ text: got.toString('latin1'), closed }); };
    const t = setTimeout(done, ms);
    s.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (until && until(got.toString('latin1'))) done();
    });
    s.on('end', () => { closed = true; done(); });
    s.on('error', (e) => (e.code === 'ECONNRESET' ? (closed = true, done()) : reject(e)));
    s.on('connect', async () => {
      for (const c of [].concat(chunks)) {
        s.write(c);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

/** Splits a byte stream into HTTP responses (Content-Length or chunked). */
function responses(text) {
  const out = [];
  let rest = text;
  while (rest.length) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const head = rest.slice(0, end);
    const [line, ...fields] = head.split('\r\n');
    const headers = {};
    for (const f of fields) {
      const i = f.indexOf(':');
      headers[f.slice(0, i).toLowerCase()] = f.slice(i + 1).trim();
    }
    const status = Number(line.split(' ')[1]);
    rest = rest.slice(end + 4);
    let body = '';
    if (status === 100) { out.push({ line, status, headers, body }); continue; }
    if (headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        const nl = rest.indexOf('\r\n');
        const n = parseInt(rest.slice(0, nl), 16);
        rest = rest.slice(nl + 2);
        if (n === 0) { rest = rest.slice(2); break; }
        body += rest.slice(0, n);
        rest = rest.slice(n + 2);
      }
    } else if (headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      body = rest.slice(0, n);
      rest = rest.slice(n);
    }
    out.push({ line, status, headers, body });
  }
  return out;
}

const req = (path, extra = '', method = 'GET') =>
  `${method} ${path} HTTP/1.1\r\nHost: ${HOST}\r\n${extra}\r\n`;
const count = (n) => (t) => responses(t).filter((r) => r.status !== 100).length >= n;

describe('the gateway\'s own HTTP/1.1 server', () => {
  it('keeps a connection for several requests, with Date, Content-Length and a keep-alive hint', async () => {
    const s = net.connect(Number(port), hostname);
    await new Promise((r) => s.on('connect', r));
    const read = () => new Promise((resolve) => {
      let acc = '';
      const on = (d) => {
        acc += d.toString('latin1');
        if (count(1)(acc)) { s.off('data', on); resolve(responses(acc)[0]); }
      };
      s.on('data', on);
    });
    for (let i = 0; i < 3; i++) {
      s.write(req('/health/consume'));
      const r = await read();
      assert.equal(r.status, 200, r.line);
      assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.body, 'latin1'));
      assert.match(r.headers.date, /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/);
      assert.match(r.headers['keep-alive'], /^timeout=\d+$/);
      const h = JSON.parse(r.body);
      assert.equal(h.program, 'consume');
      // Its figures: this very connection is one it holds.
      assert.ok(h.gateway.http_server.threads >= 2, JSON.stringify(h.gateway));
      assert.ok(h.gateway.http_server.connections >= 1, JSON.stringify(h.gateway));
    }
    s.destroy();
  });

  it('answers pipelined requests in order, on the same connection', async () => {
    const { text } = await exchange(req('/health/consume') + req('/v1/models') + req('/health/consume', 'Connection: close\r\n'));
    const rs = responses(text);
    assert.deepEqual(rs.map((r) => r.status), [200, 401, 200]);
    assert.equal(rs[1].headers['content-type'], 'application/problem+json');
    assert.equal(rs[2].headers.connection, 'close');
  });

  it('closes after an HTTP/1.0 request without keep-alive, and after "Connection: close"', async () => {
    let r = await exchange('GET /health/consume HTTP/1.0\r\n\r\n');
    assert.ok(r.closed, 'the server closed the connection');
    assert.match(r.text, /^HTTP\/1\.1 200 /);
    assert.match(r.text, /\r\nConnection: close\r\n/i);
    r = await exchange(req('/health/consume', 'Connection: close\r\n'));
    assert.ok(r.closed);
    assert.equal(responses(r.text)[0].status, 200);
  });

  it('keeps an HTTP/1.0 connection that asks for it, and says so', async () => {
    const ask = 'GET /health/consume HTTP/1.0\r\nConnection: keep-alive\r\n\r\n';
    const { text } = await exchange(ask + ask, { until: count(2) });
    const rs = responses(text);
    assert.deepEqual(rs.map((r) => r.status), [200, 200]);
    assert.equal(rs[0].headers.connection, 'keep-alive');
  });

  it('answers HEAD with the headers of GET and no body, and goes on', async () => {
    const { text } = await exchange(req('/health/consume', '', 'HEAD') + req('/health/consume', 'Connection: close\r\n'));
    const head = text.slice(0, text.indexOf('\r\n\r\n'));
    assert.match(head, /^HTTP\/1\.1 200 /);
    assert.match(head, /\r\nContent-Length: [1-9]\d*/i);
    const second = text.slice(text.indexOf('\r\n\r\n') + 4);
    assert.match(second, /^HTTP\/1\.1 200 /, 'no body between the two answers');
  });

  for (const [name, raw, status] of [
    ['a request line without a version', 'GET /health/consume\r\n\r\n', 400],
    ['a request line with a space too many', `GET /health consume HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`, 400],
    ['a method that is not a token', `G(T /health/consume HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`, 400],
    ['a control character in the target', `GET /health/\x01 HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`, 400],
    ['HTTP/2.0 in a request line', 'GET /health/consume HTTP/2.0\r\n\r\n', 505],
    ['an HTTP/1.1 request without Host', 'GET /health/consume HTTP/1.1\r\n\r\n', 400],
    ['a folded header (obs-fold)', `GET /health/consume HTTP/1.1\r\nHost: ${HOST}\r\nX-A: 1\r\n  2\r\n\r\n`, 400],
    ['a header without a colon', `GET /health/consume HTTP/1.1\r\nHost: ${HOST}\r\nBroken\r\n\r\n`, 400],
    ['a space before the colon', `GET /health/consume HTTP/1.1\r\nHost: ${HOST}\r\nX-A : 1\r\n\r\n`, 400],
    ['Transfer-Encoding with Content-Length (smuggling)', req('/v1/chat/completions', 'Transfer-Encoding: chunked\r\nContent-Length: 5\r\n', 'POST') + '0\r\n\r\n', 400],
    ['a chunked body (411: send Content-Length)', req('/v1/chat/completions', 'Transfer-Encoding: chunked\r\n', 'POST') + '0\r\n\r\n', 411],
    ['Content-Length twice', req('/v1/chat/completions', 'Content-Length: 2\r\nContent-Length: 2\r\n', 'POST') + '{}', 400],
    ['Content-Length that is not a number', req('/v1/chat/completions', 'Content-Length: 2x\r\n', 'POST') + '{}', 400],
    ['Content-Length too large to be a number', req('/v1/chat/completions', 'Content-Length: 99999999999999999999\r\n', 'POST'), 400],
    ['Authorization twice', req('/v1/models', 'Authorization: Bearer a\r\nAuthorization: Bearer b\r\n'), 400],
    ['a body larger than the limit (refused before it is sent)', req('/v1/chat/completions', 'Content-Length: 104857600\r\n', 'POST'), 413],
    ['a head larger than 16 KiB', req('/health/consume', `X-Big: ${'a'.repeat(20000)}\r\n`), 431],
    ['more than 100 header lines', req('/health/consume', Array.from({ length: 120 }, (_, i) => `X-H${i}: ${i}\r\n`).join('')), 431],
  ]) {
    it(`refuses ${name} with ${status} and closes`, async () => {
      const { text, closed } = await exchange(raw);
      const rs = responses(text);
      assert.equal(rs.length, 1, text.slice(0, 300));
      assert.equal(rs[0].status, status, rs[0].line);
      assert.equal(rs[0].headers['content-type'], 'application/problem+json');
      assert.equal(JSON.parse(rs[0].body).status, status);
      assert.ok(closed, 'the connection is closed after a refusal');
    });
  }

  it('joins a request line and headers that arrive a few bytes at a time', async () => {
    const raw = req('/health/consume', 'Connection: close\r\n');
    const parts = raw.match(/.{1,7}/gs);
    const { text } = await exchange(parts, { gapMs: 5 });
    assert.equal(responses(text)[0].status, 200);
  });

  it('drops headers spelled with underscores, which would pass for others as CGI variables', async () => {
    const { text } = await exchange(req('/health/consume', 'X_Request_ID: smuggled-id-0001\r\nConnection: close\r\n'));
    const r = responses(text)[0];
    assert.equal(r.status, 200);
    assert.notEqual(r.headers['x-request-id'], 'smuggled-id-0001');
    const ok = await exchange(req('/health/consume', 'X-Request-ID: honest-id-0001\r\nConnection: close\r\n'));
    assert.equal(responses(ok.text)[0].headers['x-request-id'], 'honest-id-0001', 'the proper spelling is honoured');
  });

  it('says 100 Continue to a client that waits for it, then reads the body', async () => {
    const s = net.connect(Number(port), hostname);
    await new Promise((r) => s.on('connect', r));
    let acc = '';
    s.on('data', (d) => { acc += d.toString('latin1'); });
    const body = '{"model":"x","messages":[]}';
    s.write(req('/v1/chat/completions', `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n`, 'POST'));
    for (let i = 0; i < 100 && !acc.includes('\r\n\r\n'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.match(acc, /^HTTP\/1\.1 100 Continue\r\n\r\n$/, 'only the interim answer before the body');
    s.write(body);
    await new Promise((r) => s.on('close', r));
    const rs = responses(acc);
    assert.deepEqual(rs.map((r) => r.status), [100, 401]);
  });

  it('closes on a head that trickles in (slowloris) after its deadline, whatever the pace', async () => {
    const s = net.connect(Number(port), hostname);
    await new Promise((r) => s.on('connect', r));
    const t0 = Date.now();
    let got = '';
    s.on('data', (d) => { got += d.toString('latin1'); });
    const closed = new Promise((r) => { s.on('close', r); s.on('error', () => {}); });
    const raw = `GET /health/consume HTTP/1.1\r\nHost: ${HOST}\r\nX-Slow: ${'x'.repeat(200)}\r\n\r\n`;
    let i = 0;
    const drip = setInterval(() => { if (!s.destroyed && i < raw.length) s.write(raw[i++]); }, 1000);
    await closed;
    clearInterval(drip);
    const after = Date.now() - t0;
    assert.equal(got, '', 'nothing was answered');
    assert.ok(after >= 9000 && after < 14000, `closed after ${after} ms`);
  });

  it('closes a connection that stays quiet', async () => {
    const t0 = Date.now();
    const { closed } = await exchange([], { ms: 15000 });
    assert.ok(closed, 'closed by the server');
    assert.ok(Date.now() - t0 < 12000, `closed after ${Date.now() - t0} ms`);
  });
});

/** A port nobody listens on right now. */
function freePort() {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => resolve(p));
    });
  });
}

const prefix = process.env.MKT_PREFIX || new URL('../../var/prefix', import.meta.url).pathname;

/** Asks /health/consume on a connection that is not kept (fetch() would
 *  keep one, and hold a thread): the parsed JSON, or null. */
function probe(p) {
  return new Promise((resolve) => {
    const s = net.connect(p, '127.0.0.1');
    let acc = '';
    s.on('connect', () => s.write('GET /health/consume HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    s.on('data', (d) => { acc += d; });
    s.on('close', () => {
      const r = responses(acc)[0];
      try { resolve(r && r.status === 200 ? JSON.parse(r.body) : null); } catch { resolve(null); }
    });
    s.on('error', () => resolve(null));
  });
}

/** A gateway HTTP server of the test's own: { child, port }. */
async function startGateway(args, wrap = []) {
  const p = await freePort();
  const bin = `${prefix}/libexec/llm-marketplace/mkt-consume`;
  const argv = [...wrap, bin, '--http', `127.0.0.1:${p}`, ...args];
  const child = spawn(argv[0], argv.slice(1), {
    env: { ...process.env, MKT_CONFIG: `${prefix}/etc/llm-marketplace/marketplace.conf` }, stdio: 'ignore',
  });
  for (let i = 0; i < 150; i++) {
    if (await probe(p)) return { child, port: p };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the gateway (${args.join(' ')}) did not start`);
}

function stopGateway(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.on('exit', resolve);
    child.kill('SIGTERM');
  });
}

describe('a gateway HTTP server of 1,100 threads, under a limit of 1,024 open files', () => {
  let child, p;
  before(async () => { ({ child, port: p } = await startGateway(['--threads', '1100'], ['prlimit', '--nofile=1024:1024'])); });
  after(() => stopGateway(child));

  it('still has descriptors for its database and memcached: threads waiting for clients do not hold one each', async () => {
    // Once every thread is up and waiting (the serving process is the
    // child of the one started), several threads answer in turn.
    const server = execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).trim();
    for (let i = 0; i < 100 && readdirSync(`/proc/${server}/task`).length < 1101; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(readdirSync(`/proc/${server}/task`).length >= 1101, 'all 1,100 threads started');
    await new Promise((r) => setTimeout(r, 1000));
    for (let i = 0; i < 5; i++) {
      const h = await probe(p);
      assert.equal(h?.status, 'ok', JSON.stringify(h));
      for (const check of ['database', 'memcached']) assert.equal(h.checks[check].status, 'ok', JSON.stringify(h.checks[check]));
    }
  });
});

describe('a gateway HTTP server whose threads all hold connections', () => {
  let child, small;
  before(async () => { ({ child, port: small } = await startGateway(['--threads', '2'])); small = { hostname: '127.0.0.1', port: small }; });
  after(() => stopGateway(child));

  it('a quiet kept-alive client gives its thread up for a new one within a second or two, not the 5 s idle time', async () => {
    const connect = () => new Promise((resolve) => { const s = net.connect(small.port, small.hostname, () => resolve(s)); });
    const until = (s, pred) => new Promise((resolve) => {
      let acc = '';
      const onData = (d) => { acc += d.toString('latin1'); if (pred(acc)) done(false); };
      const onEnd = () => done(true);
      const done = (closed) => { s.off('data', onData); s.off('end', onEnd); resolve({ text: acc, closed }); };
      s.on('data', onData);
      s.on('end', onEnd);
    });
    const host = `${small.hostname}:${small.port}`;
    // The thread that answered the start-up probe counts as busy until
    // it has closed that connection: until then, a connection is not
    // kept (both threads would be held).
    let a, first;
    for (let i = 0; i < 20; i++) {
      a = await connect();
      a.write(`GET /health/consume HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
      first = await until(a, count(1));
      if (responses(first.text)[0].headers['keep-alive']) break;
      a.destroy();
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(responses(first.text)[0].headers['keep-alive'] ?? '', /timeout=/, 'one connection of two threads is kept');
    const aClosed = until(a, () => false);
    const b = await connect();			// holds the second thread, says nothing
    const t0 = Date.now();
    const c = await connect();			// waits in the backlog
    c.write(`GET /health/consume HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    const got = await until(c, count(1));
    const waited = Date.now() - t0;
    assert.equal(responses(got.text)[0].status, 200);
    assert.ok(waited < 3000, `the new client waited ${waited} ms`);
    assert.ok((await aClosed).closed, 'the quiet client was let go');
    for (const s of [a, b, c]) s.destroy();
  });
});
