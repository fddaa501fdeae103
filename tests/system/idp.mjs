// idp.mjs: a stand-in OpenID Connect provider for tests/system/apache-sso.sh,
// on loopback, with nothing but node:http and node:crypto.  It signs in one
// person without asking: /authorize sends the browser straight back with a
// code, /token trades the code for an RS256 id_token (key generated at
// start, published at /jwks.json) and an access token for /userinfo.
//
//   node idp.mjs [port]
//
// Environment: IDP_PORT (when no argument), IDP_CLIENT_ID, IDP_CLIENT_SECRET,
// IDP_SUB, IDP_EMAIL, IDP_NAME, IDP_GROUPS (comma-separated).  The issuer is
// http://127.0.0.1:<port>.  Prints nothing but errors; SIGTERM stops it.
import http from 'node:http';
import { createHash, createSign, generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';

const env = process.env;
const port = Number(process.argv[2] || env.IDP_PORT || 0);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('idp.mjs: give the port as argument or IDP_PORT');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const client = { id: env.IDP_CLIENT_ID || 'llm-marketplace', secret: env.IDP_CLIENT_SECRET || 'idp-test-secret' };
const person = {
  sub: env.IDP_SUB || 'sso-user',
  email: env.IDP_EMAIL || 'sso-user@idp.test',
  name: env.IDP_NAME || 'SSO User',
  groups: (env.IDP_GROUPS ?? 'mkt-providers').split(',').filter(Boolean),
};

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const kid = randomBytes(8).toString('hex');
const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' }] };

const codes = new Map();   // code -> { nonce, redirectUri, challenge, method, until }
const tokens = new Map();  // access token -> until (ms)
const b64url = (b) => Buffer.from(b).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function sign(claims) {
  const input = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
}

function send(res, status, obj, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(obj));
}

function redirect(res, to) {
  res.writeHead(302, { Location: to });
  res.end();
}

const same = (a, b) => typeof a === 'string' && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

// The client, by HTTP basic authentication or in the form (client_secret_post).
function clientOk(req, form) {
  let id = form.get('client_id');
  let secret = form.get('client_secret');
  const auth = req.headers.authorization || '';
  if (auth.startsWith('Basic ')) {
    const pair = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const colon = pair.indexOf(':');
    id = decodeURIComponent(pair.slice(0, colon));
    secret = decodeURIComponent(pair.slice(colon + 1));
  }
  return same(id, client.id) && same(secret, client.secret);
}

function authorize(url, res) {
  const q = url.searchParams;
  const redirectUri = q.get('redirect_uri');
  if (q.get('client_id') !== client.id || !redirectUri || q.get('response_type') !== 'code') {
    console.error(`idp.mjs: bad authorization request ${url.search}`);
    return send(res, 400, { error: 'invalid_request' });
  }
  const code = randomBytes(16).toString('hex');
  codes.set(code, {
    nonce: q.get('nonce'), redirectUri, challenge: q.get('code_challenge'),
    method: q.get('code_challenge_method') || 'plain', until: Date.now() + 60000,
  });
  const back = new URL(redirectUri);
  back.searchParams.set('code', code);
  if (q.has('state')) back.searchParams.set('state', q.get('state'));
  redirect(res, back.toString());
}

function token(req, body, res) {
  const form = new URLSearchParams(body);
  if (!clientOk(req, form)) {
    console.error('idp.mjs: token request with a wrong client or secret');
    return send(res, 401, { error: 'invalid_client' }, { 'WWW-Authenticate': 'Basic realm="idp"' });
  }
  const grant = codes.get(form.get('code'));
  codes.delete(form.get('code'));
  if (form.get('grant_type') !== 'authorization_code' || !grant || grant.until < Date.now() ||
      grant.redirectUri !== form.get('redirect_uri')) {
    console.error('idp.mjs: token request with a bad code or redirect_uri');
    return send(res, 400, { error: 'invalid_grant' });
  }
  if (grant.challenge) {
    const verifier = form.get('code_verifier') || '';
    const got = grant.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
    if (got !== grant.challenge) {
      console.error('idp.mjs: PKCE verifier does not match');
      return send(res, 400, { error: 'invalid_grant' });
    }
  }
  const access = randomBytes(24).toString('hex');
  tokens.set(access, Date.now() + 3600000);
  const claims = { iss: issuer, aud: client.id, iat: now(), exp: now() + 3600, auth_time: now(), ...person };
  if (grant.nonce) claims.nonce = grant.nonce;
  send(res, 200, { access_token: access, token_type: 'Bearer', expires_in: 3600, id_token: sign(claims) });
}

function userinfo(req, res) {
  const m = /^Bearer (.+)$/.exec(req.headers.authorization || '');
  if (!m || !(tokens.get(m[1]) > Date.now())) {
    console.error('idp.mjs: userinfo without a valid access token');
    return send(res, 401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
  }
  send(res, 200, person);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url, issuer);
    const body = Buffer.concat(chunks).toString('utf8');
    try {
      switch (`${req.method} ${url.pathname}`) {
        case 'GET /.well-known/openid-configuration':
          return send(res, 200, {
            issuer,
            authorization_endpoint: `${issuer}/authorize`,
            token_endpoint: `${issuer}/token`,
            userinfo_endpoint: `${issuer}/userinfo`,
            jwks_uri: `${issuer}/jwks.json`,
            end_session_endpoint: `${issuer}/logout`,
            response_types_supported: ['code'],
            subject_types_supported: ['public'],
            id_token_signing_alg_values_supported: ['RS256'],
            scopes_supported: ['openid', 'email', 'profile'],
            token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
            code_challenge_methods_supported: ['S256', 'plain'],
            claims_supported: ['sub', 'iss', 'aud', 'email', 'name', 'groups', 'nonce'],
          });
        case 'GET /jwks.json':
          return send(res, 200, jwks);
        case 'GET /authorize':
          return authorize(url, res);
        case 'POST /token':
          return token(req, body, res);
        case 'GET /userinfo':
        case 'POST /userinfo':
          return userinfo(req, res);
        case 'GET /logout': {
          // RP-initiated logout: back where the relying party asked.
          const to = url.searchParams.get('post_logout_redirect_uri');
          if (!to) return send(res, 200, { signed_out: true });
          const back = new URL(to);
          if (url.searchParams.has('state')) back.searchParams.set('state', url.searchParams.get('state'));
          return redirect(res, back.toString());
        }
        default:
          console.error(`idp.mjs: no route for ${req.method} ${url.pathname}`);
          return send(res, 404, { error: 'not_found' });
      }
    } catch (e) {
      console.error(`idp.mjs: ${e.stack || e}`);
      if (!res.headersSent) send(res, 500, { error: 'server_error' });
    }
  });
});
server.keepAliveTimeout = 1000;
server.on('error', (e) => { console.error(`idp.mjs: ${e.message}`); process.exit(1); });
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
