// The bad-input catalogue of @rnn/timeseries: bad CSV cells, broken time indexes, impossible windows and
// options give typed errors that name the column, the row or the option.
import { jsBackend } from '@rnn/backend-js';
import { type BadInputCase, checkBadInput } from '@rnn/core/testing';
import { describe, expect, it } from 'vitest';
import { Forecaster, forecast, mape, mase, parseCsv, Scaler, slidingWindows } from './index.js';

const csv = (rows: string[]) => ['month,sales', ...rows].join('\n');
const seq = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

const cases: BadInputCase[] = [
  {
    name: 'a non-numeric cell',
    call: () => parseCsv(csv(['2020-01,1', '2020-02,abc']), { time: 'month' }),
    code: 'INVALID_ARGUMENT',
    argument: 'column "sales" (line 3)',
    received: '"abc"',
  },
  {
    name: 'a missing cell under the default policy',
    call: () => parseCsv(csv(['2020-01,1', '2020-02,']), { time: 'month' }),
    code: 'INVALID_ARGUMENT',
    argument: 'column "sales" (line 3, 2020-02-01)',
    received: 'a missing value',
  },
  {
    name: 'unsorted timestamps',
    call: () => parseCsv(csv(['2020-02,1', '2020-01,2', '2020-03,3']), { time: 'month' }),
    code: 'INVALID_ARGUMENT',
    argument: 'time column "month" (line 3)',
    received: '2020-01-01, which is earlier (unsorted)',
  },
  {
    name: 'duplicated timestamps',
    call: () => parseCsv(csv(['2020-01,1', '2020-01,2', '2020-02,3']), { time: 'month' }),
    code: 'INVALID_ARGUMENT',
    argument: 'time column "month" (line 3)',
    received: '2020-01-01 again (duplicated timestamp)',
  },
  {
    name: 'an unknown column',
    call: () => parseCsv(csv(['2020-01,1']), { time: 'month', columns: ['price'] }),
    code: 'INVALID_ARGUMENT',
    argument: 'columns[0]',
    received: '"price"',
  },
  {
    name: 'horizon beyond the series',
    call: () => slidingWindows(seq(5), { lookback: 2, horizon: 5 }),
    code: 'INVALID_ARGUMENT',
    argument: 'horizon',
    received: '5',
  },
  {
    name: 'lookback too long for the series',
    call: () => slidingWindows(seq(5), { lookback: 4, horizon: 2 }),
    code: 'INVALID_ARGUMENT',
    argument: 'lookback',
    received: '4',
  },
  {
    name: 'stride 0',
    call: () => slidingWindows(seq(10), { lookback: 2, horizon: 1, stride: 0 }),
    code: 'INVALID_ARGUMENT',
    argument: 'stride',
    received: '0',
  },
  { name: 'MAPE with a zero actual', call: () => mape([0, 1], [1, 1]), code: 'INVALID_ARGUMENT', argument: 'actual[0]', received: '0' },
  {
    name: 'MASE with seasonality 0',
    call: () => mase([1], [1], [1, 2, 3], 0),
    code: 'INVALID_ARGUMENT',
    argument: 'seasonality',
    received: '0',
  },
  {
    name: 'an unknown scaler',
    call: () => Scaler.fit('zscore' as never, [1, 2, 3]),
    code: 'INVALID_ARGUMENT',
    argument: 'scaler',
    received: '"zscore"',
  },
  {
    name: 'forecast horizon 0',
    call: () => forecast(jsBackend(), seq(40), { horizon: 0 }),
    code: 'INVALID_ARGUMENT',
    argument: 'horizon',
    received: '0',
  },
  {
    name: 'an interval level of 1',
    call: () => new Forecaster(jsBackend(), { horizon: 2, level: 1 }),
    code: 'INVALID_ARGUMENT',
    argument: 'level',
    received: '1',
  },
  {
    name: 'garbage as a saved forecaster',
    call: () => Forecaster.load(jsBackend(), new Uint8Array(32)),
    code: 'CORRUPT_MODEL',
    argument: 'file.magic',
    received: '"\\u0000',
  },
];

describe('@rnn/timeseries bad-input catalogue', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await checkBadInput(c)).toBeNull();
  });
});
