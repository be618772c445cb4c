// Golden files: a small seeded forecaster and classifier saved to bytes must hash to the SHA-256 recorded here, so a
// change to bundle.ts or core's container framing can never silently change the file format; the bytes must also
// load back. The fit time in the report is the one non-deterministic field: the clock is frozen while fitting.
import { createHash } from 'node:crypto';
import { jsBackend } from '@rnn/backend-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SequenceClassifier } from './classifier.js';
import { Forecaster } from './forecaster.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('@rnn/timeseries files: golden bytes', () => {
  it('a seeded, fitted Forecaster writes the recorded bytes', async () => {
    vi.spyOn(performance, 'now').mockReturnValue(1000);
    const f = new Forecaster(jsBackend(), { horizon: 2, lookback: 4, hiddenSize: 3, epochs: 2, level: null, seed: 1 });
    await f.fit(Array.from({ length: 24 }, (_, t) => Math.sin(t / 2) + t / 10));
    const bytes = f.save();
    expect([bytes.length, sha256(bytes)]).toEqual([1964, '830de640398dc75e28d49911a82abfa060ca31a4a5c9260610bdfa1e718cb10d']);
    const g = Forecaster.load(jsBackend(), bytes);
    expect(g.save()).toEqual(bytes);
    f.dispose();
    g.dispose();
  });

  it('a seeded, fitted SequenceClassifier writes the recorded bytes', async () => {
    vi.spyOn(performance, 'now').mockReturnValue(1000);
    const sequences = [0, 1, 2, 3, 4, 5].map((k) => ({ length: 3, values: Float64Array.from([k, 1, k % 2, 2, -k, 3]) }));
    const c = new SequenceClassifier(jsBackend(), { features: 2, classes: 2, cell: 'gru', hiddenSize: 3, epochs: 1, seed: 2 });
    await c.fit({ sequences, labels: [0, 1, 0, 1, 0, 1] });
    const bytes = c.save();
    expect([bytes.length, sha256(bytes)]).toEqual([2080, 'cb8a5d206e42d0e51c45d9346320d46fd8a53868c2c539e8bd4693bde68c8fa4']);
    const again = SequenceClassifier.load(jsBackend(), bytes);
    expect(again.save()).toEqual(bytes);
    c.dispose();
    again.dispose();
  });
});
