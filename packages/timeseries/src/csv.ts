// CSV text to a TimeSeries. The tokenizer follows RFC 4180 (quoted fields, "" escapes, line breaks inside
// quotes, CRLF or LF); errors name the column and the file line (1-based, the header is line 1).
import { checkOneOf, InvalidArgumentError, raw, ShapeError } from '@rnn/core';
import { fillMissing, MISSING_POLICIES, type MissingPolicy, type TimeSeries } from './series.js';
import { addSteps, checkFrequency, checkTimeIndex, type Frequency, inferFrequency, parseTimestamp, stepsBetween } from './time.js';

export interface CsvRecord {
  fields: string[];
  /** File line where the record starts (1-based). */
  line: number;
}

/** Splits CSV text into records of fields. Blank lines are skipped; a byte-order mark is dropped. */
export function parseCsvRecords(text: string, delimiter = ','): CsvRecord[] {
  if (typeof text !== 'string') throw new InvalidArgumentError('text', 'CSV text (a string)', text);
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r')
    throw new InvalidArgumentError('delimiter', 'one character other than a quote or a line break', delimiter);
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let quotedField = false; // the current field was quoted (so an empty line is not an empty record)
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = (): void => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '' || quotedField) records.push({ fields, line: start });
    fields = [];
    field = '';
    quotedField = false;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field === '' && !quotedField) {
      quotedField = true;
      const opened = line;
      i++;
      for (;;) {
        if (i >= text.length)
          throw new InvalidArgumentError(
            `CSV line ${opened}`,
            'a closing quote for the quoted field opened on this line',
            raw('the end of the text'),
          );
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n') line++;
        field += q;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r')
        throw new InvalidArgumentError(`CSV line ${line}`, 'a delimiter or line end after a closing quote', next);
      continue;
    }
    if (c === delimiter) {
      fields.push(field);
      field = '';
      quotedField = false;
      i++;
    } else if (c === '\n' || c === '\r') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      start = line;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || fields.length > 0 || quotedField) endRecord();
  return records;
}

export interface CsvOptions {
  /** Field separator. Default ",". */
  delimiter?: string;
  /** true (default): the first record names the columns; or the column names of a file without a header. */
  header?: boolean | readonly string[];
  /** The date/time column (parsed with parseTime). Omit for a plain sequence without a time index. */
  time?: string;
  /** Numeric columns to keep, in this order. Default: every column but the time column. */
  columns?: readonly string[];
  /** Policy for missing cells (see MissingPolicy). Default 'error'. */
  missing?: MissingPolicy;
  /** Cell texts that mean "missing". Default "", "NA", "N/A", "NaN", "nan", "null", "NULL", "?". */
  missingTokens?: readonly string[];
  /** Timestamp parser for the time column (ms since 1970 UTC, NaN when invalid). Default parseTimestamp (ISO-like text). */
  parseTime?: (text: string) => number;
  /** 'infer' (default) infers the frequency and checks the index; a frequency checks against it; null skips the checks. */
  frequency?: Frequency | 'infer' | null;
  /** Rows sharing a timestamp: 'error' (default), or keep the 'first', the 'last', or the 'mean' of each column. */
  duplicates?: 'error' | 'first' | 'last' | 'mean';
  /** Missing timestamps: 'error' (default), or 'insert' rows of missing values there (then handled by `missing`). */
  gaps?: 'error' | 'insert';
}

const MISSING_TOKENS = ['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', '?'];
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses CSV text into a TimeSeries: picks the time and numeric columns, parses numbers strictly (a
 * non-numeric cell is an error naming its column and line), checks the time index (sorted, no duplicates,
 * no missing timestamps, one frequency) and applies the missing-value policy.
 */
export function parseCsv(text: string, options: CsvOptions = {}): TimeSeries {
  const records = parseCsvRecords(text, options.delimiter ?? ',');
  const hasHeader = options.header === undefined || options.header === true;
  if (options.header !== undefined && typeof options.header !== 'boolean' && !Array.isArray(options.header))
    throw new InvalidArgumentError('header', 'true, false or an array of column names', options.header);
  const header = hasHeader ? records.shift()?.fields.map((h) => h.trim()) : Array.isArray(options.header) ? [...options.header] : undefined;
  if (!header)
    throw new InvalidArgumentError(
      'header',
      hasHeader ? 'a header line' : 'column names (header: [...]) for a file without a header',
      raw('none'),
    );
  if (records.length === 0) throw new InvalidArgumentError('text', 'at least one data row', raw('none'));
  const missing = checkOneOf('missing', options.missing ?? 'error', MISSING_POLICIES);
  const duplicates = checkOneOf('duplicates', options.duplicates ?? 'error', ['error', 'first', 'last', 'mean'] as const);
  const gaps = checkOneOf('gaps', options.gaps ?? 'error', ['error', 'insert'] as const);
  if (missing === 'drop' && gaps === 'insert')
    throw new InvalidArgumentError('gaps', '"error" with missing: "drop" (inserted rows would be dropped again)', gaps);
  const tokens = new Set(options.missingTokens ?? MISSING_TOKENS);
  const indexOf = (name: string, argument: string): number => {
    const k = header.indexOf(name);
    if (k < 0) throw new InvalidArgumentError(argument, `one of the CSV columns ${header.map((h) => `"${h}"`).join(', ')}`, name);
    return k;
  };
  const timeCol = options.time === undefined ? -1 : indexOf(options.time, 'time');
  const names = options.columns ? [...options.columns] : header.filter((_, k) => k !== timeCol);
  if (names.length === 0) throw new InvalidArgumentError('columns', 'at least one numeric column', raw('none'));
  const cols = names.map((n, j) => indexOf(n, `columns[${j}]`));

  const n = records.length;
  const lines = records.map((r) => r.line);
  const values = names.map(() => new Float64Array(n));
  const time = timeCol >= 0 ? new Float64Array(n) : null;
  const parseTime = options.parseTime ?? parseTimestamp;
  records.forEach((r, i) => {
    if (r.fields.length !== header.length)
      throw new ShapeError(`CSV line ${r.line}`, `${header.length} fields (as the header)`, `${r.fields.length} fields`);
    if (time) {
      const cell = r.fields[timeCol]!;
      const t = parseTime(cell);
      if (!Number.isFinite(t)) throw new InvalidArgumentError(`time column "${options.time}" (line ${r.line})`, 'a date/time', cell);
      time[i] = t;
    }
    cols.forEach((k, j) => {
      const cell = r.fields[k]!.trim();
      if (tokens.has(cell)) values[j]![i] = Number.NaN;
      else if (NUMBER.test(cell)) values[j]![i] = Number(cell);
      else throw new InvalidArgumentError(`column "${names[j]}" (line ${r.line})`, 'a number or a missing-value token', cell);
    });
  });
  const columns = Object.fromEntries(names.map((name, j) => [name, values[j]!]));
  let series: TimeSeries = { time, frequency: null, columns, length: n };
  let rowLines: (number | null)[] = lines; // file line of each row; null for rows inserted at gaps
  const label = (row: number): string => (rowLines[row] == null ? 'a row inserted at a gap' : `line ${rowLines[row]}`);
  if (missing === 'drop') {
    const keep = Array.from({ length: n }, (_, i) => i).filter((i) => values.every((v) => !Number.isNaN(v[i]!)));
    series = fillMissing(series, 'drop');
    rowLines = keep.map((i) => lines[i]!);
  }
  if (time && options.frequency !== null) {
    const argument = `time column "${options.time}"`;
    if (duplicates !== 'error') ({ series, rowLines } = mergeDuplicates(series, rowLines, duplicates));
    const f =
      options.frequency === undefined || options.frequency === 'infer'
        ? inferFrequency(series.time!, argument)
        : checkFrequency('frequency', options.frequency);
    if (gaps === 'insert') ({ series, rowLines } = insertGaps(series, rowLines, f));
    checkTimeIndex(series.time!, f, { argument, rowLabel: label });
    series = { ...series, frequency: f };
  }
  return fillMissing(series, missing, label);
}

/** Merges runs of equal timestamps (the index must otherwise be sorted); 'mean' skips missing values. */
function mergeDuplicates(
  s: TimeSeries,
  lines: readonly (number | null)[],
  how: 'first' | 'last' | 'mean',
): { series: TimeSeries; rowLines: (number | null)[] } {
  const t = s.time!;
  const groups: number[][] = [];
  for (let i = 0; i < s.length; i++)
    if (i > 0 && t[i] === t[i - 1]) groups[groups.length - 1]!.push(i);
    else groups.push([i]);
  const columns = Object.fromEntries(
    Object.entries(s.columns).map(([name, c]) => [
      name,
      Float64Array.from(groups, (g) => {
        if (how === 'first') return c[g[0]!]!;
        if (how === 'last') return c[g[g.length - 1]!]!;
        const present = g.map((r) => c[r]!).filter((v) => !Number.isNaN(v)); // the mean of the values present
        return present.length ? present.reduce((a, v) => a + v, 0) / present.length : Number.NaN;
      }),
    ]),
  );
  return {
    series: { time: Float64Array.from(groups, (g) => t[g[0]!]!), frequency: s.frequency, columns, length: groups.length },
    rowLines: groups.map((g) => lines[g[0]!]!),
  };
}

/** Adds rows of missing values (NaN) at the timestamps missing from a sorted index. */
function insertGaps(s: TimeSeries, lines: readonly (number | null)[], f: Frequency): { series: TimeSeries; rowLines: (number | null)[] } {
  const t = s.time!;
  const rows: number[] = []; // source row, or -1 for an inserted one
  const times: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const steps = i > 0 ? (stepsBetween(t[i - 1]!, t[i]!, f) ?? 0) : 0; // off-grid and unsorted rows are left to the index check
    for (let k = 1; k < steps; k++) {
      rows.push(-1);
      times.push(addSteps(t[i - 1]!, f, k));
    }
    rows.push(i);
    times.push(t[i]!);
  }
  const columns = Object.fromEntries(
    Object.entries(s.columns).map(([name, c]) => [name, Float64Array.from(rows, (r) => (r < 0 ? Number.NaN : c[r]!))]),
  );
  return {
    series: { time: Float64Array.from(times), frequency: s.frequency, columns, length: rows.length },
    rowLines: rows.map((r) => (r < 0 ? null : lines[r]!)),
  };
}
