// Smoke runs of the worked examples that are command-line scripts, at tiny sizes, from their built files
// (pnpm test builds first): each must finish and print its metric lines. The examples of @rnn/nlp and the
// video example have their own smoke tests in their packages.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './runnable.js';

interface ExampleRun {
  command: string;
  script: string;
  args: string[];
  /** Output every run must contain. */
  expect: RegExp[];
}

const runs: ExampleRun[] = [
  {
    command: 'pnpm demo',
    script: 'apps/demo/dist/main.js',
    args: ['--seconds', '2'],
    expect: [/backend wasm-(relaxed-)?simd/, /after \d+ steps: validation loss [\d.]+ bits\/char/, /ROMEO:/],
  },
  {
    command: 'pnpm demo -- --backend js',
    script: 'apps/demo/dist/main.js',
    args: ['--seconds', '1', '--backend', 'js'],
    expect: [/backend js-float32/, /after \d+ steps/],
  },
  {
    command: 'pnpm --filter @rnn/timeseries example:airline',
    script: 'packages/timeseries/dist/examples/airline.js',
    args: ['--seeds', '1', '--hidden', '4'],
    expect: [/MASE/i, /seasonal naive/i],
  },
  {
    command: 'pnpm --filter @rnn/timeseries example:forecast',
    script: 'packages/timeseries/dist/examples/forecast.js',
    args: ['--series', 'co2', '--strategy', 'direct'],
    expect: [/MASE/i],
  },
  {
    command: 'pnpm --filter @rnn/timeseries example:vowels',
    script: 'packages/timeseries/dist/examples/vowels.js',
    args: ['--seeds', '1', '--hidden', '4'],
    expect: [/accuracy/i],
  },
  {
    command: 'pnpm --filter @rnn/speech example',
    script: 'packages/speech/dist/example.js',
    args: ['--epochs', '1', '--hidden', '8'],
    expect: [/digit error rate/i],
  },
  {
    command: 'pnpm --filter @rnn/interop example:keras',
    script: 'packages/interop/dist/keras/example.js',
    args: ['--epochs', '1', '--hidden', '4'],
    expect: [/accuracy/i],
  },
  {
    command: 'pnpm --filter @rnn/interop example:torch-onnx',
    script: 'packages/interop/dist/onnx/example.js',
    args: ['--epochs', '1', '--hidden', '4'],
    expect: [/onnxruntime/i, /imported from ONNX: predictions bit-identical/],
  },
];

function run(script: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, script), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 280_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('worked examples (tiny runs of the built scripts)', () => {
  it.each(runs.map((r) => [r.command, r] as const))('%s', async (_command, r) => {
    expect(existsSync(join(repoRoot, r.script)), `${r.script} is missing: run pnpm build first (pnpm test does)`).toBe(true);
    const { code, out } = await run(r.script, r.args);
    expect(code, out).toBe(0);
    for (const pattern of r.expect) expect(out, out).toMatch(pattern);
  });
});
