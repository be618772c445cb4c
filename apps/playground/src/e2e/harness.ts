// End-to-end harness: builds the playground for production with its own vite.config.ts (once per run, in
// global-setup.ts), serves the build with the same static server as `pnpm start` (COOP/COEP headers), and
// drives Debian's Chromium through playwright-core with the headless flags of tooling/config/browser.ts. A
// watchdog closes everything if a test hangs, and closing is bounded so a stuck browser cannot hold the run.
// Screenshots go to .tmp/artifacts/playground at the repository root (CI keeps them as artifacts).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { launchChromium } from '../../../../tooling/config/browser.js';
import { createStaticServer } from '../server/static.js';

export interface Session {
  page: Page;
  url: string;
  /** Console messages and page errors, for assertion messages. */
  log: string[];
  /** The console errors and uncaught page errors logged so far. */
  errors(): string[];
  /** Saves a full-page screenshot as .tmp/artifacts/playground/<name>.png; returns its path. */
  screenshot(name: string): Promise<string>;
  /** Every URL the page requested (to check that nothing leaves the local server). */
  requests: string[];
  close(): Promise<void>;
}

const APP_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ARTIFACTS = fileURLToPath(new URL('../../../../.tmp/artifacts/playground/', import.meta.url));

/** Builds the app into a temporary directory; returns its path. */
export async function buildApp(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'rnn-playground-'));
  await build({ configFile: join(APP_ROOT, 'vite.config.ts'), logLevel: 'error', build: { outDir: out, emptyOutDir: true } });
  return out;
}

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));

const bounded = (p: Promise<unknown>, ms: number): Promise<unknown> =>
  Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, ms).unref())]);

/** Serves `dir` and opens it in headless Chromium. `watchdogMs` bounds the whole session. */
export async function openApp(dir: string, watchdogMs: number): Promise<Session> {
  const server = createStaticServer(dir);
  const port = await listen(server);
  let browser: Browser | null = null;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    clearTimeout(watchdog);
    if (browser) await bounded(browser.close(), 10_000);
    server.closeAllConnections();
    await bounded(new Promise((r) => server.close(r)), 5_000);
  };
  const watchdog = setTimeout(() => void close(), watchdogMs);
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    const log: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    page.setDefaultTimeout(60_000);
    const errors = (): string[] => log.filter((line) => line.startsWith('error: ') || line.startsWith('pageerror: '));
    const screenshot = async (name: string): Promise<string> => {
      mkdirSync(ARTIFACTS, { recursive: true });
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    };
    return { page, url: `http://127.0.0.1:${port}/`, log, errors, screenshot, requests, close };
  } catch (e) {
    await close();
    throw e;
  }
}

export function removeBuild(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
