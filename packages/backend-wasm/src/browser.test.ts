// A real browser: the pages load the .wasm the way an app bundled with Vite does and train.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runPage } from '../../../tooling/config/browser.js';

describe('backend-wasm in Chromium', () => {
  it('loads from a built page and trains a GRU with falling loss, releasing every tensor', async () => {
    const { result, console } = await runPage(fileURLToPath(new URL('../browser', import.meta.url)));
    expect(result.error, console.join('\n')).toBeUndefined();
    expect(String(result.backend)).toMatch(/^wasm-(relaxed-)?simd$/);
    const losses = result.losses as number[];
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    expect(result.liveTensors).toBe(0);
  }, 180_000);

  it('runs 2 threads on Web Workers from a Worker of a cross-origin-isolated page, with the 1-thread bits', async () => {
    const { result, console } = await runPage(fileURLToPath(new URL('../browser-threads', import.meta.url)), {
      crossOriginIsolated: true,
    });
    expect(result.error, console.join('\n')).toBeUndefined();
    expect(result.crossOriginIsolated).toBe(true);
    // the main thread cannot block, so threads are refused there with a typed error that says why
    expect(String(result.mainThreadError)).toMatch(/^UNSUPPORTED: options\.threads: .*Web Worker/);
    const { one, two, auto } = result as unknown as Record<'one' | 'two' | 'auto', { name: string; losses: number[]; liveTensors: number }>;
    expect(one.name).toBe('wasm-simd');
    expect(two.name).toBe('wasm-simd-threads');
    expect(two.losses).toEqual(one.losses);
    expect(two.losses.at(-1)!).toBeLessThan(two.losses[0]!);
    expect(two.liveTensors).toBe(0);
    expect(auto.name).toBe('wasm-relaxed-simd-threads');
    expect(auto.losses.at(-1)!).toBeLessThan(auto.losses[0]!);
  }, 180_000);
});
