// Documentation cannot rot: every ```ts run block in the READMEs and guides is written to a module and imported,
// exactly as a user would paste it, each in its own module; every ```ts run and ```ts check block type-checks.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRunnableBlocks, runnableBlocks } from './runnable.js';

const dir = join(import.meta.dirname, '..', '.runnable');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const blocks = allRunnableBlocks();

describe('runnable documentation', () => {
  it('finds blocks, and reads fences as written', () => {
    expect(blocks.length).toBeGreaterThan(0);
    const md = ['text', '```ts run', 'const a = 1;', '```', '```ts', 'not run', '```', '  ```ts check', '  const b = 2;', '  ```'].join(
      '\n',
    );
    expect(runnableBlocks('x.md', md)).toEqual([
      { file: 'x.md', line: 2, code: 'const a = 1;', mode: 'run' },
      { file: 'x.md', line: 8, code: 'const b = 2;', mode: 'check' },
    ]);
    expect(() => runnableBlocks('x.md', '```ts run\nno end')).toThrow(/x.md:1: unterminated/);
  });

  it.each(blocks.filter((b) => b.mode === 'run').map((b) => [`${b.file}:${b.line}`, b] as const))('%s', async (_name, block) => {
    const file = join(dir, `${block.file.replace(/[^\w]+/g, '_')}_${block.line}.ts`);
    writeFileSync(file, `${block.code}\nexport {};\n`);
    await import(file);
  });
});

describe('runnable documentation type-checks', () => {
  it('every block compiles against the packages’ types (TypeScript 6 API; TypeScript 7 has none)', async () => {
    const ts = (await import('typescript')).default;
    const files = blocks.map((b) => {
      const file = join(dir, `check_${b.file.replace(/[^\w]+/g, '_')}_${b.line}.ts`);
      writeFileSync(file, `${b.code}\nexport {};\n`);
      return { file, block: b };
    });
    const config = ts.getParsedCommandLineOfConfigFile(
      join(import.meta.dirname, '..', '..', '..', 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    )!;
    const program = ts.createProgram(
      files.map((f) => f.file),
      { ...config.options, noEmit: true, skipLibCheck: true },
    );
    const problems = files.flatMap(({ file, block }) =>
      ts
        .getPreEmitDiagnostics(program, program.getSourceFile(file))
        .filter((d) => d.file?.fileName === file)
        .map((d) => {
          const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
          return `${block.file}:${block.line + 1 + line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
        }),
    );
    expect(problems).toEqual([]);
  });
});
