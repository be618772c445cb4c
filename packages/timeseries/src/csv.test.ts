import { InvalidArgumentError, ShapeError } from '@rnn/core';
import { loadTimeSeriesCsv } from '@rnn/datasets';
import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvRecords } from './csv.js';
import { formatTimestamp } from './time.js';

const dates = (t: Float64Array | null): string[] => Array.from(t!, formatTimestamp);

describe('parseCsvRecords', () => {
  it('handles quotes, escaped quotes, delimiters and line breaks inside quotes, CRLF, a BOM and blank lines', () => {
    const text = '\ufeffa,b,c\r\n"x, y","say ""hi""",3\r\n\r\n"multi\nline",,"" \n';
    const r = parseCsvRecords(text.replace('"" \n', '""\n'));
    expect(r).toEqual([
      { fields: ['a', 'b', 'c'], line: 1 },
      { fields: ['x, y', 'say "hi"', '3'], line: 2 },
      { fields: ['multi\nline', '', ''], line: 4 },
    ]);
    expect(parseCsvRecords('a;b\n1;2', ';')).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1', '2'], line: 2 },
    ]);
    expect(parseCsvRecords('a\n""\n')).toEqual([
      { fields: ['a'], line: 1 },
      { fields: [''], line: 2 },
    ]);
  });

  it('rejects an unterminated quote and text after a closing quote, naming the line', () => {
    expect(() => parseCsvRecords('a,b\n1,"open\n2,3')).toThrow(
      'CSV line 2: expected a closing quote for the quoted field opened on this line, received the end of the text',
    );
    expect(() => parseCsvRecords('a,b\n"1"x,2')).toThrow(
      'CSV line 2: expected a delimiter or line end after a closing quote, received "x"',
    );
    expect(() => parseCsvRecords('a', '"')).toThrow(InvalidArgumentError);
  });
});

describe('parseCsv', () => {
  const monthly = 'month,sales,price\n2020-01,10,1.5\n2020-02,12,1.25\n2020-03,11,1.0\n';

  it('reads the time column and numeric columns, inferring and checking the frequency', () => {
    const s = parseCsv(monthly, { time: 'month' });
    expect(s.length).toBe(3);
    expect(s.frequency).toEqual({ unit: 'month', step: 1 });
    expect(dates(s.time)).toEqual(['2020-01-01', '2020-02-01', '2020-03-01']);
    expect(Array.from(s.columns.sales!)).toEqual([10, 12, 11]);
    expect(Object.keys(s.columns)).toEqual(['sales', 'price']);
    const picked = parseCsv(monthly, { time: 'month', columns: ['price'] });
    expect(Object.keys(picked.columns)).toEqual(['price']);
    const plain = parseCsv('1\n2\n-3.5e1\n', { header: ['v'] });
    expect(plain.time).toBeNull();
    expect(Array.from(plain.columns.v!)).toEqual([1, 2, -35]);
  });

  it('names the column and line of a non-numeric cell, a bad timestamp, a ragged row, an unknown column', () => {
    expect(() => parseCsv('t,v\n2020-01,1\n2020-02,abc\n', { time: 't' })).toThrow(
      'column "v" (line 3): expected a number or a missing-value token, received "abc"',
    );
    expect(() => parseCsv('t,v\n2020-01,1\n2020-02,1,000\n', { time: 't' })).toThrow(ShapeError);
    expect(() => parseCsv('t,v\n2020-01,1\n2020-02,1,000\n', { time: 't' })).toThrow(
      'CSV line 3: expected 2 fields (as the header), received 3 fields',
    );
    expect(() => parseCsv('t,v\n2020-01,1\nFeb 2020,2\n', { time: 't' })).toThrow(
      'time column "t" (line 3): expected a date/time, received "Feb 2020"',
    );
    expect(() => parseCsv(monthly, { time: 'date' })).toThrow(
      'time: expected one of the CSV columns "month", "sales", "price", received "date"',
    );
    expect(() => parseCsv(monthly, { time: 'month', columns: ['qty'] })).toThrow(/columns\[0\]: expected one of the CSV columns/);
    expect(() => parseCsv('t,v\n', { time: 't' })).toThrow('text: expected at least one data row, received none');
    // a text column is an error unless the numeric columns are chosen
    const weather = loadTimeSeriesCsv('seattle-weather');
    expect(() => parseCsv(weather, { time: 'date' })).toThrow(
      'column "weather" (line 2): expected a number or a missing-value token, received "drizzle"',
    );
  });

  it('reports unsorted, duplicated and missing timestamps by file line', () => {
    expect(() => parseCsv('t,v\n2020-01,1\n2020-03,2\n2020-02,3\n', { time: 't' })).toThrow(
      'time column "t" (line 4): expected timestamps in increasing order, after 2020-03-01 (line 3), received 2020-02-01, which is earlier (unsorted)',
    );
    expect(() => parseCsv('t,v\n2020-01,1\n2020-02,2\n2020-02,3\n', { time: 't' })).toThrow(
      /time column "t" \(line 4\).*duplicated timestamp/,
    );
    expect(() => parseCsv('t,v\n2020-01,1\n2020-02,2\n2020-05,3\n2020-06,3\n', { time: 't' })).toThrow(
      'time column "t" (line 4): expected 2020-03-01, the monthly step after 2020-02-01 (line 3), received 2020-05-01: 2 missing timestamps',
    );
    // frequency: null skips the checks; an explicit frequency is checked
    expect(parseCsv('t,v\n2020-01,1\n2020-03,2\n', { time: 't', frequency: null }).frequency).toBeNull();
    expect(() => parseCsv(monthly, { time: 'month', frequency: { unit: 'quarter', step: 1 } })).toThrow(/off the quarterly grid/);
  });

  it('merges duplicates when asked: first, last or mean', () => {
    const text = 't,v\n2020-01-01,1\n2020-01-02,2\n2020-01-02,4\n2020-01-03,5\n';
    expect(Array.from(parseCsv(text, { time: 't', duplicates: 'first' }).columns.v!)).toEqual([1, 2, 5]);
    expect(Array.from(parseCsv(text, { time: 't', duplicates: 'last' }).columns.v!)).toEqual([1, 4, 5]);
    expect(Array.from(parseCsv(text, { time: 't', duplicates: 'mean' }).columns.v!)).toEqual([1, 3, 5]);
    // the mean of the values present; all missing stays missing (then the missing policy applies)
    const gappy = 't,v\n2020-01-01,1\n2020-01-02,\n2020-01-02,4\n2020-01-03,\n2020-01-03,NA\n2020-01-04,8\n';
    expect(Array.from(parseCsv(gappy, { time: 't', duplicates: 'mean', missing: 'interpolate' }).columns.v!)).toEqual([1, 4, 6, 8]);
  });

  describe('missing values', () => {
    const gappy = 't,a,b\n2020-01-01,1,10\n2020-01-02,,20\n2020-01-03,NA,\n2020-01-04,4,40\n2020-01-05,5,50\n';

    it("'error' (default) names the column, line and timestamp", () => {
      expect(() => parseCsv(gappy, { time: 't' })).toThrow(
        'column "a" (line 3, 2020-01-02): expected a number (or a missing policy: "drop", "forwardFill" or "interpolate"), received a missing value',
      );
    });

    it("'forwardFill', 'interpolate' (linear in time) and 'drop'", () => {
      const ff = parseCsv(gappy, { time: 't', missing: 'forwardFill' });
      expect(Array.from(ff.columns.a!)).toEqual([1, 1, 1, 4, 5]);
      expect(Array.from(ff.columns.b!)).toEqual([10, 20, 20, 40, 50]);
      const lin = parseCsv(gappy, { time: 't', missing: 'interpolate' });
      expect(Array.from(lin.columns.a!)).toEqual([1, 2, 3, 4, 5]);
      expect(Array.from(lin.columns.b!)).toEqual([10, 20, 30, 40, 50]);
      // interpolation follows time, not row order, when rows are unevenly spaced
      const uneven = parseCsv('t,v\n2020-01-01,0\n2020-01-02,\n2020-01-05,8\n', { time: 't', missing: 'interpolate', frequency: null });
      expect(Array.from(uneven.columns.v!)).toEqual([0, 2, 8]);
      // dropping rows leaves gaps, which the index check reports (use frequency: null to keep them)
      expect(() => parseCsv(gappy, { time: 't', missing: 'drop' })).toThrow(/time column "t" \(line 5\).*2 missing timestamps/);
      const dropped = parseCsv(gappy, { time: 't', missing: 'drop', frequency: null });
      expect(dates(dropped.time)).toEqual(['2020-01-01', '2020-01-04', '2020-01-05']);
      expect(Array.from(dropped.columns.b!)).toEqual([10, 40, 50]);
    });

    it('never invents values at the edges', () => {
      expect(() => parseCsv('t,v\n2020-01,\n2020-02,2\n', { time: 't', missing: 'forwardFill' })).toThrow(
        'column "v" (line 2, 2020-01-01): expected a value before the first missing one for "forwardFill", received a missing value at the start',
      );
      expect(() => parseCsv('t,v\n2020-01,1\n2020-02,\n', { time: 't', missing: 'interpolate' })).toThrow(
        'column "v" (line 3, 2020-02-01): expected a value after the last missing one for "interpolate", received missing values up to the end',
      );
    });

    it('custom missing tokens; anything else non-numeric is an error', () => {
      expect(Array.from(parseCsv('v\n1\n-\n3\n', { missing: 'interpolate', missingTokens: ['-'] }).columns.v!)).toEqual([1, 2, 3]);
      expect(() => parseCsv('v\n1\nNA\n', { missingTokens: ['-'] })).toThrow(
        'column "v" (line 3): expected a number or a missing-value token, received "NA"',
      );
    });
  });

  it("gaps: 'insert' adds rows of missing values at missing timestamps (CO2 has 5 missing months)", () => {
    const text = loadTimeSeriesCsv('co2-concentration');
    expect(() => parseCsv(text, { time: 'Date', columns: ['CO2'] })).toThrow(
      'time column "Date" (line 5): expected 1958-06-01, the monthly step after 1958-05-01 (line 4), received 1958-07-01: 1 missing timestamp',
    );
    expect(() => parseCsv(text, { time: 'Date', columns: ['CO2'], gaps: 'insert' })).toThrow(
      /column "CO2" \(a row inserted at a gap, 1958-06-01\): expected a number \(or a missing policy/,
    );
    const co2 = parseCsv(text, { time: 'Date', columns: ['CO2'], gaps: 'insert', missing: 'interpolate' });
    expect(co2.length).toBe(746);
    // linear in time: 1958-06-01 is 31 of the 61 days from 05-01 to 07-01
    expect(co2.columns.CO2![3]).toBeCloseTo(317.51 + (31 / 61) * (315.86 - 317.51), 10);
    expect(() => parseCsv(text, { time: 'Date', gaps: 'insert', missing: 'drop' })).toThrow(/gaps: expected "error" with missing: "drop"/);
  });

  it('the traffic file: repeated hours are an error until merged, then 27 missing hours are inserted and interpolated', () => {
    const text = loadTimeSeriesCsv('metro-traffic');
    expect(() => parseCsv(text, { time: 'date_time', columns: ['traffic_volume'] })).toThrow(
      /time column "date_time" \(line \d+\).*duplicated timestamp/,
    );
    expect(() => parseCsv(text, { time: 'date_time', columns: ['traffic_volume'], duplicates: 'first' })).toThrow(/missing timestamp/);
    const s = parseCsv(text, {
      time: 'date_time',
      columns: ['traffic_volume', 'temp'],
      duplicates: 'first',
      gaps: 'insert',
      missing: 'interpolate',
    });
    expect(s.frequency).toEqual({ unit: 'hour', step: 1 });
    expect(s.length).toBe(365 * 24);
    expect(dates(s.time).at(-1)).toBe('2018-09-30 23:00:00');
  });

  it('parses the shipped series', () => {
    const air = parseCsv(loadTimeSeriesCsv('airline-passengers'), { time: 'Month' });
    expect(air.length).toBe(144);
    expect(air.frequency).toEqual({ unit: 'month', step: 1 });
    expect(dates(air.time).at(-1)).toBe('1960-12-01');
    expect([air.columns.Passengers![0], air.columns.Passengers![143]]).toEqual([112, 432]);
    const sun = parseCsv(loadTimeSeriesCsv('sunspots-monthly'), { time: 'month' });
    expect(sun.length).toBe(3126);
    expect(dates(sun.time).slice(0, 1).concat(dates(sun.time).slice(-1))).toEqual(['1749-01-01', '2009-06-01']);
    expect([sun.columns.sunspots![0], sun.columns.sunspots![3125]]).toEqual([58, 2.6]);
    const power = parseCsv(loadTimeSeriesCsv('household-power-days'), { time: 'datetime' });
    expect([power.length, Object.keys(power.columns).length]).toEqual([1442, 8]);
    expect(power.frequency).toEqual({ unit: 'day', step: 1 });
    const weather = parseCsv(loadTimeSeriesCsv('seattle-weather'), { time: 'date', columns: ['temp_max', 'temp_min'] });
    expect(weather.length).toBe(1461);
  });
});
