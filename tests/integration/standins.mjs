// standins.mjs: the outside systems of the publishing pipeline, as small
// real HTTP servers on loopback: an OpenAI-compatible provider with its
// OpenAPI 3.1 contract, the LLM-Registry and the Policy Engine.  Each has
// modes a test switches between.
import http from 'node:http';
import { createHmac, randomUUID } from 'node:crypto';

function listen(handler, port = 0) {
  return new Promise((resolve, reject) => {
    const srv = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        req.body = Buffer.concat(chunks).toString('utf8');
        Promise.resolve(handler(req, res)).catch((e) => {
          res.writeHead(500);
          res.end(String(e));
        });
      });
    });
    srv.keepAliveTimeout = 1000;
    srv.on('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

function send(res, status, obj, headers = {}) {
  const body = obj === undefined ? '' : JSON.stringify(obj);
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(body);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* ---------- the provider ---------- */

/** The contract of the stand-in provider, for a base URL. */
export function providerContract(base, { version = '1.0.0', extraPath = false, requiredParam = false } = {}) {
  const doc = {
    openapi: '3.1.0',
    info: { title: 'Stand-in summarizer', version },
    servers: [{ url: base }],
    paths: {
      '/v1/chat/completions': {
        post: {
          operationId: 'createChatCompletion',
          summary: 'Creates a model response for the conversation',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/ChatRequest' },
                example: { model: 'summarizer', messages: [{ role: 'user', content: 'Summarise: the sky is blue.' }] },
              },
            },
          },
          responses: {
            200: {
              description: 'OK',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/ChatResponse' } } },
            },
          },
        },
      },
      '/v1/models': {
        get: {
          operationId: 'listModels',
          summary: 'Lists the models',
          responses: { 200: { description: 'OK' } },
        },
      },
    },
    components: {
      schemas: {
        ChatRequest: {
          type: 'object',
          required: ['model', 'messages'],
          properties: {
            model: { type: 'string' },
            messages: { type: 'array', items: { type: 'object' } },
            max_tokens: { type: 'integer' },
          },
        },
        ChatResponse: {
          type: 'object',
          required: ['id', 'object', 'choices'],
          properties: {
            id: { type: 'string' },
            object: { type: 'string', enum: ['chat.completion'] },
            choices: { type: 'array', items: { type: 'object', required: ['message'] } },
            usage: { type: 'object' },
          },
        },
      },
    },
  };
  if (extraPath) {
    doc.paths['/v1/embeddings'] = {
      post: { operationId: 'createEmbedding', responses: { 200: { description: 'OK' } } },
    };
  }
  if (requiredParam) {
    doc.paths['/v1/models'].get.parameters = [{ name: 'owner', in: 'query', required: true, schema: { type: 'string' } }];
  }
  return doc;
}

/**
 * An OpenAI-compatible provider.  Modes: 'ok', 'bad-schema' (answers
 * without "choices"), 'error' (HTTP 500), 'unauthorized' (401 unless the
 * right key).  It records the Authorization header it saw.
 */
export async function startProvider({ key = 'sk-provider-secret' } = {}) {
  const state = { mode: 'ok', seen: [] };
  const srv = await listen((req, res) => {
    state.seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization ?? null });
    if (req.method === 'GET' && (req.url === '/' || req.url === '')) return send(res, 200, { ok: true });
    if (req.url === '/v1/chat/completions' && req.method === 'POST') {
      if (req.headers.authorization !== `Bearer ${key}`) return send(res, 401, { error: { message: 'bad key' } });
      if (state.mode === 'error') return send(res, 500, { error: { message: 'boom' } });
      if (state.mode === 'bad-schema') return send(res, 200, { id: 'x', object: 'chat.completion' });
      return send(res, 200, {
        id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'summarizer',
        choices: [{ index: 0, message: { role: 'assistant', content: 'The sky is blue.' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 },
      });
    }
    return send(res, 404, { error: { message: 'not here' } });
  });
  state.url = `http://127.0.0.1:${srv.address().port}`;
  state.key = key;
  state.close = () => new Promise((r) => srv.close(r));
  return state;
}

/* ---------- the registry ---------- */

/**
 * The LLM-Registry (IP-001): POST {path} registers a service.  The
 * marketplace names each delivery by X-Event-ID; the registry keeps one
 * registration per event id (a redelivery gets the same registry id).
 * Modes: 'up', 'down' (503), 'slow' (registers, answers after delay ms),
 * 'duplicate' (409: the service is known under another id).
 */
export async function startRegistry(port = 0) {
  const state = { mode: 'up', delay: 0, calls: [], byEvent: new Map() };
  const srv = await listen(async (req, res) => {
    const event = req.headers['x-event-id'] ?? null;
    state.calls.push({ event, mode: state.mode, body: req.body, at: Date.now() });
    if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
    if (state.mode === 'down') return send(res, 503, { error: 'maintenance' }, { 'Retry-After': '1' });
    if (state.mode === 'duplicate') {
      return send(res, 409, { error: 'duplicate', message: 'this service is registered already', existing_registry_id: 'reg-existing-1' });
    }
    let id = state.byEvent.get(event);
    if (!id) {
      id = `reg-${randomUUID()}`;
      state.byEvent.set(event, id);
    }
    if (state.mode === 'slow') await sleep(state.delay);
    return send(res, 201, { registry_id: id });
  }, port);
  state.url = `http://127.0.0.1:${srv.address().port}`;
  state.close = () => new Promise((r) => srv.close(r));
  return state;
}

/** Signs a registry webhook body as the marketplace expects. */
export function signWebhook(secret, body, ts = Math.floor(Date.now() / 1000)) {
  const sig = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
  return { 'X-Registry-Timestamp': String(ts), 'X-Registry-Signature': `sha256=${sig}` };
}

/* ---------- the policy engine ---------- */

/**
 * The outside Policy Engine: POST → {"allow", "violations"}.  Modes:
 * 'allow', 'deny', 'slow' (answers after delay ms), 'error' (HTTP 500).
 */
export async function startPolicyEngine(port = 0) {
  const state = { mode: 'allow', delay: 3000, calls: 0 };
  const srv = await listen(async (req, res) => {
    state.calls++;
    if (state.mode === 'slow') await sleep(state.delay);
    if (state.mode === 'error') return send(res, 500, { error: 'engine broke' });
    if (state.mode === 'deny') {
      return send(res, 200, { allow: false, violations: [{ rule: 'corp-ai-board', field: 'name', severity: 'block', message: 'The AI board has not reviewed this service.' }] });
    }
    return send(res, 200, { allow: true, violations: [] });
  }, port);
  state.url = `http://127.0.0.1:${srv.address().port}`;
  state.close = () => new Promise((r) => srv.close(r));
  return state;
}
