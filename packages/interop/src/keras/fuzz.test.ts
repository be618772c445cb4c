// Property: a damaged layers model (any JSON field replaced or deleted, the text cut, weight bytes truncated,
// extended or bit-flipped) either loads or throws a typed RnnError; never another exception. Runs: RNN_FUZZ_RUNS
// (default 200; a dedicated fuzz run can set 10000) from seed RNN_FUZZ_SEED (default 42); `pnpm fuzz` sets both.
import { bidirectional, dense, gru, meanSquaredError, Rng, RnnError, recurrent, Sequential, sgd } from '@rnn/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LayersModelJson, loadLayersModel, toLayersModel } from './index.js';
import { backends, randomizeTfjs, saveTfjs, tf } from './tfjs.test-helpers.js';

const runs = Number(process.env.RNN_FUZZ_RUNS ?? 200);
const seed = Number(process.env.RNN_FUZZ_SEED ?? 42);
const backend = backends[1]![1]();

let files: { modelJson: LayersModelJson; weights: Uint8Array }[] = [];

beforeAll(async () => {
  const m = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: 5, outputDim: 3, maskZero: true, inputShape: [null] }),
      tf.layers.bidirectional({ layer: tf.layers.gru({ units: 2, returnSequences: true }) as tf.RNN, mergeMode: 'ave' }),
      tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, activation: 'softmax' }) }),
    ],
  });
  randomizeTfjs(m, new Rng(1));
  const a = await saveTfjs(m);
  m.dispose();
  const rnn = new Sequential(backend, {
    layers: [
      bidirectional({ cell: gru({ inputSize: 2, hiddenSize: 2 }), returnSequences: true }),
      recurrent({ cell: gru({ inputSize: 4, hiddenSize: 2 }) }),
      dense({ inputSize: 2, outputSize: 1 }),
    ],
    loss: meanSquaredError(),
    optimizer: sgd(),
  });
  const b = toLayersModel(rnn, { target: 'keras3' });
  rnn.dispose();
  files = [
    { modelJson: a.modelJson, weights: new Uint8Array(a.weights) },
    { modelJson: b.modelJson, weights: new Uint8Array(b.weightData[0]!) },
  ];
});

/** Every path to a value inside a JSON document. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(v)) v.forEach((e, i) => out.push(...paths(e, [...prefix, i])));
  else if (typeof v === 'object' && v !== null) for (const [k, e] of Object.entries(v)) out.push(...paths(e, [...prefix, k]));
  return out;
}

function edit(doc: unknown, path: (string | number)[], replacement: unknown, remove: boolean): unknown {
  if (path.length === 0) return replacement;
  type Node = Record<string | number, unknown>;
  const parent = path.slice(0, -1).reduce((o, k) => o[k] as Node, doc as Node);
  const key = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(parent)) (parent as unknown[]).splice(key as number, 1);
    else delete parent[key];
  } else parent[key] = replacement;
  return doc;
}

const odd = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    0,
    -1,
    1.5,
    1e9,
    2 ** 31,
    Number.NaN,
    '',
    'x',
    'hard_sigmoid',
    'float16',
    true,
    false,
    [],
    {},
    [null],
    [1e6, 1e6],
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

function loadsOrThrowsTyped(source: { modelJson: unknown; weights: unknown }): void {
  try {
    loadLayersModel(backend, source as never).model.dispose();
  } catch (e) {
    if (!RnnError.isInstance(e)) throw e;
  }
}

describe('fuzz: damaged files throw typed errors', () => {
  it('fuzz: JSON fields replaced or deleted', () => {
    fc.assert(
      fc.property(fc.nat(1), fc.nat(), odd, fc.boolean(), (file, pick, replacement, remove) => {
        const f = files[file]!;
        const doc = structuredClone(f.modelJson);
        const all = paths(doc);
        loadsOrThrowsTyped({ modelJson: edit(doc, all[pick % all.length]!, replacement, remove), weights: f.weights });
      }),
      { numRuns: runs, seed },
    );
  });

  it('fuzz: model.json text cut and weight bytes truncated, extended or bit-flipped', () => {
    fc.assert(
      fc.property(
        fc.nat(1),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 2 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (file, cut, at, mode, flips) => {
          const f = files[file]!;
          const text = JSON.stringify(f.modelJson);
          loadsOrThrowsTyped({ modelJson: text.slice(0, cut % text.length), weights: f.weights });
          const bytes = f.weights.slice();
          if (mode === 0) loadsOrThrowsTyped({ modelJson: f.modelJson, weights: bytes.subarray(0, at % bytes.length) });
          else if (mode === 1) loadsOrThrowsTyped({ modelJson: f.modelJson, weights: new Uint8Array(bytes.length + 1 + (at % 64)) });
          else {
            for (const b of flips) bytes[b % bytes.length]! ^= 1 << (b % 8);
            loadsOrThrowsTyped({ modelJson: f.modelJson, weights: bytes });
          }
        },
      ),
      { numRuns: runs, seed: seed + 1 },
    );
  });

  it('the fixtures load as they are', () => {
    for (const f of files)
      expect(() =>
        loadLayersModel(backend, { modelJson: f.modelJson, weights: f.weights }, { softmax: 'logits' }).model.dispose(),
      ).not.toThrow();
  });
});
