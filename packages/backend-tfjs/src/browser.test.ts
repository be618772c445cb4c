// A real browser: the page in browser/ trains an LSTM on tfjs-backend-webgl (SwiftShader software GL in
// headless Chromium).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runPage } from '../../../tooling/config/browser.js';

describe('backend-tfjs in Chromium', () => {
  it('trains an LSTM on the webgl backend with falling loss and no leaked tensors', async () => {
    const { result, console } = await runPage(fileURLToPath(new URL('../browser', import.meta.url)));
    expect(result.error, console.join('\n')).toBeUndefined();
    // webgl must work here; if it ever cannot initialise, the page ran on wasm and says why
    expect(result.webglError ?? null, `webgl failed: ${result.webglError}`).toBeNull();
    expect(result.backend).toBe('webgl');
    const losses = result.losses as number[];
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    expect(result.growth).toBe(0);
    expect(result.leftAfterDispose).toBe(0);
  }, 180_000);
});
