// jwt.test.mjs: Bearer JWTs from a stand-in OpenID Connect provider that
// this file starts (its key set over real HTTP on JWKS_PORT): good tokens
// sign users in (created on first sight, roles from groups), every forged,
// expired, misdirected or malformed token gets 401 and writes nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { get, assertProblem, sql, HAS_PSQL } from './helpers.mjs';

const PORT = Number(process.env.JWKS_PORT || 0);
const ISSUER = process.env.MKT_OIDC_ISSUER || 'https://idp.example.test';
const AUDIENCE = 'llm-marketplace';
const skip = !PORT && 'JWKS_PORT is not set (the stack has no identity provider)';

const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const rotated = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const keys = [
  { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
  { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', alg: 'ES256', use: 'sig' },
];
let server;

const b64u = (buf) => Buffer.from(buf).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function sign(header, payload, key = rsa.privateKey) {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  let sig;
  if (header.alg === 'ES256') sig = crypto.sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  else if (header.alg === 'RS256') sig = crypto.sign('sha256', Buffer.from(input), key);
  else if (header.alg === 'HS256') sig = crypto.createHmac('sha256', key).update(input).digest();
  else sig = Buffer.alloc(0);
  return `${input}.${b64u(sig)}`;
}

function claims(extra = {}) {
  const sub = `user-${crypto.randomUUID()}`;
  return { iss: ISSUER, aud: AUDIENCE, sub, email: `${sub}@idp.example.test`, name: 'Tess Token',
    iat: now(), exp: now() + 300, ...extra };
}

const rs = (payload, kid = 'rsa-1') => sign({ alg: 'RS256', typ: 'JWT', kid }, payload);
const bearer = (token, path = '/api/v1/account') => get(path, { headers: { Authorization: `Bearer ${token}` } });

function expect401(r, pattern) {
  const p = assertProblem(r, 401, 'invalid-token');
  assert.match(r.headers.get('www-authenticate') || '', /^Bearer error="invalid_token"/);
  if (pattern) assert.match(p.detail, pattern);
  return p;
}

describe('bearer JWTs', { skip }, () => {
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url !== '/jwks.json') { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ keys }));
    });
    await new Promise((resolve) => server.listen(PORT, '127.0.0.1', resolve));
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  it('a valid RS256 token signs in and creates the user on first sight', async () => {
    const c = claims();
    const r = await bearer(rs(c));
    assert.equal(r.status, 200, r.text);
    const a = r.json().account;
    assert.equal(a.email, c.email);
    assert.deepEqual(a.roles.map((x) => x.name), ['consumer']);
    const again = await bearer(rs(c));
    assert.equal(again.json().account.id, a.id, 'the same user the second time');
    if (HAS_PSQL) {
      assert.equal(sql(`SELECT count(*) FROM users WHERE oidc_subject = '${ISSUER}|${c.sub}'`), '1');
      assert.ok(Number(sql(`SELECT count(*) FROM audit_log WHERE action = 'user.sync_from_token' AND resource_id = '${a.id}'`)) >= 1);
    }
  });

  it('a valid ES256 token signs in', async () => {
    const r = await bearer(sign({ alg: 'ES256', kid: 'ec-1' }, claims(), ec.privateKey));
    assert.equal(r.status, 200, r.text);
  });

  it('roles follow the groups claim', async () => {
    const c = claims({ groups: ['mkt-admins', 'unrelated'] });
    assert.equal((await bearer(rs(c), '/api/v1/admin')).status, 200);
    const demoted = { ...c, groups: [] };
    assertProblem(await bearer(rs(demoted), '/api/v1/admin'), 403, 'forbidden');
  });

  it('an audience array containing ours is accepted', async () => {
    assert.equal((await bearer(rs(claims({ aud: ['other', AUDIENCE] })))).status, 200);
  });

  it('a token signed with another key is refused', async () => {
    expect401(await bearer(sign({ alg: 'RS256', kid: 'rsa-1' }, claims(), stranger.privateKey)));
  });

  it('a payload changed after signing is refused', async () => {
    const [h, , s] = rs(claims()).split('.');
    expect401(await bearer(`${h}.${b64u(JSON.stringify(claims({ groups: ['mkt-admins'] })))}.${s}`));
  });

  it('expired beyond the leeway, not yet valid, wrong audience, wrong issuer: refused', async () => {
    expect401(await bearer(rs(claims({ exp: now() - 3600 }))));
    expect401(await bearer(rs(claims({ nbf: now() + 3600 }))));
    expect401(await bearer(rs(claims({ aud: 'someone-else' }))));
    expect401(await bearer(rs(claims({ iss: 'https://evil.example' }))));
  });

  it('a token expired within the 60 s leeway is still accepted', async () => {
    assert.equal((await bearer(rs(claims({ exp: now() - 20 })))).status, 200);
  });

  it('alg none in any spelling is refused', async () => {
    for (const alg of ['none', 'None', 'nOnE']) {
      const t = sign({ alg, kid: 'rsa-1' }, claims());
      expect401(await bearer(t));
      expect401(await bearer(t.replace(/\.[^.]*$/, '.')));
    }
  });

  it('HS256 signed with the RSA public key (key confusion) is refused', async () => {
    const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' });
    expect401(await bearer(sign({ alg: 'HS256', kid: 'rsa-1' }, claims(), pem)));
  });

  it('an unknown kid is refused after the key set was asked again', async () => {
    expect401(await bearer(rs(claims(), 'no-such-key')));
  });

  it('a key added to the set later (rotation) is picked up', async () => {
    keys.push({ ...rotated.publicKey.export({ format: 'jwk' }), kid: 'rsa-2', alg: 'RS256' });
    const t = sign({ alg: 'RS256', kid: 'rsa-2' }, claims(), rotated.privateKey);
    assert.equal((await bearer(t)).status, 200);
  });

  it('malformed and oversized tokens are refused', async () => {
    // The standard base64 alphabet must not pass for base64url: sign again
    // until the token has a '-' to swap (about 1 token in 200 has none).
    let good;
    do good = rs(claims()); while (!good.includes('-'));
    for (const bad of ['abc', good.split('.').slice(0, 2).join('.'), `${good}.x`, `${good}=`,
      good.replace(/-/g, '+'), `!!!.${good.split('.')[1]}.x`, 'a'.repeat(9000)]) {
      expect401(await bearer(bad));
    }
  });

  it('a token without an email claim is refused', async () => {
    const c = claims();
    delete c.email;
    expect401(await bearer(rs(c)), /email/);
  });

  it('refused tokens write nothing', { skip: !HAS_PSQL && 'PSQL is not set' }, async () => {
    const before = sql('SELECT count(*) FROM users');
    await bearer(rs(claims({ exp: now() - 3600 })));
    await bearer(sign({ alg: 'RS256', kid: 'rsa-1' }, claims(), stranger.privateKey));
    assert.equal(sql('SELECT count(*) FROM users'), before);
  });

  it('a bearer token on a public page is checked too (401, not ignored)', async () => {
    expect401(await bearer('not.a.token', '/api/v1/services'));
  });
});
