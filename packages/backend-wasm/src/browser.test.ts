// A real browser: the page in browser/ loads the .wasm the way an app bundled with Vite does and trains.
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
});
