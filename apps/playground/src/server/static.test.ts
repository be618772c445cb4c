import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@rnn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from './main.js';
import { createStaticServer, ISOLATION_HEADERS, mimeType, resolvePath } from './static.js';

let root: string;
let server: Server;
let port: number;

/** A raw request (no URL normalisation by a client library), so traversal attempts reach the server as written. */
function get(path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'rnn-static-'));
  mkdirSync(join(root, 'app', 'assets'), { recursive: true });
  writeFileSync(join(root, 'app', 'index.html'), '<!doctype html><p>hi</p>');
  writeFileSync(join(root, 'app', 'assets', 'model.wasm'), Buffer.from([0, 97, 115, 109]));
  writeFileSync(join(root, 'app', 'assets', 'worker-1.js'), 'self.onmessage = null;');
  writeFileSync(join(root, 'secret.txt'), 'outside the root');
  server = createStaticServer(join(root, 'app'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(root, { recursive: true, force: true });
});

describe('static server', () => {
  it('serves index.html at / with the cross-origin isolation headers', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.body).toBe('<!doctype html><p>hi</p>');
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(r.headers['cache-control']).toBe('no-cache');
  });

  it('serves WebAssembly as application/wasm and module workers as JavaScript, with the headers on every response', async () => {
    const wasm = await get('/assets/model.wasm');
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect(wasm.headers['content-length']).toBe('4');
    expect(wasm.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const js = await get('/assets/worker-1.js?v=1');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    for (const r of [wasm, js, await get('/missing.js')])
      for (const [k, v] of Object.entries(ISOLATION_HEADERS)) expect(r.headers[k.toLowerCase()]).toBe(v);
  });

  it('answers 404 for missing files and never leaves the root', async () => {
    expect((await get('/nope.html')).status).toBe(404);
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%00', '/%E0%A4%A'])
      expect((await get(path)).body).not.toContain('outside the root');
    expect((await get('/%2e%2e/secret.txt')).status).toBe(404);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get('/', 'HEAD');
    expect([head.status, head.body, head.headers['content-length']]).toEqual([200, '', '24']);
    const post = await get('/', 'POST');
    expect([post.status, post.headers.allow]).toEqual([405, 'GET, HEAD']);
  });

  it('resolves paths inside the root only', () => {
    expect(resolvePath('/srv/app', '/')).toBe('/srv/app/index.html');
    expect(resolvePath('/srv/app', '/a/b.js?x#y')).toBe('/srv/app/a/b.js');
    expect(resolvePath('/srv/app', '/docs/')).toBe('/srv/app/docs/index.html');
    expect(resolvePath('/srv/app', '/../app2/x')).toBe('/srv/app/app2/x'); // ".." cannot climb above "/"
    expect(resolvePath('/srv/app', '/%zz')).toBeNull();
    expect(mimeType('a/B.WASM')).toBe('application/wasm');
    expect(mimeType('a/b.bin')).toBe('application/octet-stream');
    expect(() => createStaticServer('')).toThrow(InvalidArgumentError);
  });
});

describe('pnpm start arguments', () => {
  it('reads --port and --host', () => {
    expect(parseArgs([])).toEqual({ port: 4173, host: '127.0.0.1' });
    expect(parseArgs(['--port', '8080', '--host', '0.0.0.0'])).toEqual({ port: 8080, host: '0.0.0.0' });
    expect(parseArgs(['--', '--port', '0'])).toEqual({ port: 0, host: '127.0.0.1' });
  });

  it('rejects bad values, naming them', () => {
    expect(() => parseArgs(['--port', 'x'])).toThrow(/--port: expected a number in \[0, 65535\], received NaN/);
    expect(() => parseArgs(['--port', '70000'])).toThrow(/--port: expected a number in \[0, 65535\], received 70000/);
    expect(() => parseArgs(['--port', '80.5'])).toThrow(/--port: expected an integer in \[0, 65535\], received "80.5"/);
    expect(() => parseArgs(['--verbose'])).toThrow(/arguments: expected --port <0-65535> and\/or --host <address>, received "--verbose"/);
    expect(() => parseArgs(['--port'])).toThrow(/--port: expected a number in \[0, 65535\], received undefined/);
  });
});
