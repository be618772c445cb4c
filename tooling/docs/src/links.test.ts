// Every relative link in the documentation points at a file that exists, and every #anchor into a Markdown file
// at a heading it has (GitHub's slugs).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentationFiles, repoRoot, slug } from './runnable.js';

const anchors = (file: string): Set<string> =>
  new Set(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /^#{1,6} /.test(l))
      .map((l) => slug(l.replace(/^#+ /, ''))),
  );

describe('documentation links', () => {
  it('slugs like GitHub', () => {
    expect(slug('Use it')).toBe('use-it');
    expect(slug('`@rnn/core` — API at a glance')).toBe('rnncore--api-at-a-glance');
  });

  it.each(documentationFiles())('%s', (file) => {
    const text = readFileSync(join(repoRoot, file), 'utf8').replace(/```[\s\S]*?```/g, ''); // not inside code
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!) || target!.startsWith('mailto:')) continue; // external
      const [path, anchor] = target!.split('#') as [string, string | undefined];
      const resolved = path ? join(dirname(join(repoRoot, file)), decodeURI(path)) : join(repoRoot, file);
      if (!existsSync(resolved)) broken.push(`${target} (no such file)`);
      else if (anchor && statSync(resolved).isFile() && resolved.endsWith('.md') && !anchors(resolved).has(anchor))
        broken.push(`${target} (no such heading)`);
    }
    expect(broken).toEqual([]);
  });
});
