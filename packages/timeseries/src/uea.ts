// The UEA/UCR time-series archive text format (`.ts`, as written by sktime): `#` comments, `@` header tags,
// then after `@data` one case per line — each dimension's comma-separated values, dimensions separated by
// ':', the class label last. Cases may differ in length; the dimensions of one case may not.
import { InvalidArgumentError, raw, ShapeError, UnsupportedError } from '@rnn/core';
import type { Sequence } from './classifier.js';

export interface UeaDataset {
  problemName: string;
  /** Channels per time step. */
  dimensions: number;
  /** Labels as declared by @classLabel; `labels` index into this. */
  classNames: string[];
  /** Each case as [length, dimensions], time-major. */
  sequences: Sequence[];
  labels: Int32Array;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses `.ts` text; errors name the line. Time-stamped data and missing values ('?') are not supported. */
export function parseUea(text: string): UeaDataset {
  if (typeof text !== 'string') throw new InvalidArgumentError('text', 'UEA .ts text (a string)', text);
  const lines = text.split(/\r?\n/);
  const tags: Record<string, string> = {};
  let classNames: string[] | null = null;
  let dataLine = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!line.startsWith('@'))
      throw new InvalidArgumentError(`UEA line ${i + 1}`, 'a "#" comment or an "@" tag before @data', line.slice(0, 40));
    const [tag = '', ...rest] = line.slice(1).split(/\s+/);
    const key = tag.toLowerCase();
    if (key === 'data') {
      dataLine = i;
      break;
    }
    if (key === 'classlabel') {
      if (rest[0]?.toLowerCase() !== 'true')
        throw new UnsupportedError(`UEA line ${i + 1}`, '@classLabel true (classification data)', line);
      classNames = rest.slice(1);
    } else tags[key] = rest.join(' ');
  }
  if (dataLine < 0) throw new InvalidArgumentError('text', 'an @data line', raw('none'));
  if (!classNames || classNames.length === 0)
    throw new InvalidArgumentError('text', '@classLabel true followed by the class labels', raw('none'));
  if (tags.timestamps?.toLowerCase() === 'true')
    throw new UnsupportedError('@timeStamps', 'false (time-stamped values are not supported)', tags.timestamps);
  const declared = tags.dimensions === undefined ? null : Number(tags.dimensions);
  if (declared !== null && !(Number.isInteger(declared) && declared > 0))
    throw new InvalidArgumentError('@dimensions', 'a positive integer', tags.dimensions);
  const sequences: Sequence[] = [];
  const labels: number[] = [];
  let dimensions = declared;
  for (let i = dataLine + 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `UEA line ${i + 1}`;
    const parts = line.split(':');
    const label = parts.pop()!.trim();
    const k = classNames.indexOf(label);
    if (k < 0) throw new InvalidArgumentError(`${where} (label)`, `one of the @classLabel labels ${classNames.join(' ')}`, label);
    dimensions ??= parts.length;
    if (parts.length !== dimensions) throw new ShapeError(where, `${dimensions} dimensions`, `${parts.length} dimensions`);
    const channels = parts.map((p, d) =>
      p.split(',').map((v) => {
        const cell = v.trim();
        if (cell === '?') throw new UnsupportedError(`${where} (dimension ${d + 1})`, 'no missing values', cell);
        if (!NUMBER.test(cell)) throw new InvalidArgumentError(`${where} (dimension ${d + 1})`, 'a number', cell);
        return Number(cell);
      }),
    );
    const T = channels[0]!.length;
    channels.forEach((c, d) => {
      if (c.length !== T) throw new ShapeError(`${where} (dimension ${d + 1})`, `${T} values (as dimension 1)`, `${c.length} values`);
    });
    const values = new Float64Array(T * dimensions);
    for (let t = 0; t < T; t++) for (let d = 0; d < dimensions; d++) values[t * dimensions + d] = channels[d]![t]!;
    sequences.push({ length: T, values });
    labels.push(k);
  }
  if (sequences.length === 0) throw new InvalidArgumentError('text', 'at least one case after @data', raw('none'));
  return { problemName: tags.problemname ?? '', dimensions: dimensions!, classNames, sequences, labels: Int32Array.from(labels) };
}
