// A child saves a model over and over to one path and is SIGKILLed at random moments; afterwards the file must
// always load, and be either the last save the child reported or the one in flight, never a partial file.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsBackend } from '@rnn/backend-js';
import { adam, dense, lstm, meanSquaredError, Rng, recurrent, Sequential } from '@rnn/core';
import { loadModel, saveModel } from '@rnn/core/node';
import { afterAll, describe, expect, it } from 'vitest';
import { childScript, requireBuilt } from './children.js';

const KILLS = Number(process.env.RNN_CRASH_KILLS ?? 24);

function killedAfter(path: string, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript('save-loop.mjs'), path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d) => {
      out += d;
      // start the clock at the first completed save, so every kill lands inside the save loop
      timer ??= setTimeout(() => child.kill('SIGKILL'), ms);
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') return reject(new Error(`save loop ended without being killed: ${err}`));
      const lines = out.trim().split('\n');
      resolve(Number(lines[lines.length - 1] ?? 0));
    });
  });
}

describe('crash-safe saves', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnn-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`a save loop SIGKILLed ${KILLS} times never leaves a partial model`, async () => {
    requireBuilt();
    const backend = jsBackend();
    const path = join(dir, 'model.rnn');
    const template = new Sequential(backend, {
      layers: [recurrent({ cell: lstm({ inputSize: 4, hiddenSize: 64 }) }), dense({ inputSize: 64, outputSize: 1 })],
      loss: meanSquaredError(),
      optimizer: adam(),
      seed: 1,
    });
    saveModel(template, path); // generation 0 (initial weights) is there before the first child starts
    template.dispose();
    const rng = new Rng(2026);
    for (let i = 0; i < KILLS; i++) {
      const reported = await killedAfter(path, rng.int(40));
      const model = loadModel(backend, path); // throws CorruptModelError on a partial file
      const k = model.getWeights()['0.kernel']![0]!;
      model.dispose();
      // the save in flight when the signal came may or may not have been renamed into place
      expect([reported, reported + 1], `kill ${i}`).toContain(k);
    }
    expect(backend.stats().tensors).toBe(0);
  });
});
