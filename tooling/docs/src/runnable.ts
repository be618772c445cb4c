// Extracts the code blocks marked runnable from the project's Markdown (the root README, docs/, and every
// package's, app's and tool's README): ```ts run blocks are type-checked and run as written; ```ts check blocks
// (examples that train for minutes on real data) are type-checked only.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

export interface RunnableBlock {
  /** Repository-relative Markdown file. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** Run it, or only type-check it. */
  mode: 'run' | 'check';
}

/** Markdown files that hold user documentation. */
export function documentationFiles(root = repoRoot): string[] {
  const files = [join(root, 'README.md')];
  const docs = join(root, 'docs');
  if (existsSync(docs))
    for (const f of readdirSync(docs, { recursive: true, encoding: 'utf8' })) if (f.endsWith('.md')) files.push(join(docs, f));
  for (const group of ['packages', 'apps', 'tooling'])
    for (const dir of readdirSync(join(root, group))) {
      const readme = join(root, group, dir, 'README.md');
      if (existsSync(readme)) files.push(readme);
    }
  return files.map((f) => relative(root, f)).sort();
}

/** The ```ts run and ```ts check blocks of one Markdown text. */
export function runnableBlocks(file: string, text: string): RunnableBlock[] {
  const blocks: RunnableBlock[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```ts (run|check)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]!); j++) body.push(lines[j]!.slice(indent));
    if (j === lines.length) throw new Error(`${file}:${i + 1}: unterminated code block`);
    blocks.push({ file, line: i + 1, code: body.join('\n'), mode: open[2] as 'run' | 'check' });
    i = j;
  }
  return blocks;
}

export function allRunnableBlocks(root = repoRoot): RunnableBlock[] {
  return documentationFiles(root).flatMap((f) => runnableBlocks(f, readFileSync(join(root, f), 'utf8')));
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}
