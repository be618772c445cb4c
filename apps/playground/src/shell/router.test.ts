import { InvalidArgumentError } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { pages } from '../pages/index.js';
import { parseRoute, routeHash } from './router.js';

const ids = ['gradients', 'unrolling', 'text', 'inside', 'forecast', 'classify', 'models'];

describe('routes', () => {
  it('reads the page and its parameters from the hash', () => {
    expect(parseRoute('#/unrolling?cell=gru&text=the%20c', ids)).toEqual({
      id: 'unrolling',
      params: { cell: 'gru', text: 'the c' },
      known: true,
    });
    expect(parseRoute('#/gradients', ids)).toEqual({ id: 'gradients', params: {}, known: true });
  });

  it('opens the first page for an empty hash, and flags unknown pages', () => {
    expect(parseRoute('', ids)).toEqual({ id: 'gradients', params: {}, known: true });
    expect(parseRoute('#/', ids)).toEqual({ id: 'gradients', params: {}, known: true });
    expect(parseRoute('#/nope?x=1', ids)).toEqual({ id: 'gradients', params: {}, known: false });
    expect(() => parseRoute('#/x', [])).toThrow(InvalidArgumentError);
  });

  it('writes hashes that read back the same', () => {
    const hash = routeHash('unrolling', { cell: 'lstm', text: 'a b&c' });
    expect(hash).toBe('#/unrolling?cell=lstm&text=a+b%26c');
    expect(parseRoute(hash, ids)).toEqual({ id: 'unrolling', params: { cell: 'lstm', text: 'a b&c' }, known: true });
  });

  it('registers each page once, with a title and summary', () => {
    expect(pages.map((p) => p.id)).toEqual(ids);
    expect(new Set(pages.map((p) => p.id)).size).toBe(pages.length);
    for (const p of pages) expect(p.title.length * p.summary.length).toBeGreaterThan(0);
  });
});
