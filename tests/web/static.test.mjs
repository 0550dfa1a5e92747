// cho4 serves the screens itself: the right file and type for each path, security headers, and
// nothing outside web/ whatever the path says (raw requests, so no client normalises "..").

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { DemoServer, repoRoot } from './lib/harness.mjs';

function raw(port, method, target) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: target }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static screens', () => {
  let server;
  before(async () => { server = await new DemoServer().start(); });
  after(async () => { await server?.close(); });

  const web = (f) => fs.readFileSync(path.join(repoRoot, 'web', f), 'utf8');

  test('pages and assets with their content types', async () => {
    const cases = [
      ['/', 'index.html', /^text\/html/],
      ['/index.html', 'index.html', /^text\/html/],
      ['/stall/12345', 'stall.html', /^text\/html/],
      ['/assets/stall.js', 'assets/stall.js', /^text\/javascript/],
      ['/assets/cho4.css', 'assets/cho4.css', /^text\/css/],
      ['/assets/vendor/qrcode-generator.js', 'assets/vendor/qrcode-generator.js', /^text\/javascript/],
    ];
    for (const [target, file, type] of cases) {
      const r = await raw(server.port, 'GET', target);
      assert.equal(r.status, 200, target);
      assert.match(r.headers['content-type'], type, target);
      assert.equal(r.body, web(file), target);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', target);
    }
    const page = await raw(server.port, 'GET', '/');
    assert.match(page.headers['content-security-policy'], /script-src 'self'/);
  });

  test('nothing outside web/, no hidden files, no directories', async () => {
    for (const target of ['/assets/../../etc/passwd', '/assets/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2fstall.html',
      '/assets/.gitignore', '/assets/', '/assets/vendor', '/assets/vendor/', '/stall/', '/stall/1/2',
      '/stall/..', '/assets/%00x.js', '/assets/a\\..\\b.js', '/web/index.html', '/stall.html']) {
      const r = await raw(server.port, 'GET', target);
      assert.ok(r.status === 404 || r.status === 400, `${target} → ${r.status}`);
      assert.ok(!r.body.includes('root:'), target);
    }
  });

  test('only GET and HEAD', async () => {
    const r = await raw(server.port, 'POST', '/stall/1');
    assert.equal(r.status, 405);
    assert.match(r.headers.allow, /GET/);
    const h = await raw(server.port, 'HEAD', '/assets/cho4.css');
    assert.equal(h.status, 200);
  });
});
