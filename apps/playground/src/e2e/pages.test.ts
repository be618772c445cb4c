// Every page, freshly loaded in Chromium: it mounts without console errors, names every control and chart for
// assistive technology, fits a phone-width screen without horizontal scrolling, and leaves a screenshot (wide
// and narrow) in .tmp/artifacts/playground.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pages } from '../pages/index.js';
import { openApp, type Session } from './harness.js';

let s: Session;

beforeAll(async () => {
  s = await openApp(inject('appDir'), 170_000);
}, 60_000);

afterAll(async () => {
  await s?.close();
});

describe('every page in Chromium', () => {
  for (const { id } of pages) {
    it(`#/${id} loads without console errors, names its controls and fits a narrow screen`, async () => {
      const { page } = s;
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${s.url}#/${id}`);
      await page.reload(); // a fresh document for each page, not a hash change inside the last one
      await page.waitForSelector(`.page[data-page="${id}"][data-ready="true"]`);
      expect(await page.$$('.page p.error:not([hidden])'), 'an error paragraph is visible').toHaveLength(0);
      expect(await page.inputValue('#backend')).toBe('wasm'); // the default backend (nothing chosen in this browser)
      await s.screenshot(`page-${id}`);
      await page.setViewportSize({ width: 390, height: 844 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      await s.screenshot(`page-${id}-narrow`);
      expect(overflow, 'pixels of horizontal scrolling at 390 px').toBeLessThanOrEqual(0);
      expect(s.errors()).toEqual([]);
      // every control and chart has an accessible name (a label, aria-label or, for buttons, its text)
      const unnamed = await page.evaluate(() =>
        [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button, canvas')]
          .filter((el) => {
            const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
            return !labelled && !(el.tagName === 'BUTTON' && el.textContent!.trim());
          })
          .map((el) => el.outerHTML.slice(0, 120)),
      );
      expect(unnamed).toEqual([]);
    });
  }
});
