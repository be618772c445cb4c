// A real browser: builds browser/ with Vite, serves it on 127.0.0.1 and drives Debian's Chromium through
// playwright-core; the page trains an LSTM on tfjs-backend-webgl (SwiftShader software GL when headless).
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

describe('backend-tfjs in Chromium', () => {
  it('trains an LSTM on the webgl backend with falling loss and no leaked tensors', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`).toBe(true);
    const out = mkdtempSync(join(tmpdir(), 'rnn-tfjs-page-'));
    await build({
      root: fileURLToPath(new URL('../browser', import.meta.url)),
      logLevel: 'error',
      resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
      build: { outDir: out, emptyOutDir: true },
    });
    const server = createServer((req, res) => {
      const path = join(out, req.url === '/' ? 'index.html' : decodeURIComponent(req.url!.split('?')[0]!));
      if (!path.startsWith(out) || !existsSync(path)) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      createReadStream(path).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--enable-unsafe-swiftshader',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      timeout: 30_000,
    });
    try {
      const page = await browser.newPage();
      const console: string[] = [];
      page.on('console', (m) => console.push(m.text()));
      await page.goto(`http://127.0.0.1:${port}/`);
      // (functions passed to the page are serialised: no closures)
      await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 90_000 });
      const result = (await page.evaluate(() => (window as unknown as { result: Record<string, unknown> }).result))!;
      expect(result.error, console.join('\n')).toBeUndefined();
      const losses = result.losses as number[];
      // webgl must work here; if it ever cannot initialise, the page ran on wasm and says why
      expect(result.webglError ?? null, `webgl failed: ${result.webglError}`).toBeNull();
      expect(result.backend).toBe('webgl');
      expect(losses.at(-1)!).toBeLessThan(losses[0]!);
      expect(result.growth).toBe(0);
      expect(result.leftAfterDispose).toBe(0);
    } finally {
      await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 10_000))]);
      server.close();
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});
