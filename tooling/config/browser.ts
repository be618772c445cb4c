// Runs a page in a real browser for tests: builds `root` (index.html + main.ts) with Vite, serves it on
// 127.0.0.1 and drives Debian's Chromium through playwright-core until the page sets `window.result`.
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';

export const CHROMIUM = '/usr/bin/chromium';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

/** Debian's headless Chromium with flags that keep it off the network, with software WebGL (SwiftShader). */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  return chromium.launch({
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
}

export interface PageRun {
  result: Record<string, unknown>;
  console: string[];
}

export interface PageOptions {
  timeoutMs?: number;
  /** Serve with COOP same-origin + COEP require-corp, so the page is cross-origin isolated (SharedArrayBuffer). */
  crossOriginIsolated?: boolean;
}

export async function runPage(root: string, options: PageOptions = {}): Promise<PageRun> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  const isolation = options.crossOriginIsolated
    ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
    : {};
  const out = mkdtempSync(join(tmpdir(), 'rnn-page-'));
  await build({
    root,
    logLevel: 'error',
    resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
    build: { outDir: out, emptyOutDir: true },
    worker: { format: 'es' }, // module workers may import lazily (code splitting)
  });
  const server = createServer((req, res) => {
    const path = join(out, req.url === '/' ? 'index.html' : decodeURIComponent(req.url!.split('?')[0]!));
    if (!path.startsWith(out) || !existsSync(path)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', ...isolation });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const console: string[] = [];
    page.on('console', (m) => console.push(m.text()));
    await page.goto(`http://127.0.0.1:${port}/`);
    // (functions passed to the page are serialised: no closures)
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: timeoutMs });
    const result = await page.evaluate(() => (window as unknown as { result: Record<string, unknown> }).result);
    return { result, console };
  } finally {
    await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 10_000))]);
    server.close();
    rmSync(out, { recursive: true, force: true });
  }
}
